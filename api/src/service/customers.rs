//! Finding and reading customers.
//!
//! A sales rep sees only the customers they own; every other role sees all customers of its
//! tenant (`policy::may_see_customer`).

use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    service::Ctx,
    store::{credit::CreditRecord, file_owner::FileOwner},
};
use credence_shared::{
    CustomerId,
    dto::{CustomerPage, CustomerSummary},
    search::{self, QueryError},
};
use credence_shared::{dto::FieldError, messages::code};
use serde::Deserialize;
use tracing::instrument;

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

#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn find(
    ctx: &Ctx<'_>,
    who: &Principal,
    query: CustomerQuery,
) -> Result<CustomerPage, ApiError> {
    policy::require(who, Action::ReadCustomers)?;
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::from(
            FieldError::new(
                "limit",
                code::NUMBER_RANGE,
                format!("must be between 1 and {MAX_PAGE}"),
            )
            .with("min", 1)
            .with("max", MAX_PAGE),
        ));
    }
    if let Some(cursor) = &query.cursor
        && (cursor.is_empty() || cursor.len() > 2048)
    {
        return Err(crate::store::StoreError::BadCursor.into());
    }
    let q = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        None => None,
        Some(raw) => Some(search::normalise_query(raw).map_err(|e| {
            match e {
                QueryError::Empty => ApiError::field("q", code::SEARCH_EMPTY, e.to_string()),
                QueryError::TooLong => ApiError::from(
                    FieldError::new("q", code::TEXT_TOO_LONG, e.to_string())
                        .with("max", credence_shared::search::MAX_QUERY_CHARS),
                ),
            }
        })?),
    };
    // A sales rep sees only their own customers; the store reads on until the page is full.
    // Archived customers are kept (and read by number) but no longer listed or found.
    let keep = |c: &CustomerSummary| !c.archived && policy::may_see_customer(who, c.owner.as_ref());
    let cursor = query.cursor.as_deref();
    let store = ctx.store;
    Ok(match &q {
        None => {
            store
                .list_customers(&who.tenant, cursor, limit, &keep)
                .await?
        }
        Some(q) => {
            store
                .search_customers(&who.tenant, q, cursor, limit, &keep)
                .await?
        }
    })
}

#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn get(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
) -> Result<CustomerSummary, ApiError> {
    policy::require(who, Action::ReadCustomers)?;
    // The tenant's number or Credence's id (one maps to the other); one that does not exist
    // is simply not found: the same answer as another tenant's customer.
    let id = credence_shared::customer::customer_id_of(raw_id);
    visible_customer(ctx, who, &id).await
}

/// The customer, if it exists in the caller's tenant (404) and the caller may see it (403):
/// a role that reads customers, and for a sales rep, their own customer. Every ownership
/// check is also a role check, so a user without a role sees no customer, owned or not.
pub async fn visible_customer(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
) -> Result<CustomerSummary, ApiError> {
    policy::require(who, Action::ReadCustomers)?;
    let customer = ctx
        .store
        .get_customer(&who.tenant, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    policy::require_customer(who, customer.owner.as_ref())?;
    Ok(customer)
}

/// The customer's profile and credit file (`None`: not there), checked as
/// [`visible_customer`] checks, in one call. Without `with_profile` the file alone is one
/// `GetItem`: for a sales rep, whose own customer it must be, the owner the file carries
/// decides. The profile is read, in the same `BatchGetItem` as the file (`Some`), when it
/// is asked for, or when a rep's file carries no owner (a customer without a file yet, or
/// one written before files carried it).
pub async fn visible_file(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
    with_profile: bool,
) -> Result<(Option<CustomerSummary>, Option<CreditRecord>), ApiError> {
    policy::require(who, Action::ReadCustomers)?;
    if !with_profile {
        if policy::may_see_customer(who, None) {
            return Ok((None, ctx.store.get_credit(&who.tenant, id).await?));
        }
        if let Some(record) = ctx.store.get_credit(&who.tenant, id).await?
            && let FileOwner::Known(owner) = &record.owner
        {
            policy::require_customer(who, owner.as_ref())?;
            return Ok((None, Some(record)));
        }
    }
    let file = ctx.store.get_file(&who.tenant, id).await?;
    let customer = file.customer.ok_or(ApiError::NotFound)?;
    policy::require_customer(who, customer.owner.as_ref())?;
    Ok((Some(customer), file.credit))
}

/// Like [`visible_customer`] for callers that do not need the record: only a sales rep's
/// request pays for the read.
pub async fn require_visible(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
) -> Result<(), ApiError> {
    policy::require(who, Action::ReadCustomers)?;
    if policy::may_see_customer(who, None) {
        return Ok(());
    }
    visible_customer(ctx, who, id).await.map(|_| ())
}
