//! Unit tests of the workflow service's pure helpers.
