//! Request extractors whose failures are problem+json naming the field that is wrong.
//!
//! axum's own `Json`/`Query` rejections are plain text and do not say which field failed;
//! these use `serde_path_to_error` so the client learns e.g. `items[2].amount`.

use crate::error::ApiError;
use axum::{
    extract::{FromRequest, FromRequestParts, Request, rejection::BytesRejection},
    http::{StatusCode, header, request::Parts},
};
use bytes::Bytes;
use credence_shared::messages::code;
use serde::de::DeserializeOwned;

/// Largest request body the API reads, in bytes.
pub const BODY_LIMIT: usize = 256 * 1024;

/// A JSON body: `Content-Type: application/json`, at most [`BODY_LIMIT`] bytes.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime.eq_ignore_ascii_case("application/json")
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e: BytesRejection| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::Malformed {
                        detail: "the request body could not be read".into(),
                        field: None,
                    }
                }
            })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON, telling syntax errors (400) from wrong or missing fields (422). The body is
/// one JSON value: anything after it but whitespace (`{"a":1} xyz`) is a syntax error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        use serde_json::error::Category;
        match inner.classify() {
            Category::Data => {
                let message = clean_serde_message(&inner.to_string());
                // The root, or an unknown field whose name is the empty string, is `body`.
                ApiError::field(
                    if path == "." || path.is_empty() {
                        "body".to_owned()
                    } else {
                        path
                    },
                    data_error_code(&message),
                    message,
                )
            }
            Category::Syntax | Category::Eof | Category::Io => ApiError::Malformed {
                detail: format!(
                    "the body is not valid JSON: {}",
                    clean_serde_message(&inner.to_string())
                ),
                field: Some("body".into()),
            },
        }
    })?;
    de.end().map_err(|err| ApiError::Malformed {
        detail: format!(
            "the body is not valid JSON: {}",
            clean_serde_message(&err.to_string())
        ),
        field: Some("body".into()),
    })?;
    Ok(value)
}

/// The code for a serde data error: its message is the only thing that tells a missing or
/// unknown field from a wrong value.
fn data_error_code(message: &str) -> &'static str {
    if message.starts_with("missing field") {
        code::REQUIRED
    } else if message.starts_with("unknown field") {
        code::UNKNOWN_FIELD
    } else {
        code::INVALID_VALUE
    }
}

/// serde's messages end with " at line 1 column 5"; the field path already says where.
fn clean_serde_message(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// Query-string parameters, with the failing parameter named.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|err| {
                let path = err.path().to_string();
                let message = err.into_inner().to_string();
                // Unknown or missing parameters are reported by serde with the name in the message;
                // a parameter without a name (`?=x`) is named `query`, never the empty string.
                let field = if path == "." {
                    message.split('`').nth(1).unwrap_or_default().to_owned()
                } else {
                    path
                };
                let field = if field.is_empty() {
                    "query".to_owned()
                } else {
                    field
                };
                ApiError::field(field, code::INVALID_QUERY, message)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Order {
        amount: u32,
        lines: Vec<Line>,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Line {
        qty: u32,
    }

    fn field_of(result: Result<Order, ApiError>) -> String {
        match result {
            Err(ApiError::Validation(errors)) => errors[0].field.clone(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_wrong_type_deep_in_the_body_names_its_path() {
        let r = parse_json::<Order>(br#"{"amount":1,"lines":[{"qty":1},{"qty":"x"}]}"#);
        assert_eq!(field_of(r), "lines[1].qty");
    }

    #[test]
    fn an_unknown_field_is_a_validation_error() {
        let r = parse_json::<Order>(br#"{"amount":1,"lines":[],"amout":2}"#);
        assert!(matches!(r, Err(ApiError::Validation(_))));
    }

    #[test]
    fn a_missing_unknown_or_wrong_field_has_its_own_code() {
        // Arrange
        let code_of = |body: &[u8]| match parse_json::<Order>(body) {
            Err(ApiError::Validation(errors)) => errors[0].code.clone(),
            other => panic!("expected a validation error, got {other:?}"),
        };
        // Act
        let missing = code_of(br#"{"lines":[]}"#);
        let unknown = code_of(br#"{"amount":1,"lines":[],"amout":2}"#);
        let wrong = code_of(br#"{"amount":"x","lines":[]}"#);
        // Assert
        assert_eq!(missing, "field.required");
        assert_eq!(unknown, "field.unknown");
        assert_eq!(wrong, "field.invalid");
    }

    #[test]
    fn data_after_the_json_value_is_malformed() {
        // Act
        let trailing = parse_json::<Order>(br#"{"amount":1,"lines":[]} xyz"#);
        let second = parse_json::<Order>(br#"{"amount":1,"lines":[]}{"amount":2}"#);
        let whitespace = parse_json::<Order>(b"{\"amount\":1,\"lines\":[]} \n\t");
        // Assert
        assert!(matches!(trailing, Err(ApiError::Malformed { .. })));
        assert!(matches!(second, Err(ApiError::Malformed { .. })));
        assert!(whitespace.is_ok(), "trailing whitespace is fine");
    }

    #[test]
    fn an_unknown_field_with_an_empty_name_is_reported_on_the_body() {
        let r = parse_json::<Order>(br#"{"amount":1,"lines":[],"":2}"#);
        assert_eq!(field_of(r), "body");
    }

    #[tokio::test]
    async fn a_query_parameter_without_a_name_is_reported_as_query_not_as_an_empty_field() {
        // Arrange
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Params {
            from: Option<String>,
        }
        let (mut parts, ()) = axum::http::Request::get("/v1/audit?from=&=x")
            .body(())
            .unwrap()
            .into_parts();
        // Act
        let result = ApiQuery::<Params>::from_request_parts(&mut parts, &()).await;
        // Assert
        match result {
            Err(ApiError::Validation(errors)) => assert_eq!(errors[0].field, "query"),
            Err(other) => panic!("expected a validation error, got {other:?}"),
            Ok(_) => panic!("an unnamed parameter was accepted"),
        }
    }

    #[test]
    fn broken_json_is_malformed_not_invalid() {
        let r = parse_json::<Order>(br#"{"amount":"#);
        assert!(matches!(r, Err(ApiError::Malformed { .. })));
    }
}
