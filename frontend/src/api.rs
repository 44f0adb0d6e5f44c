//! Every HTTP call the app makes, and the one error type they share.
//!
//! The API is served from the same origin as the app, so paths are absolute (`/v1/...`).
//! Calls that need a token take the [`Session`]; a 401 ends the session, which sends
//! the user back to `/signin`.

use credence_shared::credit::{CreditCheckRequest, CreditCheckResponse, CreditView};
use credence_shared::dto::{
    CustomerPage, CustomerSummary, FieldError, Me, Problem, TokenRequest, TokenResponse,
};
use credence_shared::{CustomerId, Money};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;

use crate::session::Session;

/// How many customers one search page asks for.
pub const PAGE_SIZE: u32 = 20;

/// Why a call did not give us what we asked for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// No answer at all: offline, DNS, connection reset.
    #[error("network error: {0}")]
    Network(String),
    /// Not signed in, token expired or rejected, or (at sign-in) wrong credentials.
    #[error("not signed in")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The server refused the request and said why (4xx with a problem body).
    #[error("request rejected: {}", .0.title)]
    Rejected(Problem),
    /// The server failed (5xx, or a 4xx without an explanation).
    #[error("server error {status}")]
    Server {
        status: u16,
        request_id: Option<String>,
    },
    /// An answer we could not read: not the JSON shape the contract promises.
    #[error("unexpected response: {0}")]
    Decode(String),
}

impl ApiError {
    /// Field-level messages the server sent, if any.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ApiError::Rejected(problem) => &problem.errors,
            _ => &[],
        }
    }
}

/// `POST /auth/token`: exchanges a username and password for an access token.
pub async fn sign_in(username: &str, password: &str) -> Result<TokenResponse, ApiError> {
    let body = TokenRequest {
        username: username.to_owned(),
        password: password.to_owned(),
    };
    let request = Request::post("/auth/token")
        .json(&body)
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    let response = request.send().await.map_err(network)?;
    read(response).await
}

/// `GET /v1/me`: who the API thinks is signed in.
pub async fn me(session: Session) -> Result<Me, ApiError> {
    authorised(session, Request::get("/v1/me")).await
}

/// `GET /v1/customers`: one page of customers matching `query` (all when `None`),
/// continuing after `cursor`.
pub async fn customers(
    session: Session,
    query: Option<String>,
    cursor: Option<String>,
) -> Result<CustomerPage, ApiError> {
    let limit = PAGE_SIZE.to_string();
    let mut params: Vec<(&str, &str)> = vec![("limit", &limit)];
    if let Some(q) = query.as_deref() {
        params.push(("q", q));
    }
    if let Some(c) = cursor.as_deref() {
        params.push(("cursor", c));
    }
    authorised(session, Request::get("/v1/customers").query(params)).await
}

/// `GET /v1/customers/{id}`.
pub async fn customer(session: Session, id: &CustomerId) -> Result<CustomerSummary, ApiError> {
    // Ids are restricted to letters, digits, '-' and '_', so they need no escaping.
    authorised(session, Request::get(&format!("/v1/customers/{id}"))).await
}

/// `GET /v1/customers/{id}/credit`: the whole credit file, with what the order check needs.
pub async fn credit(session: Session, id: &CustomerId) -> Result<CreditView, ApiError> {
    authorised(session, Request::get(&format!("/v1/customers/{id}/credit"))).await
}

/// `POST /v1/customers/{id}/credit-check`: the server's decision on an order of `amount`.
pub async fn credit_check(
    session: Session,
    id: &CustomerId,
    amount: Money,
) -> Result<CreditCheckResponse, ApiError> {
    let body = CreditCheckRequest { amount };
    authorised_with_body(
        session,
        Request::post(&format!("/v1/customers/{id}/credit-check")),
        &body,
    )
    .await
}

async fn authorised<T: DeserializeOwned>(
    session: Session,
    request: RequestBuilder,
) -> Result<T, ApiError> {
    let Some(request) = with_token(session, request) else {
        return Err(ApiError::Unauthorized);
    };
    let response = request.send().await.map_err(network)?;
    finish(session, response).await
}

async fn authorised_with_body<T: DeserializeOwned, B: serde::Serialize>(
    session: Session,
    request: RequestBuilder,
    body: &B,
) -> Result<T, ApiError> {
    let Some(request) = with_token(session, request) else {
        return Err(ApiError::Unauthorized);
    };
    let request = request
        .json(body)
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    let response = request.send().await.map_err(network)?;
    finish(session, response).await
}

fn with_token(session: Session, request: RequestBuilder) -> Option<RequestBuilder> {
    let token = session.bearer()?;
    Some(
        request
            .header("Authorization", &format!("Bearer {token}"))
            .header("Accept", "application/json"),
    )
}

/// Reads the answer; a 401 ends the session, which sends the user to sign in.
async fn finish<T: DeserializeOwned>(session: Session, response: Response) -> Result<T, ApiError> {
    let result = read(response).await;
    if matches!(result, Err(ApiError::Unauthorized)) {
        session.end();
    }
    result
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| ApiError::Decode(e.to_string()));
    }
    // Error bodies should be problem+json, but a proxy may answer with HTML.
    let problem = response.json::<Problem>().await.ok();
    Err(match (status, problem) {
        (401, _) => ApiError::Unauthorized,
        (403, _) => ApiError::Forbidden,
        (404, _) => ApiError::NotFound,
        (400..=499, Some(problem)) => ApiError::Rejected(problem),
        (_, problem) => ApiError::Server {
            status,
            request_id: problem.and_then(|p| p.request_id),
        },
    })
}

fn network(error: gloo_net::Error) -> ApiError {
    ApiError::Network(error.to_string())
}
