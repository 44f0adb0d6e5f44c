//! The test vocabulary.
//!
//! `spawn_app()`: a Router on its own fresh table, a local issuer with users in two
//! tenants, and a few customers; raw request helpers that read problem+json.
//! `app.signed_in(Role::Risk)`: a client signed in as the test user of a role (`client`).
//! The arranging steps the tests share: money and credit files (`credit`), ledger events
//! (`ledger`), requests and reviews (`requests`), onboarding and the blacklist
//! (`onboarding`), default configuration documents (`config`), snapshots (`snapshot`),
//! stored items written behind the API's back (`raw`), and a DynamoDB that fails on
//! purpose (`faults`).

mod client;
mod config;
mod credit;
pub mod faults;
mod feeds;
mod ledger;
mod onboarding;
mod raw;
mod requests;
pub mod snapshot;

pub use client::SignedIn;
pub use config::*;
pub use credence_shared::Role;
pub use credit::*;
pub use feeds::*;
pub use ledger::*;
pub use onboarding::*;
pub use requests::*;

use axum::{Router, body::Body, http::Request};
use credence_api::directory::local::LocalDirectory;
use credence_api::egress::Egress;
use credence_api::{
    AppState,
    auth::{Verifier, local::LocalIssuer, local::LocalUser, oauth::MachineClient, policy::Scope},
    clock::Clock,
    router,
    store::{Store, customers::CustomerRecord, schema},
};
use credence_shared::{Currency, CustomerId, Grade, Money, TenantId, Usci, UserId};
use http_body_util::BodyExt;
use rsa::RsaPrivateKey;
use rust_decimal::Decimal;
use serde_json::Value;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

pub const ISSUER: &str = "http://credence.test";
pub const AUDIENCE: &str = "credence-test";

/// One RSA key per test binary: generating one per test would dominate run time.
pub fn test_key() -> RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("key"))
        .clone()
}

pub fn endpoint() -> String {
    std::env::var("DYNAMODB_ENDPOINT").expect(
        "DYNAMODB_ENDPOINT is not set: run the integration tests through `cargo xtask test`, \
         which starts DynamoDB Local",
    )
}

pub fn tenant(name: &str) -> TenantId {
    TenantId::parse(name).unwrap()
}

fn user(name: &str, tenant_name: &str, role: Role) -> LocalUser {
    LocalUser {
        username: name.into(),
        password: "secret".into(),
        user_id: UserId::parse(name).unwrap(),
        tenant: tenant(tenant_name),
        roles: vec![role],
    }
}

pub fn cny(amount: i64) -> Money {
    Money::new(Decimal::from(amount), Currency::CNY)
}

pub fn customer(id: &str, name: &str, name_en: Option<&str>, usci: Option<&str>) -> CustomerRecord {
    CustomerRecord {
        id: CustomerId::parse(id).unwrap(),
        number: format!("KH-{id}"),
        name: name.into(),
        name_en: name_en.map(Into::into),
        usci: usci.map(|u| Usci::parse(u).unwrap()),
        country: "CN".into(),
        industry: "电子".into(),
        owner: Some(UserId::parse("sales").unwrap()),
        grade: Some(Grade::B),
        credit_limit: cny(500_000),
        exposure: cny(120_000),
        overdue: cny(0),
        oldest_overdue_days: 0,
        terms_days: 60,
        on_hold: false,
        blacklisted: false,
        founded: None,
        archived: false,
        master: None,
    }
}

pub struct TestApp {
    pub router: Router,
    /// The state the router serves, for the Lambda functions' own routers.
    pub state: AppState,
    pub issuer: Arc<LocalIssuer>,
    pub store: Store,
    /// The server's clock: stopped at the start of the test, moved on only by the test.
    pub clock: Clock,
    /// The same engine cache the router uses.
    pub engines: credence_api::service::tenant::Engines,
    /// The outbound client the router and `ctx()` use ([`test_egress`]).
    pub egress: Egress,
}

