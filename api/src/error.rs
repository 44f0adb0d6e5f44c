//! Every error the API can return, and the one place that turns them into
//! RFC 9457 `application/problem+json` responses.
//!
//! A problem body never carries internals (no SDK messages, no stack traces): those go
//! to the log with the request id, and the client gets the id to quote.

use axum::{
    body::Body,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use credence_shared::dto::{FieldError, Problem};
use credence_shared::messages::code;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The stable `type` URIs of problems. Clients may switch on these.
pub mod kind {
    pub const MALFORMED: &str = "urn:credence:problem:malformed-request";
    pub const VALIDATION: &str = "urn:credence:problem:validation";
    pub const UNAUTHORIZED: &str = "urn:credence:problem:unauthorized";
    pub const FORBIDDEN: &str = "urn:credence:problem:forbidden";
    pub const NOT_FOUND: &str = "urn:credence:problem:not-found";
    pub const METHOD_NOT_ALLOWED: &str = "urn:credence:problem:method-not-allowed";
    pub const CONFLICT: &str = "urn:credence:problem:conflict";
    pub const TOO_LARGE: &str = "urn:credence:problem:payload-too-large";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "urn:credence:problem:unsupported-media-type";
    pub const UNAVAILABLE: &str = "urn:credence:problem:service-unavailable";
    pub const INTERNAL: &str = "urn:credence:problem:internal";
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request could not be read at all (bad JSON syntax, bad query string).
    #[error("malformed request: {detail}")]
    Malformed {
        detail: String,
        field: Option<String>,
    },
    /// The request was readable but some fields are wrong.
    #[error("invalid fields")]
    Validation(Vec<FieldError>),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden")]
    Forbidden,
    /// A 403 that says why and what to do instead (`code` from
    /// `credence_shared::messages::code`, `detail` in English).
    #[error("refused ({code}): {detail}")]
    Refused { code: &'static str, detail: String },
    #[error("not found")]
    NotFound,
    /// The request clashes with the record's current state; `code` says how (one of
    /// `credence_shared::messages::code`: `conflict.version`, `conflict.exists`,
    /// `conflict.not_applicable`), `detail` in English.
    #[error("conflict ({code}): {detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A dependency is overloaded or down; the client may retry.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// One wrong field: its path, its stable `code` and the English message.
    pub fn field(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    /// A 409 with its stable `code` and the English detail.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            detail: detail.into(),
        }
    }

    /// A 409: the record changed since the client read it.
    pub fn stale(detail: impl Into<String>) -> Self {
        ApiError::conflict(code::VERSION_CONFLICT, detail)
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        use StatusCode as S;
        match self {
            ApiError::Malformed { .. } => (S::BAD_REQUEST, kind::MALFORMED, "Malformed request"),
            ApiError::Validation(_) => (
                S::UNPROCESSABLE_ENTITY,
                kind::VALIDATION,
                "Some fields are invalid",
            ),
            ApiError::Unauthorized(_) => (
                S::UNAUTHORIZED,
                kind::UNAUTHORIZED,
                "Sign-in required or token invalid",
            ),
            ApiError::Forbidden | ApiError::Refused { .. } => {
                (S::FORBIDDEN, kind::FORBIDDEN, "Not allowed")
            }
            ApiError::NotFound => (S::NOT_FOUND, kind::NOT_FOUND, "Not found"),
            ApiError::Conflict { .. } => (S::CONFLICT, kind::CONFLICT, "Conflict"),
            ApiError::PayloadTooLarge => (
                S::PAYLOAD_TOO_LARGE,
                kind::TOO_LARGE,
                "Request body too large",
            ),
            ApiError::UnsupportedMediaType => (
                S::UNSUPPORTED_MEDIA_TYPE,
                kind::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type",
            ),
            ApiError::Unavailable(_) => (
                S::SERVICE_UNAVAILABLE,
                kind::UNAVAILABLE,
                "Temporarily unavailable, try again",
            ),
            ApiError::Internal(_) => (
                S::INTERNAL_SERVER_ERROR,
                kind::INTERNAL,
                "Something went wrong on our side",
            ),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let (status, kind, title) = self.parts();
        let (detail, errors) = match self {
            ApiError::Malformed { detail, field } => (
                Some(detail.clone()),
                field
                    .iter()
                    .map(|f| FieldError::new(f.clone(), code::MALFORMED_JSON, detail.clone()))
                    .collect(),
            ),
            ApiError::Validation(errors) => (None, errors.clone()),
            ApiError::Unauthorized(why) => (Some(why.clone()), vec![]),
            ApiError::Conflict { detail, .. } | ApiError::Refused { detail, .. } => {
                (Some(detail.clone()), vec![])
            }
            // Internals stay in the log.
            _ => (None, vec![]),
        };
        let code = match self {
            ApiError::Conflict { code, .. } | ApiError::Refused { code, .. } => (*code).to_owned(),
            _ => String::new(),
        };
        Problem {
            kind: kind.to_owned(),
            code,
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            instance: None,
            request_id: None,
            errors,
        }
    }
}

pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(e) => tracing::error!(error = format!("{e:#}"), "internal error"),
            ApiError::Unavailable(e) => tracing::warn!(error = %e, "dependency unavailable"),
            other => tracing::debug!(error = %other, "request refused"),
        }
        let mut response = problem_response(&self.to_problem());
        if matches!(self, ApiError::Unauthorized(_)) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Response middleware: every error response leaves as problem+json carrying the
/// request id and path. Errors raised outside our handlers (axum's own 404/405/413,
/// a panic caught by the panic layer) are converted here, so there is one shape only.
pub async fn problem_details(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    let (parts, body) = response.into_parts();
    let mut problem = if is_problem {
        match axum::body::to_bytes(body, 64 * 1024).await {
            Ok(bytes) => serde_json::from_slice::<Problem>(&bytes)
                .unwrap_or_else(|_| fallback_problem(status)),
            Err(_) => fallback_problem(status),
        }
    } else {
        fallback_problem(status)
    };
    problem.instance = Some(path);
    problem.request_id = request_id;
    let mut rebuilt = problem_response(&problem);
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rebuilt.headers_mut().insert(name.clone(), value.clone());
        }
    }
    *rebuilt.status_mut() = status;
    rebuilt
}

