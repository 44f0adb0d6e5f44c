//! The what-if of a candidate model and policy before it is published: read page by page
//! from `POST /v1/admin/engine-versions/preview` and summed here ([`run`]), then shown as a
//! risk committee reads it ([`WhatIf`]): the grade migration matrix, the swap set with its
//! exposure and historical bad rate, limits and exposure by grade, the orders of the last
//! 90 days the candidate would have decided otherwise, and expected loss, old against new.
//! The engines tab runs it on the model and policy typed there; the lab on a fitted model
//! with the policy in force.

use credence_shared::preview::{EnginePreview, EnginePreviewRequest, GradeFigures, Swap};
use credence_shared::{Grade, Money};
use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::api::{self, ApiError};
use crate::components::money::format_money;
use crate::i18n::{t, use_i18n};
use crate::session::Session;

/// Runs the what-if of `model` and `policy` over every customer, telling `progress` the sum
/// so far after each page (and whether it was the last).
pub async fn run(
    session: Session,
    model: serde_json::Value,
    policy: serde_json::Value,
    progress: impl Fn(EnginePreview, bool),
) -> Result<(), ApiError> {
    let mut total = EnginePreview::default();
    let mut cursor = None;
    loop {
        let body = EnginePreviewRequest {
            model: model.clone(),
            policy: policy.clone(),
            cursor: cursor.take(),
        };
        let page = api::engine_preview(session, &body).await?;
        total.add(&page);
        let done = page.next_cursor.is_none();
        progress(total.clone(), done);
        if done {
            return Ok(());
        }
        cursor = page.next_cursor;
    }
}

/// Sums in several currencies, one after the other (`—` for none).
fn monies(sums: &[Money]) -> String {
    if sums.is_empty() {
        return "—".to_owned();
    }
    sums.iter()
        .map(format_money)
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `12 of 40 (30%)`-style share, without a share when there is no one.
fn rate(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "—".to_owned();
    }
    let share = Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole);
    format!("{}%", share.round_dp(1).normalize())
}

/// The grades either engine puts someone in, best first.
fn grades_seen(preview: &EnginePreview) -> Vec<Grade> {
    Grade::ALL
        .into_iter()
        .filter(|g| {
            preview
                .by_grade
                .iter()
                .any(|b| b.grade == *g && (b.now.customers > 0 || b.candidate.customers > 0))
        })
        .collect()
}

/// Customers the engine in force puts in `grade` (all currencies).
fn now_in(preview: &EnginePreview, grade: Grade) -> u32 {
    preview
        .by_grade
        .iter()
        .filter(|b| b.grade == grade)
        .map(|b| b.now.customers)
        .sum()
}

/// The migration matrix's cell: customers from `from` (engine in force) to `to` (candidate).
pub fn migration(preview: &EnginePreview, from: Grade, to: Grade) -> u32 {
    let moved = |f: Grade, t: Grade| {
        preview
            .moves
            .iter()
            .filter(|m| m.from == f && m.to == t)
            .map(|m| m.customers)
            .sum::<u32>()
    };
    if from == to {
        let away: u32 = Grade::ALL.into_iter().map(|t| moved(from, t)).sum();
        now_in(preview, from).saturating_sub(away)
    } else {
        moved(from, to)
    }
}

/// The candidate's effect so far: customers looked at and those it would change, then the
/// tables once every page is in.
#[component]
pub fn WhatIf(preview: EnginePreview, done: bool) -> impl IntoView {
    let i18n = use_i18n();
    let EnginePreview {
        looked,
        grade_changed,
        limit_changed,
        terms_changed,
        limit_below_exposure,
        ..
    } = preview;
    let tables = done.then(|| {
        view! {
            <Migration preview=preview.clone() />
            <SwapSet gain=preview.gain.clone() lose=preview.lose.clone() />
            <p class="small" data-testid="what-if-below-exposure">
                {t!(i18n, what_if_below_exposure, count = limit_below_exposure)}
            </p>
            <ByGrade preview=preview.clone() />
            <Orders preview=preview.clone() />
            <Loss preview=preview.clone() />
        }
    });
    view! {
        <div class="what-if" role="status" data-testid="engine-preview-result" data-finished=done.to_string()>
            <p class="notice">
                {if done {
                    t!(i18n, engine_preview_done, looked, grade_changed, limit_changed, terms_changed).into_any()
                } else {
                    t!(i18n, engine_preview_running, looked, grade_changed, limit_changed, terms_changed).into_any()
                }}
            </p>
            {tables}
        </div>
    }
}

