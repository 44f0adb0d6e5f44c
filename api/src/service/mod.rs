//! Use cases: the rules between a handler and the store (validation, authorisation).

pub mod customers;
