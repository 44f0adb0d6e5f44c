//! Credence's HTTP API: one axum [`Router`](axum::Router) built by [`router::router`], shared by
//! the Lambda binary (`api`), the local dev server (`credence-local`) and the tests.
//!
//! Layers: `routes` (thin handlers) → `service` (rules, authorisation) → `store` (the only
//! code that talks to DynamoDB). Errors are [`error::ApiError`], mapped to RFC 9457 in one place.

pub mod admin_cli;
pub mod auth;
pub mod aws;
pub mod clock;
pub mod directory;
pub mod egress;
pub mod error;
pub mod export;
pub mod extract;
pub mod import_cli;
pub mod lambda;
pub mod mail;
pub mod pdf;
pub mod router;
pub mod routes;
pub mod seed;
pub mod service;
pub mod settings;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod watcher;

pub use router::router;
pub use settings::Settings;
pub use state::AppState;
