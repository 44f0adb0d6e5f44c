//! Every endpoint × every role × own/other customer × another tenant, against the expected
//! policy written out here independently of the code. An endpoint in `/openapi.json` without
//! a row fails.
//!
//! Customer-scoped endpoints are called on C1 (owned by the `sales` user) and on C4 (owned
//! by another rep): a sales rep gets 403 on C4, every other allowed role gets through.

use crate::helpers::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const ROLES: [&str; 6] = ["sales", "risk", "finance", "approver", "admin", "collector"];

pub(crate) struct Row {
    pub(crate) method: &'static str,
    /// As in the OpenAPI document.
    pub(crate) template: &'static str,
    /// `None`: public, no token needed.
    pub(crate) allowed: Option<&'static [&'static str]>,
    /// Names a customer of the caller's tenant: another tenant must get 404.
    customer_scoped: bool,
}

const ALL: &[&str] = &ROLES;
const FINANCE_RIGHTS: &[&str] = &["risk", "finance", "approver", "admin"];
const APPLICANTS: &[&str] = &["sales", "risk", "admin"];
const ADMIN: &[&str] = &["admin"];
const PORTFOLIO: &[&str] = &["risk", "finance", "approver", "admin", "collector"];

pub(crate) fn rows() -> Vec<Row> {
    let row = |method, template, allowed, customer_scoped| Row {
        method,
        template,
        allowed,
        customer_scoped,
    };
    vec![
        row("get", "/health", None, false),
        row("post", "/auth/token", None, false),
        row("get", "/.well-known/jwks.json", None, false),
        row("get", "/v1/me", Some(ALL), false),
        row("post", "/v1/me/mfa", Some(ALL), false),
        row("post", "/v1/me/mfa/confirm", Some(ALL), false),
        row("get", "/v1/customers", Some(ALL), false),
        row("get", "/v1/customers/{id}", Some(ALL), true),
        // C1's number is not "C1": an allowed caller gets 409 (the number is another's).
        row("put", "/v1/customers/{id}", Some(&["risk", "admin"]), false),
        row(
            "post",
            "/v1/customers/owner",
            Some(&["risk", "admin"]),
            false,
        ),
        // A dry run of master data only: risk and admin.
        row(
            "post",
            "/v1/imports/{kind}",
            Some(&["risk", "admin"]),
            false,
        ),
        // Whoever may import some kind of file reads the history and remembered mappings.
        row(
            "get",
            "/v1/imports",
            Some(&["risk", "finance", "admin"]),
            false,
        ),
        row(
            "get",
            "/v1/imports/{id}/errors",
            Some(&["risk", "finance", "admin"]),
            false,
        ),
        row(
            "get",
            "/v1/imports/mappings/{layout}",
            Some(&["risk", "finance", "admin"]),
            false,
        ),
        row(
            "get",
            "/v1/imports/templates/{kind}",
            Some(&["risk", "finance", "admin"]),
            false,
        ),
        // Customers as the reader sees them: everyone (a sales rep their own).
        row("get", "/v1/exports/{what}", Some(ALL), false),
        row("get", "/v1/customers/{id}/credit", Some(ALL), true),
        row("post", "/v1/customers/{id}/credit-check", Some(ALL), true),
        // A terms change needs risk then finance under the default matrix: only an
        // admin's override goes through directly (risk and approvers get 403).
        row(
            "put",
            "/v1/customers/{id}/credit-decision",
            Some(ADMIN),
            true,
        ),
        row(
            "post",
            "/v1/ledger/events",
            Some(&["finance", "admin"]),
            false,
        ),
        row("put", "/v1/fx-rates", Some(&["finance", "admin"]), false),
        row(
            "put",
            "/v1/groups/{group}",
            Some(&["risk", "approver", "admin"]),
            false,
        ),
        row("get", "/v1/blocked-orders", Some(FINANCE_RIGHTS), false),
        row("get", "/v1/blocked-orders/{id}/{key}", Some(ALL), true),
        row("get", "/v1/customers/{id}/orders", Some(ALL), true),
        row("get", "/v1/customers/{id}/credit-report", Some(ALL), true),
        row("get", "/v1/reviews", Some(FINANCE_RIGHTS), false),
        row("post", "/v1/customers/{id}/requests", Some(ALL), true),
        row("get", "/v1/customers/{id}/requests", Some(ALL), true),
        row("get", "/v1/customers/{id}/requests/{rid}", Some(ALL), true),
        // A stale version: 409 for whoever may see the customer.
        row("put", "/v1/customers/{id}/requests/{rid}", Some(ALL), true),
        row(
            "post",
            "/v1/customers/{id}/requests/{rid}/review",
            Some(FINANCE_RIGHTS),
            true,
        ),
        row(
            "post",
            "/v1/customers/{id}/requests/{rid}/withdraw",
            Some(ALL),
            true,
        ),
        // A group's requests: filed by who manages groups, read and acted on by reviewers
        // (stale versions: 409).
        row(
            "post",
            "/v1/groups/{group}/requests",
            Some(&["risk", "approver", "admin"]),
            false,
        ),
        row(
            "get",
            "/v1/groups/{group}/requests/{rid}",
            Some(FINANCE_RIGHTS),
            false,
        ),
        row(
            "put",
            "/v1/groups/{group}/requests/{rid}",
            Some(FINANCE_RIGHTS),
            false,
        ),
        row(
            "post",
            "/v1/groups/{group}/requests/{rid}/review",
            Some(FINANCE_RIGHTS),
            false,
        ),
        row(
            "post",
            "/v1/groups/{group}/requests/{rid}/withdraw",
            Some(FINANCE_RIGHTS),
            false,
        ),
        // A party's removal requests (before the admin's override below takes it off).
        row(
            "post",
            "/v1/blacklist/requests",
            Some(FINANCE_RIGHTS),
            false,
        ),
        row(
            "get",
            "/v1/blacklist/requests/{rid}",
            Some(FINANCE_RIGHTS),
            false,
        ),
        row(
            "put",
            "/v1/blacklist/requests/{rid}",
            Some(FINANCE_RIGHTS),
            false,
        ),
        row(
            "post",
            "/v1/blacklist/requests/{rid}/review",
            Some(FINANCE_RIGHTS),
            false,
        ),
        row(
            "post",
            "/v1/blacklist/requests/{rid}/withdraw",
            Some(FINANCE_RIGHTS),
            false,
        ),
        row("get", "/v1/requests", Some(ALL), false),
        row("get", "/v1/inbox", Some(ALL), false),
        row("get", "/v1/engine", Some(ALL), false),
        row("get", "/v1/applications/form", Some(APPLICANTS), false),
        row("post", "/v1/applications/screen", Some(APPLICANTS), false),
        row("post", "/v1/applications", Some(APPLICANTS), false),
        row("get", "/v1/blacklist", Some(FINANCE_RIGHTS), false),
        row("post", "/v1/blacklist", Some(&["risk", "admin"]), false),
        // The default matrix gives a removal to risk then the approver, and the fixture's
        // party is no customer: nobody takes it off directly, an admin neither (no override
        // without a customer's credit to unblock; everyone gets 403 and files a request).
        row("post", "/v1/blacklist/removals", Some(&[]), false),
        row("get", "/v1/customers/{id}/audit", Some(ALL), true),
        row("get", "/v1/audit", Some(FINANCE_RIGHTS), false),
        row("get", "/v1/audit/export", Some(FINANCE_RIGHTS), false),
        row("get", "/v1/people", Some(ALL), false),
        row("get", "/v1/admin/users", Some(ADMIN), false),
        row("put", "/v1/admin/users/{username}", Some(ADMIN), false),
        row(
            "post",
            "/v1/admin/users/{username}/sign-out",
            Some(ADMIN),
            false,
        ),
        row("get", "/v1/admin/custom-fields", Some(ADMIN), false),
        row("put", "/v1/admin/custom-fields", Some(ADMIN), false),
        row("get", "/v1/admin/approval-matrix", Some(ADMIN), false),
        row("put", "/v1/admin/approval-matrix", Some(ADMIN), false),
        row("get", "/v1/admin/engine-versions", Some(ADMIN), false),
        row("post", "/v1/admin/engine-versions", Some(ADMIN), false),
        row(
            "post",
            "/v1/admin/engine-versions/preview",
            Some(ADMIN),
            false,
        ),
        row(
            "post",
            "/v1/admin/engine-versions/{version}/activate",
            Some(ADMIN),
            false,
        ),
        row("get", "/v1/alerts", Some(ALL), false),
        row("get", "/v1/customers/{id}/alerts", Some(ALL), true),
        // A stale version: 409 for whoever may handle it.
        row("post", "/v1/customers/{id}/alerts/{rule}", Some(ALL), true),
        row("get", "/v1/worklist", Some(ALL), false),
        row(
            "post",
            "/v1/customers/{id}/tasks/{task}/done",
            Some(ALL),
            true,
        ),
        row("post", "/v1/customers/{id}/tasks", Some(ALL), true),
        // A stale version: 409 for whoever may see the customer.
        row(
            "put",
            "/v1/customers/{id}/tasks/{task}/assignee",
            Some(ALL),
            true,
        ),
        row("get", "/v1/customers/{id}/collections", Some(ALL), true),
        // Letters list invoices: not for sales reps.
        row("get", "/v1/customers/{id}/letters", Some(PORTFOLIO), true),
        // A statement of the overdue invoice the fixture posted, sent now.
        row("post", "/v1/customers/{id}/letters", Some(PORTFOLIO), true),
        row(
            "get",
            "/v1/customers/{id}/letters/{letter}/pdf",
            Some(PORTFOLIO),
            true,
        ),
        // Disputes name invoices: not for sales reps.
        row("get", "/v1/customers/{id}/disputes", Some(PORTFOLIO), true),
        // The fixture's key again: 200 with its case.
        row("post", "/v1/customers/{id}/disputes", Some(PORTFOLIO), true),
        // A stale version: 409 for whoever may work it.
        row(
            "put",
            "/v1/customers/{id}/disputes/{dispute}",
            Some(PORTFOLIO),
            true,
        ),
        row(
            "post",
            "/v1/customers/{id}/disputes/{dispute}/resolution",
            Some(PORTFOLIO),
            true,
        ),
        row("post", "/v1/customers/{id}/promises", Some(ALL), true),
        row("post", "/v1/customers/{id}/notes", Some(ALL), true),
        row(
            "post",
            "/v1/customers/{id}/signals",
            Some(&["risk", "admin"]),
            true,
        ),
        row("get", "/v1/customers/{id}/signals", Some(ALL), true),
        row("get", "/v1/admin/regrade", Some(ADMIN), false),
        row("post", "/v1/admin/regrade", Some(ADMIN), false),
        row(
            "get",
            "/v1/customers/{id}/financials",
            Some(PORTFOLIO),
            true,
        ),
        row(
            "post",
            "/v1/customers/{id}/financials",
            Some(&["risk", "admin"]),
            true,
        ),
        row("post", "/v1/lab/sample", Some(&["risk", "admin"]), false),
        row("post", "/v1/lab/fits", Some(&["risk", "admin"]), false),
        // The fixture published version 1 from the lab, with its report.
        row(
            "get",
            "/v1/lab/reports/{version}",
            Some(&["risk", "admin"]),
            false,
        ),
        row(
            "get",
            "/v1/lab/challengers",
            Some(&["risk", "admin"]),
            false,
        ),
        row("post", "/v1/lab/challengers", Some(ADMIN), false),
        row("post", "/v1/lab/challengers/stop", Some(ADMIN), false),
        row(
            "post",
            "/v1/lab/challengers/comparison",
            Some(&["risk", "admin"]),
            false,
        ),
        // The challenger stopped above: filing is allowed and answered 409.
        row(
            "post",
            "/v1/lab/challengers/promotion",
            Some(&["risk", "admin"]),
            false,
        ),
        row("get", "/v1/lab/requests/{rid}", Some(FINANCE_RIGHTS), false),
        row("put", "/v1/lab/requests/{rid}", Some(FINANCE_RIGHTS), false),
        row(
            "post",
            "/v1/lab/requests/{rid}/review",
            Some(FINANCE_RIGHTS),
            false,
        ),
        row(
            "post",
            "/v1/lab/requests/{rid}/withdraw",
            Some(FINANCE_RIGHTS),
            false,
        ),
        row("get", "/v1/aging", Some(PORTFOLIO), false),
        row("get", "/v1/kpis", Some(PORTFOLIO), false),
        row("post", "/v1/watch/run", Some(ADMIN), false),
        row("get", "/v1/admin/warning-rules", Some(ADMIN), false),
        row("put", "/v1/admin/warning-rules", Some(ADMIN), false),
        row("get", "/v1/admin/dunning-ladder", Some(ADMIN), false),
        row("put", "/v1/admin/dunning-ladder", Some(ADMIN), false),
        row("get", "/v1/admin/data-feeds", Some(ADMIN), false),
        row("put", "/v1/admin/data-feeds", Some(ADMIN), false),
        row(
            "post",
            "/v1/admin/data-feeds/{provider}/pull",
            Some(ADMIN),
            false,
        ),
        row(
            "post",
            "/v1/admin/data-feeds/{provider}/import",
            Some(ADMIN),
            false,
        ),
        // A provider's push: its signature is the credential, no token.
        row("post", "/v1/feeds/{tenant}/{provider}", None, false),
        row("get", "/v1/admin/webhooks", Some(ADMIN), false),
        row("put", "/v1/admin/webhooks", Some(ADMIN), false),
        row("get", "/v1/admin/webhooks/deliveries", Some(ADMIN), false),
    ]
}

