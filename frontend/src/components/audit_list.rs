//! The audit trail as people read it: who, when, what, why, and what changed (before → after,
//! only the parts that differ).

use credence_shared::Money;
use credence_shared::workflow::{AuditEntity, AuditEntry};
use leptos::prelude::*;
use serde_json::Value;

use crate::components::form::local_datetime;
use crate::components::money::format_money;
use crate::components::people::Person;
use crate::i18n::{t, t_string, use_i18n};

/// Longest value shown in a change line; longer ones (whole documents) are cut.
const MAX_VALUE_CHARS: usize = 60;

/// One changed part: the field (empty for the whole value), before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeLine {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// The parts of `before` and `after` that differ, compactly worded. Objects are compared
/// key by key (one level); anything else as a whole.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<ChangeLine> {
    let show = |v: Option<&Value>| v.map(compact).unwrap_or_else(|| "—".to_owned());
    match (before, after) {
        (None, None) => Vec::new(),
        (Some(Value::Object(b)), Some(Value::Object(a))) if !is_money(b) && !is_money(a) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter()
                .filter(|k| b.get(*k) != a.get(*k))
                .map(|k| ChangeLine {
                    field: k.clone(),
                    before: show(b.get(k)),
                    after: show(a.get(k)),
                })
                .collect()
        }
        (b, a) if b == a => Vec::new(),
        (b, a) => vec![ChangeLine {
            field: String::new(),
            before: show(b),
            after: show(a),
        }],
    }
}

fn is_money(map: &serde_json::Map<String, Value>) -> bool {
    map.len() == 2 && map.contains_key("amount") && map.contains_key("currency")
}

/// A value in a few characters: money formatted, strings bare, the rest as short JSON.
pub fn compact(value: &Value) -> String {
    if let Ok(money) = serde_json::from_value::<Money>(value.clone()) {
        return format_money(&money);
    }
    let text = match value {
        Value::Null => "—".to_owned(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "✓" } else { "✗" }.to_owned(),
        other => other.to_string(),
    };
    if text.chars().count() > MAX_VALUE_CHARS {
        let cut: String = text.chars().take(MAX_VALUE_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

pub fn entity_label(entity: AuditEntity) -> &'static str {
    let i18n = use_i18n();
    match entity {
        AuditEntity::CreditFile => t_string!(i18n, entity_credit_file),
        AuditEntity::Request => t_string!(i18n, entity_request),
        AuditEntity::Customer => t_string!(i18n, entity_customer),
        AuditEntity::Blacklist => t_string!(i18n, entity_blacklist),
        AuditEntity::Policy => t_string!(i18n, entity_policy),
        AuditEntity::Model => t_string!(i18n, entity_model),
        AuditEntity::Matrix => t_string!(i18n, entity_matrix),
        AuditEntity::CustomFields => t_string!(i18n, entity_custom_fields),
        AuditEntity::User => t_string!(i18n, entity_user),
        AuditEntity::Group => t_string!(i18n, entity_group),
        AuditEntity::Order => t_string!(i18n, entity_order),
    }
}

#[component]
pub fn AuditList(
    items: Vec<AuditEntry>,
    /// Link each entry to its customer (on the tenant-wide page).
    #[prop(default = false)]
    link_customers: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    if items.is_empty() {
        return view! { <p class="empty muted" data-testid="audit-empty">{t!(i18n, audit_empty)}</p> }
            .into_any();
    }
    view! {
        <ol class="audit-list" data-testid="audit-list">
            {items.into_iter().map(|entry| view! { <AuditLine entry link_customers /> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
pub fn AuditLine(entry: AuditEntry, link_customers: bool) -> impl IntoView {
    let i18n = use_i18n();
    let lines = changes(entry.before.as_ref(), entry.after.as_ref());
    let entity = entry.entity;
    let customer = entry.customer_id.clone().filter(|_| link_customers).map(
        |id| view! { <a href=format!("/customers/{id}") class="mono small">{id.to_string()}</a> },
    );
    view! {
        <li class="audit-line" data-testid="audit-line">
            <div class="audit-head">
                <strong><Person name=entry.actor.clone() /></strong>
                <span class="badge badge-neutral">{move || entity_label(entity)}</span>
                <span class="audit-action">{entry.action.clone()}</span>
                <span class="muted small mono">{entry.entity_id.clone()}</span>
                {customer}
                <time class="muted small audit-time">{local_datetime(entry.at)}</time>
            </div>
            {(!entry.reason.is_empty()).then(|| view! {
                <p class="audit-reason small">
                    <span class="label">{t!(i18n, why)}</span> " " {entry.reason.clone()}
                </p>
            })}
            {(!lines.is_empty()).then(|| view! {
                <ul class="audit-changes small">
                    {lines.into_iter().map(|line| view! {
                        <li>
                            {(!line.field.is_empty()).then(|| view! {
                                <span class="mono audit-field">{line.field.clone()}</span>
                            })}
                            <span class="before">{line.before}</span>
                            <span aria-hidden="true">" → "</span>
                            <span class="sr-only">" / "</span>
                            <span class="after">{line.after}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_keys_that_changed_are_listed() {
        let before = json!({"limit": {"amount": "100000", "currency": "CNY"}, "terms_days": 30, "on_hold": false});
        let after = json!({"limit": {"amount": "150000", "currency": "CNY"}, "terms_days": 30, "on_hold": true});

        let lines = changes(Some(&before), Some(&after));

        assert_eq!(
            lines,
            [
                ChangeLine {
                    field: "limit".into(),
                    before: "¥100,000.00".into(),
                    after: "¥150,000.00".into()
                },
                ChangeLine {
                    field: "on_hold".into(),
                    before: "✗".into(),
                    after: "✓".into()
                },
            ]
        );
    }

    #[test]
    fn a_value_that_appears_or_is_not_an_object_is_one_line() {
        let added = changes(None, Some(&json!("blacklisted")));
        let money = changes(
            Some(&json!({"amount": "1", "currency": "CNY"})),
            Some(&json!({"amount": "2", "currency": "CNY"})),
        );

        assert_eq!(added.len(), 1);
        assert_eq!(
            (added[0].before.as_str(), added[0].after.as_str()),
            ("—", "blacklisted")
        );
        assert_eq!(
            (money[0].before.as_str(), money[0].after.as_str()),
            ("¥1.00", "¥2.00")
        );
        assert!(changes(Some(&json!(1)), Some(&json!(1))).is_empty());
    }

    #[test]
    fn long_values_are_cut() {
        let long = json!("x".repeat(200));

        let shown = compact(&long);

        assert_eq!(shown.chars().count(), MAX_VALUE_CHARS);
        assert!(shown.ends_with('…'));
    }
}