/// A router on a fresh table with users `sales`/`risk` in tenant `alpha` and `intruder`
/// in tenant `beta`, and three `alpha` customers and one `beta` customer.
pub async fn spawn_app() -> TestApp {
    spawn_app_at(time::OffsetDateTime::now_utc()).await
}

/// The same app with its clock stopped at `at`: for views whose dates must not depend on
/// the day the test runs (snapshots).
pub async fn spawn_app_at(at: time::OffsetDateTime) -> TestApp {
    spawn_app_on(&endpoint(), at).await
}

/// The same app on the DynamoDB at `endpoint` (a DynamoDB Local the test owns, or a proxy
/// in front of one): for tests that make the database fail.
pub async fn spawn_app_on(endpoint: &str, at: time::OffsetDateTime) -> TestApp {
    spawn_app_configured(endpoint, at, Vec::new()).await
}

/// The same app deployed to require two-step verification for `roles`
/// (`MFA_REQUIRED_ROLES`).
pub async fn spawn_app_requiring_mfa(roles: Vec<Role>) -> TestApp {
    spawn_app_configured(&endpoint(), time::OffsetDateTime::now_utc(), roles).await
}

async fn spawn_app_configured(
    endpoint: &str,
    at: time::OffsetDateTime,
    mfa_roles: Vec<Role>,
) -> TestApp {
    let table = format!("test-{}", uuid::Uuid::new_v4());
    let client = Store::client("local", Some(endpoint)).await;
    schema::ensure_table(&client, &table).await.expect("table");
    let store = Store::new(client, &table);
    let users = vec![
        user("sales", "alpha", Role::Sales),
        user("risk", "alpha", Role::Risk),
        user("finance", "alpha", Role::Finance),
        user("approver", "alpha", Role::Approver),
        user("admin", "alpha", Role::Admin),
        user("collector", "alpha", Role::Collector),
        user("intruder", "beta", Role::Admin),
    ];
    let issuer = Arc::new(
        LocalIssuer::from_key(test_key(), ISSUER, AUDIENCE, users)
            .unwrap()
            .with_machine_clients(vec![
                MachineClient {
                    client_id: "erp".into(),
                    secret: "erp-secret".into(),
                    tenant: tenant("alpha"),
                    scopes: vec![Scope::LedgerWrite, Scope::CreditCheck],
                },
                MachineClient {
                    client_id: "erp-files".into(),
                    secret: "erp-files-secret".into(),
                    tenant: tenant("alpha"),
                    scopes: vec![Scope::LedgerWrite, Scope::ImportsWrite],
                },
            ]),
    );
    let verifier = Verifier::with_jwks(ISSUER, AUDIENCE, &issuer.jwks())
        .unwrap()
        .with_registry(Arc::new(store.clone()))
        .with_mfa_roles(mfa_roles);
    store
        .put_new_customers(
            &tenant("alpha"),
            &[
                customer(
                    "C1",
                    "深圳恒通电子有限公司",
                    Some("Shenzhen Hengtong Electronics Co., Ltd."),
                    Some("91350100M000100Y43"),
                ),
                customer(
                    "C2",
                    "上海博远贸易有限公司",
                    Some("Shanghai Boyuan Trading Co., Ltd."),
                    None,
                ),
                customer("C3", "Harbour Parts Pte. Ltd.", None, None),
                CustomerRecord {
                    owner: Some(UserId::parse("other-rep").unwrap()),
                    ..customer("C4", "广州另一销售客户有限公司", None, None)
                },
            ],
        )
        .await
        .expect("alpha customers");
    store
        .put_new_customers(
            &tenant("beta"),
            &[customer("C9", "杭州秘密科技有限公司", None, None)],
        )
        .await
        .expect("beta customers");
    let clock = Clock::fixed(at);
    let engines = credence_api::service::tenant::Engines::default();
    let egress = test_egress();
    let state = AppState {
        store: store.clone(),
        verifier: Arc::new(verifier),
        local_issuer: Some(issuer.clone()),
        static_dir: None,
        engines: engines.clone(),
        clock: clock.clone(),
        egress: egress.clone(),
        directory: Arc::new(LocalDirectory::new(store.clone(), issuer.clone())),
    };
    TestApp {
        router: router(state.clone()),
        state,
        issuer,
        store,
        clock,
        engines,
        egress,
    }
}

