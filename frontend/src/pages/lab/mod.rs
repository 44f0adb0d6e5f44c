//! The scoring lab, `/lab` (risk, admin): build a development sample from the ledger (page
//! by page from `POST /v1/lab/sample`, saying how far it is), fit a scorecard to it here in
//! the browser with the shared code (`credence_shared::lab::fit`, against the model in
//! force read from `GET /v1/engine`), and read the report a risk committee reads
//! (`report`: figures, characteristics and their bins, the charts). Changing the options
//! fits again without reading the sample again. The fitted model can be downloaded as JSON
//! and, by an admin, published (`model`). Every stop is worded next to its control
//! (`words`). Champion / challenger — starting a fitted model in shadow, comparing it, and
//! asking for it to be put in force — is `challenger`. A report kept with a published version is read at `/lab/reports/{version}`
//! (`kept`).

mod challenger;
mod kept;
mod model;
mod report;
mod words;

/// The lab's styles, with its pages rather than in the stylesheet every page loads first.
const LAB_CSS: &str = include_str!("lab.css");

pub use kept::KeptReportPage;

use std::collections::BTreeMap;
use std::sync::Arc;

use credence_shared::Role;
use credence_shared::engine::ScorecardModel;
use credence_shared::engine::calendar::{months_after, months_before};
use credence_shared::lab::{
    self, FitOptions, FitReport, Observation, OutcomeSource, SampleRequest,
};
use credence_shared::workflow::EngineInForce;
use leptos::prelude::*;
use rust_decimal::Decimal;
use time::Date;

use crate::api::{self, ApiError};
use crate::components::form::{
    FieldMessage, NumberError, TextField, parse_date, parse_decimal, today,
};
use crate::components::layout::use_current_user;
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;
use words::{Issue, sample_issue};

/// Who may use the lab (publishing is the admin's).
pub const LAB_USERS: [Role; 2] = [Role::Risk, Role::Admin];

/// The analyst's choice for one characteristic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Force {
    #[default]
    Auto,
    In,
    Out,
}

/// The development sample as read, with the engine it was read against.
#[derive(Debug, Clone)]
struct Sample {
    engine: Arc<EngineInForce>,
    characteristics: Vec<String>,
    observations: Arc<Vec<Observation>>,
    excluded: u32,
    already_bad: u32,
    /// The pages named other characteristics than the first: the model changed meanwhile.
    mixed: bool,
}

/// How far the sample is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Progress {
    kept: u32,
    bads: u32,
    validation: u32,
    excluded: u32,
    already_bad: u32,
    done: bool,
}

impl Progress {
    fn read(&self) -> u32 {
        self.kept + self.excluded + self.already_bad
    }
}

/// A fitted model and its report, with what it was fitted from.
#[derive(Debug, Clone)]
pub struct Fit {
    pub model: ScorecardModel,
    pub report: Arc<FitReport>,
    /// Customers read but left out of the sample.
    pub excluded: u32,
    /// The characteristic codes the sample was read for.
    pub codes: Vec<String>,
}

/// The issues shown next to `field`, in the reader's language.
fn message(issues: RwSignal<Vec<Issue>>, field: &'static str) -> Signal<Option<String>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        let locale = i18n.get_locale();
        issues.with(|list| {
            list.iter()
                .find(|i| i.field() == field)
                .map(|i| i.word(locale))
        })
    })
}

/// Fits `sample` with `options`, checking first that the model it was read for is the one
/// the candidates come from.
fn fit_sample(sample: &Sample, options: &FitOptions) -> Result<Fit, Issue> {
    let champion = &sample.engine.model;
    let candidates = lab::candidates_of(champion);
    let same = candidates
        .iter()
        .map(|c| &*c.code)
        .eq(sample.characteristics.iter().map(String::as_str));
    if sample.mixed || !same {
        return Err(Issue::ModelChanged);
    }
    let fitted = lab::fit(
        champion,
        &candidates,
        &sample.observations,
        options,
        champion.id().clone(),
        champion.version().saturating_add(1),
    )
    .map_err(Issue::Lab)?;
    Ok(Fit {
        model: fitted.model,
        report: Arc::new(fitted.report),
        excluded: sample.excluded + sample.already_bad,
        codes: sample.characteristics.clone(),
    })
}

/// Scrolls the report's title into view, after the page has drawn it.
fn reveal_report() {
    request_animation_frame(|| {
        if let Some(title) = document().get_element_by_id("lab-report-title") {
            title.scroll_into_view();
        }
    });
}

