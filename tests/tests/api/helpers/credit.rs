//! Money and the credit file: reading it, and setting a limit as risk.

use super::{SignedIn, TestApp};
use credence_shared::Role;
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// A CNY amount as the API takes it.
pub fn money(amount: &str) -> Value {
    json!({"amount": amount, "currency": "CNY"})
}

/// A money value's amount as a number (zero may come as "0" or "0.00").
pub fn amount(money: &Value) -> Decimal {
    money["amount"]
        .as_str()
        .unwrap_or_else(|| panic!("not money: {money}"))
        .parse()
        .unwrap()
}

impl SignedIn<'_> {
    /// Reads the credit file of every customer of the tenant (the first 50), so each has
    /// one computed; answers their ids.
    pub async fn open_every_file(&self) -> Vec<String> {
        let page = self.get("/v1/customers?limit=50").await;
        let ids: Vec<String> = page.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        for id in &ids {
            self.credit(id).await;
        }
        ids
    }

    /// Every page of the what-if of `model` and `policy`, as the engines tab walks it.
    pub async fn what_if(&self, model: &Value, policy: &Value) -> Vec<Value> {
        let mut pages = Vec::new();
        let mut cursor = Value::Null;
        loop {
            let page = self
                .post(
                    "/v1/admin/engine-versions/preview",
                    json!({"model": model, "policy": policy, "cursor": cursor}),
                )
                .await
                .assert_status(200)
                .clone();
            cursor = page.get("next_cursor").cloned().unwrap_or(Value::Null);
            pages.push(page);
            if cursor.is_null() {
                return pages;
            }
        }
    }

    /// The customer's credit file as this user sees it (must be readable).
    pub async fn credit(&self, customer: &str) -> Value {
        self.get(&format!("/v1/customers/{customer}/credit"))
            .await
            .assert_status(200)
            .clone()
    }

    /// Asks for the credit check of an order of `amount` CNY.
    pub async fn credit_check(&self, customer: &str, amount: &str) -> super::TestResponse {
        self.post(
            &format!("/v1/customers/{customer}/credit-check"),
            json!({"amount": money(amount)}),
        )
        .await
    }
}

impl TestApp {
    /// Risk sets a person's limit on the customer (on the file's current version).
    pub async fn set_limit(&self, customer: &str, limit: &str) {
        let risk = self.signed_in(Role::Risk);
        let version = risk.credit(customer).await["version"].clone();
        risk.put(
            &format!("/v1/customers/{customer}/credit-decision"),
            json!({"version": version, "reason": "test limit", "limit": money(limit)}),
        )
        .await
        .assert_status(200);
    }

    /// A customer whose limit is `limit` and whose grade routes credit by amount (A–C).
    pub async fn customer_with_limit(&self, customer: &str, limit: &str) {
        self.set_limit(customer, limit).await;
        let file = self.signed_in(Role::Risk).credit(customer).await;
        let grade = file["assessment"]["grade"].as_str().unwrap();
        assert!(
            ["A", "B", "C"].contains(&grade),
            "these tests assume {customer} is graded A–C, it is {grade}"
        );
    }
}
