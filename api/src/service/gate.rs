//! The approval-matrix gate on direct changes (credit decisions, group limits, blacklist
//! removals): which of a change's parts the tenant's matrix gives to more people than the
//! caller, the refusal a non-admin gets, and the alert an admin's override raises for risk
//! and the approvers (written in the change's transaction).

use super::Ctx;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::store::credit::CreditState;
use credence_shared::credit::DecisionRequest;
use credence_shared::messages::code;
use credence_shared::watch::Alert;
use credence_shared::workflow::{ApprovalMatrix, Change, RequestKind};
use credence_shared::{CustomerId, Grade, Role};
use rust_decimal::Decimal;
use time::Date;

/// The rules of `matrix` that route the changes (kind and amount) through more than `who`
/// alone, in words ("'Credit up to 1M' (risk, then approver)"); empty when `who` alone may
/// take them all.
pub(super) fn blocking_rules(
    matrix: &ApprovalMatrix,
    who: &Principal,
    changes: &[(RequestKind, Option<Decimal>)],
    grade: Option<Grade>,
) -> Vec<String> {
    changes
        .iter()
        .filter_map(|&(kind, amount)| {
            let rule = matrix.route(kind, amount, grade);
            let alone = rule.steps.len() == 1 && who.roles.contains(&rule.steps[0].role);
            (!alone).then(|| {
                let roles: Vec<&str> = rule.steps.iter().map(|s| s.role.as_str()).collect();
                format!("'{}' ({})", rule.name, roles.join(", then "))
            })
        })
        .collect()
}

/// Whether `routed` stops `who`: a non-admin is refused (403 `forbidden.needs_approval`
/// naming the rules, and `instead` says what to do); an admin overrides.
pub(super) fn refuse_unless_admin(
    who: &Principal,
    routed: &[String],
    instead: &str,
) -> Result<(), ApiError> {
    if routed.is_empty() || who.roles.contains(&Role::Admin) {
        return Ok(());
    }
    Err(ApiError::Refused {
        code: code::NEEDS_APPROVAL,
        detail: format!(
            "the approval matrix routes this through {}: {instead}; only an admin may override",
            routed.join("; ")
        ),
    })
}

/// The matrix rules a direct decision needs more than `who` for, in words ("Credit up to
/// 1M (risk, then approver)"); empty when `who` alone may take every change it makes.
/// Placing a hold is not routed: it only protects (as the watcher's automatic holds do).
pub(super) async fn matrix_routes(
    ctx: &Ctx<'_>,
    who: &Principal,
    state: &CreditState,
    request: &DecisionRequest,
    as_of: Date,
) -> Result<Vec<String>, ApiError> {
    let mut changes = Vec::new();
    if let Some(limit) = request.limit {
        changes.push(Change::Limit { limit });
    }
    if let (Some(limit), Some(until)) = (request.temporary_limit, request.temporary_until) {
        changes.push(Change::TemporaryLimit { limit, until });
    }
    if let Some(terms_days) = request.terms_days {
        changes.push(Change::TermsChange { terms_days });
    }
    if request.on_hold == Some(false) && state.decision.on_hold {
        changes.push(Change::HoldRelease);
    }
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let matrix = super::tenant::matrix(ctx.store, &who.tenant).await?;
    let current = state
        .decision
        .effective_file(&state.recommendation, as_of)
        .limit
        .amount;
    let changes: Vec<_> = changes
        .iter()
        .map(|c| (c.kind(Some(current)), c.amount().map(|m| m.amount)))
        .collect();
    Ok(blocking_rules(
        &matrix,
        who,
        &changes,
        Some(state.assessment.grade),
    ))
}

/// What an admin overrode: each has its own alert rule, so one does not hide another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Overridden {
    CreditDecision,
    GroupLimit,
    BlacklistRemoval,
}

impl Overridden {
    /// The alert's rule id (the app words it from this id).
    pub(super) fn rule_id(self) -> &'static str {
        match self {
            Overridden::CreditDecision => "credit_override",
            Overridden::GroupLimit => "group_override",
            Overridden::BlacklistRemoval => "blacklist_override",
        }
    }

    fn rule_name(self) -> &'static str {
        match self {
            Overridden::CreditDecision => "Credit decision overridden by an admin",
            Overridden::GroupLimit => "Group limit overridden by an admin",
            Overridden::BlacklistRemoval => "Blacklist removal overridden by an admin",
        }
    }
}

