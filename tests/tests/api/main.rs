//! API integration tests: the real Router, driven in-process, on a fresh table in
//! DynamoDB Local per test (`DYNAMODB_ENDPOINT`, started by `cargo xtask test`).

mod helpers;

mod admin_config;
mod approvals;
mod audit;
mod auth;
mod authorisation;
mod big_customer;
mod blacklist;
mod bounds;
mod challenger;
mod concurrency;
mod customer_master;
mod customers;
mod evidence;
mod exports;
mod fact_imports;
mod faults;
mod group_party_requests;
mod hostile;
mod import_cli;
mod imports;
mod inbox;
mod lab;
mod lambda;
mod ledger;
mod matrix_gate;
mod meta;
mod need_to_know;
mod oauth;
mod onboarding;
mod people;
mod prepayment_lift;
mod problems;
mod regrade;
mod replay;
mod requests;
mod rescore;
mod reviews;
mod secrets;
mod seed;
mod template;
mod watch;
mod watch_failures;
mod webhooks;
