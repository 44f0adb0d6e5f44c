//! Use cases: the rules between a handler and the store (validation, authorisation).

pub mod credit;
pub mod customers;
pub mod ledger;
pub mod tenant;
pub mod watch;
pub mod workflow;
