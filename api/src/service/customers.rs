//! Finding and reading customers.
//!
//! Every role of a tenant may read its customers' credit summaries for now; per-owner
//! visibility for sales reps belongs to the authorisation policy (workflow issue).

use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    store::Store,
};
use credence_shared::{
    CustomerId,
    dto::{CustomerPage, CustomerSummary},
    search::{self, QueryError},
};
use serde::Deserialize;

pub const DEFAULT_PAGE: u32 = 20;
pub const MAX_PAGE: u32 = 50;

/// Query parameters of `GET /v1/customers`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// Part of a name (Chinese or English), the start of a unified social credit code, or
    /// a customer number. Without it, customers are listed by name.
    pub q: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 50 (default 20).
    pub limit: Option<u32>,
}

pub async fn find(
    store: &Store,
    who: &Principal,
    query: CustomerQuery,
) -> Result<CustomerPage, ApiError> {
    policy::require(who, Action::ReadCustomers)?;
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::field(
            "limit",
            format!("must be between 1 and {MAX_PAGE}"),
        ));
    }
    if let Some(cursor) = &query.cursor
        && (cursor.is_empty() || cursor.len() > 2048)
    {
        return Err(ApiError::field("cursor", "not a cursor this API issued"));
    }
    let cursor = query.cursor.as_deref();
    match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        None => Ok(store.list_customers(&who.tenant, cursor, limit).await?),
        Some(raw) => {
            let q = search::normalise_query(raw).map_err(|e| match e {
                QueryError::Empty | QueryError::TooLong => ApiError::field("q", e.to_string()),
            })?;
            Ok(store
                .search_customers(&who.tenant, &q, cursor, limit)
                .await?)
        }
    }
}

pub async fn get(
    store: &Store,
    who: &Principal,
    raw_id: &str,
) -> Result<CustomerSummary, ApiError> {
    policy::require(who, Action::ReadCustomers)?;
    // An id that cannot exist is simply not found: same answer as another tenant's id.
    let id = CustomerId::parse(raw_id).map_err(|_| ApiError::NotFound)?;
    store
        .get_customer(&who.tenant, &id)
        .await?
        .ok_or(ApiError::NotFound)
}