/// The tests' outbound client: loopback receivers allowed (as in local development), and a
/// 2 s timeout so a receiver that never answers costs a test little.
pub fn test_egress() -> Egress {
    let mail = std::env::temp_dir().join(format!("credence-mail-{}", uuid::Uuid::new_v4()));
    Egress::new(true, std::time::Duration::from_secs(2))
        .expect("an outbound client")
        .with_mailer(credence_api::mail::Mailer::drop_into(mail))
}

pub struct TestResponse {
    pub status: u16,
    pub content_type: String,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl TestApp {
    /// What the service functions (and the watcher) run on: this app's table and clock.
    pub fn ctx(&self) -> credence_api::service::Ctx<'_> {
        credence_api::service::Ctx {
            store: &self.store,
            engines: &self.engines,
            clock: &self.clock,
            egress: &self.egress,
        }
    }

    /// The folder this app's mail is dropped into (one `.eml` file per message).
    pub fn mail_dir(&self) -> std::path::PathBuf {
        match self.egress.mailer() {
            credence_api::mail::Mailer::Drop { dir, .. } => dir.clone(),
            other => panic!("the tests drop mail into a folder, not {other:?}"),
        }
    }

    /// The messages dropped so far, as text, oldest name first.
    pub fn mails(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.mail_dir()) else {
            return Vec::new();
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("a dropped message"))
            .collect()
    }

    /// Watches one customer of tenant `alpha` now, as the stream consumer would.
    pub async fn watch(&self, customer: &str) {
        credence_api::service::watch::evaluate(
            &self.ctx(),
            &tenant("alpha"),
            &credence_shared::CustomerId::parse(customer).unwrap(),
        )
        .await
        .expect("watching a customer");
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let content_type = headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        TestResponse {
            status,
            content_type,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> TestResponse {
        let mut request = Request::get(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    pub async fn post_json(&self, path: &str, body: &str) -> TestResponse {
        self.send(
            Request::post(path)
                .header("content-type", "application/json")
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await
    }

    /// Sends `body` as JSON with `method`, signed in with `token`.
    pub async fn send_json(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: &Value,
    ) -> TestResponse {
        self.send(
            Request::builder()
                .method(method)
                .uri(path)
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    pub async fn token_for(&self, username: &str) -> String {
        let response = self
            .post_json(
                "/auth/token",
                &format!(r#"{{"username":"{username}","password":"secret"}}"#),
            )
            .await;
        assert_eq!(response.status, 200, "sign-in failed: {:?}", response.body);
        response.body["access_token"].as_str().unwrap().to_owned()
    }
}

impl TestResponse {
    /// Asserts this status (showing the body if it is another) and returns the body.
    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "{}", self.body);
        &self.body
    }

    /// Asserts a problem+json response with this status, returning the body.
    #[track_caller]
    pub fn problem(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert!(
            self.content_type.starts_with("application/problem+json"),
            "content-type was {:?}",
            self.content_type
        );
        assert!(
            self.body["type"]
                .as_str()
                .unwrap()
                .starts_with("urn:credence:problem:")
        );
        assert_eq!(self.body["status"], status);
        &self.body
    }

    /// The `field` of the first entry in `errors`.
    pub fn problem_field(&self) -> &str {
        self.body["errors"][0]["field"].as_str().unwrap_or_default()
    }
}
