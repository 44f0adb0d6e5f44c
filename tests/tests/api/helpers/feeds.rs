//! A fake outside data provider (the real ones are paid services out of reach): it answers
//! `GET /feed?since=` with batches in Credence's feed format and records each `since` asked
//! for; and pushing a batch signed as a provider would.

use super::TestApp;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

pub const FEED_SECRET: &str = "a-long-feed-secret-0123";

/// The batch served for each `since` (the first pull sends none).
type Batches = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// What the fake provider serves, and the cursors it was asked for.
#[derive(Clone, Default)]
pub struct FakeProvider {
    pub batches: Batches,
    pub asked: Arc<Mutex<Vec<Option<String>>>>,
}

impl FakeProvider {
    /// Starts it; returns its pull URL.
    pub async fn start(&self) -> String {
        use axum::{Router, extract::Query, http::HeaderMap, http::StatusCode, routing::get};
        use std::collections::HashMap;
        let me = self.clone();
        let app = Router::new().route(
            "/feed",
            get(
                move |headers: HeaderMap, Query(q): Query<HashMap<String, String>>| {
                    let me = me.clone();
                    async move {
                        let bearer = headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        if bearer != format!("Bearer {FEED_SECRET}") {
                            return (StatusCode::UNAUTHORIZED, String::new());
                        }
                        let since = q.get("since").cloned();
                        me.asked.lock().unwrap().push(since.clone());
                        let batch = me
                            .batches
                            .lock()
                            .unwrap()
                            .iter()
                            .find(|(s, _)| *s == since)
                            .map(|(_, b)| b.clone())
                            .unwrap_or_else(|| json!({"records": []}));
                        (StatusCode::OK, batch.to_string())
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/feed", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    }

    pub fn serve(&self, since: Option<&str>, batch: Value) {
        self.batches
            .lock()
            .unwrap()
            .push((since.map(str::to_owned), batch));
    }
}

impl TestApp {
    /// The admin connects provider `id` (pulling from `pull_url` when given), watching
    /// `watch`.
    pub async fn connect_feed(&self, id: &str, pull_url: Option<&str>, watch: Value) {
        let admin = self.token_for("admin").await;
        let current = self.get("/v1/admin/data-feeds", Some(&admin)).await;
        let version = current.body["version"].as_u64().unwrap_or(0);
        let mut provider =
            json!({"id": id, "name": "企查查", "secret": FEED_SECRET, "watch": watch});
        if let Some(url) = pull_url {
            provider["pull_url"] = json!(url);
        }
        let put = self
            .send_json(
                "PUT",
                "/v1/admin/data-feeds",
                &admin,
                &json!({"replaces": version, "reason": "connect a provider",
                        "document": {"providers": [provider]}}),
            )
            .await;
        assert_eq!(put.status, 200, "{}", put.body);
    }

    /// Pushes `batch` as provider `id` of tenant `alpha` would, signed at the app's now.
    pub async fn push_feed(&self, id: &str, batch: &Value) -> super::TestResponse {
        let body = batch.to_string();
        let at = self.clock.now().unix_timestamp();
        let signature = credence_api::service::watch::signature(FEED_SECRET, at, &body);
        self.push_feed_signed(id, &body, &signature).await
    }

    pub async fn push_feed_signed(
        &self,
        id: &str,
        body: &str,
        signature: &str,
    ) -> super::TestResponse {
        use axum::body::Body;
        use axum::http::Request;
        self.send(
            Request::post(format!("/v1/feeds/alpha/{id}"))
                .header("content-type", "application/json")
                .header("x-credence-signature", signature)
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await
    }
}
