//! Thin HTTP handlers: extract, call a service, return. One file per resource.

pub mod auth;
pub mod credit;
pub mod customers;
pub mod disputes;
pub mod evidence;
pub mod exports;
pub mod feeds;
pub mod health;
pub mod imports;
pub mod lab;
pub mod lab_requests;
pub mod me;
pub mod oauth;
pub mod orders;
pub mod regrade;
pub mod report;
pub mod requests;
pub mod tasks;
pub mod watch;
pub mod workflow;
