//! Browser tests: the built app (`frontend/dist`, served with the API by `credence-local`)
//! driven in headless Chromium through chromedriver, at phone and laptop sizes.
//!
//! `cargo xtask test` starts everything and sets `CREDENCE_BASE_URL`, `CHROMEDRIVER_URL`
//! and `CREDENCE_SCREENSHOTS`; without them these tests fail rather than pass silently.
//! Every test runs once per size and saves a screenshot of what it checked.

mod helpers;

mod collections;
mod credit;
mod disputes;
mod evidence;
mod imports;
mod lab;
mod mfa;
mod navigation;
mod offline;
mod orders;
mod people;
mod regrade;
mod report;
mod reviews;
mod search;
mod signin;
mod tasks;
mod workflow;