#[component]
fn Migration(preview: EnginePreview) -> impl IntoView {
    let i18n = use_i18n();
    let grades = grades_seen(&preview);
    let head = grades
        .iter()
        .map(|g| view! { <th scope="col" class="num">{g.to_string()}</th> })
        .collect_view();
    let rows = grades
        .iter()
        .map(|from| {
            let cells = grades
                .iter()
                .map(|to| {
                    let n = migration(&preview, *from, *to);
                    view! { <td class="num" class:what-if-same=from == to>{n}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{from.to_string()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <h3 class="subheading">{t!(i18n, what_if_migration)}</h3>
        <div class="table-scroll">
            <table class="table what-if-matrix" data-testid="what-if-migration">
                <caption class="small muted">{t!(i18n, what_if_migration_caption)}</caption>
                <thead><tr><th scope="col">{t!(i18n, what_if_now_new)}</th>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn SwapSet(gain: Swap, lose: Swap) -> impl IntoView {
    let i18n = use_i18n();
    let row = |label: AnyView, testid: &'static str, s: Swap| {
        view! {
            <tr data-testid=testid>
                <th scope="row">{label}</th>
                <td class="num">{s.customers}</td>
                <td class="num">{monies(&s.exposure)}</td>
                <td class="num">{s.were_bad}</td>
                <td class="num">{rate(s.were_bad, s.customers)}</td>
            </tr>
        }
    };
    view! {
        <h3 class="subheading">{t!(i18n, what_if_swap)}</h3>
        <div class="table-scroll">
            <table class="table" data-testid="what-if-swap">
                <thead>
                    <tr>
                        <th scope="col"><span class="sr-only">{t!(i18n, what_if_swap)}</span></th>
                        <th scope="col" class="num">{t!(i18n, customers)}</th>
                        <th scope="col" class="num">{t!(i18n, what_if_owed)}</th>
                        <th scope="col" class="num">{t!(i18n, what_if_were_bad)}</th>
                        <th scope="col" class="num">{t!(i18n, what_if_bad_rate)}</th>
                    </tr>
                </thead>
                <tbody>
                    {row(t!(i18n, what_if_gain).into_any(), "what-if-gain", gain)}
                    {row(t!(i18n, what_if_lose).into_any(), "what-if-lose", lose)}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ByGrade(preview: EnginePreview) -> impl IntoView {
    let i18n = use_i18n();
    let pair = |now: String, new: String| {
        if now == new {
            now
        } else {
            format!("{now} → {new}")
        }
    };
    let rows = preview
        .by_grade
        .iter()
        .map(|b| {
            let money = |f: &GradeFigures, pick: fn(&GradeFigures) -> Decimal| {
                format_money(&Money::new(pick(f), b.currency))
            };
            view! {
                <tr data-testid="what-if-grade" data-grade=b.grade.to_string()>
                    <th scope="row">{b.grade.to_string()} " · " {b.currency.to_string()}</th>
                    <td class="num">{pair(b.now.customers.to_string(), b.candidate.customers.to_string())}</td>
                    <td class="num">{pair(money(&b.now, |f| f.limit), money(&b.candidate, |f| f.limit))}</td>
                    <td class="num">{pair(money(&b.now, |f| f.exposure), money(&b.candidate, |f| f.exposure))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3 class="subheading">{t!(i18n, what_if_by_grade)}</h3>
        <div class="table-scroll">
            <table class="table" data-testid="what-if-by-grade">
                <caption class="small muted">{t!(i18n, what_if_by_grade_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, grade)}</th>
                        <th scope="col" class="num">{t!(i18n, customers)}</th>
                        <th scope="col" class="num">{t!(i18n, what_if_limits)}</th>
                        <th scope="col" class="num">{t!(i18n, what_if_owed)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn Orders(preview: EnginePreview) -> impl IntoView {
    let i18n = use_i18n();
    let o = preview.orders;
    view! {
        <h3 class="subheading">{t!(i18n, what_if_orders)}</h3>
        <p class="small muted">{t!(i18n, what_if_orders_hint, count = o.looked)}</p>
        <div class="table-scroll">
            <table class="table" data-testid="what-if-orders">
                <thead>
                    <tr>
                        <th scope="col"><span class="sr-only">{t!(i18n, what_if_orders)}</span></th>
                        <th scope="col" class="num">{t!(i18n, what_if_order_count)}</th>
                        <th scope="col" class="num">{t!(i18n, amount)}</th>
                    </tr>
                </thead>
                <tbody>
                    <tr>
                        <th scope="row">{t!(i18n, what_if_blocked_now)}</th>
                        <td class="num">{o.blocked_now}</td><td class="num">"—"</td>
                    </tr>
                    <tr>
                        <th scope="row">{t!(i18n, what_if_blocked_new)}</th>
                        <td class="num">{o.blocked_candidate}</td><td class="num">"—"</td>
                    </tr>
                    <tr data-testid="what-if-newly-blocked">
                        <th scope="row">{t!(i18n, what_if_newly_blocked)}</th>
                        <td class="num">{o.newly_blocked}</td><td class="num">{monies(&o.newly_blocked_amount)}</td>
                    </tr>
                    <tr data-testid="what-if-newly-passed">
                        <th scope="row">{t!(i18n, what_if_newly_passed)}</th>
                        <td class="num">{o.newly_passed}</td><td class="num">{monies(&o.newly_passed_amount)}</td>
                    </tr>
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Loss(preview: EnginePreview) -> impl IntoView {
    let i18n = use_i18n();
    let rows = preview
        .expected_loss
        .iter()
        .map(|l| {
            let money = |amount: Decimal| format_money(&Money::new(amount, l.currency));
            let change = l.candidate - l.now;
            let sign = if change > Decimal::ZERO { "+" } else { "" };
            view! {
                <tr data-testid="what-if-loss">
                    <th scope="row">{l.currency.to_string()}</th>
                    <td class="num">{money(l.now)}</td>
                    <td class="num">{money(l.candidate)}</td>
                    <td class="num">{format!("{sign}{}", money(change))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3 class="subheading">{t!(i18n, what_if_loss)}</h3>
        <div class="table-scroll">
            <table class="table" data-testid="what-if-loss-table">
                <caption class="small muted">{t!(i18n, what_if_loss_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, what_if_currency)}</th>
                        <th scope="col" class="num">{t!(i18n, what_if_in_force)}</th>
                        <th scope="col" class="num">{t!(i18n, what_if_candidate)}</th>
                        <th scope="col" class="num">{t!(i18n, what_if_change)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::preview::Outcome;
    use credence_shared::{Currency, engine::Share};

    fn outcome(grade: Grade) -> Outcome {
        Outcome {
            grade,
            limit: Decimal::from(100),
            terms_days: 30,
            pd: Share::new(Decimal::new(1, 2)).unwrap(),
            exposure: Money::new(Decimal::from(10), Currency::CNY),
        }
    }

    #[test]
    fn the_migration_matrix_keeps_on_its_diagonal_those_who_did_not_move() {
        // Arrange: two B stay B, one B goes to C, one D goes to C.
        let mut preview = EnginePreview::default();
        preview.count(outcome(Grade::B), outcome(Grade::B), false);
        preview.count(outcome(Grade::B), outcome(Grade::B), false);
        preview.count(outcome(Grade::B), outcome(Grade::C), false);
        preview.count(outcome(Grade::D), outcome(Grade::C), false);

        // Act
        let cell = |f, t| migration(&preview, f, t);

        // Assert
        assert_eq!((cell(Grade::B, Grade::B), cell(Grade::B, Grade::C)), (2, 1));
        assert_eq!((cell(Grade::D, Grade::D), cell(Grade::D, Grade::C)), (0, 1));
        assert_eq!(grades_seen(&preview), vec![Grade::B, Grade::C, Grade::D]);
    }

    #[test]
    fn a_bad_rate_is_a_share_of_the_swap_set_and_none_without_one() {
        assert_eq!(rate(1, 3), "33.3%");
        assert_eq!(rate(0, 0), "—");
        assert_eq!(monies(&[]), "—");
    }
}
