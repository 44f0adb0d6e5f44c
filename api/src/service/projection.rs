//! What a caller may see of a view: the projections services apply for roles without the
//! right to its detail. A sales rep learns that a customer has overdue invoices and that a
//! party is blacklisted, not the invoice numbers nor the blacklist's evidence (in a
//! screening, nor in a customer's audit trail).
//!
//! The rule of who has which right is `auth::policy`; these are the shapes that follow from
//! it, pure, so each is unit-tested here.

use crate::auth::{
    Principal,
    policy::{self, Action},
};
use credence_shared::{
    watch::{ActivityKind, CollectionsView},
    workflow::{AuditEntity, AuditPage, BlacklistEntry},
};

/// A customer's collections view as `who` may see it: without invoice-level detail unless
/// they may see it ([`Action::SeeInvoiceDetail`]).
pub fn collections_for(who: &Principal, view: CollectionsView) -> CollectionsView {
    if policy::allows(who, Action::SeeInvoiceDetail) {
        view
    } else {
        without_invoice_numbers(view)
    }
}

/// Blacklist entries that matched a screening, as `who` may see them: the whole entry for
/// those who read the blacklist ([`Action::ReadBlacklist`]), only the fact for the others.
pub fn blacklist_hits_for(who: &Principal, hits: Vec<BlacklistEntry>) -> Vec<BlacklistEntry> {
    if policy::allows(who, Action::ReadBlacklist) {
        hits
    } else {
        hits.into_iter()
            .map(BlacklistEntry::without_evidence)
            .collect()
    }
}

/// A customer's audit trail as `who` may see it: for those who may not read the blacklist,
/// a blacklisting shows that it happened, without its reason, source or author.
pub fn audit_for(who: &Principal, mut page: AuditPage) -> AuditPage {
    if policy::allows(who, Action::ReadBlacklist) {
        return page;
    }
    for e in &mut page.items {
        if e.entity == AuditEntity::Blacklist {
            e.reason = String::new();
            for doc in [&mut e.before, &mut e.after] {
                *doc = doc.take().map(|v| {
                    serde_json::from_value::<BlacklistEntry>(v)
                        .ok()
                        .and_then(|b| serde_json::to_value(b.without_evidence()).ok())
                        .unwrap_or(serde_json::Value::Null)
                });
            }
        } else if e.action == "blacklist" {
            e.reason = "blacklisted".into();
        }
    }
    page
}

