//! Customer groups: a shared limit its members' orders are checked against as well as their
//! own. Setting a group's limit (creating a group sets one) passes the approval matrix like
//! a customer's limit: the matrix's limit rules, by amount, without a grade.

use super::{
    Ctx,
    credit::{MAX_ATTEMPTS, backoff, load_or_init},
    gate::{self, Overridden},
};
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    store::{
        StoreError,
        credit::{CreditWrite, SummaryUpdate, WriteConflict},
        groups::{GroupRecord, GroupWrite},
    },
};
use credence_shared::{
    CustomerId, Money, bounds,
    credit::GroupRequest,
    dto::{CustomerSummary, FieldError},
    engine::metrics,
    messages::code,
    workflow::{AuditEntity, RequestKind},
};
use rust_decimal::Decimal;
use tracing::instrument;

/// Longest group id and name.
const MAX_GROUP_ID: usize = 64;

/// The change of limit a group write makes, as the matrix routes it: none when the limit
/// stays; a decrease when it is lowered in the same currency; else an increase (a new group
/// counts as one, from nothing).
pub(crate) fn limit_change(
    before: Option<&GroupRecord>,
    limit: Money,
) -> Option<(RequestKind, Decimal)> {
    match before {
        Some(g) if g.limit == limit => None,
        Some(g) if g.limit.currency == limit.currency && limit.amount < g.limit.amount => {
            Some((RequestKind::LimitDecrease, limit.amount))
        }
        _ => Some((RequestKind::LimitIncrease, limit.amount)),
    }
}

