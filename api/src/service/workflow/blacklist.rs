//! The blacklist: the keys a party is kept under, the list, risk putting a party on it at
//! once (a customer of ours is put on hold in the same transaction), and taking a party off
//! it directly, which passes the approval matrix like a credit decision: a customer's removal
//! is otherwise a request (`blacklist_remove`), and an admin may override.

use super::{Ctx, decision::recompute_and_write, load_credit, to_value};
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    service::{
        credit::{self, backoff},
        gate::{self, Overridden},
        tenant::{self, audit},
    },
    store::{StoreError, credit::WriteConflict, workflow::WorkflowWrite},
};
use credence_shared::messages::code;
use credence_shared::{
    CustomerId, Usci,
    dto::{CustomerSummary, FieldError},
    search,
    workflow::{AuditEntity, BlacklistAdd, BlacklistEntry, BlacklistRemoval, RequestKind},
};
use serde::{Deserialize, Serialize};
use tracing::instrument;

/// The keys a party is blacklisted under: its code, and its normalised name.
pub(super) fn blacklist_keys(usci: Option<&Usci>, name: &str) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(u) = usci {
        keys.push(u.as_str().to_owned());
    }
    let n = search::normalise(name);
    if !n.is_empty() {
        keys.push(format!("NAME:{n}"));
    }
    keys
}

pub(super) fn blacklist_entry(
    customer: &CustomerSummary,
    reason: &str,
    source: &str,
    who: &Principal,
    on: time::Date,
) -> BlacklistEntry {
    BlacklistEntry {
        key: blacklist_keys(customer.usci.as_ref(), &customer.name)
            .into_iter()
            .next()
            .unwrap_or_else(|| format!("ID:{}", customer.id)),
        name: customer.name.clone(),
        usci: customer.usci.clone(),
        customer_id: Some(customer.id.clone()),
        reason: reason.trim().to_owned(),
        source: source.trim().to_owned(),
        added_on: on,
        added_by: who.username.clone(),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BlacklistList {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<BlacklistEntry>,
}

#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn blacklist(ctx: &Ctx<'_>, who: &Principal) -> Result<BlacklistList, ApiError> {
    policy::require(who, Action::ReadBlacklist)?;
    let mut items = ctx.store.blacklist(&who.tenant).await?;
    // A party is kept under its code and its name: list it once.
    items.retain(|e| !e.key.starts_with("NAME:") || e.usci.is_none());
    items.sort_by_key(|e| std::cmp::Reverse(e.added_on));
    Ok(BlacklistList { items })
}

/// What is wrong with an addition's reason (1 to 500 characters) and source (1 to 200).
fn reason_and_source_errors(body: &BlacklistAdd) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (field, v, max) in [("reason", &body.reason, 500), ("source", &body.source, 200)] {
        let n = v.trim().chars().count();
        if n == 0 || n > max {
            errors.push(
                FieldError::new(field, code::TEXT_LENGTH, format!("1 to {max} characters"))
                    .with("min", 1)
                    .with("max", max),
            );
        }
    }
    errors
}