/// The alert on customer `id` that tells risk and the approvers of an admin's override
/// (opened, or raised again on an open one) and the version it must be written over, for
/// the change's transaction.
pub(super) async fn override_alert(
    ctx: &Ctx<'_>,
    who: &Principal,
    what: Overridden,
    (id, name): (&CustomerId, &str),
    routed: &[String],
    reason: &str,
) -> Result<(Alert, Option<u64>), ApiError> {
    use credence_shared::watch::{AlertAction, AlertEvent, AlertStatus, Figure, Severity};
    let now = ctx.clock.now();
    let existing = ctx.store.alert(&who.tenant, id, what.rule_id()).await?;
    let event = |action, level| AlertEvent {
        at: now,
        action,
        by: who.username.clone(),
        level,
        note: reason.to_owned(),
    };
    let figures = vec![Figure {
        name: "bypassed_rules".into(),
        value: routed.join("; "),
    }];
    let (alert, expected) = match existing {
        Some((version, alert)) => {
            let mut alert = alert.raised_again(figures, (&who.username, reason), now);
            alert.version = version + 1;
            (alert, Some(version))
        }
        None => (
            Alert {
                customer_id: id.clone(),
                customer_name: name.to_owned(),
                rule_id: what.rule_id().into(),
                rule_name: what.rule_name().into(),
                severity: Severity::High,
                level: 1,
                figures,
                owner: None,
                notify: vec![Role::Risk, Role::Approver],
                status: AlertStatus::Open,
                opened_at: now,
                updated_at: now,
                events: vec![event(AlertAction::Opened, 1)],
                version: 1,
            },
            None,
        ),
    };
    Ok((alert, expected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::{TenantId, UserId};

    fn as_role(role: Role) -> Principal {
        Principal {
            user_id: UserId::parse("u-1").expect("valid user id"),
            username: "li.na".into(),
            tenant: TenantId::parse("acme").expect("valid tenant id"),
            roles: vec![role],
            scopes: Vec::new(),
            withheld: Vec::new(),
        }
    }

    fn routed(role: Role, kind: RequestKind, amount: Option<i64>) -> Vec<String> {
        blocking_rules(
            &ApprovalMatrix::default_matrix(),
            &as_role(role),
            &[(kind, amount.map(Decimal::from))],
            None,
        )
    }

    #[test]
    fn a_change_the_matrix_gives_to_the_caller_alone_is_not_routed() {
        // Act
        let small = routed(Role::Risk, RequestKind::LimitIncrease, Some(80_000));
        let cut = routed(Role::Risk, RequestKind::LimitDecrease, Some(1));
        // Assert
        assert!(small.is_empty(), "{small:?}");
        assert!(cut.is_empty(), "{cut:?}");
    }

    #[test]
    fn a_change_for_two_people_or_for_another_role_names_its_rule_and_steps() {
        // Act
        let big = routed(Role::Risk, RequestKind::LimitIncrease, Some(500_000));
        let removal = routed(Role::Risk, RequestKind::BlacklistRemove, None);
        let not_theirs = routed(Role::Approver, RequestKind::LimitIncrease, Some(80_000));
        // Assert
        assert_eq!(big, ["'Credit up to 1M' (risk, then approver)"]);
        assert_eq!(removal, ["'Blacklist: remove' (risk, then approver)"]);
        assert_eq!(not_theirs, ["'Credit up to 100k' (risk)"]);
    }

    #[test]
    fn only_a_non_admin_is_refused_and_then_with_the_rules_and_what_to_do_instead() {
        // Arrange
        let rules = vec!["'Blacklist: remove' (risk, then approver)".to_owned()];
        // Act
        let risk = refuse_unless_admin(&as_role(Role::Risk), &rules, "file a request");
        let admin = refuse_unless_admin(&as_role(Role::Admin), &rules, "file a request");
        let nothing = refuse_unless_admin(&as_role(Role::Risk), &[], "file a request");
        // Assert
        match risk {
            Err(ApiError::Refused { code: c, detail }) => {
                assert_eq!(c, code::NEEDS_APPROVAL);
                assert!(detail.contains("'Blacklist: remove'"), "{detail}");
                assert!(detail.contains("file a request"), "{detail}");
            }
            other => panic!("not refused: {other:?}"),
        }
        assert!(admin.is_ok());
        assert!(nothing.is_ok());
    }
}
