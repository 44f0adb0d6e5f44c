//! Collections words in a given language: activity lines and task reasons worded from the
//! facts the server sends with them (an activity's `detail`, a task's rules and dunning
//! step), dunning actions, signal kinds and the shipped warning rules' names.
//!
//! These take the [`Locale`] rather than reading it, so they are plain functions (the
//! components call them inside a closure with the locale in use, which keeps them
//! reactive). A person's own words (notes, resolve notes, what was done, a signal's
//! summary) are kept as written; a line without facts (one written before the server sent
//! them) is shown as its text.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::sync::OnceLock;

use credence_shared::watch::{
    Activity, ActivityKind, AlertStatus, CollectionTask, DunningAction, SignalKind, WarningRules,
};

use crate::components::money::format_money;
use crate::i18n::{Locale, td_string};

/// Names a tenant gave its rules, by id (from the alerts at hand), so a rule of its own is
/// called by its name rather than by its id.
pub type RuleNames = BTreeMap<String, String>;

pub fn dunning_word(locale: Locale, action: DunningAction) -> &'static str {
    match action {
        DunningAction::Reminder => td_string!(locale, dun_reminder),
        DunningAction::Call => td_string!(locale, dun_call),
        DunningAction::Escalate => td_string!(locale, dun_escalate),
        DunningAction::Hold => td_string!(locale, dun_hold),
        DunningAction::Legal => td_string!(locale, dun_legal),
    }
}

pub fn signal_word(locale: Locale, kind: SignalKind) -> &'static str {
    match kind {
        SignalKind::Lawsuit => td_string!(locale, sig_lawsuit),
        SignalKind::EnforcementList => td_string!(locale, sig_enforcement_list),
        SignalKind::NegativeNews => td_string!(locale, sig_negative_news),
        SignalKind::Insolvency => td_string!(locale, sig_insolvency),
        SignalKind::AbnormalOperation => td_string!(locale, sig_abnormal_operation),
        SignalKind::BureauRating => td_string!(locale, sig_bureau_rating),
        SignalKind::NothingFound => td_string!(locale, sig_nothing_found),
    }
}

/// The names the shipped rules have, by id: a rule still so named is shown in the
/// language in use; a tenant's own name is shown as the tenant wrote it.
fn default_rule_names() -> &'static BTreeMap<String, String> {
    static NAMES: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        WarningRules::default_rules()
            .rules
            .into_iter()
            .map(|r| (r.id, r.name))
            // Not tenant rules: the alerts an admin's override of the matrix raises.
            .chain(
                [
                    ("credit_override", "Credit decision overridden by an admin"),
                    ("group_override", "Group limit overridden by an admin"),
                    (
                        "blacklist_override",
                        "Blacklist removal overridden by an admin",
                    ),
                ]
                .map(|(id, name)| (id.to_owned(), name.to_owned())),
            )
            .collect()
    })
}

/// Whether `name` is the shipped name of rule `id` (so a translation may stand in for it).
pub fn is_default_rule_name(id: &str, name: &str) -> bool {
    default_rule_names().get(id).is_some_and(|n| n == name)
}

/// A shipped rule's name in `locale`; `None` for an id the app has no words for.
pub fn shipped_rule_word(locale: Locale, id: &str) -> Option<&'static str> {
    Some(match id {
        "paying_slower" => td_string!(locale, rule_paying_slower),
        "overdue_steps" => td_string!(locale, rule_overdue_steps),
        "overdue_amount" => td_string!(locale, rule_overdue_amount),
        "over_limit" => td_string!(locale, rule_over_limit),
        "score_drop" => td_string!(locale, rule_score_drop),
        "grade_downgrade" => td_string!(locale, rule_grade_downgrade),
        "returns_spike" => td_string!(locale, rule_returns_spike),
        "disputes_spike" => td_string!(locale, rule_disputes_spike),
        "external_signal" => td_string!(locale, rule_external_signal),
        "temporary_limit_ending" => td_string!(locale, rule_temporary_limit_ending),
        "review_due" => td_string!(locale, rule_review_due),
        "promise_broken" => td_string!(locale, rule_promise_broken),
        "credit_override" => td_string!(locale, rule_credit_override),
        "group_override" => td_string!(locale, rule_group_override),
        "blacklist_override" => td_string!(locale, rule_blacklist_override),
        _ => return None,
    })
}

