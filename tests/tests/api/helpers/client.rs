//! A client signed in as one test user: `app.signed_in(Role::Risk).put(path, body)`.
//!
//! It signs in through the real `/auth/token` on its first request and keeps the token, so a
//! test reads as who does what instead of fetching tokens by hand.

use super::{TestApp, TestResponse};
use axum::{body::Body, http::Request};
use credence_shared::Role;
use http_body_util::BodyExt;
use serde_json::Value;
use tokio::sync::OnceCell;
use tower::ServiceExt;

pub struct SignedIn<'a> {
    pub app: &'a TestApp,
    pub username: String,
    token: OnceCell<String>,
}

impl TestApp {
    /// The test user of `role` in tenant `alpha` (each test user is named after its role).
    pub fn signed_in(&self, role: Role) -> SignedIn<'_> {
        self.signed_in_as(role.as_str())
    }

    /// A test user by name, e.g. `intruder`, the admin of tenant `beta`.
    pub fn signed_in_as(&self, username: &str) -> SignedIn<'_> {
        SignedIn {
            app: self,
            username: username.to_owned(),
            token: OnceCell::new(),
        }
    }

    /// The admin of another tenant (`beta`), who must see nothing of `alpha`.
    pub fn intruder(&self) -> SignedIn<'_> {
        self.signed_in_as("intruder")
    }
}

impl SignedIn<'_> {
    /// The bearer token, signing in on first use.
    pub async fn token(&self) -> &str {
        self.token
            .get_or_init(|| self.app.token_for(&self.username))
            .await
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        let token = self.token().await;
        self.app.get(path, Some(token)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> TestResponse {
        self.send("POST", path, body).await
    }

    pub async fn put(&self, path: &str, body: Value) -> TestResponse {
        self.send("PUT", path, body).await
    }

    /// Sends `body` as JSON with `method`.
    pub async fn send(&self, method: &str, path: &str, body: Value) -> TestResponse {
        let token = self.token().await;
        self.app.send_json(method, path, token, &body).await
    }

    /// A GET whose answer is not JSON: status, content type and the body as text.
    pub async fn get_text(&self, path: &str) -> (u16, String, String) {
        let (status, content_type, bytes) = self.get_bytes(path).await;
        (status, content_type, String::from_utf8(bytes).unwrap())
    }

    /// A GET whose answer is a file: status, content type and the bytes.
    pub async fn get_bytes(&self, path: &str) -> (u16, String, Vec<u8>) {
        self.get_accepting(path, "*/*").await
    }

    /// A GET with an `Accept` header: status, content type and the bytes.
    pub async fn get_accepting(&self, path: &str, accept: &str) -> (u16, String, Vec<u8>) {
        let token = self.token().await;
        let response = self
            .app
            .router
            .clone()
            .oneshot(
                Request::get(path)
                    .header("authorization", format!("Bearer {token}"))
                    .header("accept", accept)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, content_type, bytes.to_vec())
    }
}
