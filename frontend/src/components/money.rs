//! Money for people: currency symbol, thousands separators, two decimals.
//!
//! Works on the `Decimal` directly (its string form), never through `f64`, so what is
//! shown is exactly what the server sent, rounded half away from zero.

use credence_shared::Money;
use leptos::prelude::*;

/// `¥1,234,567.80`, `-$12.00`, or `CHF 5.00` for currencies without a common symbol.
pub fn format_money(money: &Money) -> String {
    let rounded = money.rounded();
    let amount = rounded.amount;
    let text = format!("{:.2}", amount.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((text.as_str(), "00"));
    let sign = if amount.is_sign_negative() && !amount.is_zero() {
        "-"
    } else {
        ""
    };
    let prefix = match money.currency.symbol() {
        Some(symbol) => symbol.to_owned(),
        None => format!("{} ", money.currency),
    };
    format!("{sign}{prefix}{}.{fraction}", group_thousands(whole))
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An amount, marked as negative when it is (e.g. a customer over their limit).
#[component]
pub fn Amount(
    money: Money,
    #[prop(optional, into)] class: Option<&'static str>,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let negative = money.amount.is_sign_negative() && !money.amount.is_zero();
    view! {
        <span
            class=format!("amount {}", class.unwrap_or(""))
            class:negative=negative
            data-testid=testid
        >
            {format_money(&money)}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::Currency;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn check(amount: &str, currency: Currency, expected: &str) {
        let money = Money::new(Decimal::from_str(amount).unwrap(), currency);
        assert_eq!(format_money(&money), expected, "{amount} {currency}");
    }

    #[test]
    fn amounts_get_symbol_separators_and_two_decimals() {
        check("0", Currency::CNY, "¥0.00");
        check("5", Currency::CNY, "¥5.00");
        check("999.5", Currency::CNY, "¥999.50");
        check("1000", Currency::CNY, "¥1,000.00");
        check("1234567.891", Currency::USD, "$1,234,567.89");
        check("100000", Currency::EUR, "€100,000.00");
        check(
            "12345678901234.005",
            Currency::CNY,
            "¥12,345,678,901,234.01",
        );
    }

    #[test]
    fn negative_amounts_put_the_sign_before_the_symbol() {
        check("-1500.5", Currency::CNY, "-¥1,500.50");
        check("-0.001", Currency::CNY, "¥0.00");
    }

    #[test]
    fn currencies_without_a_symbol_show_their_code() {
        check("2500", Currency::parse("CHF").unwrap(), "CHF 2,500.00");
    }
}
