//! The credit review queue: customers whose review is due within a number of days, or
//! overdue, read by date from the review index (never a scan), with their summaries.

use super::Ctx;
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use credence_shared::dto::{FieldError, ReviewItem, ReviewQueue};
use credence_shared::messages::code;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// Reviews due up to this many days ahead, overdue ones included (0 to 366; default 7).
    pub within: Option<i64>,
    /// At most this many customers (1 to 500; default 200).
    pub limit: Option<usize>,
}

/// `GET /v1/reviews` (risk, finance, approvers, admin).
pub async fn queue(
    ctx: &Ctx<'_>,
    who: &Principal,
    q: ReviewQuery,
) -> Result<ReviewQueue, ApiError> {
    policy::require(who, Action::ReadReviews)?;
    let within = q.within.unwrap_or(7);
    if !(0..=366).contains(&within) {
        return Err(ApiError::from(
            FieldError::new("within", code::NUMBER_RANGE, "0 to 366 days")
                .with("min", 0)
                .with("max", 366),
        ));
    }
    let limit = q.limit.unwrap_or(200);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::from(
            FieldError::new("limit", code::NUMBER_RANGE, "1 to 500")
                .with("min", 1)
                .with("max", 500),
        ));
    }
    let as_of = ctx.clock.today();
    let until = as_of + time::Duration::days(within);
    let (due, truncated) = ctx.store.reviews_due(&who.tenant, until, limit).await?;
    let ids: Vec<String> = due.iter().map(|(id, _)| id.to_string()).collect();
    let mut summaries: std::collections::HashMap<String, _> = ctx
        .store
        .get_customers(&who.tenant, &ids)
        .await?
        .into_iter()
        .map(|c| (c.id.to_string(), c))
        .collect();
    let items = due
        .into_iter()
        .filter_map(|(id, due)| {
            let customer = summaries.remove(id.as_str())?;
            Some(ReviewItem {
                customer,
                due,
                days_overdue: (as_of - due).whole_days(),
            })
        })
        .collect();
    Ok(ReviewQueue {
        as_of,
        until,
        items,
        truncated,
    })
}
