//! One module per route: sign-in, customer search (home), a customer, and not found.

pub mod customer;
pub mod home;
pub mod not_found;
pub mod signin;
