//! The endpoint × role table's machine columns: what a machine client (an ERP, a nightly
//! job) holding one scope may call. Every operation not listed here is for people only: each
//! scope gets 403 there.

use crate::authorisation::{call, fixture, rows};
use crate::helpers::*;
use credence_api::auth::{oauth::MachineClient, policy::Scope};

/// The operations a machine may call and the single scopes that let it.
fn machine_columns() -> Vec<(&'static str, &'static str, &'static [Scope])> {
    use Scope::*;
    // Reading customers comes with every scope that works on them.
    const READERS: &[Scope] = &[CreditCheck, LedgerWrite, CustomersWrite];
    vec![
        // Who the token is.
        ("get", "/v1/me", &Scope::ALL),
        ("get", "/v1/customers", READERS),
        ("get", "/v1/customers/{id}", READERS),
        ("get", "/v1/customers/{id}/credit", READERS),
        ("get", "/v1/customers/{id}/audit", READERS),
        ("get", "/v1/customers/{id}/signals", READERS),
        ("get", "/v1/customers/{id}/requests", READERS),
        ("get", "/v1/customers/{id}/requests/{rid}", READERS),
        // Where a blocked order stands (the ERP is also told by webhook).
        ("get", "/v1/customers/{id}/orders", READERS),
        // The credit report, to file with the ERP's customer record.
        ("get", "/v1/customers/{id}/credit-report", READERS),
        ("get", "/v1/blocked-orders/{id}/{key}", READERS),
        ("get", "/v1/exports/{what}", READERS),
        ("get", "/v1/engine", READERS),
        ("post", "/v1/customers/{id}/credit-check", &[CreditCheck]),
        ("post", "/v1/ledger/events", &[LedgerWrite]),
        ("put", "/v1/fx-rates", &[LedgerWrite]),
        ("put", "/v1/customers/{id}", &[CustomersWrite]),
        ("post", "/v1/customers/owner", &[CustomersWrite]),
    ]
}

#[tokio::test]
async fn every_scope_reaches_exactly_the_operations_its_column_gives() {
    // Arrange
    let app = spawn_app().await;
    let fixture = fixture(&app).await;
    let columns = machine_columns();
    let mut n = 10_000;
    let mut wrong = Vec::new();

    for scope in Scope::ALL {
        let client = MachineClient {
            client_id: format!("m-{}", scope.as_str().replace(['/', '.'], "-")),
            secret: String::new(),
            tenant: tenant("alpha"),
            scopes: vec![scope],
        };
        let token = app.issuer.machine_token(&client, &[scope]).unwrap();
        for row in rows() {
            if row.allowed.is_none() {
                continue;
            }
            n += 1;

            // Act
            let status = call(&app, &row, &token, n, "C1", &fixture).await;

            // Assert (collected, so one run lists every disagreement)
            let allowed = columns
                .iter()
                .any(|(m, t, s)| *m == row.method && *t == row.template && s.contains(&scope));
            let ok = if allowed {
                (200..300).contains(&status) || status == 409
            } else {
                status == 403
            };
            if !ok {
                wrong.push(format!(
                    "{} {} {} with {}: {status}",
                    if allowed { "allowed" } else { "refused" },
                    row.method,
                    row.template,
                    scope.as_str()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