fn fallback_problem(status: StatusCode) -> Problem {
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => {
            return Problem {
                kind: kind::METHOD_NOT_ALLOWED.to_owned(),
                code: String::new(),
                title: "Method not allowed".to_owned(),
                status: status.as_u16(),
                detail: None,
                instance: None,
                request_id: None,
                errors: vec![],
            };
        }
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        StatusCode::UNAUTHORIZED => ApiError::Unauthorized("token missing or invalid".into()),
        StatusCode::FORBIDDEN => ApiError::Forbidden,
        s if s.is_client_error() => ApiError::Malformed {
            detail: s.canonical_reason().unwrap_or("bad request").to_owned(),
            field: None,
        },
        _ => ApiError::Internal(anyhow::anyhow!("unhandled status {status}")),
    };
    let mut problem = error.to_problem();
    problem.status = status.as_u16();
    problem
}

/// Body for a panic caught by `CatchPanicLayer`: a plain 500 problem, no panic message.
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("handler panicked");
    problem_response(&ApiError::Internal(anyhow::anyhow!("panic")).to_problem())
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        ApiError::Validation(vec![error])
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(err: crate::store::StoreError) -> Self {
        use crate::store::StoreError as S;
        match err {
            // A cursor is opaque: one we did not issue is unreadable input, not a bad field.
            S::BadCursor => ApiError::Malformed {
                detail: "not a cursor this API issued for this query".into(),
                field: Some("cursor".into()),
            },
            S::Unavailable { code, .. } => ApiError::Unavailable(code),
            S::ConditionFailed => {
                ApiError::stale("the record changed meanwhile; reload and try again")
            }
            other => ApiError::Internal(anyhow::Error::new(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_never_shows_its_cause() {
        let problem =
            ApiError::Internal(anyhow::anyhow!("SDK said: secret table xyz")).to_problem();
        let json = serde_json::to_string(&problem).unwrap();
        assert!(!json.contains("secret"));
        assert_eq!(problem.status, 500);
        assert_eq!(problem.kind, kind::INTERNAL);
    }

    #[test]
    fn a_validation_error_names_the_field() {
        let problem = ApiError::field("username", code::REQUIRED, "must not be empty").to_problem();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors[0].field, "username");
    }

    #[test]
    fn a_conflict_carries_its_code_in_the_problem() {
        // Arrange
        let error = ApiError::conflict(
            code::ALREADY_EXISTS,
            "the party is already on the blacklist",
        );
        // Act
        let problem = error.to_problem();
        // Assert
        assert_eq!(problem.status, 409);
        assert_eq!(problem.code, "conflict.exists");
        assert_eq!(
            problem.detail.as_deref(),
            Some("the party is already on the blacklist")
        );
    }
}
