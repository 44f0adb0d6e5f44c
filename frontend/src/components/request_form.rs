//! The form that asks for a change to a credit file: a new limit, a temporary limit, other
//! terms, a credit review, release from hold, or a blacklist change, with the justification reviewers read.
//! Used to file a request (customer page) and to amend a returned one (request page).
//!
//! What can be checked in the browser is checked with the shared rules (`Change::validate`,
//! `validate_justification`) before anything is sent; the server's field messages replace
//! them when it answers.

use credence_shared::workflow::{Change, RequestKind, validate_justification};
use credence_shared::{Currency, Money};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use rust_decimal::Decimal;
use time::Date;

use crate::components::form::{
    FieldErrors, TextField, days_after, parse_date, parse_days, parse_money, required, today, word,
};
use crate::components::labels::kind_label;
use crate::components::money::format_money;
use crate::i18n::{t, t_string, use_i18n};
use credence_shared::dto::FieldError;

/// What the form offers to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Limit,
    Temporary,
    Terms,
    HoldRelease,
    PrepaymentLift,
    /// A credit review: the limit and terms the line keeps, and how long the limit lasts.
    Review,
    BlacklistAdd,
    BlacklistRemove,
    /// A new customer's first line (only when amending one).
    NewCreditLine,
    /// A change the form cannot edit (a blocked order): kept as it is.
    Fixed,
}

impl Choice {
    pub fn value(self) -> &'static str {
        match self {
            Choice::Limit => "limit",
            Choice::Temporary => "temporary_limit",
            Choice::Terms => "terms_change",
            Choice::HoldRelease => "hold_release",
            Choice::PrepaymentLift => "prepayment_lift",
            Choice::Review => "review",
            Choice::BlacklistAdd => "blacklist_add",
            Choice::BlacklistRemove => "blacklist_remove",
            Choice::NewCreditLine => "new_credit_line",
            Choice::Fixed => "fixed",
        }
    }

    fn of(change: &Change) -> Self {
        match change {
            Change::NewCreditLine { .. } => Choice::NewCreditLine,
            Change::Limit { .. } => Choice::Limit,
            Change::TemporaryLimit { .. } => Choice::Temporary,
            Change::TermsChange { .. } => Choice::Terms,
            Change::HoldRelease => Choice::HoldRelease,
            Change::PrepaymentLift => Choice::PrepaymentLift,
            Change::Review { .. } => Choice::Review,
            Change::BlacklistAdd { .. } => Choice::BlacklistAdd,
            Change::BlacklistRemove => Choice::BlacklistRemove,
            Change::BlockedOrderRelease { .. }
            | Change::BlockedOrderReject { .. }
            | Change::PromoteChallenger { .. } => Choice::Fixed,
        }
    }
}

/// The credit file as the form needs it: what is in force, and what the engine recommends.
#[derive(Debug, Clone, PartialEq)]
pub struct FileNow {
    pub currency: Currency,
    pub limit: Money,
    pub recommended_limit: Money,
    pub terms_days: u32,
    pub on_hold: bool,
    pub blacklisted: bool,
    /// A prepayment share is set on the file (by a warning rule or a person).
    pub prepayment_set: bool,
}

impl FileNow {
    /// The changes that make sense for this file, in the order offered.
    pub fn choices(&self) -> Vec<Choice> {
        let mut out = vec![
            Choice::Limit,
            Choice::Temporary,
            Choice::Terms,
            Choice::Review,
        ];
        if self.on_hold {
            out.push(Choice::HoldRelease);
        }
        if self.prepayment_set {
            out.push(Choice::PrepaymentLift);
        }
        out.push(if self.blacklisted {
            Choice::BlacklistRemove
        } else {
            Choice::BlacklistAdd
        });
        out
    }
}

/// What is typed, as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestDraft {
    pub choice: Choice,
    pub limit: String,
    pub until: String,
    pub terms: String,
    /// The last day a reviewed limit is valid (empty: no end).
    pub valid_until: String,
    pub reason: String,
    pub source: String,
    pub justification: String,
    /// The change being amended, for `Choice::Fixed`.
    pub fixed: Option<Change>,
}