/// A valid unified social credit code made from `n` (a Fuzhou company).
fn usci(n: usize) -> String {
    usci_with("91350100M", n)
}

pub(crate) fn body_for(template: &str, n: usize) -> Value {
    let cny = |a: &str| json!({"amount": a, "currency": "CNY"});
    match template {
        "/v1/customers/{id}/credit-check" => json!({"amount": cny("100.00")}),
        "/v1/customers/{id}" => json!({"name": "授权测试", "version": 1}),
        // The owner C1 has: nothing changes.
        "/v1/customers/owner" => json!({"customers": ["C1"], "owner": "sales"}),
        "/v1/imports/{kind}" => json!({"dry_run": true, "mapping": ["customer", "name"],
            "rows": [{"line": 2, "cells": [format!("AUTHZ-{n}"), "授权导入"]}]}),
        // A stale version: an allowed caller gets 409, a refused one 403.
        "/v1/customers/{id}/credit-decision" => {
            json!({"version": 0, "reason": "x", "terms_days": 30})
        }
        "/v1/ledger/events" => json!({"events": [{
            "idempotency_key": format!("authz-{n}"), "customer_id": "C1", "date": "2026-01-05",
            "event": {"type": "invoice", "invoice": format!("INV-{n}"), "due_date": "2026-02-05",
                      "amount": cny("10.00")}}]}),
        "/v1/fx-rates" => json!({"from": "USD", "to": "CNY", "date": "2026-01-01", "rate": "7.1"}),
        // Risk's alone under the default matrix; the same limit again changes nothing.
        "/v1/groups/{group}" => {
            json!({"name": "G", "limit": cny("1000.00"), "members": [], "reason": "authz"})
        }
        // The same request again is 409 (already open): fine for an allowed caller.
        "/v1/customers/{id}/requests" => json!({
            "change": {"type": "terms_change", "terms_days": 45}, "justification": "authz"}),
        "/v1/customers/{id}/requests/{rid}" => json!({"version": 0,
            "change": {"type": "terms_change", "terms_days": 50}, "justification": "authz"}),
        "/v1/customers/{id}/requests/{rid}/review" => {
            json!({"action": "approve", "note": "", "version": 0})
        }
        "/v1/customers/{id}/requests/{rid}/withdraw"
        | "/v1/groups/{group}/requests/{rid}/withdraw"
        | "/v1/blacklist/requests/{rid}/withdraw" => json!({"version": 0}),
        // The same request again is 409 (already open).
        "/v1/groups/{group}/requests" => json!({
            "change": {"type": "limit", "limit": cny("900000.00")}, "justification": "authz"}),
        "/v1/groups/{group}/requests/{rid}" => json!({"version": 0,
            "change": {"type": "limit", "limit": cny("800000.00")}, "justification": "authz"}),
        "/v1/groups/{group}/requests/{rid}/review" | "/v1/blacklist/requests/{rid}/review" => {
            json!({"action": "approve", "note": "", "version": 0})
        }
        "/v1/blacklist/requests" => json!({"party": "NAME:授权黑名单", "justification": "authz"}),
        "/v1/blacklist/requests/{rid}" => json!({"version": 0,
            "change": {"type": "blacklist_remove"}, "justification": "authz"}),
        "/v1/applications/screen" => json!({"usci": "", "name": "恒通"}),
        "/v1/applications" => json!({
            "name": format!("授权测试有限公司{n}"), "usci": usci(n), "industry": "电子",
            "size": "small", "registered_capital": cny("1000000.00"), "founded": "2015-03-01",
            "expected_monthly_purchases": cny("50000.00"), "requested_limit": cny("80000.00"),
            "requested_terms_days": 30, "contacts": [{"name": "王", "phone": "13800000000"}],
            "justification": "authz"}),
        "/v1/blacklist" => json!({"name": format!("失信企业{n}"), "reason": "court list",
            "source": "court"}),
        // The party the fixture put on the blacklist.
        "/v1/blacklist/removals" => json!({"key": "NAME:授权黑名单", "reason": "authz"}),
        "/v1/admin/users/{username}" => json!({"version": 0, "roles": ["risk"],
            "reason": "authz"}),
        "/v1/admin/users/{username}/sign-out" => json!({"reason": "authz"}),
        "/v1/me/mfa/confirm" => json!({"code": "not-a-code"}),
        "/v1/admin/custom-fields" => json!({"replaces": 0, "reason": "authz",
            "document": {"fields": []}}),
        "/v1/admin/approval-matrix" => json!({"replaces": 0, "reason": "authz",
            "document": serde_json::from_str::<Value>(
                include_str!("../../../shared/defaults/approval_matrix.json")).unwrap()}),
        "/v1/admin/engine-versions" => json!({"reason": "authz",
            "model": serde_json::from_str::<Value>(
                credence_shared::engine::default_model_json()).unwrap(),
            "policy": serde_json::from_str::<Value>(
                credence_shared::engine::default_policy_json()).unwrap()}),
        "/v1/admin/engine-versions/preview" => json!({
            "model": serde_json::from_str::<Value>(
                credence_shared::engine::default_model_json()).unwrap(),
            "policy": serde_json::from_str::<Value>(
                credence_shared::engine::default_policy_json()).unwrap()}),
        "/v1/admin/engine-versions/{version}/activate" => json!({"reason": "authz"}),
        "/v1/customers/{id}/alerts/{rule}" => {
            json!({"action": "acknowledge", "note": "", "version": 0})
        }
        "/v1/customers/{id}/tasks/{task}/done" => json!({"note": "called", "version": 0}),
        "/v1/customers/{id}/notes" => json!({"text": format!("authz note {n}")}),
        "/v1/customers/{id}/signals" => json!({"idempotency_key": format!("authz-{n}"),
            "kind": "negative_news", "date": "2026-01-05", "source": "news",
            "summary": "authz"}),
        "/v1/customers/{id}/financials" => json!({"period_end": "2025-12-31", "currency": "CNY",
            "total_assets": format!("{}", 1000 + n), "current_assets": "400",
            "current_liabilities": "200", "total_liabilities": "500", "retained_earnings": "100",
            "ebit": "80", "equity": "500"}),
        "/v1/watch/run" => json!({"all": false}),
        "/v1/lab/sample" => json!({"observation_date": "2025-06-30"}),
        "/v1/lab/fits" => lab_sample(),
        "/v1/lab/challengers" => json!({"reason": "authz",
            "model": serde_json::from_str::<Value>(
                credence_shared::engine::default_model_json()).unwrap(),
            "policy": serde_json::from_str::<Value>(
                credence_shared::engine::default_policy_json()).unwrap()}),
        "/v1/lab/challengers/stop" => json!({"reason": "authz"}),
        "/v1/lab/challengers/comparison" => json!({}),
        "/v1/lab/challengers/promotion" => json!({"justification": "authz"}),
        "/v1/lab/requests/{rid}" => json!({"version": 0,
            "change": {"type": "promote_challenger", "challenger": 1}, "justification": "authz"}),
        "/v1/lab/requests/{rid}/review" => json!({"action": "approve", "note": "", "version": 0}),
        "/v1/lab/requests/{rid}/withdraw" => json!({"version": 0}),
        "/v1/admin/warning-rules" => json!({"replaces": 0, "reason": "authz",
            "document": serde_json::from_str::<Value>(
                include_str!("../../../shared/defaults/warning_rules.json")).unwrap()}),
        "/v1/admin/dunning-ladder" => json!({"replaces": 0, "reason": "authz",
            "document": serde_json::from_str::<Value>(
                include_str!("../../../shared/defaults/dunning_ladder.json")).unwrap()}),
        "/v1/admin/data-feeds/{provider}/import" => json!({"records": []}),
        "/v1/customers/{id}/tasks" => json!({"idempotency_key": format!("authz-task-{n}"),
            "action": "call", "reason": "authz"}),
        "/v1/customers/{id}/tasks/{task}/assignee" => {
            json!({"assignee": "collector", "version": 0})
        }
        "/v1/customers/{id}/letters" => json!({"idempotency_key": format!("authz-letter-{n}"),
            "kind": "statement"}),
        "/v1/customers/{id}/disputes" => json!({"idempotency_key": DISPUTE_KEY,
            "invoice": "INV-ANY", "amount": cny("1.00"), "reason": "other"}),
        "/v1/customers/{id}/disputes/{dispute}" => json!({"version": 99, "reason": "other"}),
        "/v1/customers/{id}/disputes/{dispute}/resolution" => {
            json!({"version": 99, "outcome": "withdrawn"})
        }
        "/v1/admin/data-feeds" => json!({"replaces": 0, "reason": "authz",
            "document": {"providers": []}}),
        "/v1/admin/webhooks" => json!({"replaces": 0, "reason": "authz",
            "document": {"endpoints": []}}),
        _ => Value::Null,
    }
}