/// The view with the last dunning summary's invoice numbers replaced by placeholders
/// (`OPEN-1`, `OPEN-2`, … as the credit view does) and each dunning activity line worded
/// from its facts (action, invoice count, total) instead of the text that lists the
/// invoices.
fn without_invoice_numbers(mut view: CollectionsView) -> CollectionsView {
    if let Some(summary) = &mut view.last_dunning {
        for (n, line) in summary.lines.iter_mut().enumerate() {
            line.invoice = format!("OPEN-{}", n + 1);
        }
    }
    for line in &mut view.activity {
        if line.kind == ActivityKind::Dunning {
            let d = &line.detail;
            let action = d.action.map_or("dunning", |a| a.as_str());
            let count = d.count.unwrap_or(0);
            line.text = match d.amount {
                Some(total) => format!("{action}: {count} invoice(s), {total}"),
                None => format!("{action}: {count} invoice(s)"),
            };
        }
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::{
        Currency, CustomerId, Money, Role, TenantId, UserId,
        watch::{Activity, ActivityDetail, DunningAction, DunningLine, DunningSummary},
        workflow::AuditEntry,
    };
    use rust_decimal::Decimal;
    use time::macros::{date, datetime};

    fn with(role: Role) -> Principal {
        Principal {
            user_id: UserId::parse("u").unwrap(),
            username: "u".into(),
            tenant: TenantId::parse("t").unwrap(),
            roles: vec![role],
            scopes: Vec::new(),
            withheld: Vec::new(),
        }
    }

    fn cny(amount: i64) -> Money {
        Money::new(Decimal::from(amount), Currency::CNY)
    }

    fn view() -> CollectionsView {
        let line = |invoice: &str| DunningLine {
            invoice: invoice.into(),
            due: date!(2026 - 01 - 31),
            open: cny(500),
            days: 30,
            step: 2,
            action: DunningAction::Call,
            letter: None,
        };
        CollectionsView {
            customer_id: CustomerId::parse("C1").unwrap(),
            aging: vec![],
            promises: vec![],
            tasks: vec![],
            alerts: vec![],
            activity: vec![Activity {
                at: datetime!(2026-03-02 06:00 UTC),
                kind: ActivityKind::Dunning,
                by: "system".into(),
                text: "call: 2 invoice(s), 1000 CNY — INV-7781 call (30 d), INV-7782 call (30 d)"
                    .into(),
                detail: ActivityDetail {
                    amount: Some(cny(1000)),
                    action: Some(DunningAction::Call),
                    count: Some(2),
                    ..ActivityDetail::default()
                },
            }],
            last_dunning: Some(DunningSummary {
                date: date!(2026 - 03 - 02),
                lines: vec![line("INV-7781"), line("INV-7782")],
                strongest: DunningAction::Call,
                total: cny(1000),
            }),
        }
    }

    #[test]
    fn a_sales_rep_sees_dunning_without_invoice_numbers() {
        // Act
        let seen = collections_for(&with(Role::Sales), view());
        // Assert
        let text = serde_json::to_string(&seen).unwrap();
        assert!(!text.contains("INV-778"), "{text}");
        let summary = seen.last_dunning.unwrap();
        assert_eq!(summary.lines[0].invoice, "OPEN-1");
        assert_eq!(summary.lines[1].invoice, "OPEN-2");
        assert_eq!(summary.total, cny(1000));
        assert!(seen.activity[0].text.starts_with("call: 2 invoice(s)"));
    }

    #[test]
    fn a_collector_sees_the_invoice_numbers() {
        // Act
        let seen = collections_for(&with(Role::Collector), view());
        // Assert
        assert_eq!(seen, view());
    }

    #[test]
    fn a_sales_rep_learns_a_party_is_blacklisted_but_not_why_nor_from_whom() {
        // Arrange
        let entry = BlacklistEntry {
            key: "91350100M000100Y43".into(),
            name: "黑名单公司".into(),
            usci: None,
            customer_id: None,
            reason: "court enforcement list 2026-17".into(),
            source: "court".into(),
            added_on: date!(2026 - 02 - 01),
            added_by: "risk".into(),
        };
        // Act
        let for_sales = blacklist_hits_for(&with(Role::Sales), vec![entry.clone()]);
        let for_risk = blacklist_hits_for(&with(Role::Risk), vec![entry.clone()]);
        // Assert
        assert_eq!(for_sales[0].name, entry.name);
        assert_eq!(for_sales[0].key, entry.key);
        assert_eq!(for_sales[0].reason, "");
        assert_eq!(for_sales[0].source, "");
        assert_eq!(for_sales[0].added_by, "");
        assert_eq!(for_risk, vec![entry]);
    }

    #[test]
    fn a_sales_rep_reads_that_a_blacklisting_happened_but_not_its_evidence() {
        // Arrange
        let entry = |entity, action: &str, reason: &str, after| AuditEntry {
            at: datetime!(2026-03-02 06:00 UTC),
            actor: "risk".into(),
            entity,
            entity_id: "C1".into(),
            customer_id: Some(CustomerId::parse("C1").unwrap()),
            action: action.into(),
            before: None,
            after: Some(after),
            reason: reason.into(),
        };
        let page = AuditPage {
            items: vec![
                entry(
                    AuditEntity::Blacklist,
                    "add",
                    "court case 1234",
                    serde_json::json!({"key": "K", "name": "N", "reason": "court case 1234",
                        "source": "court", "added_on": "2026-03-02", "added_by": "risk"}),
                ),
                entry(
                    AuditEntity::CreditFile,
                    "blacklist",
                    "blacklisted: court case 1234",
                    serde_json::json!({"blacklisted": true}),
                ),
            ],
            next_cursor: None,
        };
        // Act
        let for_sales = audit_for(&with(Role::Sales), page.clone());
        let for_risk = audit_for(&with(Role::Risk), page.clone());
        // Assert
        let text = serde_json::to_string(&for_sales).unwrap();
        assert!(!text.contains("1234") && !text.contains("court"), "{text}");
        assert_eq!(for_sales.items[0].after.as_ref().unwrap()["name"], "N");
        assert_eq!(for_sales.items[1].reason, "blacklisted");
        assert_eq!(for_risk, page);
    }
}