/// A sensible starting amount for a new limit: the recommendation when it is higher than the
/// limit in force, else the limit in force.
pub fn suggested_limit(file: &FileNow) -> Decimal {
    file.recommended_limit
        .amount
        .max(file.limit.amount)
        .round_dp(2)
}

/// A temporary limit to start from: the recommendation when higher, else 20% above the limit.
pub fn suggested_temporary(file: &FileNow) -> Decimal {
    let raised = (file.limit.amount * Decimal::new(12, 1)).round_dp(0);
    file.recommended_limit.amount.max(raised).round_dp(2)
}

impl RequestDraft {
    /// A blank request, prefilled from the file.
    pub fn new(file: &FileNow, today: Date) -> Self {
        RequestDraft {
            choice: Choice::Limit,
            limit: suggested_limit(file).normalize().to_string(),
            until: days_after(today, 30).to_string(),
            terms: file.terms_days.to_string(),
            valid_until: String::new(),
            reason: String::new(),
            source: String::new(),
            justification: String::new(),
            fixed: None,
        }
    }

    /// The draft of a request being amended.
    pub fn amending(change: &Change, justification: &str, file: &FileNow, today: Date) -> Self {
        let mut draft = RequestDraft::new(file, today);
        draft.choice = Choice::of(change);
        draft.justification = justification.to_owned();
        match change {
            Change::NewCreditLine { limit, terms_days } => {
                draft.limit = limit.amount.normalize().to_string();
                draft.terms = terms_days.to_string();
            }
            Change::Limit { limit } => draft.limit = limit.amount.normalize().to_string(),
            Change::TemporaryLimit { limit, until } => {
                draft.limit = limit.amount.normalize().to_string();
                draft.until = until.to_string();
            }
            Change::TermsChange { terms_days } => draft.terms = terms_days.to_string(),
            Change::Review {
                limit,
                terms_days,
                valid_until,
            } => {
                draft.limit = limit.amount.normalize().to_string();
                draft.terms = terms_days.to_string();
                draft.valid_until = valid_until.map(|d| d.to_string()).unwrap_or_default();
            }
            Change::BlacklistAdd { reason, source } => {
                draft.reason = reason.clone();
                draft.source = source.clone();
            }
            Change::BlockedOrderRelease { .. }
            | Change::BlockedOrderReject { .. }
            | Change::PromoteChallenger { .. } => {
                draft.fixed = Some(change.clone());
            }
            Change::HoldRelease | Change::BlacklistRemove | Change::PrepaymentLift => {}
        }
        draft
    }

    /// Switching to a temporary limit starts from a temporary amount, and back.
    pub fn choose(&mut self, choice: Choice, file: &FileNow) {
        let from_default = |d: Decimal| self.limit == d.normalize().to_string();
        if choice == Choice::Temporary && from_default(suggested_limit(file)) {
            self.limit = suggested_temporary(file).normalize().to_string();
        } else if choice == Choice::Limit && from_default(suggested_temporary(file)) {
            self.limit = suggested_limit(file).normalize().to_string();
        } else if choice == Choice::Review {
            // A review starts from the line as it is.
            self.limit = file.limit.amount.round_dp(2).normalize().to_string();
            self.terms = file.terms_days.to_string();
        }
        self.choice = choice;
    }

    /// The change alone, when it can be read (the justification not considered).
    pub fn change_only(&self, currency: Currency, today: Date) -> Option<Change> {
        let mut with_reason = self.clone();
        with_reason.justification = "-".into();
        with_reason.build(currency, today).ok()
    }

