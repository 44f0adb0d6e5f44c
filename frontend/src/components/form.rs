//! What the forms share: a labelled text field with its message, messages next to the
//! field they name (from the server's problem or from the shared validation) and where a
//! failed change's messages go, reading typed numbers and dates, and dates and times for
//! people.

use credence_shared::dto::FieldError;
use credence_shared::messages::code;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use rust_decimal::Decimal;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::api::ApiError;
use crate::components::messages::word_field_error;
use crate::i18n::Locale;

/// Field messages, looked up by the field a form control edits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn from_api(error: &ApiError) -> Self {
        FieldErrors(error.field_errors().to_vec())
    }

    /// One message about one field, in the form's own words (no code: the form words it
    /// itself, see [`message_about`]).
    pub fn one(field: &str, message: &str) -> Self {
        FieldErrors(vec![FieldError::new(field, "", message)])
    }

    /// One coded error about one field.
    pub fn coded(field: &str, code: &str, message: &str) -> Self {
        FieldErrors(vec![FieldError::new(field, code, message)])
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message about `field` or anything inside it, worded (see [`word`]):
    /// `change.limit` answers for `change.limit.amount`, `contacts` for `contacts[0].name`
    /// only when asked for it exactly.
    pub fn get(&self, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|e| names_field(&e.field, field))
            .map(word)
    }

    /// Messages that no control of the form shows, so they can be listed above the button.
    pub fn others(&self, shown: &[&str]) -> Vec<FieldError> {
        self.0
            .iter()
            .filter(|e| !shown.iter().any(|f| names_field(&e.field, f)))
            .cloned()
            .collect()
    }
}

/// The message about `field`, with the form's own message `code` put into `words`.
pub fn message_about(
    fields: RwSignal<FieldErrors>,
    field: &'static str,
    code: &'static str,
    words: fn() -> &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        fields
            .with(|f| f.get(field))
            .map(|m| if m == code { words().to_owned() } else { m })
    })
}

/// Where a failed change's messages go: field messages to `fields`, anything else a notice.
pub fn report(error: ApiError, fields: RwSignal<FieldErrors>, failure: RwSignal<Option<ApiError>>) {
    let found = FieldErrors::from_api(&error);
    if found.is_empty() {
        failure.set(Some(error));
    } else {
        fields.set(found);
    }
}

/// As [`report`]; a 409 (someone changed it first) also reloads, so the notice sits above
/// what is current.
pub fn settle(
    error: ApiError,
    fields: RwSignal<FieldErrors>,
    failure: RwSignal<Option<ApiError>>,
    reload: impl FnOnce(),
) {
    let conflict = matches!(error, ApiError::Conflict(_));
    report(error, fields, failure);
    if conflict {
        reload();
    }
}

/// Whether an error about `reported` belongs to the control for `control`.
pub fn names_field(reported: &str, control: &str) -> bool {
    match reported.strip_prefix(control) {
        Some("") => true,
        Some(rest) => rest.starts_with('.'),
        None => false,
    }
}

/// A field error in the language in use, worded from its code and parameters
/// (`components/messages.rs`); the server's English message for a code this app does not
/// know, and outside the app (no translation context, as in native tests).
/// Reactive: read in a closure, it follows the language switch.
pub fn word(error: &FieldError) -> String {
    match use_context::<I18nContext<Locale>>() {
        Some(i18n) => word_field_error(i18n.get_locale(), error),
        None => error.message.clone(),
    }
}

/// A form's own error: `field` must be filled in.
pub fn required(field: &str) -> FieldError {
    FieldError::new(field, code::REQUIRED, "required")
}

/// A form's own error: `field` is not a date.
pub fn invalid_date(field: &str) -> FieldError {
    FieldError::new(field, code::DATE_INVALID, "not a date YYYY-MM-DD")
}

/// A form's own error: `field` is not a number.
pub fn invalid_number(field: &str) -> FieldError {
    FieldError::new(field, code::NUMBER_INVALID, "not a number")
}

