//! API integration tests: the real Router, driven in-process, on a fresh table in
//! DynamoDB Local per test (`DYNAMODB_ENDPOINT`, started by `cargo xtask test`).

mod helpers;

mod auth;
mod authorisation;
mod customers;
mod lambda;
mod ledger;
mod meta;
mod problems;
mod seed;
mod template;
mod watch;
mod workflow;
