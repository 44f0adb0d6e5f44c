//! Webhooks go only to public https targets (checked when saved and again at connect
//! time), are sent by their own worker rather than the watcher, and a receiver that never
//! answers delays neither the watcher nor another tenant's deliveries.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::*;
use credence_api::egress::Egress;
use credence_api::service::watch;
use credence_api::watcher::{Watcher, deliver_for};
use credence_shared::watch::{Delivery, DeliveryStatus};
use serde_json::{Value, json};

const SECRET: &str = "a-long-shared-secret-0123";

fn hooks(url: &str) -> Value {
    json!({"endpoints": [{"id": "erp", "url": url, "secret": SECRET}]})
}

/// A listener that accepts connections and never answers; counts the connections.
async fn hanging_receiver() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(socket);
        }
    });
    (url, accepted)
}

/// A receiver that answers 204 to every call and records the bodies.
async fn answering_receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    use axum::{Router, http::StatusCode, routing::post};
    let calls: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = calls.clone();
    let app = Router::new().route(
        "/hook",
        post(move |body: String| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push(body);
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, calls)
}

/// Saves `url` as the tenant's only endpoint (through the API, as its admin) and stores
/// one pending delivery to it.
async fn pending_delivery_to(app: &TestApp, tenant_name: &str, url: &str) {
    let t = tenant(tenant_name);
    let admin = if tenant_name == "beta" {
        app.intruder()
    } else {
        app.signed_in(Role::Admin)
    };
    admin
        .put(
            "/v1/admin/webhooks",
            json!({"replaces": 0, "reason": "ERP integration", "document": hooks(url)}),
        )
        .await
        .assert_status(200);
    let now = app.clock.now();
    let delivery = Delivery {
        id: format!("d-{tenant_name}"),
        endpoint_id: "erp".into(),
        url: url.into(),
        event: "alert.opened".into(),
        body: json!({"tenant": tenant_name}).to_string(),
        status: DeliveryStatus::Pending,
        attempts: Vec::new(),
        created_at: now,
        next_attempt_at: now,
        version: 1,
    };
    let mut writes = app.store.watch_writes();
    writes.delivery(&t, &delivery, None).unwrap();
    writes.commit().await.unwrap();
}

#[tokio::test]
async fn a_webhook_to_a_private_or_metadata_address_or_over_plain_http_is_refused_when_saved() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let cases = [
        ("http://erp.example.com/hook", "url.not_https"),
        (
            "https://169.254.169.254/latest/meta-data/",
            "url.not_public",
        ),
        ("https://169.254.170.2/v2/credentials", "url.not_public"),
        ("https://10.0.0.8/hook", "url.not_public"),
        ("https://[fd00:ec2::254]/", "url.not_public"),
        ("https://[::ffff:192.168.1.1]/hook", "url.not_public"),
        ("https://user:pw@erp.example.com/hook", "url.invalid"),
    ];
    for (url, code) in cases {
        // Act
        let saved = admin
            .put(
                "/v1/admin/webhooks",
                json!({"replaces": 0, "reason": "ERP integration", "document": hooks(url)}),
            )
            .await;
        // Assert
        let problem = saved.problem(422);
        assert_eq!(
            problem["errors"][0]["field"], "document.endpoints[0].url",
            "{url}: {problem}"
        );
        assert_eq!(problem["errors"][0]["code"], code, "{url}: {problem}");
    }
}

#[tokio::test]
async fn a_target_refused_at_connect_time_is_never_called_and_logged_in_our_own_words() {
    // Arrange: a receiver on loopback (allowed where the delivery was saved), then a
    // worker under production's rule, as if the name had come to resolve to this machine.
    let app = spawn_app().await;
    let (url, calls) = answering_receiver().await;
    pending_delivery_to(&app, "alpha", &url).await;
    let production = Egress::new(false, Duration::from_secs(2)).unwrap();
    let ctx = credence_api::service::Ctx {
        egress: &production,
        ..app.ctx()
    };

    // Act
    let sent = watch::deliver_due(&ctx, &tenant("alpha")).await.unwrap();

    // Assert
    assert_eq!(sent, 0);
    assert!(calls.lock().unwrap().is_empty(), "the receiver was called");
    let log = app
        .signed_in(Role::Admin)
        .get("/v1/admin/webhooks/deliveries")
        .await
        .body;
    let attempt = &log["items"][0]["attempts"][0];
    assert_eq!(
        attempt["error"], "refused: the target is not a public https address",
        "{log}"
    );
    assert_eq!(log["items"][0]["status"], "pending", "retried later: {log}");
}

#[tokio::test]
async fn a_receiver_that_never_answers_delays_neither_the_watcher_nor_another_tenants_deliveries() {
    // Arrange: alpha's receiver hangs, beta's answers; both have a delivery due, and
    // alpha's customer has a new signal for the watcher.
    let app = spawn_app().await;
    let (hanging, accepted) = hanging_receiver().await;
    let (answering, beta_calls) = answering_receiver().await;
    pending_delivery_to(&app, "alpha", &hanging).await;
    pending_delivery_to(&app, "beta", &answering).await;
    let watcher = Watcher::new(app.store.clone(), app.clock.clone(), app.egress.clone());

    // Act: the watcher's pass over alpha, then one worker run for both tenants.
    let pass = watch::daily(&app.ctx(), &tenant("alpha"), true)
        .await
        .unwrap();
    let connections_during_pass = accepted.load(Ordering::SeqCst);
    let tenants = [tenant("alpha"), tenant("beta")];
    let worker_done = AtomicBool::new(false);
    let worker = async {
        let sent = deliver_for(&watcher, &tenants).await;
        worker_done.store(true, Ordering::SeqCst);
        sent
    };
    // Beta's delivery arrives while alpha's attempt is still waiting for an answer.
    let observer = async {
        for _ in 0..200 {
            if !beta_calls.lock().unwrap().is_empty() {
                return !worker_done.load(Ordering::SeqCst);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        false
    };
    let (sent, beta_arrived_while_alpha_hung) = tokio::join!(worker, observer);
    let sent = sent.unwrap();

    // Assert
    assert!(pass.customers > 0, "{pass:?}");
    assert_eq!(
        connections_during_pass, 0,
        "the watcher's pass called a receiver"
    );
    assert!(
        beta_arrived_while_alpha_hung,
        "beta's delivery waited for alpha's hanging receiver"
    );
    assert_eq!(sent, 1, "beta's delivery was sent, alpha's timed out");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    let alpha_log = app
        .signed_in(Role::Admin)
        .get("/v1/admin/webhooks/deliveries")
        .await
        .body;
    assert_eq!(
        alpha_log["items"][0]["attempts"][0]["error"], "no answer within 2 s",
        "{alpha_log}"
    );
}
