//! The credit file's figures as they read, without a browser.

use credence_shared::{Currency, Money};
use rust_decimal::Decimal;

use super::assessment::signed;
use super::exposure::share_of;

#[test]
fn points_read_with_their_sign() {
    assert_eq!(signed(Decimal::new(120, 1)), "+12");
    assert_eq!(signed(Decimal::new(-305, 1)), "−30.5");
    assert_eq!(signed(Decimal::ZERO), "0");
}

#[test]
fn bar_widths_are_shares_of_the_total() {
    let cny = |n: i64| Money::new(Decimal::from(n), Currency::CNY);
    assert_eq!(share_of(cny(25), cny(100)), Decimal::from(25));
    assert_eq!(share_of(cny(1), cny(3)), Decimal::new(3333, 2));
    assert_eq!(share_of(cny(5), cny(0)), Decimal::ZERO);
    assert_eq!(share_of(cny(-5), cny(10)), Decimal::ZERO);
}