/// `POST /v1/blacklist`: risk puts a party on the blacklist at once. A customer of ours is put
/// on hold and marked blacklisted in the same transaction.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn add_to_blacklist(
    ctx: &Ctx<'_>,
    who: &Principal,
    body: BlacklistAdd,
) -> Result<BlacklistEntry, ApiError> {
    policy::require(who, Action::AddToBlacklist)?;
    let errors = reason_and_source_errors(&body);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let today = ctx.clock.today();
    if let Some(raw) = body.customer_id.as_deref().filter(|s| !s.trim().is_empty()) {
        let id = CustomerId::parse(raw.trim()).map_err(|_| {
            ApiError::field("customer_id", code::CUSTOMER_UNKNOWN, "no such customer")
        })?;
        let customer = ctx
            .store
            .get_customer(&who.tenant, &id)
            .await?
            .ok_or_else(|| {
                ApiError::field("customer_id", code::CUSTOMER_UNKNOWN, "no such customer")
            })?;
        let entry = blacklist_entry(&customer, &body.reason, &body.source, who, today);
        for attempt in 0..credit::MAX_ATTEMPTS {
            let (engine, record) = load_credit(ctx, who, &id).await?;
            if record.state.decision.blacklisted {
                return Err(ApiError::conflict(
                    code::ALREADY_EXISTS,
                    "the customer is already on the blacklist",
                ));
            }
            let before = record.state.decision.clone();
            let mut decision = before.clone();
            decision.blacklisted = true;
            decision.on_hold = true;
            let why = format!("blacklisted: {}", entry.reason);
            let mut extra = Vec::new();
            for key in blacklist_keys(customer.usci.as_ref(), &customer.name) {
                let under = BlacklistEntry {
                    key,
                    ..entry.clone()
                };
                extra.push(WorkflowWrite::BlacklistPut(under));
            }
            extra.extend([
                WorkflowWrite::Audit(audit(
                    who,
                    ctx.clock,
                    AuditEntity::Blacklist,
                    &entry.key,
                    Some(&id),
                    "add",
                    None,
                    to_value(&entry),
                    &entry.reason,
                )),
                WorkflowWrite::Audit(audit(
                    who,
                    ctx.clock,
                    AuditEntity::CreditFile,
                    id.as_str(),
                    Some(&id),
                    "blacklist",
                    to_value(&before),
                    to_value(&decision),
                    &why,
                )),
            ]);
            match recompute_and_write(ctx, who, &engine, &customer, &record, decision, &why, extra)
                .await
            {
                Ok(()) => return Ok(entry),
                Err(WriteConflict::Version | WriteConflict::Duplicate) => backoff(attempt).await,
                Err(WriteConflict::Stale) => {
                    return Err(ApiError::conflict(
                        code::ALREADY_EXISTS,
                        "the party is already on the blacklist",
                    ));
                }
                Err(WriteConflict::Store(e)) => return Err(e.into()),
            }
        }
        return Err(ApiError::Unavailable(
            "the credit file is busy; try again".into(),
        ));
    }
    // A party that is not (yet) our customer: by code, or by name.
    let usci = match body
        .usci
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => Some(Usci::parse(raw).map_err(|e| ApiError::from(e.to_field_error("usci")))?),
        None => None,
    };
    let name = FieldError::required_text(
        "name",
        body.name.as_deref().unwrap_or(""),
        200,
        "give the party's name (1 to 200 characters)",
    )?;
    let key = blacklist_keys(usci.as_ref(), name)
        .into_iter()
        .next()
        .ok_or_else(|| {
            ApiError::field(
                "name",
                code::TEXT_NO_LETTERS,
                "give a name with letters or digits",
            )
        })?;
    let entry = BlacklistEntry {
        key,
        name: name.to_owned(),
        usci,
        customer_id: None,
        reason: body.reason.trim().to_owned(),
        source: body.source.trim().to_owned(),
        added_on: today,
        added_by: who.username.clone(),
    };
    let record = audit(
        who,
        ctx.clock,
        AuditEntity::Blacklist,
        &entry.key,
        None,
        "add",
        None,
        to_value(&entry),
        &entry.reason,
    );
    let mut writes = Vec::new();
    for key in blacklist_keys(entry.usci.as_ref(), &entry.name) {
        let under = BlacklistEntry {
            key,
            ..entry.clone()
        };
        writes.push(WorkflowWrite::BlacklistPut(under));
    }
    writes.push(WorkflowWrite::Audit(record));
    ctx.store
        .commit_workflow(&who.tenant, writes)
        .await
        .map_err(|e| match e {
            StoreError::ConditionFailed => ApiError::conflict(
                code::ALREADY_EXISTS,
                "the party is already on the blacklist",
            ),
            e => e.into(),
        })?;
    Ok(entry)
}

