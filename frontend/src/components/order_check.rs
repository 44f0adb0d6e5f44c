//! "Can I take this order?": the order-amount box on the customer page.
//!
//! As the rep types, the browser runs the same `check_order` the server runs, on the credit
//! file it just loaded, and shows pass / warn / block at once. A moment after the typing stops
//! it asks the server, whose answer counts: it either confirms the preview or replaces it.
//! Offline (or on a kept file) the preview is marked as not confirmed by the server, and
//! the server is asked as soon as the network returns.

use std::time::Duration;

use credence_shared::credit::{CreditCheckResponse, CreditView};
use credence_shared::engine::ledger::MAX_ENTRY_AMOUNT;
use credence_shared::engine::{CheckResult, Decision, OrderRequest, Severity, check_order};
use credence_shared::{CustomerId, Money};
use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::api::{self, ApiError};
use crate::components::finding::FindingText;
use crate::components::money::Amount;
use crate::i18n::{t, use_i18n};
use crate::session::use_session;

/// Quiet time after the last keystroke before asking the server.
const DEBOUNCE: Duration = Duration::from_millis(400);

/// Decimal places an order amount may have (minor units of the account currency).
const MAX_DECIMALS: usize = 2;

/// Why a typed order amount cannot be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("not a number")]
    NotANumber,
    #[error("must be more than zero")]
    NotPositive,
    #[error("too many decimal places")]
    TooManyDecimals,
    #[error("too large")]
    TooLarge,
}

/// Reads what the rep typed as a positive amount with at most two decimals. Empty text is
/// `Ok(None)` (nothing to check yet). Chinese keyboards' full-width digits and a leading
/// currency sign are accepted, as are thousands separators and spaces.
pub fn parse_amount(text: &str) -> Result<Option<Decimal>, AmountError> {
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
    if cleaned.is_empty() {
        return Ok(None);
    }
    let (negative, digits) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let well_formed = !(whole.is_empty() && fraction.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(AmountError::NotANumber);
    }
    if negative {
        return Err(AmountError::NotPositive);
    }
    if fraction.len() > MAX_DECIMALS {
        return Err(AmountError::TooManyDecimals);
    }
    // Longer than any allowed amount: refuse before `Decimal` would overflow.
    if whole.trim_start_matches('0').len() > 16 {
        return Err(AmountError::TooLarge);
    }
    let whole = if whole.is_empty() { "0" } else { whole };
    let amount: Decimal = format!("{whole}.{fraction}0")
        .parse()
        .map_err(|_| AmountError::NotANumber)?;
    if amount <= Decimal::ZERO {
        return Err(AmountError::NotPositive);
    }
    if amount > MAX_ENTRY_AMOUNT {
        return Err(AmountError::TooLarge);
    }
    Ok(Some(amount.normalize()))
}

/// The browser's preview of the order check for one amount.
type Preview = Result<Option<(Money, Result<CheckResult, String>)>, AmountError>;

/// The server's answer for one amount: which amount it was asked about, and what it said.
type ServerAnswer = (Money, Result<CreditCheckResponse, ApiError>);