/// A rule with its name: the shipped name in `locale`, a tenant's own name as written.
pub fn named_rule_word(locale: Locale, id: &str, name: &str) -> String {
    is_default_rule_name(id, name)
        .then(|| shipped_rule_word(locale, id))
        .flatten()
        .unwrap_or(name)
        .to_owned()
}

/// A rule known by its id: its name when `names` has it (as [`named_rule_word`] words it),
/// else the shipped rule's words, else the id.
pub fn rule_word(locale: Locale, id: &str, names: &RuleNames) -> String {
    match names.get(id) {
        Some(name) => named_rule_word(locale, id, name),
        None => shipped_rule_word(locale, id).unwrap_or(id).to_owned(),
    }
}

/// Fills each `{name}` of a template with its value (what the values say is not read again).
///
/// The templates take single braces and are filled here because `t_string!` interpolates
/// only with leptos_i18n's `interpolate_display` option, which `load_locales!` cannot turn on.
pub fn fill(template: &str, values: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after_open = &rest[open + 1..];
        let value = after_open.find('}').and_then(|close| {
            let name = &after_open[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (v, &after_open[close + 1..]))
        });
        match value {
            Some((v, tail)) => {
                out.push_str(&v.to_string());
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after_open;
            }
        }
    }
    out.push_str(rest);
    out
}

/// What follows `marker` in `text`, when something does.
fn after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    text.split_once(marker)
        .map(|(_, rest)| rest.trim())
        .filter(|rest| !rest.is_empty())
}

/// An activity line in `locale`, from its facts; its text when they do not suffice.
pub fn activity_text(locale: Locale, activity: &Activity, names: &RuleNames) -> String {
    worded(locale, activity, names).unwrap_or_else(|| activity.text.clone())
}

fn worded(locale: Locale, activity: &Activity, names: &RuleNames) -> Option<String> {
    let d = &activity.detail;
    let text = activity.text.as_str();
    let rule = || d.rule_id.as_deref().map(|id| rule_word(locale, id, names));
    match activity.kind {
        ActivityKind::Promise | ActivityKind::PromiseKept | ActivityKind::PromiseBroken => {
            let amount = format_money(d.amount.as_ref()?);
            let date = d.date?.to_string();
            let template = match activity.kind {
                ActivityKind::PromiseKept => td_string!(locale, activity_promise_kept),
                ActivityKind::PromiseBroken => td_string!(locale, activity_promise_broken),
                _ => td_string!(locale, activity_promise),
            };
            Some(fill(template, &[("amount", &amount), ("date", &date)]))
        }
        ActivityKind::Alert => {
            let rule = rule()?;
            match d.alert_status {
                // The person's note follows the status: "<rule>: Resolved — <note>".
                Some(AlertStatus::Resolved) => {
                    let note = after(text, ": Resolved — ").or_else(|| after(text, " — "))?;
                    Some(fill(
                        td_string!(locale, activity_alert_resolved),
                        &[("rule", &rule), ("note", &note)],
                    ))
                }
                Some(AlertStatus::Acknowledged) => Some(fill(
                    td_string!(locale, activity_alert_acknowledged),
                    &[("rule", &rule)],
                )),
                _ => {
                    let level = d.level?;
                    Some(fill(
                        td_string!(locale, activity_alert),
                        &[("rule", &rule), ("level", &level)],
                    ))
                }
            }
        }
        ActivityKind::Dunning => {
            let action = dunning_word(locale, d.action?);
            let amount = format_money(d.amount.as_ref()?);
            Some(match d.count? {
                1 => fill(
                    td_string!(locale, activity_dunning_one),
                    &[("action", &action), ("amount", &amount)],
                ),
                count => fill(
                    td_string!(locale, activity_dunning),
                    &[("action", &action), ("count", &count), ("amount", &amount)],
                ),
            })
        }
        ActivityKind::TaskOpened => {
            let action = dunning_word(locale, d.action?);
            Some(match rule() {
                Some(rule) => fill(
                    td_string!(locale, activity_task_rule),
                    &[("action", &action), ("rule", &rule)],
                ),
                None => fill(
                    td_string!(locale, activity_task_dunning),
                    &[("action", &action)],
                ),
            })
        }
        // A person's own words: the action, the reason and to whom, shown as written.
        ActivityKind::TaskAssigned => None,
        ActivityKind::TaskDone => {
            let step = d.action?;
            // "<action>: <what was done>"
            let note = text
                .strip_prefix(&format!("{}: ", step.as_str()))
                .unwrap_or(text);
            let action = dunning_word(locale, step);
            Some(fill(
                td_string!(locale, activity_task_done),
                &[("action", &action), ("note", &note)],
            ))
        }
        ActivityKind::Signal => {
            let signal = d.signal?;
            let kind = signal_word(locale, signal);
            let date = d.date?.to_string();
            // "<Kind> (<source>): <summary>"
            let told = text
                .strip_prefix(&format!("{signal:?} ("))
                .and_then(|rest| rest.split_once("): "));
            Some(match told {
                Some((source, summary)) => fill(
                    td_string!(locale, activity_signal),
                    &[
                        ("kind", &kind),
                        ("source", &source),
                        ("date", &date),
                        ("summary", &summary),
                    ],
                ),
                None => fill(
                    td_string!(locale, activity_signal_plain),
                    &[("kind", &kind), ("date", &date), ("summary", &text)],
                ),
            })
        }
        ActivityKind::Letter => {
            use crate::components::case_words::{letter_kind_word, letter_status_word};
            let letter = letter_kind_word(locale, d.letter?);
            let status = letter_status_word(locale, d.letter_status?);
            let amount = format_money(d.amount.as_ref()?);
            let count = d.count?;
            Some(fill(
                td_string!(locale, activity_letter),
                &[
                    ("letter", &letter),
                    ("count", &count),
                    ("amount", &amount),
                    ("status", &status),
                ],
            ))
        }
        ActivityKind::DisputeOpened
        | ActivityKind::DisputeChanged
        | ActivityKind::DisputeResolved => {
            use crate::components::case_words::{outcome_word, reason_word};
            let reference = d.reference.clone()?;
            let reason = reason_word(locale, d.dispute_reason?);
            Some(match activity.kind {
                ActivityKind::DisputeOpened => fill(
                    td_string!(locale, activity_dispute_opened),
                    &[
                        ("reference", &reference),
                        ("reason", &reason),
                        ("amount", &format_money(d.amount.as_ref()?)),
                    ],
                ),
                ActivityKind::DisputeChanged => {
                    let owner = d
                        .owner
                        .clone()
                        .unwrap_or_else(|| td_string!(locale, dispute_nobody).to_owned());
                    fill(
                        td_string!(locale, activity_dispute_changed),
                        &[
                            ("reference", &reference),
                            ("reason", &reason),
                            ("owner", &owner),
                        ],
                    )
                }
                _ => fill(
                    td_string!(locale, activity_dispute_resolved),
                    &[
                        ("reference", &reference),
                        ("outcome", &outcome_word(locale, d.outcome?)),
                    ],
                ),
            })
        }
        ActivityKind::Note | ActivityKind::AutoAction => None,
    }
}

