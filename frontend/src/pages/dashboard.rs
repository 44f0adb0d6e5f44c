//! The portfolio dashboard, `/dashboard` (risk, finance, approvers, admins, collectors):
//! overdue share, DSO, receivables turnover and bad-debt rate as figure cards; customers
//! by grade with the change since the last snapshot, open alerts by rule and the
//! portfolio's aging as bar charts (each with its numbers in a table for screen readers);
//! the largest exposures and the most overdue customers.

use credence_shared::Grade;
use credence_shared::watch::{
    AgingBucket, CustomerAging, GradeCount, Kpis, PortfolioAging, RuleCount, TopExposure,
};
use leptos::prelude::*;

use crate::components::download::ExportButtons;
use plotters::style::RGBColor;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::api::{self, ApiError};
use crate::components::bar_chart::{Bar, BarChart, colour};
use crate::components::collections::bucket_label;
use crate::components::customer_card::GradeBadge;
use crate::components::layout::{KPI_READERS, use_current_user};
use crate::components::money::{Amount, format_money};
use crate::components::notice::{ErrorNotice, Loaded, Loading};
use crate::components::table::{ChartTable, Col, StackTable};
use crate::components::watch::rule_label;
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

/// `0.1234` → `12.3%`.
pub fn share_percent(share: Decimal) -> String {
    format!(
        "{}%",
        (share * Decimal::ONE_HUNDRED).round_dp(1).normalize()
    )
}

/// `+3`, `−2`, `0`, or `—` without a previous snapshot.
pub fn drift_text(drift: Option<i64>) -> String {
    match drift {
        None => "—".to_owned(),
        Some(d) if d > 0 => format!("+{d}"),
        Some(d) if d < 0 => format!("−{}", d.unsigned_abs()),
        Some(_) => "0".to_owned(),
    }
}

/// Exposure as a share of the limit, for the exposures table; `None` without a limit.
pub fn utilisation(exposure: Decimal, limit: Decimal) -> Option<String> {
    (limit > Decimal::ZERO).then(|| share_percent(exposure / limit))
}

/// A bar's length from an amount; only for drawing (the figure is formatted from the
/// `Decimal`).
fn length(amount: Decimal) -> f64 {
    amount.to_f64().unwrap_or_default().max(0.0)
}

fn grade_colour(grade: &str) -> RGBColor {
    match grade {
        "A" => colour::GRADE_A,
        "B" => colour::GRADE_B,
        "C" => colour::GRADE_C,
        "D" => colour::GRADE_D,
        "E" => colour::GRADE_E,
        _ => colour::NONE,
    }
}