/// The keys an entry and its customer are kept under, each once.
pub(super) fn keys_to_remove(
    entry: &BlacklistEntry,
    customer: Option<&CustomerSummary>,
) -> Vec<String> {
    let mut keys = vec![entry.key.clone()];
    let more = blacklist_keys(entry.usci.as_ref(), &entry.name)
        .into_iter()
        .chain(
            customer
                .map(|c| blacklist_keys(c.usci.as_ref(), &c.name))
                .unwrap_or_default(),
        );
    for key in more {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// The entry kept under `key` (trimmed), if any.
pub(super) async fn entry_by_key(
    ctx: &Ctx<'_>,
    who: &Principal,
    key: &str,
) -> Result<Option<BlacklistEntry>, ApiError> {
    let key = key.trim();
    // Within DynamoDB's key size (a name of 200 characters takes up to 800 bytes).
    if !(1..=900).contains(&key.len()) {
        return Ok(None);
    }
    let found = ctx
        .store
        .blacklist_lookup(&who.tenant, &[key.to_owned()])
        .await?;
    Ok(found.into_iter().next())
}

/// `POST /v1/blacklist/removals`: takes a party off the blacklist at once when the tenant's
/// approval matrix gives `blacklist_remove` to the caller alone. Otherwise it is refused
/// (403 `forbidden.needs_approval` naming the rule: file a request), except that an admin
/// may override a *customer's* removal: audited as `override`, with a `blacklist_override`
/// alert for risk and the approvers on the customer. A party that is no customer has no
/// credit to unblock, so nothing is urgent enough to override: an admin files a request too. A customer's
/// credit file is marked off the blacklist in the same transaction (a hold stays).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn remove_from_blacklist(
    ctx: &Ctx<'_>,
    who: &Principal,
    body: BlacklistRemoval,
) -> Result<(), ApiError> {
    policy::require(who, Action::RemoveFromBlacklist)?;
    let reason = tenant::reason_ok(&body.reason)?;
    let entry = entry_by_key(ctx, who, &body.key)
        .await?
        .ok_or(ApiError::NotFound)?;
    let matrix = tenant::matrix(ctx.store, &who.tenant).await?;
    let Some(id) = entry.customer_id.clone() else {
        // A party that is not our customer has no credit to unblock, so nothing is urgent
        // enough for an override: beyond the caller alone it is a request, an admin's too.
        let routed =
            gate::blocking_rules(&matrix, who, &[(RequestKind::BlacklistRemove, None)], None);
        if !routed.is_empty() {
            return Err(ApiError::Refused {
                code: code::NEEDS_APPROVAL,
                detail: format!(
                    "the approval matrix routes this through {}: file a request (POST \
                     /v1/blacklist/requests); a party that is not a customer has no credit to \
                     unblock, so there is no override",
                    routed.join("; ")
                ),
            });
        }
        let mut writes: Vec<WorkflowWrite> = keys_to_remove(&entry, None)
            .into_iter()
            .map(|k| {
                if k == entry.key {
                    WorkflowWrite::BlacklistTake(k)
                } else {
                    WorkflowWrite::BlacklistDelete(k)
                }
            })
            .collect();
        writes.push(WorkflowWrite::Audit(audit(
            who,
            ctx.clock,
            AuditEntity::Blacklist,
            &entry.key,
            None,
            "remove",
            to_value(&entry),
            None,
            reason,
        )));
        return ctx
            .store
            .commit_workflow(&who.tenant, writes)
            .await
            .map_err(|e| match e {
                StoreError::ConditionFailed => ApiError::NotFound,
                e => e.into(),
            });
    };
    let customer = ctx
        .store
        .get_customer(&who.tenant, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    for attempt in 0..credit::MAX_ATTEMPTS {
        let (engine, record) = load_credit(ctx, who, &id).await?;
        let grade = Some(record.state.assessment.grade);
        let routed =
            gate::blocking_rules(&matrix, who, &[(RequestKind::BlacklistRemove, None)], grade);
        gate::refuse_unless_admin(
            who,
            &routed,
            &format!("file a request (POST /v1/customers/{id}/requests, type blacklist_remove)"),
        )?;
        let action = if routed.is_empty() {
            "remove"
        } else {
            "override"
        };
        let before = record.state.decision.clone();
        let mut decision = before.clone();
        decision.blacklisted = false;
        let why = format!("off the blacklist: {reason}");
        let mut extra: Vec<WorkflowWrite> = keys_to_remove(&entry, Some(&customer))
            .into_iter()
            .map(WorkflowWrite::BlacklistDelete)
            .collect();
        extra.push(WorkflowWrite::Audit(audit(
            who,
            ctx.clock,
            AuditEntity::Blacklist,
            &entry.key,
            Some(&id),
            action,
            to_value(&entry),
            None,
            reason,
        )));
        extra.push(WorkflowWrite::Audit(audit(
            who,
            ctx.clock,
            AuditEntity::CreditFile,
            id.as_str(),
            Some(&id),
            action,
            to_value(&before),
            to_value(&decision),
            &why,
        )));
        if !routed.is_empty() {
            let (alert, expected) = gate::override_alert(
                ctx,
                who,
                Overridden::BlacklistRemoval,
                (&customer.id, &customer.name),
                &routed,
                reason,
            )
            .await?;
            extra.push(WorkflowWrite::Alert { alert, expected });
        }
        match recompute_and_write(ctx, who, &engine, &customer, &record, decision, &why, extra)
            .await
        {
            Ok(()) => return Ok(()),
            Err(WriteConflict::Version | WriteConflict::Duplicate | WriteConflict::Stale) => {
                backoff(attempt).await
            }
            Err(WriteConflict::Store(e)) => return Err(e.into()),
        }
    }
    Err(ApiError::Unavailable(
        "the credit file is busy; try again".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::workflow::tests::{TODAY, customer, principal};
    use credence_shared::Role;

    #[test]
    fn a_party_is_blacklisted_under_its_code_and_its_normalised_name() {
        // Arrange
        let usci = Usci::parse("91350100M000100Y43").expect("valid code");
        // Act
        let keys = blacklist_keys(Some(&usci), "Xiamen Harbour, Ltd.");
        // Assert
        assert_eq!(keys, ["91350100M000100Y43", "NAME:xiamenharbourltd"]);
    }

    #[test]
    fn a_party_without_a_code_or_a_name_with_letters_has_only_the_keys_it_can_have() {
        // Act
        let by_name = blacklist_keys(None, "厦门 港务");
        let none = blacklist_keys(None, " ,. ");
        // Assert
        assert_eq!(by_name, ["NAME:厦门港务"]);
        assert!(none.is_empty());
    }

    #[test]
    fn a_customer_s_entry_is_kept_under_its_code_with_the_reason_and_source_trimmed() {
        // Arrange
        let who = principal(Role::Risk);
        let customer = customer();
        // Act
        let entry = blacklist_entry(&customer, "  fraud ", " court ruling ", &who, TODAY);
        // Assert
        assert_eq!(entry.key, "91350100M000100Y43");
        assert_eq!(entry.customer_id.as_ref(), Some(&customer.id));
        assert_eq!(entry.reason, "fraud");
        assert_eq!(entry.source, "court ruling");
        assert_eq!(entry.added_on, TODAY);
        assert_eq!(entry.added_by, "li.na");
    }

    #[test]
    fn a_customer_without_a_code_or_a_usable_name_is_kept_under_its_id() {
        // Arrange
        let who = principal(Role::Risk);
        let customer = CustomerSummary {
            usci: None,
            name: "...".into(),
            ..customer()
        };
        // Act
        let entry = blacklist_entry(&customer, "fraud", "court", &who, TODAY);
        // Assert
        assert_eq!(entry.key, "ID:C1001");
    }

    #[test]
    fn an_addition_needs_a_reason_and_a_source_of_bounded_length() {
        // Arrange
        let add = |reason: &str, source: &str| BlacklistAdd {
            customer_id: None,
            usci: None,
            name: Some("Xiamen Harbour".into()),
            reason: reason.into(),
            source: source.into(),
        };
        // Act
        let fine = reason_and_source_errors(&add("fraud", "court"));
        let blank = reason_and_source_errors(&add("   ", "court"));
        let too_long = reason_and_source_errors(&add("fraud", &"x".repeat(201)));
        // Assert
        assert!(fine.is_empty());
        assert_eq!(blank.len(), 1);
        assert_eq!(blank[0].field, "reason");
        assert_eq!(blank[0].message, "1 to 500 characters");
        assert_eq!(too_long.len(), 1);
        assert_eq!(too_long[0].field, "source");
        assert_eq!(too_long[0].message, "1 to 200 characters");
    }
}
