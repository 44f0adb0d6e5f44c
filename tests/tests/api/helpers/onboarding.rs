//! Onboarding applications and the blacklist.

use super::credit::money;
use super::{SignedIn, TestApp};
use credence_shared::Role;
use serde_json::{Value, json};

/// A valid unified social credit code: `prefix` (9 characters: "91440300M") then `n`.
pub fn usci_with(prefix: &str, n: usize) -> String {
    let first17 = format!("{prefix}{n:08}");
    let check = credence_shared::usci::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

/// A valid unified social credit code made from `n` (a Shenzhen company).
pub fn usci(n: usize) -> String {
    usci_with("91440300M", n)
}

/// A complete onboarding application for `name` with code `code`, asking for `requested`.
pub fn application(name: &str, code: &str, requested: &str) -> Value {
    json!({
        "name": name, "usci": code, "industry": "电子", "size": "small",
        "registered_capital": money("5000000.00"), "founded": "2012-03-01",
        "expected_monthly_purchases": money("60000.00"), "requested_limit": money(requested),
        "requested_terms_days": 30,
        "contacts": [{"name": "王经理", "phone": "13800000000"}],
        "justification": "new distributor in Shenzhen"
    })
}

impl SignedIn<'_> {
    /// Puts one of the tenant's customers on the blacklist (must be accepted).
    pub async fn blacklist_customer(&self, customer: &str) {
        self.post(
            "/v1/blacklist",
            json!({"customer_id": customer, "reason": "court enforcement list",
                   "source": "court"}),
        )
        .await
        .assert_status(201);
    }
}

impl TestApp {
    /// Risk puts a party that is not a customer on the blacklist by its code and name.
    pub async fn blacklist_party(&self, code: &str, name: &str) {
        self.signed_in(Role::Risk)
            .post(
                "/v1/blacklist",
                json!({"usci": code, "name": name, "reason": "court list", "source": "court"}),
            )
            .await
            .assert_status(201);
    }
}
