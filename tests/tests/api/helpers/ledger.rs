//! Ledger events on dates of the app's clock, and posting them as finance.

use super::TestApp;
use super::credit::money;
use credence_shared::Role;
use serde_json::{Value, json};
use time::Date;

/// One ledger event as the ERP sends it.
pub fn ledger_event(key: &str, customer: &str, on: Date, event: Value) -> Value {
    json!({"idempotency_key": key, "customer_id": customer, "date": on.to_string(),
           "event": event})
}

/// An invoice numbered after its key (upper case), issued and due on the given days.
pub fn invoice_on(key: &str, customer: &str, issued: Date, due: Date, amount: &str) -> Value {
    ledger_event(
        key,
        customer,
        issued,
        json!({"type": "invoice", "invoice": key.to_uppercase(),
               "due_date": due.to_string(), "amount": money(amount)}),
    )
}

/// A payment numbered after its key (upper case), not allocated to any invoice.
pub fn payment_on(key: &str, customer: &str, on: Date, amount: &str) -> Value {
    ledger_event(
        key,
        customer,
        on,
        json!({"type": "payment", "payment": key.to_uppercase(), "amount": money(amount)}),
    )
}

/// An order placed on `on`: the ledger runs the credit check on it.
pub fn order_placed(key: &str, customer: &str, on: Date, order: &str, amount: &str) -> Value {
    ledger_event(
        key,
        customer,
        on,
        json!({"type": "order_placed", "order": order, "amount": money(amount)}),
    )
}

impl TestApp {
    /// Finance posts ledger events; every one must be accepted.
    pub async fn post_events(&self, events: Vec<Value>) -> Value {
        let r = self
            .signed_in(Role::Finance)
            .post("/v1/ledger/events", json!({"events": events}))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["rejected"], 0, "{}", r.body["results"]);
        r.body
    }
}