/// A sample the lab can fit: the payment index ranks who went bad.
fn lab_sample() -> Value {
    let model = credence_shared::engine::default_model();
    let codes: Vec<String> = credence_shared::lab::candidates_of(&model)
        .iter()
        .map(|c| c.code.to_string())
        .collect();
    let observations: Vec<Value> = (0..400i64)
        .map(|i| {
            let paydex = i % 100;
            let values: Vec<Value> = codes
                .iter()
                .map(|c| match c.as_str() {
                    "PAY_INDEX" => json!(paydex.to_string()),
                    _ => Value::Null,
                })
                .collect();
            json!({"values": values, "bad": (i * 7919) % 100 < (100 - paydex) / 3,
                   "validation": false})
        })
        .collect();
    json!({"characteristics": codes, "observations": observations})
}

/// Requests filed, and alerts and collection tasks raised, before the table runs, one per
/// customer used; and a party on the blacklist (`授权黑名单`) to take off it.
/// The key the fixture opened a dispute under on C1 and on C4.
const DISPUTE_KEY: &str = "authz-dispute";

pub(crate) struct Fixture {
    /// A letter and a dispute on each customer.
    c1_letter: String,
    c4_letter: String,
    c1_dispute: String,
    c4_dispute: String,
    pub(crate) c1_request: String,
    c4_request: String,
    pub(crate) c1_task: String,
    c4_task: String,
    /// A request on group `G1`'s limit, and one to take `授权黑名单` off the blacklist.
    pub(crate) group_request: String,
    pub(crate) party_request: String,
    /// The promotion of the challenger the fixture started.
    pub(crate) lab_request: String,
}

