//! Integration and browser tests live in tests/tests.