/// Why a task was opened: the dunning step and the rules that asked for it; its reason as
/// the server wrote it when it names neither (a task from before they were sent).
pub fn task_reason_text(locale: Locale, task: &CollectionTask, names: &RuleNames) -> String {
    let step = task.dunning.map(|action| {
        fill(
            td_string!(locale, reason_dunning),
            &[("action", &dunning_word(locale, action))],
        )
    });
    let parts: Vec<String> = step
        .into_iter()
        .chain(task.rule_ids.iter().map(|id| rule_word(locale, id, names)))
        .collect();
    if parts.is_empty() {
        task.reason.clone()
    } else {
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::watch::{ActivityDetail, TaskStatus};
    use credence_shared::{Currency, CustomerId, Money};
    use rust_decimal::Decimal;
    use time::macros::{date, datetime};

    const ZH: Locale = Locale::zh_CN;
    const EN: Locale = Locale::en;

    fn yuan(amount: i64) -> Money {
        Money::new(Decimal::from(amount), Currency::CNY)
    }

    fn line(kind: ActivityKind, text: &str, detail: ActivityDetail) -> Activity {
        Activity {
            at: datetime!(2026-11-30 09:00 UTC),
            kind,
            by: "system".into(),
            text: text.into(),
            detail,
        }
    }

    fn both(activity: &Activity) -> (String, String) {
        let names = RuleNames::new();
        (
            activity_text(ZH, activity, &names),
            activity_text(EN, activity, &names),
        )
    }

    fn task(rule_ids: &[&str], dunning: Option<DunningAction>, reason: &str) -> CollectionTask {
        CollectionTask {
            id: "t1".into(),
            customer_id: CustomerId::parse("C1").unwrap(),
            customer_name: "Acme".into(),
            action: DunningAction::Call,
            reason: reason.into(),
            assignee: "collector".into(),
            priority: Decimal::ONE,
            overdue: yuan(1000),
            days_late: 40,
            status: TaskStatus::Open,
            created_at: datetime!(2026-11-30 09:00 UTC),
            note: String::new(),
            version: 1,
            rule_ids: rule_ids.iter().map(|r| (*r).to_owned()).collect(),
            dunning,
        }
    }

    #[test]
    fn a_promise_is_worded_with_its_amount_and_date() {
        let detail = ActivityDetail {
            amount: Some(yuan(10_000)),
            date: Some(date!(2026 - 12 - 05)),
            ..ActivityDetail::default()
        };
        let made = line(
            ActivityKind::Promise,
            "promise to pay CNY 10000 by 2026-12-05",
            detail.clone(),
        );
        let broken = line(ActivityKind::PromiseBroken, "promise … broken", detail);

        assert_eq!(
            both(&made),
            (
                "承诺 2026-12-05 前付款 ¥10,000.00".to_owned(),
                "Promised to pay ¥10,000.00 by 2026-12-05".to_owned()
            )
        );
        assert_eq!(
            both(&broken),
            (
                "未按承诺于 2026-12-05 前付款 ¥10,000.00".to_owned(),
                "Did not pay ¥10,000.00 by 2026-12-05 as promised".to_owned()
            )
        );
    }

    #[test]
    fn a_shipped_rule_is_named_in_the_language_in_use_and_another_by_its_id() {
        let fired = |rule: &str| {
            line(
                ActivityKind::Alert,
                "Some rule (level 2)",
                ActivityDetail {
                    rule_id: Some(rule.into()),
                    level: Some(2),
                    ..ActivityDetail::default()
                },
            )
        };

        assert_eq!(
            both(&fired("overdue_steps")),
            (
                "发票逾期 30 / 60 / 90 天（级别 2）".to_owned(),
                "Invoice overdue 30 / 60 / 90 days (level 2)".to_owned()
            )
        );
        assert_eq!(both(&fired("our_own")).0, "our_own（级别 2）");
    }

    #[test]
    fn a_tenants_own_rule_name_is_used_when_known() {
        let names: RuleNames = [
            ("our_own".to_owned(), "Key account late".to_owned()),
            (
                "overdue_steps".to_owned(),
                "Invoice overdue 30 / 60 / 90 days".to_owned(),
            ),
        ]
        .into();

        assert_eq!(rule_word(ZH, "our_own", &names), "Key account late");
        assert_eq!(
            rule_word(ZH, "overdue_steps", &names),
            "发票逾期 30 / 60 / 90 天"
        );
        assert_eq!(rule_word(EN, "unknown", &names), "unknown");
    }

    #[test]
    fn a_resolved_alert_keeps_the_persons_note_as_written() {
        let resolved = line(
            ActivityKind::Alert,
            "Invoice overdue 30 / 60 / 90 days: Resolved — 已电话联系 — 下周付款",
            ActivityDetail {
                rule_id: Some("overdue_steps".into()),
                level: Some(1),
                alert_status: Some(AlertStatus::Resolved),
                ..ActivityDetail::default()
            },
        );
        let acknowledged = line(
            ActivityKind::Alert,
            "Invoice overdue 30 / 60 / 90 days: Acknowledged — ",
            ActivityDetail {
                rule_id: Some("overdue_steps".into()),
                level: Some(1),
                alert_status: Some(AlertStatus::Acknowledged),
                ..ActivityDetail::default()
            },
        );

        assert_eq!(
            both(&resolved),
            (
                "已解决预警「发票逾期 30 / 60 / 90 天」：已电话联系 — 下周付款".to_owned(),
                "Resolved “Invoice overdue 30 / 60 / 90 days”: 已电话联系 — 下周付款".to_owned()
            )
        );
        assert_eq!(
            both(&acknowledged).0,
            "已确认预警「发票逾期 30 / 60 / 90 天」"
        );
    }

    #[test]
    fn a_dunning_summary_counts_its_invoices() {
        let summary = |count| {
            line(
                ActivityKind::Dunning,
                "call: …",
                ActivityDetail {
                    amount: Some(yuan(52_000)),
                    action: Some(DunningAction::Call),
                    count: Some(count),
                    ..ActivityDetail::default()
                },
            )
        };

        assert_eq!(
            both(&summary(3)),
            (
                "电话催收：3 张发票，共 ¥52,000.00".to_owned(),
                "Call: 3 invoices, ¥52,000.00 in total".to_owned()
            )
        );
        assert_eq!(both(&summary(1)).1, "Call: 1 invoice, ¥52,000.00");
    }

    #[test]
    fn a_task_says_who_asked_for_it_and_what_was_done() {
        let by_rule = line(
            ActivityKind::TaskOpened,
            "call: Payment cycle getting longer",
            ActivityDetail {
                action: Some(DunningAction::Call),
                rule_id: Some("paying_slower".into()),
                ..ActivityDetail::default()
            },
        );
        let by_ladder = line(
            ActivityKind::TaskOpened,
            "escalate: dunning: escalate",
            ActivityDetail {
                action: Some(DunningAction::Escalate),
                ..ActivityDetail::default()
            },
        );
        let done = line(
            ActivityKind::TaskDone,
            "call: Customer will pay on Friday: confirmed",
            ActivityDetail {
                action: Some(DunningAction::Call),
                ..ActivityDetail::default()
            },
        );

        assert_eq!(
            both(&by_rule),
            (
                "电话催收（预警规则：付款周期变长）".to_owned(),
                "Call (rule: Payment cycle getting longer)".to_owned()
            )
        );
        assert_eq!(both(&by_ladder).0, "升级处理（催收阶梯）");
        assert_eq!(
            both(&done),
            (
                "电话催收：Customer will pay on Friday: confirmed".to_owned(),
                "Call: Customer will pay on Friday: confirmed".to_owned()
            )
        );
    }

    #[test]
    fn a_signal_keeps_its_source_and_summary_as_written() {
        let signal = line(
            ActivityKind::Signal,
            "Lawsuit (裁判文书网): 买卖合同纠纷 (一审)",
            ActivityDetail {
                date: Some(date!(2026 - 11 - 28)),
                signal: Some(SignalKind::Lawsuit),
                ..ActivityDetail::default()
            },
        );

        assert_eq!(
            both(&signal),
            (
                "诉讼（裁判文书网，2026-11-28）：买卖合同纠纷 (一审)".to_owned(),
                "Lawsuit (裁判文书网, 2026-11-28): 买卖合同纠纷 (一审)".to_owned()
            )
        );
    }

    #[test]
    fn a_note_and_a_line_without_facts_show_their_text() {
        let note = line(
            ActivityKind::Note,
            "客户说月底付款。",
            ActivityDetail::default(),
        );
        let old = line(
            ActivityKind::PromiseKept,
            "promise of CNY 5000 by 2026-10-01 kept",
            ActivityDetail::default(),
        );

        assert_eq!(both(&note).0, "客户说月底付款。");
        assert_eq!(both(&old).1, "promise of CNY 5000 by 2026-10-01 kept");
    }

    #[test]
    fn a_task_reason_names_the_dunning_step_and_the_rules() {
        let names = RuleNames::new();
        let both_asked = task(
            &["paying_slower", "our_own"],
            Some(DunningAction::Escalate),
            "dunning: escalate; Payment cycle getting longer; Our own",
        );
        let old = task(&[], None, "dunning: call");

        assert_eq!(
            task_reason_text(ZH, &both_asked, &names),
            "催收阶梯：升级处理 · 付款周期变长 · our_own"
        );
        assert_eq!(
            task_reason_text(EN, &both_asked, &names),
            "Dunning: Escalate · Payment cycle getting longer · our_own"
        );
        assert_eq!(task_reason_text(ZH, &old, &names), "dunning: call");
    }

    #[test]
    fn a_template_is_filled_once_and_unknown_braces_stay() {
        let note = "{rule} stays as typed";

        let filled = fill(
            "{rule}: {note} {other} {",
            &[("rule", &"R"), ("note", &note)],
        );

        assert_eq!(filled, "R: {rule} stays as typed {other} {");
    }

    #[test]
    fn every_shipped_rule_has_words_in_both_languages() {
        for id in default_rule_names().keys() {
            assert!(
                shipped_rule_word(ZH, id).is_some() && shipped_rule_word(EN, id).is_some(),
                "no words for rule {id}"
            );
        }
    }

    #[test]
    fn only_a_shipped_rule_name_is_translated() {
        assert!(is_default_rule_name(
            "overdue_steps",
            "Invoice overdue 30 / 60 / 90 days"
        ));
        assert!(!is_default_rule_name("overdue_steps", "Our own name"));
        assert!(!is_default_rule_name(
            "made_up",
            "Invoice overdue 30 / 60 / 90 days"
        ));
        assert_eq!(
            named_rule_word(ZH, "overdue_steps", "Our own name"),
            "Our own name"
        );
    }
}