    /// The change asked for, or every message about what is typed. Field names follow the
    /// server's (`change.limit`, `change.until`, `justification`, …).
    pub fn build(&self, currency: Currency, today: Date) -> Result<Change, FieldErrors> {
        let mut errors = Vec::new();
        let limit = || -> Result<Money, FieldError> {
            match parse_money(&self.limit) {
                Ok(Some(amount)) => Ok(Money::new(amount, currency)),
                Ok(None) => Err(required("change.limit")),
                Err(e) => Err(e.to_field_error("change.limit")),
            }
        };
        let terms = || -> Result<u16, FieldError> {
            match parse_days(&self.terms) {
                Ok(Some(days)) => Ok(days),
                Ok(None) => Err(required("change.terms_days")),
                Err(e) => Err(e.to_field_error("change.terms_days")),
            }
        };
        let change = match self.choice {
            Choice::Limit => limit().map(|limit| Change::Limit { limit }),
            Choice::Temporary => {
                let until = parse_date(&self.until);
                match (limit(), until) {
                    (Ok(limit), Some(until)) => Ok(Change::TemporaryLimit { limit, until }),
                    (Err(e), _) => Err(e),
                    (_, None) => Err(required("change.until")),
                }
            }
            Choice::Terms => terms().map(|terms_days| Change::TermsChange { terms_days }),
            Choice::Review => {
                let valid_until = if self.valid_until.trim().is_empty() {
                    Ok(None)
                } else {
                    parse_date(&self.valid_until)
                        .map(Some)
                        .ok_or_else(|| required("change.valid_until"))
                };
                match (limit(), terms(), valid_until) {
                    (Ok(limit), Ok(terms_days), Ok(valid_until)) => Ok(Change::Review {
                        limit,
                        terms_days,
                        valid_until,
                    }),
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(e),
                }
            }
            Choice::NewCreditLine => match (limit(), terms()) {
                (Ok(limit), Ok(terms_days)) => Ok(Change::NewCreditLine { limit, terms_days }),
                (Err(e), _) | (_, Err(e)) => Err(e),
            },
            Choice::HoldRelease => Ok(Change::HoldRelease),
            Choice::PrepaymentLift => Ok(Change::PrepaymentLift),
            Choice::BlacklistAdd => Ok(Change::BlacklistAdd {
                reason: self.reason.trim().to_owned(),
                source: self.source.trim().to_owned(),
            }),
            Choice::BlacklistRemove => Ok(Change::BlacklistRemove),
            Choice::Fixed => self.fixed.clone().ok_or_else(|| required("change")),
        };
        let change = match change {
            Ok(change) => {
                if let Err(found) = change.validate(today) {
                    errors.extend(found);
                }
                Some(change)
            }
            Err(error) => {
                errors.push(error);
                None
            }
        };
        if let Err(found) = validate_justification("justification", &self.justification) {
            errors.extend(found);
        }
        match change {
            Some(change) if errors.is_empty() => Ok(change),
            _ => Err(FieldErrors(errors)),
        }
    }
}

/// The fields the form shows messages for; anything else is listed above the button.
const SHOWN: [&str; 7] = [
    "change.limit",
    "change.until",
    "change.valid_until",
    "change.terms_days",
    "change.reason",
    "change.source",
    "justification",
];