/// Whether `group` can be a group's id: 1 to 64 of `A-Z a-z 0-9 - _`.
pub(crate) fn valid_group_id(group: &str) -> bool {
    !group.is_empty()
        && group.len() <= MAX_GROUP_ID
        && group
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn check_request(group: &str, request: &GroupRequest) -> Result<(), ApiError> {
    if !valid_group_id(group) {
        return Err(ApiError::from(
            FieldError::new("group", code::TEXT_PATTERN, "1 to 64 of A-Z a-z 0-9 - _")
                .with("min", 1)
                .with("max", 64)
                .with("allowed", "A-Z a-z 0-9 - _"),
        ));
    }
    FieldError::required_text(
        "name",
        &request.name,
        200,
        "give a name of 1 to 200 characters",
    )?;
    if request.limit.amount.is_sign_negative() {
        return Err(ApiError::field(
            "limit.amount",
            code::NUMBER_NEGATIVE,
            "must be zero or more",
        ));
    }
    bounds::check_amount(request.limit.amount).map_err(|e| ApiError::from(e.at("limit.amount")))?;
    Ok(())
}

/// The reason given (trimmed), which an override must have: 1 to 500 characters.
fn reason_of(request: &GroupRequest, required: bool) -> Result<String, ApiError> {
    match request.reason.as_deref().unwrap_or("") {
        given if required || !given.trim().is_empty() => {
            Ok(super::tenant::reason_ok(given)?.to_owned())
        }
        _ => Ok(String::new()),
    }
}

/// `PUT /v1/groups/{group}` (risk, approver, admin): sets the group's name and limit and adds
/// members. A limit the tenant's approval matrix gives to more than the caller is refused
/// (403 `forbidden.needs_approval`), unless an admin overrides it with a reason: audited as
/// `override`, with a `group_override` alert for risk and the approvers on every member.
/// Each member's current exposure joins the group's in the same guarded write as the
/// membership, so the group total stays exact.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, group = %group))]
pub async fn put_group(
    ctx: &Ctx<'_>,
    who: &Principal,
    group: &str,
    request: GroupRequest,
) -> Result<(), ApiError> {
    policy::require(who, Action::ManageGroups)?;
    check_request(group, &request)?;
    let name = request.name.trim();
    let store = ctx.store;
    let mut members: Vec<CustomerSummary> = Vec::new();
    for (i, raw) in request.members.iter().enumerate() {
        let unknown = || {
            ApiError::field(
                format!("members[{i}]"),
                code::CUSTOMER_UNKNOWN,
                "unknown customer",
            )
        };
        let id = CustomerId::parse(raw).map_err(|_| unknown())?;
        let customer = store
            .get_customer(&who.tenant, &id)
            .await?
            .ok_or_else(unknown)?;
        if !members.iter().any(|m| m.id == customer.id) {
            members.push(customer);
        }
    }
    let before = store.get_group(&who.tenant, group).await?;
    // The same group sent again (an ERP or a double tap) changes nothing and writes nothing,
    // not even an audit entry.
    let unchanged = before.as_ref().is_some_and(|g| {
        g.name == name
            && g.limit == request.limit
            && members.iter().all(|m| g.members.contains(&m.id))
    });
    if unchanged {
        return Ok(());
    }
    let matrix = super::tenant::matrix(store, &who.tenant).await?;
    let changes: Vec<_> = limit_change(before.as_ref(), request.limit)
        .map(|(kind, amount)| (kind, Some(amount)))
        .into_iter()
        .collect();
    let routed = gate::blocking_rules(&matrix, who, &changes, None);
    gate::refuse_unless_admin(
        who,
        &routed,
        &format!(
            "file a request (POST /v1/groups/{group}/requests, type limit; a new group is created with a limit you may set alone first)"
        ),
    )?;
    let overriding = !routed.is_empty();
    let reason = reason_of(&request, overriding)?;
    let mut alerts = Vec::new();
    if overriding {
        let mut told = members.clone();
        for id in before.iter().flat_map(|g| &g.members) {
            if !told.iter().any(|m| &m.id == id)
                && let Some(customer) = store.get_customer(&who.tenant, id).await?
            {
                told.push(customer);
            }
        }
        for m in &told {
            alerts.push(
                gate::override_alert(
                    ctx,
                    who,
                    Overridden::GroupLimit,
                    (&m.id, &m.name),
                    &routed,
                    &reason,
                )
                .await?,
            );
        }
    }
    let shown = |name: &str, limit: Money| serde_json::json!({ "name": name, "limit": limit });
    let entry = super::tenant::audit(
        who,
        ctx.clock,
        AuditEntity::Group,
        group,
        None,
        if overriding { "override" } else { "put" },
        before.as_ref().map(|g| shown(&g.name, g.limit)),
        Some(shown(name, request.limit)),
        &reason,
    );
    let write = GroupWrite {
        name,
        limit: request.limit,
        seen: before.as_ref().map(|g| g.version),
        audit: &entry,
        alerts: &alerts,
    };
    store
        .put_group(&who.tenant, group, write)
        .await
        .map_err(|e| match e {
            StoreError::ConditionFailed => {
                ApiError::stale("the group changed at the same moment; reload and try again")
            }
            e => e.into(),
        })?;
    for customer in members {
        join(ctx, who, group, &customer.id).await?;
    }
    Ok(())
}

/// Makes `id` a member of `group`: its exposure joins the group's in the guarded write that
/// records the membership on its credit file, then the group lists it.
async fn join(
    ctx: &Ctx<'_>,
    who: &Principal,
    group: &str,
    id: &CustomerId,
) -> Result<(), ApiError> {
    let engine = &ctx.engine(&who.tenant).await?;
    let (store, clock) = (ctx.store, ctx.clock);
    for attempt in 0..MAX_ATTEMPTS {
        let record = load_or_init(ctx, engine, who, id).await?;
        match &record.state.group {
            Some(g) if g == group => break,
            Some(other) => {
                return Err(ApiError::conflict(
                    code::ALREADY_EXISTS,
                    format!("customer {id} already belongs to group {other}"),
                ));
            }
            None => {}
        }
        let mut state = record.state.clone();
        state.group = Some(group.to_owned());
        let exposure = metrics::exposure(&state.open_items, engine.policy.exposure()).amount;
        let file = state
            .decision
            .effective_file(&state.recommendation, clock.today());
        let summary = SummaryUpdate {
            grade: state.assessment.grade,
            credit_limit: file.limit,
            exposure: Money::new(exposure, state.currency),
            overdue: metrics::aging(&state.open_items, clock.today()).overdue(),
            oldest_overdue_days: metrics::oldest_overdue_days(&state.open_items, clock.today()),
            terms_days: u32::from(file.terms_days),
            on_hold: file.on_hold,
            blacklisted: file.blacklisted,
        };
        let write = CreditWrite {
            expected: crate::store::credit::CreditRecord::expected(Some(&record)),
            state,
            summary,
            new_entries: Vec::new(),
            ledger: None,
            history: None,
            blocked: Vec::new(),
            group_delta: Some((group.to_owned(), exposure)),
            profile_owner: None,
            extra: Vec::new(),
        };
        match store
            .write_credit(&who.tenant, id, &write, &clock.stamp())
            .await
        {
            Ok(_) => break,
            Err(WriteConflict::Version | WriteConflict::Duplicate | WriteConflict::Stale) => {
                backoff(attempt).await
            }
            Err(WriteConflict::Store(e)) => return Err(e.into()),
        }
    }
    // A set: recording it again (a retried PUT) changes nothing.
    store.add_group_member(&who.tenant, group, id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::Currency;

    fn cny(amount: i64) -> Money {
        Money::new(
            Decimal::from(amount),
            Currency::parse("CNY").expect("a currency"),
        )
    }

    fn group(limit: Money) -> GroupRecord {
        GroupRecord {
            name: "Hengtong".into(),
            limit,
            exposure: Decimal::ZERO,
            members: Vec::new(),
            version: 3,
        }
    }

    #[test]
    fn a_new_group_sets_its_limit_as_an_increase_from_nothing() {
        // Act
        let change = limit_change(None, cny(500_000));
        // Assert
        assert_eq!(
            change,
            Some((RequestKind::LimitIncrease, Decimal::from(500_000)))
        );
    }

    #[test]
    fn a_lower_limit_is_a_decrease_a_higher_one_an_increase_and_the_same_one_no_change() {
        // Arrange
        let before = group(cny(300_000));
        // Act
        let lower = limit_change(Some(&before), cny(100_000));
        let higher = limit_change(Some(&before), cny(900_000));
        let same = limit_change(Some(&before), cny(300_000));
        // Assert
        assert_eq!(
            lower,
            Some((RequestKind::LimitDecrease, Decimal::from(100_000)))
        );
        assert_eq!(
            higher,
            Some((RequestKind::LimitIncrease, Decimal::from(900_000)))
        );
        assert_eq!(same, None);
    }

    #[test]
    fn a_limit_in_another_currency_is_routed_as_an_increase() {
        // Arrange
        let before = group(cny(300_000));
        let usd = Money::new(
            Decimal::from(10),
            Currency::parse("USD").expect("a currency"),
        );
        // Act
        let change = limit_change(Some(&before), usd);
        // Assert
        assert_eq!(
            change,
            Some((RequestKind::LimitIncrease, Decimal::from(10)))
        );
    }
}