/// An invoice 40 days overdue on `customer`, then the watcher: the overdue rule opens an
/// alert and a collection task. Returns the task's id.
async fn overdue_task(app: &TestApp, customer: &str) -> String {
    let finance = app.token_for("finance").await;
    let today = app.clock.today();
    let issued = today - time::Duration::days(70);
    let due = today - time::Duration::days(40);
    let posted = app
        .send_json(
            "POST",
            "/v1/ledger/events",
            &finance,
            &json!({"events": [{
                "idempotency_key": format!("authz-overdue-{customer}"), "customer_id": customer,
                "date": issued.to_string(),
                "event": {"type": "invoice", "invoice": format!("INV-OD-{customer}"),
                          "due_date": due.to_string(),
                          "amount": {"amount": "5000.00", "currency": "CNY"}}}]}),
        )
        .await;
    assert_eq!(posted.status, 200, "{}", posted.body);
    app.watch(customer).await;
    let risk = app.token_for("risk").await;
    let view = app
        .get(
            &format!("/v1/customers/{customer}/collections"),
            Some(&risk),
        )
        .await;
    assert_eq!(view.status, 200, "{}", view.body);
    view.body["tasks"][0]["id"]
        .as_str()
        .expect("the overdue rule opened a task")
        .to_owned()
}