/// A form's own error: `field` is not a two-letter country code.
pub fn invalid_country(field: &str) -> FieldError {
    FieldError::new(
        field,
        code::REGISTRATION_INVALID,
        "a country is two capital letters, like CN",
    )
}

/// The message under a control; empty (and hidden) when there is nothing to say.
#[component]
pub fn FieldMessage(
    #[prop(into)] id: String,
    #[prop(into)] message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <p
            id=id.clone()
            class="field-error"
            data-testid=format!("{id}")
            aria-live="polite"
            hidden=move || message.with(Option::is_none)
        >
            {move || message.get()}
        </p>
    }
}

/// A labelled text input (a text area when given `rows`) with an optional hint and the
/// message about it under it. Its `data-testid` is its id unless `testid` says otherwise.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] label: ViewFn,
    #[prop(into)] value: Signal<String>,
    on_input: Callback<String>,
    #[prop(into)] message: Signal<Option<String>>,
    #[prop(optional, into)] testid: Option<String>,
    /// A text area of this many rows.
    #[prop(optional)]
    rows: Option<u32>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] autocapitalize: Option<&'static str>,
    #[prop(optional, into)] placeholder: Option<Signal<String>>,
    /// Shown before the input, as `¥` is for amounts.
    #[prop(optional)]
    prefix: Option<&'static str>,
    /// The earliest and latest a date input offers.
    #[prop(optional, into)]
    min: Option<String>,
    #[prop(optional, into)] max: Option<String>,
    /// Words under the input (`Some` or `None`, so a form can leave it out).
    #[prop(optional_no_strip)]
    hint: Option<ViewFn>,
    /// The label is for screen readers only (the placeholder says what to write).
    #[prop(optional)]
    label_hidden: bool,
    #[prop(optional, into)] hidden: Signal<bool>,
    /// Another class for the field, besides `field`.
    #[prop(optional)]
    class: Option<&'static str>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = match &hint {
        Some(_) => format!("{error_id} {hint_id}"),
        None => error_id.clone(),
    };
    let testid = testid.unwrap_or_else(|| id.clone());
    let invalid = move || message.with(Option::is_some).to_string();
    let placeholder = move || placeholder.map(|p| p.get());
    let input = move |event| on_input.run(event_target_value(&event));
    let control = match rows {
        Some(rows) => view! {
            <textarea
                id=id.clone()
                rows=rows
                data-testid=testid
                placeholder=placeholder
                aria-describedby=described
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=input
            ></textarea>
        }
        .into_any(),
        None => {
            let field = view! {
                <input
                    id=id.clone()
                    type=kind
                    inputmode=inputmode
                    autocomplete=autocomplete
                    autocapitalize=autocapitalize
                    data-testid=testid
                    placeholder=placeholder
                    min=min
                    max=max
                    aria-describedby=described
                    aria-invalid=invalid
                    prop:value=move || value.get()
                    on:input=input
                    // Date pickers may report a choice only as a change.
                    on:change=move |event| {
                        if kind == "date" {
                            on_input.run(event_target_value(&event));
                        }
                    }
                />
            };
            match prefix {
                Some(prefix) => view! {
                    <div class="amount-input">
                        <span class="amount-prefix" aria-hidden="true">{prefix}</span>
                        {field}
                    </div>
                }
                .into_any(),
                None => field.into_any(),
            }
        }
    };
    view! {
        <div class=class.map_or("field".to_owned(), |c| format!("field {c}")) hidden=move || hidden.get()>
            <label for=id class:sr-only=label_hidden>{label.run()}</label>
            {control}
            {hint.map(|hint| view! { <p id=hint_id class="muted small">{hint.run()}</p> })}
            <FieldMessage id=error_id message />
        </div>
    }
}

