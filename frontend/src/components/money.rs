//! Money for people: [`format_money`] (in `shared`, so the credit report prints the same) and
//! the [`Amount`] that marks a negative one.

use credence_shared::Money;
use leptos::prelude::*;

pub use credence_shared::money::format_money;

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