/// The key of the order the fixture has blocked on C1 and on C4 (`authz-order-C1`, …).
const BLOCKED_KEY: &str = "authz-order";

pub(crate) async fn fixture(app: &TestApp) -> Fixture {
    // A provider whose pull answers (an empty batch), so an admin's pull gets through.
    let url = FakeProvider::default().start().await;
    app.connect_feed("authz", Some(&url), json!({"all": true}))
        .await;
    let finance = app.token_for("finance").await;
    for customer in ["C1", "C4"] {
        let posted = app
            .send_json(
                "POST",
                "/v1/ledger/events",
                &finance,
                &json!({"events": [{
                    "idempotency_key": format!("{BLOCKED_KEY}-{customer}"),
                    "customer_id": customer,
                    "date": app.clock.today().to_string(),
                    "event": {"type": "order_placed", "order": "SO-AUTHZ",
                              "amount": {"amount": "900000000.00", "currency": "CNY"}}}]}),
            )
            .await;
        assert_eq!(
            posted.body["results"][0]["check"]["decision"], "block",
            "{}",
            posted.body
        );
    }
    let mut ids = Vec::new();
    for (customer, who) in [("C1", "sales"), ("C4", "risk")] {
        let token = app.token_for(who).await;
        let filed = app
            .send_json(
                "POST",
                &format!("/v1/customers/{customer}/requests"),
                &token,
                &json!({"change": {"type": "terms_change", "terms_days": 40},
                        "justification": "fixture"}),
            )
            .await;
        assert_eq!(filed.status, 201, "{}", filed.body);
        ids.push(filed.body["id"].as_str().unwrap().to_owned());
    }
    let risk = app.token_for("risk").await;
    let listed = app
        .send_json(
            "POST",
            "/v1/blacklist",
            &risk,
            &json!({"name": "授权黑名单", "reason": "fixture", "source": "court"}),
        )
        .await;
    assert_eq!(listed.status, 201, "{}", listed.body);
    let admin = app.token_for("admin").await;
    let group = app
        .send_json(
            "PUT",
            "/v1/groups/G1",
            &risk,
            &json!({"name": "G", "limit": {"amount": "1000.00", "currency": "CNY"},
                    "members": []}),
        )
        .await;
    assert_eq!(group.status, 204, "{}", group.body);
    let mut filed = Vec::new();
    for (path, body) in [
        (
            "/v1/groups/G1/requests",
            json!({"change": {"type": "limit", "limit": {"amount": "500000.00", "currency": "CNY"}},
                   "justification": "fixture"}),
        ),
        (
            "/v1/blacklist/requests",
            json!({"party": "NAME:授权黑名单", "justification": "fixture"}),
        ),
    ] {
        let made = app.send_json("POST", path, &admin, &body).await;
        assert_eq!(made.status, 201, "{}", made.body);
        filed.push(made.body["id"].as_str().unwrap().to_owned());
    }
    // Version 1, published with a fitting report (the default model kept, so the lab's
    // sample below still fits the model in force).
    let fitted = app
        .send_json("POST", "/v1/lab/fits", &admin, &lab_sample())
        .await;
    assert_eq!(fitted.status, 200, "{}", fitted.body);
    let engine = app.get("/v1/engine", Some(&admin)).await;
    let published = app
        .send_json(
            "POST",
            "/v1/admin/engine-versions",
            &admin,
            &json!({"model": engine.body["model"], "policy": engine.body["policy"],
                    "reason": "fixture", "report": fitted.body["report"]}),
        )
        .await;
    assert_eq!(published.status, 201, "{}", published.body);
    // A challenger, and the request to put it in force.
    let started = app
        .send_json(
            "POST",
            "/v1/lab/challengers",
            &admin,
            &json!({"model": engine.body["model"], "policy": engine.body["policy"],
                    "reason": "fixture"}),
        )
        .await;
    assert_eq!(started.status, 201, "{}", started.body);
    let promotion = app
        .send_json(
            "POST",
            "/v1/lab/challengers/promotion",
            &admin,
            &json!({"justification": "fixture"}),
        )
        .await;
    assert_eq!(promotion.status, 201, "{}", promotion.body);
    let (c1_task, c4_task) = (overdue_task(app, "C1").await, overdue_task(app, "C4").await);
    let mut letters = Vec::new();
    let mut disputes = Vec::new();
    for customer in ["C1", "C4"] {
        let sent = app
            .send_json(
                "POST",
                &format!("/v1/customers/{customer}/letters"),
                &admin,
                &json!({"idempotency_key": "authz-fixture-letter", "kind": "statement"}),
            )
            .await;
        assert_eq!(sent.status, 201, "{}", sent.body);
        letters.push(sent.body["id"].as_str().unwrap().to_owned());
        let opened = app
            .send_json(
                "POST",
                &format!("/v1/customers/{customer}/disputes"),
                &admin,
                &json!({"idempotency_key": DISPUTE_KEY, "invoice": format!("INV-OD-{customer}"),
                        "amount": {"amount": "10.00", "currency": "CNY"}, "reason": "price"}),
            )
            .await;
        assert_eq!(opened.status, 201, "{}", opened.body);
        disputes.push(opened.body["id"].as_str().unwrap().to_owned());
    }
    Fixture {
        c1_letter: letters[0].clone(),
        c4_letter: letters[1].clone(),
        c1_dispute: disputes[0].clone(),
        c4_dispute: disputes[1].clone(),
        lab_request: promotion.body["id"].as_str().unwrap().to_owned(),
        group_request: filed[0].clone(),
        party_request: filed[1].clone(),
        c1_request: ids[0].clone(),
        c4_request: ids[1].clone(),
        c1_task,
        c4_task,
    }
}