fn bucket_colour(bucket: &str) -> RGBColor {
    match bucket {
        "current" => colour::AGING_CURRENT,
        "1-30" => colour::AGING_1_30,
        "31-60" => colour::AGING_31_60,
        "61-90" => colour::AGING_61_90,
        _ => colour::AGING_90_PLUS,
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = use_current_user();
    let loaded = move || user.0.get().is_some();
    let allowed = move || user.has_any(&KPI_READERS);
    view! {
        <div class="page page-dashboard">
            <h1 class="page-title">{t!(i18n, dashboard_title)}</h1>
            <Show when=loaded fallback=|| view! { <Loading /> }>
                <Show when=allowed fallback=|| view! { <ErrorNotice error=ApiError::Forbidden /> }>
                    <ExportButtons what="aging" />
                    <Dashboard session />
                </Show>
            </Show>
        </div>
    }
}

#[component]
fn Dashboard(session: crate::session::Session) -> impl IntoView {
    let kpis = LocalResource::new(move || api::kpis(session));
    let aging = LocalResource::new(move || api::portfolio_aging(session));
    view! {
        <Loaded resource=kpis let:kpis>
            <KpiView kpis />
            <ExportButtons what="kpis" />
        </Loaded>
        <Loaded resource=aging let:aging>
            <AgingView aging />
        </Loaded>
    }
}

#[component]
fn KpiCard(
    testid: &'static str,
    label: fn() -> &'static str,
    value: AnyView,
    note: AnyView,
    #[prop(default = false)] warn: bool,
) -> impl IntoView {
    view! {
        <div class="card kpi" class:warn=warn data-testid=testid>
            <span class="label">{label}</span>
            <strong class="kpi-value">{value}</strong>
            <span class="muted small">{note}</span>
        </div>
    }
}

#[component]
fn KpiView(kpis: Kpis) -> impl IntoView {
    let i18n = use_i18n();
    let none = || "—".to_owned();
    let (overdue, receivables) = (format_money(&kpis.overdue), format_money(&kpis.receivables));
    let date = kpis.as_of.to_string();
    let count = kpis.customers;
    let currency = kpis.currency.to_string();
    let others = kpis.other_currency_customers;
    let dso = kpis.dso.map(|d| d.round_dp(1).normalize().to_string());
    let turnover = kpis
        .ar_turnover
        .map(|d| d.round_dp(2).normalize().to_string());
    let high_share = kpis.overdue_share > Decimal::new(2, 1);
    view! {
        <p class="muted small page-lead" data-testid="dashboard-as-of">
            {t!(i18n, dashboard_as_of, date, count, currency)}
        </p>
        {(others > 0).then(|| view! {
            <p class="notice notice-warn small">{t!(i18n, other_currency_note, count = others)}</p>
        })}
        <div class="kpi-grid">
            <KpiCard
                testid="kpi-overdue-share"
                label=|| t_string!(use_i18n(), kpi_overdue_share)
                value=share_percent(kpis.overdue_share).into_any()
                note=view! { {t!(i18n, kpi_overdue_share_note, overdue, receivables)} }.into_any()
                warn=high_share
            />
            <KpiCard
                testid="kpi-dso"
                label=|| t_string!(use_i18n(), kpi_dso)
                value=match dso {
                    Some(days) => t!(i18n, days, days).into_any(),
                    None => none().into_any(),
                }
                note=view! { {t!(i18n, kpi_dso_note)} }.into_any()
            />
            <KpiCard
                testid="kpi-turnover"
                label=|| t_string!(use_i18n(), kpi_turnover)
                value=turnover.map(|x| format!("{x}×")).unwrap_or_else(none).into_any()
                note=view! { {t!(i18n, kpi_turnover_note)} }.into_any()
            />
            <KpiCard
                testid="kpi-bad-debt"
                label=|| t_string!(use_i18n(), kpi_bad_debt)
                value=kpis.bad_debt_rate.map(share_percent).unwrap_or_else(none).into_any()
                note=view! { {t!(i18n, kpi_bad_debt_note)} }.into_any()
            />
        </div>
        <div class="dashboard-grid">
            <GradesCard grades=kpis.grades />
            <AlertsByRuleCard rules=kpis.alerts_by_rule />
            <TopExposures items=kpis.top_exposures />
        </div>
    }
}

#[component]
fn GradesCard(grades: Vec<GradeCount>) -> impl IntoView {
    let i18n = use_i18n();
    let compared = grades.iter().any(|g| g.drift.is_some());
    let stored = StoredValue::new(grades.clone());
    let bars = Signal::derive(move || {
        let not_graded = t_string!(i18n, no_grade);
        stored.with_value(|grades| {
            grades
                .iter()
                .map(|g| Bar {
                    label: if g.grade == "-" {
                        not_graded.to_owned()
                    } else {
                        g.grade.clone()
                    },
                    value: f64::from(g.customers),
                    figure: match g.drift {
                        Some(_) => format!("{} ({})", g.customers, drift_text(g.drift)),
                        None => g.customers.to_string(),
                    },
                    colour: grade_colour(&g.grade),
                })
                .collect()
        })
    });
    view! {
        <section class="card section" aria-labelledby="grades-title">
            <h2 class="section-title" id="grades-title">{t!(i18n, grades_title)}</h2>
            <BarChart bars label=|| t_string!(use_i18n(), grades_chart_label) testid="chart-grades" />
            <p class="muted small">
                {if compared { t!(i18n, drift_hint).into_any() } else { t!(i18n, drift_none).into_any() }}
            </p>
            <ChartTable caption=|| t_string!(use_i18n(), grades_title) cols=vec![
                Col::text(|| t_string!(use_i18n(), grade)),
                Col::text(|| t_string!(use_i18n(), customers)),
                Col::text(|| t_string!(use_i18n(), drift)),
            ]>
                {grades.into_iter().map(|g| {
                    let grade = Grade::ALL.into_iter().find(|x| x.as_str() == g.grade);
                    view! {
                        <tr>
                            <th scope="row"><GradeBadge grade /></th>
                            <td>{g.customers}</td>
                            <td>{drift_text(g.drift)}</td>
                        </tr>
                    }
                }).collect_view()}
            </ChartTable>
        </section>
    }
}

#[component]
fn AlertsByRuleCard(rules: Vec<RuleCount>) -> impl IntoView {
    let i18n = use_i18n();
    let mut rules = rules;
    rules.sort_by(|a, b| b.open.cmp(&a.open).then_with(|| a.rule_id.cmp(&b.rule_id)));
    let stored = StoredValue::new(rules.clone());
    let bars = Signal::derive(move || {
        stored.with_value(|rules| {
            rules
                .iter()
                .map(|r| Bar {
                    label: rule_label(&r.rule_id, &r.rule_name),
                    value: f64::from(r.open),
                    figure: r.open.to_string(),
                    colour: colour::BRAND,
                })
                .collect()
        })
    });
    view! {
        <section class="card section" aria-labelledby="alerts-by-rule-title">
            <h2 class="section-title" id="alerts-by-rule-title">{t!(i18n, alerts_by_rule_title)}</h2>
            {if rules.is_empty() {
                view! { <p class="muted" data-testid="chart-alerts">{t!(i18n, no_open_alerts)}</p> }.into_any()
            } else {
                view! {
                    <BarChart bars label=|| t_string!(use_i18n(), alerts_chart_label) testid="chart-alerts" />
                    <ChartTable caption=|| t_string!(use_i18n(), alerts_by_rule_title) cols=vec![
                        Col::text(|| t_string!(use_i18n(), alerts_rule)),
                        Col::text(|| t_string!(use_i18n(), open_alerts)),
                    ]>
                        {rules.into_iter().map(|r| {
                            let (id, name) = (r.rule_id.clone(), r.rule_name.clone());
                            view! {
                                <tr>
                                    <th scope="row">{move || rule_label(&id, &name)}</th>
                                    <td>{r.open}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </ChartTable>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn TopExposures(items: Vec<TopExposure>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card section wide" aria-labelledby="top-exposures-title">
            <h2 class="section-title" id="top-exposures-title">{t!(i18n, top_exposures_title)}</h2>
            {if items.is_empty() {
                view! { <p class="muted" data-testid="top-exposures">{t!(i18n, no_data)}</p> }.into_any()
            } else {
                view! {
                    <StackTable class="exposures" testid="top-exposures" cols=vec![
                        Col::text(|| t_string!(use_i18n(), customer)),
                        Col::text(|| t_string!(use_i18n(), grade)),
                        Col::num(|| t_string!(use_i18n(), exposure)),
                        Col::num(|| t_string!(use_i18n(), credit_limit)),
                        Col::num(|| t_string!(use_i18n(), utilisation)),
                    ]>
                        {items.into_iter().map(|e| {
                            let used = utilisation(e.exposure.amount, e.limit.amount);
                            let over = e.exposure.amount > e.limit.amount;
                            view! {
                                <tr data-testid="top-exposure">
                                    <td>
                                        <a href=format!("/customers/{}", e.customer_id)>{e.name.clone()}</a>
                                    </td>
                                    <td><GradeBadge grade=e.grade /></td>
                                    <td class="num">
                                        <span class="stack-label">{t!(i18n, exposure)} " "</span>
                                        <Amount money=e.exposure />
                                    </td>
                                    <td class="num">
                                        <span class="stack-label">{t!(i18n, credit_limit)} " "</span>
                                        <Amount money=e.limit />
                                    </td>
                                    <td class="num" class:warn-text=over>
                                        <span class="stack-label">{t!(i18n, utilisation)} " "</span>
                                        {used.unwrap_or_else(|| "—".to_owned())}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </StackTable>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn AgingView(aging: PortfolioAging) -> impl IntoView {
    let i18n = use_i18n();
    let buckets: Vec<AgingBucket> = aging.buckets;
    let stored = StoredValue::new(buckets.clone());
    let bars = Signal::derive(move || {
        stored.with_value(|buckets| {
            buckets
                .iter()
                .map(|b| Bar {
                    label: bucket_label(&b.bucket),
                    value: length(b.amount.amount),
                    figure: format_money(&b.amount),
                    colour: bucket_colour(&b.bucket),
                })
                .collect()
        })
    });
    let customers: Vec<CustomerAging> = aging.customers;
    view! {
        <div class="dashboard-grid">
            <section class="card section" aria-labelledby="portfolio-aging-title">
                <h2 class="section-title" id="portfolio-aging-title">{t!(i18n, portfolio_aging_title)}</h2>
                <BarChart bars label=|| t_string!(use_i18n(), aging_chart_label) testid="chart-aging" />
                <ChartTable caption=|| t_string!(use_i18n(), portfolio_aging_title) cols=vec![
                    Col::text(|| t_string!(use_i18n(), bucket)),
                    Col::text(|| t_string!(use_i18n(), amount)),
                ]>
                    {buckets.into_iter().map(|b| {
                        let name = b.bucket.clone();
                        view! {
                            <tr>
                                <th scope="row">{move || bucket_label(&name)}</th>
                                <td><Amount money=b.amount /></td>
                            </tr>
                        }
                    }).collect_view()}
                </ChartTable>
            </section>
            <section class="card section" aria-labelledby="most-overdue-title">
                <h2 class="section-title" id="most-overdue-title">{t!(i18n, most_overdue_title)}</h2>
                {if customers.is_empty() {
                    view! { <p class="muted">{t!(i18n, no_data)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="overdue-list" data-testid="most-overdue">
                            {customers.into_iter().map(|c| {
                                let days = c.oldest_overdue_days;
                                view! {
                                    <li>
                                        <a href=format!("/customers/{}#section-collections", c.customer_id)>{c.name.clone()}</a>
                                        <span class="overdue-figures">
                                            <Amount money=c.overdue class="warn-text" />
                                            <span class="muted small">{t!(i18n, oldest_overdue_days, days)}</span>
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }
                    .into_any()
                }}
            </section>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_percent_and_drift_with_its_sign() {
        assert_eq!(share_percent(Decimal::new(1234, 4)), "12.3%");
        assert_eq!(share_percent(Decimal::ZERO), "0%");
        assert_eq!(drift_text(Some(3)), "+3");
        assert_eq!(drift_text(Some(-2)), "−2");
        assert_eq!(drift_text(Some(0)), "0");
        assert_eq!(drift_text(None), "—");
    }

    #[test]
    fn utilisation_needs_a_limit() {
        assert_eq!(
            utilisation(Decimal::from(95), Decimal::from(100)).as_deref(),
            Some("95%")
        );
        assert_eq!(utilisation(Decimal::from(5), Decimal::ZERO), None);
    }
}
