//! The fit's report as a risk committee reads it: the headline figures (AUC, Gini, KS on
//! the validation customers, against the model in force on the same customers), the
//! figures side by side, every characteristic with its information value, whether it is in
//! the model or why not, its coefficient, its bins on demand and the analyst's force in /
//! force out, then the charts.

use std::collections::BTreeMap;
use std::sync::Arc;

use credence_shared::lab::fit::BinReport;
use credence_shared::lab::{CharacteristicReport, FitReport, Performance};
use leptos::prelude::*;
use rust_decimal::Decimal;

use super::words::{Issue, drop_words, figure, headline, localized};
use super::{Fit, Force, message};
use crate::components::form::FieldMessage;
use crate::components::lab_charts::{LabCharts, judged, percent};
use crate::components::wording::fill;
use crate::i18n::{t, t_string, td_string, use_i18n};

#[component]
pub fn Report(
    fit: Arc<Fit>,
    force: RwSignal<BTreeMap<String, Force>>,
    issues: RwSignal<Vec<Issue>>,
    /// Fits again with the options and forces as they are now.
    refit: Callback<()>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let report = fit.report.clone();
    let (id, version) = (fit.model.id().to_string(), fit.model.version());
    let development = &report.development;
    let customers = development.customers + report.validation.as_ref().map_or(0, |v| v.customers);
    let bads = development.bads + report.validation.as_ref().map_or(0, |v| v.bads);
    let (dev_customers, dev_bads, iterations) =
        (development.customers, development.bads, report.iterations);
    let summary = move || {
        fill(
            td_string!(i18n.get_locale(), lab_report_of),
            &[
                ("id", &id),
                ("version", &version),
                ("customers", &dev_customers),
                ("bads", &dev_bads),
                ("iterations", &iterations),
            ],
        )
    };
    view! {
        <section class="card section lab-report" data-testid="lab-report" aria-labelledby="lab-report-title">
            <h2 class="section-title" id="lab-report-title">{t!(i18n, lab_report_title)}</h2>
            <p class="muted small" data-testid="lab-report-summary">{summary}</p>
            <Headline report=report.clone() customers bads excluded=Some(fit.excluded) />
            <Compare report=report.clone() />
            <h3 class="subheading">{t!(i18n, lab_chars_title)}</h3>
            <FieldMessage id="lab-force-error" message=message(issues, "force") />
            <CharacteristicTable report=report.clone() force=Some(force) />
            <div class="form-actions lab-refit lab-no-print">
                <button type="button" class="button button-secondary" data-testid="lab-refit"
                    disabled=move || busy.get() on:click=move |_| refit.run(())>
                    {t!(i18n, lab_refit)}
                </button>
            </div>
            <LabCharts report />
        </section>
    }
}

/// A report kept with a published engine version: the same figures, table and charts,
/// read only.
#[component]
pub fn KeptReport(report: Arc<FitReport>) -> impl IntoView {
    let i18n = use_i18n();
    let development = &report.development;
    let customers = development.customers + report.validation.as_ref().map_or(0, |v| v.customers);
    let bads = development.bads + report.validation.as_ref().map_or(0, |v| v.bads);
    view! {
        <section class="card section lab-report" data-testid="lab-report">
            <Headline report=report.clone() customers bads excluded=None />
            <Compare report=report.clone() />
            <h3 class="subheading">{t!(i18n, lab_chars_title)}</h3>
            <CharacteristicTable report=report.clone() force=None />
            <LabCharts report />
        </section>
    }
}

#[component]
fn Figure(
    testid: &'static str,
    label: fn() -> &'static str,
    value: String,
    champion: Option<String>,
    development: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let champion_note = move || match &champion {
        Some(value) => fill(
            td_string!(i18n.get_locale(), lab_champion_figure),
            &[("value", value)],
        ),
        None => td_string!(i18n.get_locale(), lab_no_champion).to_owned(),
    };
    view! {
        <div class="card kpi" data-testid=testid>
            <span class="label">{label}</span>
            <strong class="kpi-value">{value}</strong>
            <span class="muted small" data-testid=format!("{testid}-champion")>{champion_note}</span>
            {development.map(|d| view! {
                <span class="muted small">{t!(i18n, lab_development)} " " {d}</span>
            })}
        </div>
    }
}

