//! Credence's shared core: domain types, wire DTOs and input validation.
//!
//! Invariant: pure. No I/O, no async runtime, no AWS, no browser APIs. It compiles
//! for `wasm32-unknown-unknown` and native, and gives the same answer on both.

pub mod bounds;
pub mod credit;
pub mod customer;
pub mod document;
pub mod dto;
pub mod engine;
pub mod export;
pub mod ids;
pub mod import;
pub mod lab;
pub mod messages;
pub mod money;
pub mod orders;
pub mod preview;
pub mod report;
pub mod role;
pub mod search;
pub mod secret;
pub mod usci;
pub mod watch;
pub mod workflow;

pub use ids::{CustomerId, IdError, TenantId, UserId};
pub use money::{Currency, CurrencyError, Money};
pub use role::{Grade, Role};
pub use usci::{Usci, UsciError};