#[component]
pub fn RequestForm(
    file: FileNow,
    /// Start from this change (amending); a blank request when `None`.
    #[prop(optional)]
    initial: Option<(Change, String)>,
    /// Sends the change and justification; the parent shows progress and errors.
    on_submit: Callback<(Change, String)>,
    #[prop(into)] busy: Signal<bool>,
    /// The server's field messages for the last try.
    #[prop(into)]
    server_errors: Signal<FieldErrors>,
    /// Closes the form; no cancel button without it.
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
    /// The label on the submit button.
    submit_label: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = today();
    let choices = {
        let mut list = file.choices();
        if let Some((change, _)) = &initial {
            let choice = Choice::of(change);
            if !list.contains(&choice) {
                list.insert(0, choice);
            }
        }
        list
    };
    let amending_fixed = initial
        .as_ref()
        .is_some_and(|(c, _)| matches!(Choice::of(c), Choice::Fixed | Choice::NewCreditLine));
    let draft = RwSignal::new(match &initial {
        Some((change, justification)) => {
            RequestDraft::amending(change, justification, &file, today)
        }
        None => RequestDraft::new(&file, today),
    });
    let tried = RwSignal::new(false);
    let file = StoredValue::new(file);
    let currency = file.with_value(|f| f.currency);

    let checked = Memo::new(move |_| draft.with(|d| d.build(currency, today)));
    // The server's messages count until the person edits again; ours only after a first try.
    let shown_errors = Memo::new(move |_| {
        let server = server_errors.get();
        if !server.is_empty() {
            return server;
        }
        if !tried.get() {
            return FieldErrors::default();
        }
        checked.with(|c| c.as_ref().err().cloned().unwrap_or_default())
    });
    let error =
        move |field: &'static str| Signal::derive(move || shown_errors.with(|e| e.get(field)));
    let others = move || shown_errors.with(|e| e.others(&SHOWN));

    let value = move |get: fn(&RequestDraft) -> String| Signal::derive(move || draft.with(get));
    let edit = move |set: fn(&mut RequestDraft, String)| {
        Callback::new(move |v: String| draft.update(|d| set(d, v)))
    };
    let choice = move || draft.with(|d| d.choice);
    let shows = move |wanted: &'static [Choice]| move || wanted.contains(&choice());

    // What kind the change will be routed as (a lower limit is a decrease), as soon as the
    // change itself can be read, whatever the justification says so far.
    let routed_kind = move || -> Option<RequestKind> {
        let limit = file.with_value(|f| f.limit.amount);
        draft
            .with(|d| d.change_only(currency, today))
            .map(|change| change.kind(Some(limit)))
    };

    let on_form_submit = move |event: SubmitEvent| {
        event.prevent_default();
        tried.set(true);
        if let Ok(change) = checked.get_untracked() {
            let justification = draft.with_untracked(|d| d.justification.trim().to_owned());
            on_submit.run((change, justification));
        }
    };

    let now_limit = file.with_value(|f| format_money(&f.limit));
    let recommended = file.with_value(|f| format_money(&f.recommended_limit));
    let now_terms = file.with_value(|f| f.terms_days);
    let symbol = currency.symbol().unwrap_or("");

    view! {
        <form class="form request-form" data-testid="request-form" on:submit=on_form_submit novalidate>
            <div class="field">
                <label for="request-kind">{t!(i18n, request_what)}</label>
                <select
                    id="request-kind"
                    data-testid="request-kind"
                    disabled=amending_fixed
                    on:change=move |event| {
                        let value = event_target_value(&event);
                        let picked = choices_for_select(&value);
                        if let Some(picked) = picked {
                            file.with_value(|f| draft.update(|d| d.choose(picked, f)));
                        }
                    }
                >
                    {choices.into_iter().map(|c| view! {
                        <option value=c.value() selected=move || choice() == c>
                            {move || choice_label(c)}
                        </option>
                    }).collect_view()}
                </select>
                {move || routed_kind().map(|kind| view! {
                    <p class="muted small" data-testid="request-routed-kind">
                        {t!(i18n, request_routed_as)} " " <strong>{move || kind_label(kind)}</strong>
                    </p>
                })}
            </div>

            <TextField
                id="request-limit"
                hidden=Signal::derive(move || !shows(&[Choice::Limit, Choice::Temporary, Choice::NewCreditLine, Choice::Review])())
                label=move || view! {
                    {move || if choice() == Choice::Temporary {
                        t_string!(i18n, request_temporary_amount)
                    } else {
                        t_string!(i18n, request_new_limit)
                    }}
                    " (" {currency.to_string()} ")"
                }
                inputmode="decimal"
                autocomplete="off"
                prefix=symbol
                hint=Some(ViewFn::from(move || t!(i18n, request_limit_now, limit = now_limit.clone(), recommended = recommended.clone())))
                value=value(|d| d.limit.clone())
                on_input=edit(|d, v| d.limit = v)
                message=error("change.limit")
            />
            <TextField
                id="request-until"
                hidden=Signal::derive(move || !shows(&[Choice::Temporary])())
                kind="date"
                label=move || t!(i18n, request_until)
                min=today.to_string()
                value=value(|d| d.until.clone())
                on_input=edit(|d, v| d.until = v)
                message=error("change.until")
            />
            <TextField
                id="request-terms"
                hidden=Signal::derive(move || !shows(&[Choice::Terms, Choice::NewCreditLine, Choice::Review])())
                label=move || t!(i18n, request_terms_days)
                inputmode="numeric"
                autocomplete="off"
                hint=Some(ViewFn::from(move || t!(i18n, request_terms_now, days = now_terms)))
                value=value(|d| d.terms.clone())
                on_input=edit(|d, v| d.terms = v)
                message=error("change.terms_days")
            />
            <TextField
                id="request-valid-until"
                hidden=Signal::derive(move || !shows(&[Choice::Review])())
                kind="date"
                label=move || t!(i18n, request_valid_until)
                min=today.to_string()
                hint=Some(ViewFn::from(move || t!(i18n, request_valid_until_hint)))
                value=value(|d| d.valid_until.clone())
                on_input=edit(|d, v| d.valid_until = v)
                message=error("change.valid_until")
            />

            <TextField
                id="request-reason"
                hidden=Signal::derive(move || !shows(&[Choice::BlacklistAdd])())
                label=move || t!(i18n, blacklist_reason)
                value=value(|d| d.reason.clone())
                on_input=edit(|d, v| d.reason = v)
                message=error("change.reason")
            />
            <TextField
                id="request-source"
                hidden=Signal::derive(move || !shows(&[Choice::BlacklistAdd])())
                label=move || t!(i18n, blacklist_source)
                placeholder=move || t_string!(i18n, blacklist_source_hint).to_owned()
                value=value(|d| d.source.clone())
                on_input=edit(|d, v| d.source = v)
                message=error("change.source")
            />

            <TextField
                id="request-justification"
                rows=4
                label=move || t!(i18n, justification)
                placeholder=move || t_string!(i18n, justification_hint).to_owned()
                value=value(|d| d.justification.clone())
                on_input=edit(|d, v| d.justification = v)
                message=error("justification")
            />

            {move || {
                let others = others();
                (!others.is_empty()).then(|| view! {
                    <div class="notice notice-error" role="alert" data-testid="request-form-errors">
                        <ul>
                            {others.into_iter().map(|e| view! {
                                <li><span class="mono">{e.field.clone()}</span> ": " {word(&e)}</li>
                            }).collect_view()}
                        </ul>
                    </div>
                })
            }}

            <div class="form-actions">
                <button
                    type="submit"
                    class="button button-primary"
                    id="request-submit"
                    data-testid="request-submit"
                    disabled=move || busy.get()
                >
                    {move || if busy.get() { t_string!(i18n, sending).to_owned() } else { submit_label.get() }}
                </button>
                {on_cancel.map(|cancel| view! {
                    <button
                        type="button"
                        class="button button-secondary"
                        data-testid="request-cancel"
                        on:click=move |_| cancel.run(())
                    >
                        {t!(i18n, cancel)}
                    </button>
                })}
            </div>
        </form>
    }
}