/// Cleans what was typed into a number: full-width digits and punctuation, currency signs,
/// thousands separators and spaces. `None` when nothing was typed.
pub fn clean_number(text: &str) -> Option<String> {
    let mut cleaned = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '０'..='９' => {
                cleaned.push(char::from(b'0' + (u32::from(c) - u32::from('０')) as u8));
            }
            '．' | '。' => cleaned.push('.'),
            '－' | '−' => cleaned.push('-'),
            ',' | '，' | '_' | '¥' | '￥' => {}
            c if c.is_whitespace() => {}
            c => cleaned.push(c),
        }
    }
    (!cleaned.is_empty()).then_some(cleaned)
}

/// Why a typed number cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    NotANumber,
    Negative,
    TooManyDecimals,
    NotWhole,
}

impl NumberError {
    /// The stable code (`credence_shared::messages::code`) for this error.
    pub fn code(self) -> &'static str {
        match self {
            NumberError::NotANumber => code::NUMBER_INVALID,
            NumberError::Negative => code::NUMBER_NEGATIVE,
            NumberError::TooManyDecimals => code::NUMBER_DECIMALS,
            NumberError::NotWhole => code::NUMBER_NOT_WHOLE,
        }
    }

    /// This error about `field`. Amounts are the only numbers with decimals (two).
    pub fn to_field_error(self, field: &str) -> FieldError {
        let message = match self {
            NumberError::NotANumber => "not a number",
            NumberError::Negative => "must be zero or more",
            NumberError::TooManyDecimals => "at most 2 decimals",
            NumberError::NotWhole => "must be a whole number",
        };
        let error = FieldError::new(field, self.code(), message);
        match self {
            NumberError::TooManyDecimals => error.with("max", 2),
            _ => error,
        }
    }
}

/// A number with at most `decimals` places; negative only when `signed`.
pub fn parse_decimal(
    text: &str,
    decimals: u32,
    signed: bool,
) -> Result<Option<Decimal>, NumberError> {
    let Some(cleaned) = clean_number(text) else {
        return Ok(None);
    };
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let well_formed = !(whole.is_empty() && fraction.is_empty())
        && whole.len() <= 16
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(NumberError::NotANumber);
    }
    let whole = if whole.is_empty() { "0" } else { whole };
    let mut value: Decimal = format!("{whole}.{fraction}0")
        .parse()
        .map_err(|_| NumberError::NotANumber)?;
    if negative {
        value = -value;
    }
    if value.is_sign_negative() && !value.is_zero() && !signed {
        return Err(NumberError::Negative);
    }
    if fraction.trim_end_matches('0').len() > decimals as usize {
        return Err(if decimals == 0 {
            NumberError::NotWhole
        } else {
            NumberError::TooManyDecimals
        });
    }
    Ok(Some(value.normalize()))
}

/// An amount of money: zero or more, at most two decimals.
pub fn parse_money(text: &str) -> Result<Option<Decimal>, NumberError> {
    parse_decimal(text, 2, false)
}

/// A whole number of days (or years) that fits in `u16`.
pub fn parse_days(text: &str) -> Result<Option<u16>, NumberError> {
    match parse_decimal(text, 0, false)? {
        None => Ok(None),
        Some(d) => u16::try_from(d.mantissa())
            .map(Some)
            .map_err(|_| NumberError::NotANumber),
    }
}

/// `YYYY-MM-DD`, as `<input type=date>` gives it.
pub fn parse_date(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), format).ok()
}

/// The browser's local date today.
pub fn today() -> Date {
    let now = now();
    now.to_offset(local_offset()).date()
}