pub(crate) async fn call(
    app: &TestApp,
    row: &Row,
    token: &str,
    n: usize,
    customer: &str,
    fixture: &Fixture,
) -> u16 {
    let (rid, task) = if row.template.starts_with("/v1/groups/") {
        (&fixture.group_request, &fixture.c1_task)
    } else if row.template.starts_with("/v1/blacklist/requests") {
        (&fixture.party_request, &fixture.c1_task)
    } else if row.template.starts_with("/v1/lab/requests") {
        (&fixture.lab_request, &fixture.c1_task)
    } else if customer == "C4" {
        (&fixture.c4_request, &fixture.c4_task)
    } else {
        (&fixture.c1_request, &fixture.c1_task)
    };
    let path = row
        .template
        .replace("{id}", customer)
        .replace("{rid}", rid)
        .replace("{rule}", "overdue_steps")
        .replace("{task}", task)
        .replace("{group}", "G1")
        .replace("{username}", "new-user")
        .replace("{version}", "1")
        .replace("{kind}", "customers")
        .replace("{what}", "customers")
        .replace("{layout}", "00ff")
        .replace("{key}", &format!("{BLOCKED_KEY}-{customer}"))
        .replace("{provider}", "authz")
        .replace(
            "{letter}",
            if customer == "C4" {
                &fixture.c4_letter
            } else {
                &fixture.c1_letter
            },
        )
        .replace(
            "{dispute}",
            if customer == "C4" {
                &fixture.c4_dispute
            } else {
                &fixture.c1_dispute
            },
        );
    let body = match row.template {
        // A promise is for a day from today on (the app's clock).
        "/v1/customers/{id}/promises" => json!({
            "idempotency_key": format!("authz-{n}"), "date": (app.clock.today() + time::Duration::days(5)).to_string(),
            "amount": {"amount": "1000.00", "currency": "CNY"}, "note": "authz"}),
        other => body_for(other, n),
    };
    if row.method == "get" {
        app.get(&path, Some(token)).await.status
    } else {
        app.send_json(&row.method.to_uppercase(), &path, token, &body)
            .await
            .status
    }
}