#[component]
fn Headline(
    report: Arc<FitReport>,
    customers: u32,
    bads: u32,
    /// Customers read but left out of the sample (not kept with a published report).
    excluded: Option<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let judged_on = judged(&report);
    let on_validation = report.validation.is_some();
    let champion = report.champion.as_ref();
    let dev = &report.development;
    let pick = |p: &Performance, f: fn(&Performance) -> Decimal| headline(f(p));
    let with_dev = |f: fn(&Performance) -> Decimal| on_validation.then(|| pick(dev, f));
    let excluded = excluded.map_or_else(|| "—".to_owned(), |n| n.to_string());
    let counts = move || {
        fill(
            td_string!(i18n.get_locale(), lab_customers_note),
            &[("bads", &bads), ("excluded", &excluded)],
        )
    };
    view! {
        <p class="small lab-judged-on">
            {if on_validation { t!(i18n, lab_on_validation).into_any() } else { t!(i18n, lab_on_development).into_any() }}
        </p>
        <div class="kpi-grid lab-headline">
            <Figure testid="lab-auc" label=|| t_string!(use_i18n(), lab_auc)
                value=pick(judged_on, |p| p.auc)
                champion=champion.map(|c| pick(c, |p| p.auc))
                development=with_dev(|p| p.auc) />
            <Figure testid="lab-gini" label=|| t_string!(use_i18n(), lab_gini)
                value=pick(judged_on, |p| p.gini)
                champion=champion.map(|c| pick(c, |p| p.gini))
                development=with_dev(|p| p.gini) />
            <Figure testid="lab-ks" label=|| t_string!(use_i18n(), lab_ks)
                value=pick(judged_on, |p| p.ks)
                champion=champion.map(|c| pick(c, |p| p.ks))
                development=with_dev(|p| p.ks) />
            <div class="card kpi" data-testid="lab-customers">
                <span class="label">{t!(i18n, customers)}</span>
                <strong class="kpi-value">{customers}</strong>
                <span class="muted small">{counts}</span>
            </div>
        </div>
    }
}

/// Development, validation and the model in force side by side.
#[component]
fn Compare(report: Arc<FitReport>) -> impl IntoView {
    let i18n = use_i18n();
    let columns: Vec<Option<Performance>> = vec![
        Some(report.development.clone()),
        report.validation.clone(),
        report.champion.clone(),
    ];
    let row = move |label: fn() -> &'static str, f: fn(&Performance) -> String| {
        let cells = columns
            .iter()
            .map(|p| view! { <td class="num">{p.as_ref().map(f).unwrap_or_else(|| "—".to_owned())}</td> })
            .collect_view();
        view! { <tr><th scope="row">{label}</th>{cells}</tr> }
    };
    view! {
        <div class="table-scroll">
            <table class="table lab-compare" data-testid="lab-compare">
                <caption class="sr-only">{t!(i18n, lab_compare_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, lab_figure)}</th>
                        <th scope="col" class="num">{t!(i18n, lab_development)}</th>
                        <th scope="col" class="num">{t!(i18n, lab_validation)}</th>
                        <th scope="col" class="num">{t!(i18n, lab_champion)}</th>
                    </tr>
                </thead>
                <tbody>
                    {row(|| t_string!(use_i18n(), lab_auc), |p| headline(p.auc))}
                    {row(|| t_string!(use_i18n(), lab_gini), |p| headline(p.gini))}
                    {row(|| t_string!(use_i18n(), lab_ks), |p| headline(p.ks))}
                    {row(|| t_string!(use_i18n(), customers), |p| p.customers.to_string())}
                    {row(|| t_string!(use_i18n(), lab_bads), |p| p.bads.to_string())}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn CharacteristicTable(
    report: Arc<FitReport>,
    /// The analyst's choices; none on a kept report, which is read only.
    force: Option<RwSignal<BTreeMap<String, Force>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-scroll">
            <table class="table stack-table lab-characteristics" data-testid="lab-characteristics">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, lab_characteristic)}</th>
                        <th scope="col" class="num">{t!(i18n, lab_iv)}</th>
                        <th scope="col">{t!(i18n, lab_status)}</th>
                        <th scope="col" class="num">{t!(i18n, lab_coefficient)}</th>
                        {force.is_some().then(|| view! { <th scope="col" class="lab-no-print">{t!(i18n, lab_force)}</th> })}
                        <th scope="col" class="lab-no-print"><span class="sr-only">{t!(i18n, lab_show_bins)}</span></th>
                    </tr>
                </thead>
                {report.characteristics.iter().map(|c| view! { <CharacteristicRows c=c.clone() force /> }).collect_view()}
            </table>
        </div>
    }
}