/// The browser's clock, as a UTC time.
pub fn now() -> OffsetDateTime {
    let ms = js_sys::Date::now() as i128;
    OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn local_offset() -> UtcOffset {
    // `getTimezoneOffset` is minutes *behind* UTC (UTC+8 gives -480).
    let minutes = -(js_sys::Date::new_0().get_timezone_offset() as i32);
    UtcOffset::from_whole_seconds(minutes * 60).unwrap_or(UtcOffset::UTC)
}

/// `2026-11-02 17:05` in the browser's time zone.
pub fn local_datetime(at: OffsetDateTime) -> String {
    datetime_at_offset(at, local_offset())
}

/// `2026-11-02 17:05` at `offset`.
pub fn datetime_at_offset(at: OffsetDateTime, offset: UtcOffset) -> String {
    let at = at.to_offset(offset);
    format!("{} {:02}:{:02}", at.date(), at.hour(), at.minute())
}

/// A date `days` after `from` (or `from` itself when that would overflow).
pub fn days_after(from: Date, days: i64) -> Date {
    from.checked_add(time::Duration::days(days)).unwrap_or(from)
}

/// The file a person chose in the `<input type="file">` that fired `ev`, if any.
pub fn picked_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())?
        .files()?
        .get(0)
}

/// A chosen file's bytes, or `None` when the browser could not read it.
pub async fn file_bytes(file: &web_sys::File) -> Option<Vec<u8>> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::dto::FieldError;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn errors(fields: &[&str]) -> FieldErrors {
        FieldErrors(
            fields
                .iter()
                .map(|f| FieldError::new(*f, "", format!("bad {f}")))
                .collect(),
        )
    }

    #[test]
    fn a_message_about_a_nested_field_shows_at_its_control() {
        let e = errors(&["change.limit.amount", "contacts[0].name", "note"]);

        assert_eq!(
            e.get("change.limit").as_deref(),
            Some("bad change.limit.amount")
        );
        assert_eq!(e.get("note").as_deref(), Some("bad note"));
        assert_eq!(
            e.get("contacts[0].name").as_deref(),
            Some("bad contacts[0].name")
        );
        assert_eq!(e.get("change.lim"), None);
        assert_eq!(e.get("contacts"), None);
    }

    #[test]
    fn messages_no_control_shows_are_listed_apart() {
        let e = errors(&["change.limit.amount", "version"]);

        let others = e.others(&["change.limit", "justification"]);

        assert_eq!(others.len(), 1);
        assert_eq!(others[0].field, "version");
    }

    #[test]
    fn typed_amounts_accept_separators_and_full_width_digits() {
        assert_eq!(parse_money("1,234.5"), Ok(Some(d("1234.5"))));
        assert_eq!(parse_money("１２３"), Ok(Some(d("123"))));
        assert_eq!(parse_money("0"), Ok(Some(d("0"))));
        assert_eq!(parse_money("  "), Ok(None));
        assert_eq!(parse_money("12.345"), Err(NumberError::TooManyDecimals));
        assert_eq!(parse_money("-5"), Err(NumberError::Negative));
        assert_eq!(parse_money("abc"), Err(NumberError::NotANumber));
        assert_eq!(parse_money("1e5"), Err(NumberError::NotANumber));
    }

    #[test]
    fn signed_numbers_keep_their_sign() {
        assert_eq!(parse_decimal("-1,500.25", 2, true), Ok(Some(d("-1500.25"))));
        assert_eq!(parse_decimal("+7", 2, true), Ok(Some(d("7"))));
        assert_eq!(parse_decimal("-", 2, true), Err(NumberError::NotANumber));
    }

    #[test]
    fn days_are_whole_numbers_that_fit() {
        assert_eq!(parse_days("60"), Ok(Some(60)));
        assert_eq!(parse_days("60.0"), Ok(Some(60)));
        assert_eq!(parse_days("7.5"), Err(NumberError::NotWhole));
        assert_eq!(parse_days("70000"), Err(NumberError::NotANumber));
        assert_eq!(parse_days(""), Ok(None));
    }

    #[test]
    fn dates_read_as_iso_and_times_show_in_the_given_zone() {
        assert_eq!(
            parse_date("2026-11-02"),
            Some(time::macros::date!(2026 - 11 - 02))
        );
        assert_eq!(parse_date("02/11/2026"), None);
        let at = time::macros::datetime!(2026-11-02 23:30 UTC);
        let beijing = UtcOffset::from_hms(8, 0, 0).unwrap();
        assert_eq!(datetime_at_offset(at, beijing), "2026-11-03 07:30");
    }
}