/// A whole number in `range`, or the issue with it.
fn whole<T: TryFrom<i64>>(
    text: &str,
    field: &'static str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<T, Issue> {
    match parse_decimal(text, 0, false) {
        Ok(Some(d)) => {
            let n = i64::try_from(d.mantissa()).map_err(|_| Issue::OutOfRange(field))?;
            if range.contains(&n) {
                T::try_from(n).map_err(|_| Issue::OutOfRange(field))
            } else {
                Err(Issue::OutOfRange(field))
            }
        }
        Ok(None) | Err(NumberError::NotANumber) => Err(Issue::NotANumber(field)),
        Err(_) => Err(Issue::OutOfRange(field)),
    }
}

/// A share option: empty gives the default.
fn share(text: &str, field: &'static str, default: Decimal) -> Result<Decimal, Issue> {
    match parse_decimal(text, 4, false) {
        Ok(value) => Ok(value.unwrap_or(default)),
        Err(NumberError::NotANumber) => Err(Issue::NotANumber(field)),
        Err(_) => Err(Issue::OutOfRange(field)),
    }
}

#[component]
pub fn LabPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let loaded = move || user.0.get().is_some();
    let allowed = move || user.has_any(&LAB_USERS);
    view! {
        <style>{LAB_CSS}</style>
        <div class="page page-lab">
            <h1 class="page-title">{t!(i18n, lab_title)}</h1>
            <p class="muted page-lead">{t!(i18n, lab_lead)}</p>
            <Show when=loaded fallback=|| view! { <Loading /> }>
                <Show when=allowed fallback=|| view! { <ErrorNotice error=ApiError::Forbidden /> }>
                    <Lab />
                </Show>
            </Show>
        </div>
    }
}

