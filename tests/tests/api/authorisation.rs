//! Every endpoint × every role × another tenant, against the expected policy written out
//! here independently of the code. An endpoint in `/openapi.json` without a row fails.

use crate::helpers::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const ROLES: [&str; 5] = ["sales", "risk", "finance", "approver", "admin"];

struct Row {
    method: &'static str,
    /// As in the OpenAPI document.
    template: &'static str,
    /// `None`: public, no token needed.
    allowed: Option<&'static [&'static str]>,
    /// Names a customer of the caller's tenant: another tenant must get 404.
    customer_scoped: bool,
}

const ALL: &[&str] = &ROLES;
const FINANCE_RIGHTS: &[&str] = &["risk", "finance", "approver", "admin"];

fn rows() -> Vec<Row> {
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
        row("get", "/v1/customers", Some(ALL), false),
        row("get", "/v1/customers/{id}", Some(ALL), true),
        row("get", "/v1/customers/{id}/credit", Some(ALL), true),
        row("post", "/v1/customers/{id}/credit-check", Some(ALL), true),
        row(
            "put",
            "/v1/customers/{id}/credit-decision",
            Some(&["risk", "approver", "admin"]),
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
    ]
}

fn body_for(template: &str, n: usize) -> Value {
    let cny = |a: &str| json!({"amount": a, "currency": "CNY"});
    match template {
        "/v1/customers/{id}/credit-check" => json!({"amount": cny("100.00")}),
        // A stale version: an allowed caller gets 409, a refused one 403.
        "/v1/customers/{id}/credit-decision" => {
            json!({"version": 0, "reason": "x", "terms_days": 30})
        }
        "/v1/ledger/events" => json!({"events": [{
            "idempotency_key": format!("authz-{n}"), "customer_id": "C1", "date": "2026-01-05",
            "event": {"type": "invoice", "invoice": format!("INV-{n}"), "due_date": "2026-02-05",
                      "amount": cny("10.00")}}]}),
        "/v1/fx-rates" => json!({"from": "USD", "to": "CNY", "date": "2026-01-01", "rate": "7.1"}),
        "/v1/groups/{group}" => json!({"name": "G", "limit": cny("1000.00"), "members": []}),
        _ => Value::Null,
    }
}

async fn call(app: &TestApp, row: &Row, token: &str, n: usize) -> u16 {
    let path = row.template.replace("{id}", "C1").replace("{group}", "G1");
    if row.method == "get" {
        app.get(&path, Some(token)).await.status
    } else {
        app.send_json(
            &row.method.to_uppercase(),
            &path,
            token,
            &body_for(row.template, n),
        )
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
    let mut tokens = Vec::new();
    for role in ROLES {
        tokens.push((role, app.token_for(role).await));
    }
    let intruder = app.token_for("intruder").await;
    let mut n = 0;

    for row in rows() {
        let Some(allowed) = row.allowed else { continue };
        for (role, token) in &tokens {
            n += 1;

            let status = call(&app, &row, token, n).await;

            if allowed.contains(role) {
                assert!(
                    (200..300).contains(&status) || status == 409,
                    "{role} {} {}: {status}",
                    row.method,
                    row.template
                );
            } else {
                assert_eq!(status, 403, "{role} {} {}", row.method, row.template);
            }
        }
        if row.customer_scoped {
            n += 1;
            let status = call(&app, &row, &intruder, n).await;
            assert_eq!(
                status, 404,
                "another tenant on {} {}",
                row.method, row.template
            );
        }
        let anonymous = if row.method == "get" {
            app.get(&row.template.replace("{id}", "C1"), None)
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
