//! One module per route: sign-in, customer search (home), a customer, a credit request, the
//! inbox, the credit application, the blacklist, the audit trail, admin, and not found.

pub mod admin;
pub mod apply;
pub mod audit;
pub mod blacklist;
pub mod customer;
pub mod home;
pub mod inbox;
pub mod not_found;
pub mod request;
pub mod signin;