fn choices_for_select(value: &str) -> Option<Choice> {
    [
        Choice::Limit,
        Choice::Temporary,
        Choice::Terms,
        Choice::HoldRelease,
        Choice::PrepaymentLift,
        Choice::Review,
        Choice::BlacklistAdd,
        Choice::BlacklistRemove,
        Choice::NewCreditLine,
        Choice::Fixed,
    ]
    .into_iter()
    .find(|c| c.value() == value)
}

fn choice_label(choice: Choice) -> &'static str {
    let i18n = use_i18n();
    match choice {
        Choice::Limit => t_string!(i18n, choice_limit),
        Choice::Temporary => t_string!(i18n, kind_temporary_limit),
        Choice::Terms => t_string!(i18n, kind_terms_change),
        Choice::HoldRelease => t_string!(i18n, kind_hold_release),
        Choice::PrepaymentLift => t_string!(i18n, kind_prepayment_lift),
        Choice::Review => t_string!(i18n, kind_credit_review),
        Choice::BlacklistAdd => t_string!(i18n, kind_blacklist_add),
        Choice::BlacklistRemove => t_string!(i18n, kind_blacklist_remove),
        Choice::NewCreditLine => t_string!(i18n, kind_new_credit_line),
        Choice::Fixed => t_string!(i18n, choice_fixed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use time::macros::date;

    fn cny(s: &str) -> Money {
        Money::new(Decimal::from_str(s).unwrap(), Currency::CNY)
    }

    fn file() -> FileNow {
        FileNow {
            currency: Currency::CNY,
            limit: cny("100000"),
            recommended_limit: cny("150000"),
            terms_days: 30,
            on_hold: false,
            blacklisted: false,
            prepayment_set: false,
        }
    }

    const TODAY: Date = date!(2026 - 11 - 02);

    #[test]
    fn a_new_request_starts_from_the_recommended_limit_when_it_is_higher() {
        let draft = RequestDraft::new(&file(), TODAY);

        assert_eq!(draft.limit, "150000");
        assert_eq!(draft.terms, "30");
        assert_eq!(draft.until, "2026-12-02");
    }

    #[test]
    fn hold_release_and_blacklist_removal_are_offered_only_when_they_apply_a_review_always() {
        let mut f = file();
        assert_eq!(
            f.choices(),
            [
                Choice::Limit,
                Choice::Temporary,
                Choice::Terms,
                Choice::Review,
                Choice::BlacklistAdd
            ]
        );

        f.on_hold = true;
        f.blacklisted = true;

        assert_eq!(
            f.choices(),
            [
                Choice::Limit,
                Choice::Temporary,
                Choice::Terms,
                Choice::Review,
                Choice::HoldRelease,
                Choice::BlacklistRemove
            ]
        );
    }

    #[test]
    fn a_filled_limit_request_builds_its_change() {
        let mut draft = RequestDraft::new(&file(), TODAY);
        draft.limit = "120,000".into();
        draft.justification = "peak season".into();

        let change = draft.build(Currency::CNY, TODAY).unwrap();

        assert_eq!(
            change,
            Change::Limit {
                limit: cny("120000")
            }
        );
    }

    #[test]
    fn a_missing_justification_and_a_bad_amount_name_their_fields() {
        let mut draft = RequestDraft::new(&file(), TODAY);
        draft.limit = "12.345".into();

        let errors = draft.build(Currency::CNY, TODAY).unwrap_err();

        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["change.limit", "justification"]);
    }

    #[test]
    fn a_temporary_limit_in_the_past_is_refused_by_the_shared_rule() {
        let mut draft = RequestDraft::new(&file(), TODAY);
        draft.choose(Choice::Temporary, &file());
        draft.until = "2026-10-01".into();
        draft.justification = "fair".into();

        let errors = draft.build(Currency::CNY, TODAY).unwrap_err();

        assert!(errors.get("change.until").is_some(), "{errors:?}");
    }

    #[test]
    fn switching_to_a_temporary_limit_raises_the_untouched_amount() {
        let mut f = file();
        f.recommended_limit = cny("90000");
        let mut draft = RequestDraft::new(&f, TODAY);
        assert_eq!(draft.limit, "100000");

        draft.choose(Choice::Temporary, &f);

        assert_eq!(draft.limit, "120000");
    }

    #[test]
    fn amending_keeps_what_was_asked() {
        let change = Change::TemporaryLimit {
            limit: cny("180000"),
            until: date!(2026 - 12 - 24),
        };

        let draft = RequestDraft::amending(&change, "xmas", &file(), TODAY);

        assert_eq!(draft.choice, Choice::Temporary);
        assert_eq!(
            (draft.limit.as_str(), draft.until.as_str()),
            ("180000", "2026-12-24")
        );
        assert_eq!(draft.build(Currency::CNY, TODAY).unwrap(), change);
    }

    #[test]
    fn the_kind_shows_before_the_justification_is_written() {
        let mut draft = RequestDraft::new(&file(), TODAY);
        draft.limit = "80000".into();

        let change = draft.change_only(Currency::CNY, TODAY).unwrap();

        assert_eq!(
            change.kind(Some(Decimal::from(100_000))),
            RequestKind::LimitDecrease
        );
    }
}