#[tokio::test]
async fn every_endpoint_in_the_api_description_has_a_row_in_the_policy_table() {
    let app = spawn_app().await;

    let doc = app.get("/openapi.json", None).await.body;

    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    let tabled: BTreeSet<(String, String)> = rows()
        .iter()
        .map(|r| (r.method.to_owned(), r.template.to_owned()))
        .collect();
    assert_eq!(documented, tabled, "add a row for every new endpoint");
}

#[tokio::test]
async fn every_role_gets_exactly_what_the_policy_table_allows_and_another_tenant_sees_nothing() {
    let app = spawn_app().await;
    let fixture = fixture(&app).await;
    let mut tokens = Vec::new();
    for role in ROLES {
        tokens.push((role, app.token_for(role).await));
    }
    let intruder = app.token_for("intruder").await;
    let mut n = 0;

    for row in rows() {
        let Some(allowed) = row.allowed else { continue };
        for (role, token) in &tokens {
            let customers: &[&str] = if row.customer_scoped {
                &["C1", "C4"]
            } else {
                &["C1"]
            };
            for customer in customers {
                n += 1;

                let status = call(&app, &row, token, n, customer, &fixture).await;

                let others_customer = *customer == "C4" && *role == "sales";
                // No code can be written here for a secret drawn at the call before: the
                // wrong code's 422 shows the call got past the policy.
                let wrong_code = row.template == "/v1/me/mfa/confirm" && status == 422;
                if allowed.contains(role) && !others_customer {
                    assert!(
                        (200..300).contains(&status) || status == 409 || wrong_code,
                        "{role} {} {} on {customer}: {status}",
                        row.method,
                        row.template
                    );
                } else {
                    assert_eq!(
                        status, 403,
                        "{role} {} {} on {customer}",
                        row.method, row.template
                    );
                }
            }
        }
        if row.customer_scoped {
            n += 1;
            let status = call(&app, &row, &intruder, n, "C1", &fixture).await;
            assert_eq!(
                status, 404,
                "another tenant on {} {}",
                row.method, row.template
            );
        }
        let anonymous = if row.method == "get" {
            app.get(
                &row.template
                    .replace("{id}", "C1")
                    .replace("{rid}", &fixture.c1_request),
                None,
            )
            .await
            .status
        } else {
            401
        };
        assert_eq!(
            anonymous, 401,
            "no token on {} {}",
            row.method, row.template
        );
    }
}
