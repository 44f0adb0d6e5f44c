//! The evidence table of a request: the figures it was filed on beside the live ones, the
//! rows a request of its subject has, changes marked.

use credence_shared::Money;
use credence_shared::workflow::{Evidence, Subject};
use leptos::prelude::*;

use super::{days, yes_no};
use crate::components::customer_card::GradeBadge;
use crate::components::labels::ReasonList;
use crate::components::money::Amount;
use crate::i18n::{t, t_string, use_i18n};

/// A line of the evidence table: the figure when filed and now, and whether it moved.
struct EvidenceRow {
    label: fn() -> &'static str,
    filed: AnyView,
    now: AnyView,
    changed: bool,
}

/// The evidence rows a request of `subject` has: all of them for a customer's; a group's
/// limit and exposure; whether a party is on the blacklist; none for a challenger's.
fn rows_for(subject: &Subject, filed: &Evidence, now: &Evidence) -> Vec<EvidenceRow> {
    // Indexes into `evidence_rows`: 3 limit, 5 exposure, 10 blacklisted.
    let keep: &[usize] = match subject {
        Subject::Customer { .. } => return evidence_rows(filed, now),
        Subject::Group { .. } => &[3, 5],
        Subject::Party { .. } => &[10],
        // The lab's comparison is a promotion's evidence, not a credit file's figures.
        Subject::Challenger { .. } => &[],
    };
    evidence_rows(filed, now)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep.contains(i))
        .map(|(_, row)| row)
        .collect()
}

fn evidence_rows(filed: &Evidence, now: &Evidence) -> Vec<EvidenceRow> {
    let amount = |m: Money| view! { <Amount money=m /> }.into_any();
    let text = |s: String| s.into_any();
    let score = |s: Option<rust_decimal::Decimal>| {
        s.map(|s| s.round_dp(0).to_string())
            .unwrap_or_else(|| "—".into())
    };
    let reasons = |e: &Evidence| view! { <ReasonList reasons=e.reasons.clone() /> }.into_any();
    let codes = |e: &Evidence| e.reasons.iter().map(|r| r.code.clone()).collect::<Vec<_>>();
    vec![
        EvidenceRow {
            label: || t_string!(use_i18n(), grade),
            filed: view! { <GradeBadge grade=filed.grade /> }.into_any(),
            now: view! { <GradeBadge grade=now.grade /> }.into_any(),
            changed: filed.grade != now.grade,
        },
        EvidenceRow {
            label: || t_string!(use_i18n(), score),
            filed: text(score(filed.score)),
            now: text(score(now.score)),
            changed: filed.score.map(|s| s.round_dp(0)) != now.score.map(|s| s.round_dp(0)),
        },
        EvidenceRow {
            label: || t_string!(use_i18n(), reasons_title),
            filed: reasons(filed),
            now: reasons(now),
            changed: codes(filed) != codes(now),
        },
        EvidenceRow {
            label: || t_string!(use_i18n(), credit_limit),
            filed: amount(filed.limit),
            now: amount(now.limit),
            changed: filed.limit != now.limit,
        },
        EvidenceRow {
            label: || t_string!(use_i18n(), recommended_limit),
            filed: amount(filed.recommended_limit),
            now: amount(now.recommended_limit),
            changed: filed.recommended_limit != now.recommended_limit,
        },
        EvidenceRow {
            label: || t_string!(use_i18n(), exposure),
            filed: amount(filed.exposure),
            now: amount(now.exposure),
            changed: filed.exposure != now.exposure,
        },
        EvidenceRow {
            label: || t_string!(use_i18n(), overdue),
            filed: amount(filed.overdue),
            now: amount(now.overdue),
            changed: filed.overdue != now.overdue,
        },
        EvidenceRow {
            label: || t_string!(use_i18n(), oldest_overdue),
            filed: days(filed.oldest_overdue_days),
            now: days(now.oldest_overdue_days),
            changed: filed.oldest_overdue_days != now.oldest_overdue_days,
        },
        EvidenceRow {
            label: || t_string!(use_i18n(), terms),
            filed: days(filed.terms_days),
            now: days(now.terms_days),
            changed: filed.terms_days != now.terms_days,
        },
        EvidenceRow {
            label: || t_string!(use_i18n(), on_hold),
            filed: (yes_no(filed.on_hold)),
            now: (yes_no(now.on_hold)),
            changed: filed.on_hold != now.on_hold,
        },
        EvidenceRow {
            label: || t_string!(use_i18n(), blacklisted),
            filed: (yes_no(filed.blacklisted)),
            now: (yes_no(now.blacklisted)),
            changed: filed.blacklisted != now.blacklisted,
        },
    ]
}

#[component]
pub(super) fn EvidenceCard(
    subject: Subject,
    filed: Evidence,
    now: Evidence,
    changed: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = rows_for(&subject, &filed, &now);
    view! {
        <section class="card section" data-testid="request-evidence" aria-labelledby="evidence-title">
            <h2 class="section-title" id="evidence-title">{t!(i18n, evidence_title)}</h2>
            {changed.then(|| view! {
                <p class="notice notice-warn" data-testid="evidence-changed">{t!(i18n, evidence_changed)}</p>
            })}
            <div class="table-scroll">
                <table class="table evidence">
                    <thead>
                        <tr>
                            <th scope="col"><span class="sr-only">{t!(i18n, item)}</span></th>
                            <th scope="col">{t!(i18n, evidence_filed)}</th>
                            <th scope="col">{t!(i18n, evidence_now)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|row| view! {
                            <tr class:changed=row.changed data-changed=row.changed.to_string()>
                                <th scope="row">
                                    {row.label}
                                    {row.changed.then(|| view! {
                                        <span class="changed-mark" title=move || t_string!(i18n, evidence_moved)>
                                            " ●"<span class="sr-only">{t!(i18n, evidence_moved)}</span>
                                        </span>
                                    })}
                                </th>
                                <td>{row.filed}</td>
                                <td>{row.now}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
