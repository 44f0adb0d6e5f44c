//! One module per route: sign-in, customer search (home), a customer, its master record
//! (`customer_edit`), a credit request, the
//! inbox, the alert centre, the collector's worklist, the portfolio dashboard, the credit
//! application, the blacklist, the audit trail, the scoring lab (`lab`), admin (its early-warning and collections
//! settings in `admin::watch`), and not found. The larger pages (`apply`, `admin`,
//! `customer`, `lab`) are folders, one file per part of the page.

pub mod admin;
pub mod alerts;
pub mod apply;
pub mod audit;
pub mod blacklist;
pub mod customer;
pub mod customer_edit;
pub mod dashboard;
pub mod evidence;
pub mod home;
mod import_progress;
pub mod imports;
pub mod inbox;
pub mod lab;
pub mod lazy;
pub mod not_found;
pub mod orders;
pub mod report;
pub mod request;
pub mod reviews;
pub mod signin;
pub mod worklist;