#[component]
fn Lab() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = use_current_user();
    let defaults = FitOptions::default();
    let date = RwSignal::new(months_before(today(), 12).to_string());
    let months = RwSignal::new("12".to_owned());
    let dpd = RwSignal::new("90".to_owned());
    let percent = RwSignal::new("30".to_owned());
    let seed = RwSignal::new("1".to_owned());
    let source = RwSignal::new(OutcomeSource::Ledger);
    let tag = RwSignal::new(String::new());
    let import_run = RwSignal::new(String::new());
    // The customer files imported, to restrict the sample to the customers one brought in.
    let imports = LocalResource::new(move || async move {
        api::import_runs(session)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.kind == credence_shared::import::columns::ImportKind::Customers)
            .collect::<Vec<_>>()
    });
    // Out of time: validation customers observed again on a later day.
    let oot = RwSignal::new(String::new());
    let min_bin_share = RwSignal::new(defaults.min_bin_share.to_string());
    let iv_threshold = RwSignal::new(defaults.iv_threshold.to_string());
    let max_correlation = RwSignal::new(defaults.max_correlation.to_string());
    let force = RwSignal::new(BTreeMap::<String, Force>::new());
    let issues = RwSignal::new(Vec::<Issue>::new());
    let failure = RwSignal::new(None::<ApiError>);
    let progress = RwSignal::new(None::<Progress>);
    let sample = RwSignal::new(None::<Sample>);
    let fitted = RwSignal::new(None::<Arc<Fit>>);
    let fitting = RwSignal::new(false);

    let read = Action::new_local(move |_: &()| async move {
        let asked = date.get_untracked();
        let parsed = (
            parse_date(&asked).ok_or(Issue::NotADate),
            whole::<u8>(&months.get_untracked(), "outcome_months", 1..=36),
            whole::<u16>(&dpd.get_untracked(), "bad_dpd_days", 1..=3650),
            whole::<u8>(&percent.get_untracked(), "validation_percent", 0..=90),
            whole::<u64>(&seed.get_untracked(), "seed", 0..=i64::MAX),
        );
        let (Ok(day), Ok(window), Ok(bad_dpd_days), Ok(validation_percent), Ok(seed)) = parsed
        else {
            let (a, b, c, d, e) = parsed;
            issues.set(
                [a.err(), b.err(), c.err(), d.err(), e.err()]
                    .into_iter()
                    .flatten()
                    .collect(),
            );
            return;
        };
        let later = match out_of_time(&oot.get_untracked(), day, window, today()) {
            Ok(later) => later,
            Err(issue) => return issues.set(vec![issue]),
        };
        issues.set(Vec::new());
        failure.set(None);
        sample.set(None);
        fitted.set(None);
        progress.set(Some(Progress::default()));
        let engine = match api::engine(session).await {
            Ok(engine) => Arc::new(engine),
            Err(error) => {
                progress.set(None);
                failure.set(Some(error));
                return;
            }
        };
        // With an out-of-time day, the first day's customers are all for development and
        // the later day's all for validation.
        let mut request = SampleRequest {
            observation_date: day,
            outcome_months: window,
            bad_dpd_days,
            validation_percent: if later.is_some() {
                0
            } else {
                validation_percent
            },
            seed,
            outcome_source: source.get_untracked(),
            tag: Some(tag.get_untracked().trim().to_owned()).filter(|t| !t.is_empty()),
            import_run: Some(import_run.get_untracked()).filter(|r| !r.is_empty()),
            cursor: None,
        };
        let mut shown = Progress::default();
        let mut characteristics: Option<Vec<String>> = None;
        let mut mixed = false;
        let mut observations = Vec::new();
        let mut kept_apart = false;
        loop {
            match api::lab_sample(session, &request).await {
                Ok(page) => {
                    match &characteristics {
                        None => characteristics = Some(page.characteristics.clone()),
                        Some(first) => mixed |= *first != page.characteristics,
                    }
                    shown.excluded += page.excluded + page.other_tags;
                    shown.already_bad += page.already_bad;
                    for mut row in page.rows {
                        row.observation.validation |= kept_apart;
                        shown.kept += 1;
                        shown.bads += u32::from(row.observation.bad);
                        shown.validation += u32::from(row.observation.validation);
                        observations.push(row.observation);
                    }
                    request.cursor = page.next_cursor;
                    if request.cursor.is_none() {
                        match later {
                            // Now the customers again on the later day, kept apart.
                            Some(later) if !kept_apart => {
                                kept_apart = true;
                                request.observation_date = later;
                            }
                            _ => shown.done = true,
                        }
                    }
                    progress.set(Some(shown));
                    if shown.done {
                        break;
                    }
                }
                Err(error) => {
                    progress.set(None);
                    let found = error.field_errors().to_vec();
                    if found.is_empty() {
                        failure.set(Some(error));
                    } else {
                        let now = today();
                        issues.set(
                            found
                                .into_iter()
                                .map(|e| sample_issue(e, day, window, now))
                                .collect(),
                        );
                    }
                    return;
                }
            }
        }
        let read = Sample {
            engine,
            characteristics: characteristics.unwrap_or_default(),
            observations: Arc::new(observations),
            excluded: shown.excluded,
            already_bad: shown.already_bad,
            mixed,
        };
        if read.mixed {
            issues.set(vec![Issue::ModelChanged]);
        }
        sample.set(Some(read));
    });

    // `reveal`: bring the report into view once fitted (the fit was asked for above it).
    let run_fit = move |reveal: bool| {
        let Some(current) = sample.get_untracked() else {
            return;
        };
        let parsed = (
            share(
                &min_bin_share.get_untracked(),
                "min_bin_share",
                defaults.min_bin_share,
            ),
            share(
                &iv_threshold.get_untracked(),
                "iv_threshold",
                defaults.iv_threshold,
            ),
            share(
                &max_correlation.get_untracked(),
                "max_correlation",
                defaults.max_correlation,
            ),
        );
        let (Ok(min_bin_share), Ok(iv_threshold), Ok(max_correlation)) = parsed else {
            let (a, b, c) = parsed;
            issues.set([a.err(), b.err(), c.err()].into_iter().flatten().collect());
            return;
        };
        let chosen = |want: Force| {
            force.with_untracked(|f| {
                f.iter()
                    .filter(|(_, v)| **v == want)
                    .map(|(k, _)| k.clone())
                    .collect::<Vec<_>>()
            })
        };
        let options = FitOptions {
            min_bin_share,
            iv_threshold,
            max_correlation,
            force_in: chosen(Force::In),
            force_out: chosen(Force::Out),
            ..FitOptions::default()
        };
        issues.set(Vec::new());
        fitting.set(true);
        // A moment for the browser to show "Fitting…" before the work holds the page.
        set_timeout(
            move || {
                match fit_sample(&current, &options) {
                    Ok(fit) => {
                        fitted.set(Some(Arc::new(fit)));
                        if reveal {
                            reveal_report();
                        }
                    }
                    Err(issue) => issues.set(vec![issue]),
                }
                fitting.set(false);
            },
            std::time::Duration::from_millis(30),
        );
    };

    let reading = move || read.pending().get();
    let model_issue = message(issues, "model");
    let field = move |id: &'static str,
                      label: fn() -> &'static str,
                      value: RwSignal<String>,
                      error: &'static str,
                      kind: &'static str,
                      inputmode: Option<&'static str>| {
        view! {
            <TextField
                id=id
                label=move || label()
                value=value
                on_input=Callback::new(move |v| value.set(v))
                message=message(issues, error)
                kind=kind
                inputmode=inputmode.unwrap_or("text")
            />
        }
    };
    view! {
        <section class="card section lab-controls" data-testid="lab-sample" aria-labelledby="lab-sample-title">
            <h2 class="section-title" id="lab-sample-title">{t!(i18n, lab_sample_title)}</h2>
            <p class="muted small">{t!(i18n, lab_sample_hint)}</p>
            <div class="grid-fields lab-fields">
                {field("lab-date", || t_string!(use_i18n(), lab_observation_date), date, "observation_date", "date", None)}
                {field("lab-months", || t_string!(use_i18n(), lab_outcome_months), months, "outcome_months", "text", Some("numeric"))}
                {field("lab-dpd", || t_string!(use_i18n(), lab_bad_dpd), dpd, "bad_dpd_days", "text", Some("numeric"))}
                {field("lab-validation", || t_string!(use_i18n(), lab_validation_percent), percent, "validation_percent", "text", Some("numeric"))}
                {field("lab-seed", || t_string!(use_i18n(), lab_seed), seed, "seed", "text", Some("numeric"))}
                {field("lab-tag", || t_string!(use_i18n(), lab_tag), tag, "tag", "text", None)}
                <div class="field">
                    <label for="lab-import">{t!(i18n, lab_import)}</label>
                    <select id="lab-import" data-testid="lab-import"
                        prop:value=move || import_run.get()
                        on:change=move |e| import_run.set(event_target_value(&e))>
                        <option value="">{t!(i18n, lab_import_any)}</option>
                        {move || imports.get().unwrap_or_default().into_iter().map(|run| {
                            let day = run.started_at.get(..10).unwrap_or(&run.started_at).to_owned();
                            view! { <option value=run.id.clone()>{format!("{} · {day}", run.file_name)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                {field("lab-oot", || t_string!(use_i18n(), lab_out_of_time), oot, "out_of_time", "date", None)}
                <div class="field">
                    <label for="lab-source">{t!(i18n, lab_outcome_source)}</label>
                    <select id="lab-source" data-testid="lab-source"
                        prop:value=move || match source.get() { OutcomeSource::Ledger => "ledger", OutcomeSource::Imported => "imported" }
                        on:change=move |e| source.set(if event_target_value(&e) == "imported" { OutcomeSource::Imported } else { OutcomeSource::Ledger })>
                        <option value="ledger">{t!(i18n, lab_source_ledger)}</option>
                        <option value="imported">{t!(i18n, lab_source_imported)}</option>
                    </select>
                </div>
            </div>
            <div class="form-actions">
                <button type="button" class="button button-primary" data-testid="lab-build-sample"
                    disabled=reading on:click=move |_| { read.dispatch_local(()); }>
                    {t!(i18n, lab_build_sample)}
                </button>
            </div>
            <FieldMessage id="lab-sample-error" message=message(issues, "sample") />
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            {move || progress.get().map(|p| {
                let (read, kept, bads, validation, excluded, already_bad) =
                    (p.read(), p.kept, p.bads, p.validation, p.excluded, p.already_bad);
                view! {
                    <p class="notice" role="status" data-testid="lab-progress" data-finished=p.done.to_string()>
                        {if p.done {
                            t!(i18n, lab_sample_ready, kept, bads, validation, excluded, already_bad).into_any()
                        } else {
                            t!(i18n, lab_reading, read, kept).into_any()
                        }}
                    </p>
                }
            })}
        </section>
        <section class="card section lab-controls" data-testid="lab-options" aria-labelledby="lab-fit-title">
            <h2 class="section-title" id="lab-fit-title">{t!(i18n, lab_fit_title)}</h2>
            <p class="muted small">{t!(i18n, lab_fit_hint)}</p>
            <div class="grid-fields lab-fields">
                {field("lab-min-bin-share", || t_string!(use_i18n(), lab_min_bin_share), min_bin_share, "min_bin_share", "text", Some("decimal"))}
                {field("lab-iv-threshold", || t_string!(use_i18n(), lab_iv_threshold), iv_threshold, "iv_threshold", "text", Some("decimal"))}
                {field("lab-max-correlation", || t_string!(use_i18n(), lab_max_correlation), max_correlation, "max_correlation", "text", Some("decimal"))}
            </div>
            <div class="form-actions">
                <button type="button" class="button button-primary" data-testid="lab-fit"
                    disabled=move || sample.with(Option::is_none) || fitting.get() || reading()
                    on:click=move |_| run_fit(true)>
                    {move || if fitted.with(Option::is_some) {
                        t!(i18n, lab_refit).into_any()
                    } else {
                        t!(i18n, lab_fit).into_any()
                    }}
                </button>
                <Show when=move || fitting.get()>
                    <p class="loading" role="status" data-testid="lab-fitting">
                        <span class="spinner" aria-hidden="true"></span>
                        {t!(i18n, lab_fitting)}
                    </p>
                </Show>
            </div>
        </section>
        {move || model_issue.get().map(|said| view! {
            <p class="notice notice-error" role="alert" data-testid="lab-model-error">{said}</p>
        })}
        {move || fitted.get().map(|fit| {
            let is_admin = user.has_any(&[Role::Admin]);
            let refit = Callback::new(move |()| run_fit(false));
            let busy = Signal::derive(move || fitting.get());
            view! {
                <report::Report fit=fit.clone() force issues refit busy />
                <model::ModelSection fit is_admin />
            }
        })}
        <challenger::ChallengerSection fitted is_admin=user.has_any(&[Role::Admin]) />
    }
}

/// The out-of-time validation day asked for, if any: after the observation day, with its
/// own outcome window ended by `today`.
fn out_of_time(asked: &str, day: Date, window: u8, today: Date) -> Result<Option<Date>, Issue> {
    if asked.trim().is_empty() {
        return Ok(None);
    }
    let later = parse_date(asked).ok_or(Issue::OutOfRange("out_of_time"))?;
    let ended = months_after(later, u32::from(window)) <= today;
    if later <= day || !ended {
        return Err(Issue::OutOfRange("out_of_time"));
    }
    Ok(Some(later))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_out_of_time_day_is_after_the_observation_day_with_its_window_ended() {
        let day = time::macros::date!(2025 - 01 - 31);
        let today = time::macros::date!(2026 - 12 - 04);
        assert_eq!(out_of_time("", day, 12, today), Ok(None));
        assert_eq!(
            out_of_time("2025-06-30", day, 12, today),
            Ok(Some(time::macros::date!(2025 - 06 - 30)))
        );
        let refused = Err(Issue::OutOfRange("out_of_time"));
        assert_eq!(out_of_time("2024-12-31", day, 12, today), refused, "before");
        assert_eq!(
            out_of_time("2026-01-31", day, 12, today),
            refused,
            "window open"
        );
        assert_eq!(out_of_time("soon", day, 12, today), refused, "not a date");
    }

    #[test]
    fn whole_numbers_are_checked_against_their_range() {
        assert_eq!(whole::<u8>("12", "outcome_months", 1..=36), Ok(12));
        assert_eq!(
            whole::<u8>("40", "outcome_months", 1..=36),
            Err(Issue::OutOfRange("outcome_months"))
        );
        assert_eq!(
            whole::<u8>("twelve", "outcome_months", 1..=36),
            Err(Issue::NotANumber("outcome_months"))
        );
        assert_eq!(
            whole::<u8>("1.5", "outcome_months", 1..=36),
            Err(Issue::OutOfRange("outcome_months"))
        );
    }

    #[test]
    fn an_empty_share_takes_the_default_and_a_word_is_not_a_number() {
        let d = Decimal::new(5, 2);
        assert_eq!(share("", "min_bin_share", d), Ok(d));
        assert_eq!(share("0.1", "min_bin_share", d), Ok(Decimal::new(1, 1)));
        assert_eq!(
            share("abc", "min_bin_share", d),
            Err(Issue::NotANumber("min_bin_share"))
        );
        assert_eq!(
            share("-1", "min_bin_share", d),
            Err(Issue::OutOfRange("min_bin_share"))
        );
    }

    #[test]
    fn a_sample_read_for_other_characteristics_is_not_fitted() {
        let engine = EngineInForce {
            version: 0,
            model: credence_shared::engine::default_model(),
            policy: credence_shared::engine::default_policy(),
        };
        let sample = Sample {
            engine: Arc::new(engine),
            characteristics: vec!["NOT_A_CODE".to_owned()],
            observations: Arc::new(Vec::new()),
            excluded: 0,
            already_bad: 0,
            mixed: false,
        };

        let result = fit_sample(&sample, &FitOptions::default());

        assert_eq!(result.err(), Some(Issue::ModelChanged));
    }
}