#[component]
pub fn OrderCheck(id: CustomerId, view: StoredValue<CreditView>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let currency = view.with_value(|v| v.file.limit.currency);

    let text = RwSignal::new(String::new());
    let asked = RwSignal::new(None::<Money>);
    let timer = StoredValue::new_local(None::<TimeoutHandle>);

    let preview = Memo::new(move |_| -> Preview {
        let Some(amount) = text.with(|typed| parse_amount(typed))? else {
            return Ok(None);
        };
        let money = Money::new(amount, currency);
        let result = view.with_value(|v| {
            let order = OrderRequest::new(money).map_err(|e| e.to_string())?;
            check_order(&v.file, &v.open_items, &order, &v.policy, v.as_of)
                .map_err(|e| e.to_string())
        });
        Ok(Some((money, result)))
    });
    let typed_money = move || {
        preview
            .read()
            .as_ref()
            .ok()
            .and_then(|p| p.as_ref().map(|(money, _)| *money))
    };

    let cancel_timer = move || {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
    };
    let on_input = move |event| {
        text.set(event_target_value(&event));
        cancel_timer();
        let ask = move || asked.set(typed_money());
        timer.set_value(set_timeout_with_handle(ask, DEBOUNCE).ok());
    };
    on_cleanup(cancel_timer);

    let network = crate::offline::network();
    let server = LocalResource::new(move || {
        let amount = asked.get();
        // Asked again when the network returns.
        let online = network.online();
        let id = id.clone();
        async move {
            let amount = amount?;
            if !online {
                return Some((amount, Err(ApiError::Network("offline".into()))));
            }
            let answer = api::credit_check(session, &id, amount).await;
            if matches!(answer, Err(ApiError::Network(_))) {
                network.set_online(false);
            }
            Some((amount, answer)) as Option<ServerAnswer>
        }
    });
    // The server's answer about exactly what is typed now; an answer about an earlier amount
    // is stale and never shown.
    let current_answer = move || -> Option<Result<CreditCheckResponse, ApiError>> {
        let typed = typed_money()?;
        let answer = server.get().flatten()?;
        (answer.0 == typed).then_some(answer.1)
    };

    let amount_error = move || preview.read().as_ref().err().copied();

    view! {
        <section class="card order-check" aria-labelledby="order-check-title" data-testid="order-check">
            <h2 id="order-check-title" class="section-title">{t!(i18n, order_check_title)}</h2>
            <div class="field">
                <label for="order-amount">
                    {t!(i18n, order_amount_label)} " (" {currency.to_string()} ")"
                </label>
                <div class="amount-input">
                    <span class="amount-prefix" aria-hidden="true">
                        {currency.symbol().unwrap_or("")}
                    </span>
                    <input
                        id="order-amount"
                        type="text"
                        inputmode="decimal"
                        autocomplete="off"
                        enterkeyhint="done"
                        data-testid="order-amount"
                        placeholder="0.00"
                        aria-describedby="order-amount-error order-amount-hint"
                        aria-invalid=move || amount_error().is_some().to_string()
                        prop:value=move || text.get()
                        on:input=on_input
                    />
                </div>
                <p
                    id="order-amount-error"
                    class="field-error"
                    data-testid="order-amount-error"
                    aria-live="polite"
                    hidden=move || amount_error().is_none()
                >
                    {move || amount_error().map(|error| match error {
                        AmountError::NotANumber => t!(i18n, amount_not_a_number).into_any(),
                        AmountError::NotPositive => t!(i18n, amount_not_positive).into_any(),
                        AmountError::TooManyDecimals => t!(i18n, amount_too_many_decimals).into_any(),
                        AmountError::TooLarge => t!(i18n, amount_too_large).into_any(),
                    })}
                </p>
                <p
                    id="order-amount-hint"
                    class="muted small"
                    hidden=move || !matches!(*preview.read(), Ok(None))
                >
                    {t!(i18n, order_amount_hint)}
                </p>
            </div>
            <div class="check-outcome" aria-live="polite">
                {move || {
                    let Ok(Some((_, result))) = preview.get() else {
                        return None;
                    };
                    let answer = current_answer();
                    Some(match result {
                        Err(_) => view! {
                            <p class="notice notice-error" data-testid="check-unavailable">
                                {t!(i18n, check_unavailable)}
                            </p>
                        }
                        .into_any(),
                        Ok(local) => view! { <Outcome local answer /> }.into_any(),
                    })
                }}
            </div>
        </section>
    }
}