/// One characteristic: its row, and its bins under it when opened.
#[component]
fn CharacteristicRows(
    c: CharacteristicReport,
    force: Option<RwSignal<BTreeMap<String, Force>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let code = c.code.to_string();
    let bins_id = format!("lab-bins-{code}");
    let name = c.name.clone();
    let dropped = c.dropped.clone();
    let included = dropped.is_none();
    let key = code.clone();
    let chosen = move || match force.map_or(Force::Auto, |force| {
        force.with(|f| f.get(&key).copied().unwrap_or_default())
    }) {
        Force::Auto => "auto",
        Force::In => "in",
        Force::Out => "out",
    };
    let key = code.clone();
    let choose = move |value: String| {
        let choice = match value.as_str() {
            "in" => Force::In,
            "out" => Force::Out,
            _ => Force::Auto,
        };
        if let Some(force) = force {
            force.update(|f| {
                f.insert(key.clone(), choice);
            });
        }
    };
    let force_label = {
        let code = code.clone();
        move || {
            fill(
                td_string!(i18n.get_locale(), lab_force_for),
                &[("code", &code)],
            )
        }
    };
    let bins_label = {
        let code = code.clone();
        move || {
            fill(
                td_string!(i18n.get_locale(), lab_bins_of),
                &[("code", &code)],
            )
        }
    };
    view! {
        <tbody class="lab-characteristic" data-testid="lab-characteristic" data-code=code.clone() data-included=included.to_string()>
            <tr>
                <th scope="row">
                    <span class="mono">{code.clone()}</span>
                    " "
                    <span>{move || localized(i18n.get_locale(), &name)}</span>
                </th>
                <td class="num"><span class="stack-label">{t!(i18n, lab_iv)} " "</span>{figure(c.iv)}</td>
                <td>
                    <span class="badge" class:status-approved=included class:badge-neutral=!included data-testid="lab-status">
                        {move || drop_words(i18n.get_locale(), dropped.as_ref())}
                    </span>
                </td>
                <td class="num">
                    <span class="stack-label">{t!(i18n, lab_coefficient)} " "</span>
                    {c.coefficient.map(figure).unwrap_or_else(|| "—".to_owned())}
                </td>
                <td class="lab-no-print" hidden=force.is_none()>
                    <select class="lab-force" data-testid=format!("lab-force-{code}") aria-label=force_label
                        prop:value=chosen on:change=move |e| choose(event_target_value(&e))>
                        <option value="auto">{t!(i18n, lab_force_auto)}</option>
                        <option value="in">{t!(i18n, lab_force_in)}</option>
                        <option value="out">{t!(i18n, lab_force_out)}</option>
                    </select>
                </td>
                <td class="lab-no-print">
                    <button type="button" class="button button-ghost button-small" data-testid=format!("lab-bins-toggle-{code}")
                        aria-expanded=move || open.get().to_string() aria-controls=bins_id.clone()
                        on:click=move |_| open.update(|o| *o = !*o)>
                        {t!(i18n, lab_show_bins)}
                    </button>
                </td>
            </tr>
            <tr class="lab-bins-row" id=bins_id hidden=move || !open.get()>
                <td colspan=if force.is_some() { "6" } else { "5" }>
                    <BinTable bins=c.bins missing=c.missing label=bins_label />
                </td>
            </tr>
        </tbody>
    }
}

#[component]
fn BinTable(
    bins: Vec<BinReport>,
    missing: BinReport,
    label: impl Fn() -> String + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let row = move |b: BinReport, from: AnyView| {
        view! {
            <tr>
                <th scope="row">{from}</th>
                <td class="num">{b.customers}</td>
                <td class="num">{b.bads}</td>
                <td class="num">{b.bad_rate.map(percent).unwrap_or_else(|| "—".to_owned())}</td>
                <td class="num">{figure(b.woe)}</td>
                <td class="num">{b.points.map(|p| p.normalize().to_string()).unwrap_or_else(|| "—".to_owned())}</td>
            </tr>
        }
    };
    let rows = bins
        .into_iter()
        .map(|b| {
            let from = match b.from {
                Some(from) => figure(from).into_any(),
                None => t!(i18n, lab_bin_lowest).into_any(),
            };
            row(b, from)
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table lab-bins" data-testid="lab-bins">
                <caption class="sr-only">{label}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, lab_bin_from)}</th>
                        <th scope="col" class="num">{t!(i18n, customers)}</th>
                        <th scope="col" class="num">{t!(i18n, lab_bads)}</th>
                        <th scope="col" class="num">{t!(i18n, lab_bad_rate)}</th>
                        <th scope="col" class="num">{t!(i18n, lab_woe)}</th>
                        <th scope="col" class="num">{t!(i18n, lab_points)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows}
                    {row(missing, t!(i18n, lab_bin_unknown).into_any())}
                </tbody>
            </table>
        </div>
    }
}