/// The decision with its reasons; the server's answer replaces the preview when they differ.
#[component]
fn Outcome(
    local: CheckResult,
    answer: Option<Result<CreditCheckResponse, ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (shown, status, group) = match answer {
        None => (local, ServerStatus::Checking, None),
        Some(Ok(server)) if server.result == local => {
            (server.result, ServerStatus::Confirmed, server.group)
        }
        Some(Ok(server)) if server.result.decision == local.decision => {
            // Same decision, other figures (the file moved since it was loaded): the server's count.
            (server.result, ServerStatus::Confirmed, server.group)
        }
        Some(Ok(server)) => (server.result, ServerStatus::Differs, server.group),
        Some(Err(ApiError::Network(_))) => (local, ServerStatus::Offline, None),
        Some(Err(_)) => (local, ServerStatus::Unreachable, None),
    };
    let decision = shown.decision;
    let decision_name = match decision {
        Decision::Pass => "pass",
        Decision::Warn => "warn",
        Decision::Block => "block",
    };
    let prepayment = (!shown.prepayment.amount.is_zero()).then_some(shown.prepayment);
    view! {
        <div
            class=format!("decision decision-{decision_name}")
            data-testid="check-decision"
            data-decision=decision_name
            data-source=match status {
                ServerStatus::Confirmed | ServerStatus::Differs => "server",
                ServerStatus::Checking | ServerStatus::Unreachable | ServerStatus::Offline => {
                    "preview"
                }
            }
        >
            <span class="decision-icon" aria-hidden="true">
                {match decision {
                    Decision::Pass => "✓",
                    Decision::Warn => "!",
                    Decision::Block => "✕",
                }}
            </span>
            <strong class="decision-text">
                {match decision {
                    Decision::Pass => t!(i18n, decision_pass).into_any(),
                    Decision::Warn => t!(i18n, decision_warn).into_any(),
                    Decision::Block => t!(i18n, decision_block).into_any(),
                }}
            </strong>
        </div>
        <div class="available-change" data-testid="check-available">
            <span class="label">{t!(i18n, available_before_after)}</span>
            <span class="change">
                <Amount money=shown.available_before />
                <span aria-hidden="true">" → "</span>
                <span class="sr-only">" / "</span>
                <Amount money=shown.available_after class="after" testid="check-available-after" />
            </span>
        </div>
        {prepayment.map(|money| view! {
            <p class="prepayment">
                <span class="label">{t!(i18n, prepayment_to_collect)}</span>
                " "
                <Amount money />
            </p>
        })}
        {(!shown.reasons.is_empty()).then(|| view! {
            <ul class="check-reasons">
                {shown.reasons.into_iter().map(|reason| {
                    let severity = match reason.severity {
                        Severity::Warn => "warn",
                        Severity::Block => "block",
                    };
                    view! {
                        <li class=format!("check-reason reason-{severity}") data-testid="check-reason">
                            <span class="reason-mark" aria-hidden="true"></span>
                            <span><FindingText finding=reason.finding /></span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
        {group.map(|group| view! {
            <p class="group-check" class:warn=group.over_limit data-testid="check-group">
                <span class="label">{t!(i18n, group_available_after)}</span>
                " "
                <Amount money=group.available_after />
                {group.over_limit.then(|| view! {
                    " · " {t!(i18n, group_over_limit)}
                })}
            </p>
        })}
        <p class=format!("server-status server-{}", status.name()) data-testid="check-server" data-status=status.name()>
            {match status {
                ServerStatus::Checking => view! {
                    <span class="spinner" aria-hidden="true"></span>
                    {t!(i18n, server_checking)}
                }
                .into_any(),
                ServerStatus::Confirmed => view! {
                    <span aria-hidden="true">"✓ "</span>
                    {t!(i18n, server_confirmed)}
                }
                .into_any(),
                ServerStatus::Differs => t!(i18n, server_differs).into_any(),
                ServerStatus::Unreachable => t!(i18n, server_unreachable).into_any(),
                ServerStatus::Offline => t!(i18n, server_offline).into_any(),
            }}
        </p>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServerStatus {
    Checking,
    Confirmed,
    Differs,
    Unreachable,
    /// No network: the browser's preview, not confirmed by the server.
    Offline,
}

impl ServerStatus {
    fn name(self) -> &'static str {
        match self {
            ServerStatus::Checking => "checking",
            ServerStatus::Confirmed => "confirmed",
            ServerStatus::Differs => "differs",
            ServerStatus::Unreachable => "unreachable",
            ServerStatus::Offline => "offline",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn ok(text: &str, expected: &str) {
        assert_eq!(
            parse_amount(text),
            Ok(Some(Decimal::from_str(expected).unwrap())),
            "{text:?}"
        );
    }

    fn err(text: &str, expected: AmountError) {
        assert_eq!(parse_amount(text), Err(expected), "{text:?}");
    }

    #[test]
    fn plain_numbers_with_up_to_two_decimals_are_amounts() {
        ok("12000", "12000");
        ok("12000.5", "12000.5");
        ok("0.01", "0.01");
        ok(".5", "0.5");
        ok("7.", "7");
        ok(" 1,234,567.89 ", "1234567.89");
        ok("¥500", "500");
        ok("１２３４．５", "1234.5");
    }

    #[test]
    fn nothing_typed_is_nothing_to_check() {
        assert_eq!(parse_amount(""), Ok(None));
        assert_eq!(parse_amount("   "), Ok(None));
    }

    #[test]
    fn letters_signs_and_extra_decimals_are_explained() {
        err("abc", AmountError::NotANumber);
        err("12a", AmountError::NotANumber);
        err("1.2.3", AmountError::NotANumber);
        err(".", AmountError::NotANumber);
        err("1e5", AmountError::NotANumber);
        err("-5", AmountError::NotPositive);
        err("0", AmountError::NotPositive);
        err("0.00", AmountError::NotPositive);
        err("1.234", AmountError::TooManyDecimals);
        err("99999999999999999999", AmountError::TooLarge);
        err("1000000000000001", AmountError::TooLarge);
    }
}
