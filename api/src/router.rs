//! `router(state)`: the one axum Router the Lambda, the local server and the tests share,
//! its layers (request id, tracing, problem conversion, panic catcher, body limit), the
//! static frontend fallback and `/openapi.json` built from the handlers.

use crate::{
    error::{self, ApiError},
    extract::BODY_LIMIT,
    routes,
    state::AppState,
};
use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Request, State},
    http::{HeaderName, HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Credence API",
        description = "Customer credit management: credit files, scores, limits, order checks. \
                       Errors are RFC 9457 problem+json; money amounts are decimal strings."
    ),
    modifiers(&BearerAuth, &OutboundWebhooks),
    components(schemas(
        credence_shared::orders::OrderEvent,
        credence_shared::orders::CreditChanged,
        credence_shared::orders::CreditTerms,
        credence_shared::orders::OrderStatus,
        credence_shared::watch::Alert,
        credence_shared::watch::DunningSummary,
    )),
    tags(
        (name = "meta", description = "Health and API description"),
        (name = "identity", description = "Who is signed in"),
        (name = "customers", description = "Customers and their credit summary"),
        (name = "workflow", description = "Credit requests, approvals, inbox, applications, blacklist, audit trail"),
        (name = "watch", description = "Early warning and collections: alerts, worklist, promises, aging, KPIs"),
        (name = "lab", description = "The scoring lab: development samples from the ledger, fitted scorecards and their reports"),
        (name = "admin", description = "Users and roles, custom fields, approval matrix, engine versions, warning rules, dunning, webhooks"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The events Credence sends to a tenant's webhook endpoints (OpenAPI 3.1 `webhooks`; utoipa
/// has no field for them, so they go in as a top-level extension). Each is a signed POST of
/// the envelope `{id, event, tenant, at, data}`; `data` is the event's schema.
struct OutboundWebhooks;

/// Event name, the schema of its `data`, and what it tells.
const OUTBOUND_EVENTS: [(&str, &str, &str); 9] = [
    (
        "order.blocked",
        "OrderEvent",
        "The credit check blocked an order: do not ship it.",
    ),
    (
        "order.released",
        "OrderEvent",
        "A blocked order may ship: `allowed_to_ship` says how much, `prepayment` the share to collect first; `by` is `system` when a re-check released it.",
    ),
    (
        "order.rejected",
        "OrderEvent",
        "A blocked order was rejected: it must not ship.",
    ),
    (
        "credit.changed",
        "CreditChanged",
        "The customer's limit, terms, prepayment, grade, hold or blacklist changed.",
    ),
    (
        "customer.hold",
        "CreditChanged",
        "The customer was put on hold.",
    ),
    (
        "customer.released",
        "CreditChanged",
        "The customer's hold was lifted.",
    ),
    ("alert.opened", "Alert", "An early-warning alert opened."),
    ("alert.raised", "Alert", "An open alert rose a level."),
    (
        "dunning.summary",
        "DunningSummary",
        "Today's dunning steps for a customer.",
    ),
];

impl Modify for OutboundWebhooks {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let webhooks: serde_json::Map<String, serde_json::Value> = OUTBOUND_EVENTS
            .iter()
            .map(|(event, schema, summary)| {
                let body = serde_json::json!({
                    "type": "object",
                    "required": ["id", "event", "tenant", "at", "data"],
                    "properties": {
                        "id": {"type": "string", "description": "Unique per delivery; the receiver drops one it has seen."},
                        "event": {"type": "string", "enum": [event]},
                        "tenant": {"type": "string"},
                        "at": {"type": "string", "format": "date-time"},
                        "data": {"$ref": format!("#/components/schemas/{schema}")},
                    },
                });
                let operation = serde_json::json!({
                    "post": {
                        "summary": summary,
                        "description": "Signed: header `X-Credence-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" under the endpoint's secret>`. Retried with backoff until a 2xx.",
                        "parameters": [{"name": "X-Credence-Signature", "in": "header", "required": true,
                                        "schema": {"type": "string"}}],
                        "requestBody": {"required": true,
                                        "content": {"application/json": {"schema": body}}},
                        "responses": {"2XX": {"description": "Taken; not sent again."}},
                    }
                });
                ((*event).to_owned(), operation)
            })
            .collect();
        openapi
            .extensions
            .get_or_insert_with(Default::default)
            .insert("webhooks".into(), serde_json::Value::Object(webhooks));
    }
}

/// The internally tagged enums that deny unknown fields (`#[serde(tag = …,
/// deny_unknown_fields)]`). utoipa marks such structs `additionalProperties: false` but not
/// the variants of such enums, so a client or a fuzzer would think extra fields are welcome.
/// `Finding` is only ever written by the server; its shapes are closed all the same.
const CLOSED_TAGGED_ENUMS: [&str; 7] = [
    "AutoAction",
    "Change",
    "Condition",
    "DropReason",
    "FieldKind",
    "Finding",
    "LedgerEvent",
];

/// Marks every object variant of [`CLOSED_TAGGED_ENUMS`] `additionalProperties: false`,
/// as the server refuses unknown fields in them.
fn close_tagged_enums(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{
        RefOr,
        schema::{AdditionalProperties, Schema},
    };
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    for name in CLOSED_TAGGED_ENUMS {
        if let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut(name) {
            for item in &mut one_of.items {
                if let RefOr::T(Schema::Object(variant)) = item {
                    variant.additional_properties =
                        Some(Box::new(AdditionalProperties::FreeForm(false)));
                }
            }
        }
    }
}

/// The API paths this router owns; anything else may be the frontend.
const API_PREFIXES: [&str; 6] = [
    "/v1/",
    "/oauth2/",
    "/auth/",
    "/.well-known/",
    "/health",
    "/openapi.json",
];

/// The field's routes, served by the `api` Lambda: lookups, credit checks, the card,
/// requests and approvals, collections, settings — small reads and writes, all day long.
fn field_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(routes::health::health))
        .routes(routes!(routes::me::me))
        .routes(routes!(routes::me::begin_mfa))
        .routes(routes!(routes::me::confirm_mfa))
        .routes(routes!(routes::customers::list))
        .routes(routes!(routes::customers::get, routes::customers::put))
        .routes(routes!(routes::customers::reassign))
        .routes(routes!(routes::imports::runs))
        .routes(routes!(routes::imports::errors))
        .routes(routes!(routes::imports::mapping))
        .routes(routes!(routes::credit::view))
        .routes(routes!(routes::credit::check))
        .routes(routes!(routes::credit::decide))
        .routes(routes!(routes::credit::post_events))
        .routes(routes!(routes::credit::put_fx_rate))
        .routes(routes!(routes::credit::put_group))
        .routes(routes!(routes::orders::queue))
        .routes(routes!(routes::orders::one))
        .routes(routes!(routes::orders::of_customer))
        .routes(routes!(routes::credit::reviews))
        .routes(routes!(
            routes::workflow::file,
            routes::workflow::customer_requests
        ))
        .routes(routes!(
            routes::workflow::detail,
            routes::workflow::resubmit
        ))
        .routes(routes!(routes::workflow::review))
        .routes(routes!(routes::workflow::withdraw))
        .routes(routes!(routes::requests::file_for_group))
        .routes(routes!(routes::requests::file_for_party))
        .routes(routes!(
            routes::requests::group_detail,
            routes::requests::group_resubmit
        ))
        .routes(routes!(
            routes::requests::party_detail,
            routes::requests::party_resubmit
        ))
        .routes(routes!(routes::requests::group_review))
        .routes(routes!(routes::requests::party_review))
        .routes(routes!(routes::requests::group_withdraw))
        .routes(routes!(routes::requests::party_withdraw))
        .routes(routes!(routes::workflow::open_requests))
        .routes(routes!(routes::workflow::inbox))
        .routes(routes!(routes::workflow::engine))
        .routes(routes!(routes::workflow::application_form))
        .routes(routes!(routes::workflow::screen))
        .routes(routes!(routes::workflow::submit_application))
        .routes(routes!(
            routes::workflow::blacklist,
            routes::workflow::add_to_blacklist
        ))
        .routes(routes!(routes::workflow::remove_from_blacklist))
        .routes(routes!(routes::workflow::customer_audit))
        .routes(routes!(routes::workflow::tenant_audit))
        .routes(routes!(routes::workflow::users))
        .routes(routes!(routes::workflow::put_user))
        .routes(routes!(routes::workflow::sign_out_user))
        .routes(routes!(routes::workflow::people_names))
        .routes(routes!(
            routes::workflow::custom_fields,
            routes::workflow::put_custom_fields
        ))
        .routes(routes!(
            routes::workflow::approval_matrix,
            routes::workflow::put_approval_matrix
        ))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(
                    routes::workflow::engine_versions,
                    routes::workflow::publish_engine
                ))
                .layer(DefaultBodyLimit::max(routes::lab::PUBLISH_BODY_LIMIT)),
        )
        .routes(routes!(routes::workflow::activate_engine))
        .routes(routes!(routes::watch::alerts))
        .routes(routes!(routes::watch::customer_alerts))
        .routes(routes!(routes::watch::update_alert))
        .routes(routes!(routes::watch::worklist))
        .routes(routes!(routes::watch::task_done))
        .routes(routes!(routes::tasks::open))
        .routes(routes!(routes::tasks::reassign))
        .routes(routes!(routes::disputes::letters))
        .routes(routes!(routes::disputes::letter_pdf))
        .routes(routes!(
            routes::disputes::disputes,
            routes::disputes::open_dispute
        ))
        .routes(routes!(routes::disputes::update_dispute))
        .routes(routes!(routes::disputes::resolve_dispute))
        .routes(routes!(routes::watch::collections))
        .routes(routes!(routes::watch::add_promise))
        .routes(routes!(routes::watch::add_note))
        .routes(routes!(
            routes::watch::add_signal,
            routes::evidence::signals
        ))
        .routes(routes!(
            routes::evidence::statements,
            routes::evidence::record_statement
        ))
        .routes(routes!(routes::watch::aging))
        .routes(routes!(routes::watch::kpis))
        .routes(routes!(
            routes::watch::warning_rules,
            routes::watch::put_warning_rules
        ))
        .routes(routes!(
            routes::watch::dunning_ladder,
            routes::watch::put_dunning_ladder
        ))
        .routes(routes!(
            routes::watch::webhooks,
            routes::watch::put_webhooks
        ))
        .routes(routes!(
            routes::watch::data_feeds,
            routes::watch::put_data_feeds
        ))
        .routes(routes!(routes::feeds::push))
        .routes(routes!(routes::watch::deliveries))
        .routes(routes!(routes::lab_requests::file_promotion))
        .routes(routes!(
            routes::lab_requests::detail,
            routes::lab_requests::resubmit
        ))
        .routes(routes!(routes::lab_requests::review))
        .routes(routes!(routes::lab_requests::withdraw))
}

/// The office's routes, served by the `office` Lambda: files in and out (imports, exports,
/// templates), PDFs (the credit report, letters), the scoring lab and the walks over the
/// whole portfolio. Only these link the XLSX writer, the PDF engine and the lab's fitting,
/// which keeps the field's function small. [`OfficeDoc`] lists the same operations, and
/// `infra/template.yaml` routes each of them to the office function.
fn office_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(routes::imports::import))
        .routes(routes!(routes::imports::template))
        .routes(routes!(routes::exports::export))
        .routes(routes!(routes::report::credit_report))
        .routes(routes!(routes::workflow::export_audit))
        .routes(routes!(routes::disputes::send_letter))
        .routes(routes!(routes::regrade::status, routes::regrade::step))
        .routes(routes!(routes::regrade::preview))
        .routes(routes!(routes::watch::run))
        .routes(routes!(routes::feeds::pull))
        .routes(routes!(routes::feeds::import))
        .routes(routes!(routes::lab::sample))
        .routes(routes!(routes::lab::report))
        .routes(routes!(
            routes::lab::challenger,
            routes::lab::start_challenger
        ))
        .routes(routes!(routes::lab::stop_challenger))
        .routes(routes!(routes::lab::comparison))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(routes::lab::fit))
                .layer(DefaultBodyLimit::max(routes::lab::FIT_BODY_LIMIT)),
        )
}

/// The office's operations for the field's `/openapi.json`, which describes the whole API:
/// their descriptions, not their handlers, so the field's function links none of their code.
#[derive(OpenApi)]
#[openapi(paths(
    crate::routes::imports::import,
    crate::routes::imports::template,
    crate::routes::exports::export,
    crate::routes::report::credit_report,
    crate::routes::workflow::export_audit,
    crate::routes::disputes::send_letter,
    crate::routes::regrade::status,
    crate::routes::regrade::step,
    crate::routes::regrade::preview,
    crate::routes::watch::run,
    crate::routes::feeds::pull,
    crate::routes::feeds::import,
    crate::routes::lab::sample,
    crate::routes::lab::report,
    crate::routes::lab::challenger,
    crate::routes::lab::start_challenger,
    crate::routes::lab::stop_challenger,
    crate::routes::lab::comparison,
    crate::routes::lab::fit,
))]
struct OfficeDoc;

/// The whole HTTP API: the local server's and the tests'.
pub fn router(state: AppState) -> Router {
    app(field_routes().merge(office_routes()), None, state)
}

/// The `api` Lambda's Router: the field's routes; its `/openapi.json` still describes the
/// whole API.
pub fn field_router(state: AppState) -> Router {
    app(field_routes(), Some(OfficeDoc::openapi()), state)
}

/// The `office` Lambda's Router: the office's routes only.
pub fn office_router(state: AppState) -> Router {
    app(office_routes(), None, state)
}

/// The operations the office serves, as `METHOD /path` (API Gateway's route keys).
pub fn office_operations() -> std::collections::BTreeSet<String> {
    operations(&office_routes().split_for_parts().1)
}

fn operations(openapi: &utoipa::openapi::OpenApi) -> std::collections::BTreeSet<String> {
    openapi
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            [
                ("GET", &item.get),
                ("PUT", &item.put),
                ("POST", &item.post),
                ("DELETE", &item.delete),
                ("PATCH", &item.patch),
            ]
            .into_iter()
            .filter(|(_, op)| op.is_some())
            .map(move |(method, _)| format!("{method} {path}"))
        })
        .collect()
}

/// `routes` with the layers, `/openapi.json` (with `more` documented) and the frontend.
fn app(
    routes: OpenApiRouter<AppState>,
    more: Option<utoipa::openapi::OpenApi>,
    state: AppState,
) -> Router {
    let mut api = OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(routes);
    if state.local_issuer.is_some() {
        api = api
            .routes(routes!(routes::auth::token))
            .routes(routes!(routes::auth::jwks));
    }
    let (router, mut openapi) = api.split_for_parts();
    if let Some(more) = more {
        openapi.merge(more);
    }
    close_tagged_enums(&mut openapi);
    let openapi = Arc::new(openapi);
    let request_id = HeaderName::from_static("x-request-id");
    let oauth = state
        .local_issuer
        .is_some()
        .then(|| routes::oauth::router(state.clone()));

    let app = router
        .route(
            "/openapi.json",
            get(move || {
                let openapi = openapi.clone();
                async move { Json(openapi) }
            }),
        )
        .fallback(fallback)
        .with_state(state)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(axum::middleware::from_fn(error::problem_details))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            tracing::info_span!(
                "request",
                method = %req.method(),
                path = %req.uri().path(),
                request_id = %id,
                tenant = tracing::field::Empty,
            )
        }))
        .layer(SetRequestIdLayer::new(request_id, RandomRequestId));
    // The local issuer's OAuth endpoints answer errors as OAuth says, not as problems.
    let local = oauth.is_some();
    let app = match oauth {
        Some(oauth) => oauth.merge(app),
        None => app,
    };
    security_headers(app, local)
}

/// A request id for a request that came without one: a random (v4) UUID drawn from the
/// thread's generator, which tower-http's `MakeRequestUuid` would draw from the kernel, one
/// system call per request.
#[derive(Clone, Copy)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
        HeaderValue::from_str(&id.to_string())
            .ok()
            .map(RequestId::new)
    }
}

/// The page's Content-Security-Policy: scripts only from the app's own files (and its
/// WebAssembly), no inline script, nothing framing it. Styles may be inline (the charts'
/// SVG carries style attributes). In AWS, CloudFront's response-headers policy sends the
/// same; locally, violations are reported to `/csp-report` so the browser tests see them.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
frame-ancestors 'none'; manifest-src 'self'";

fn security_headers(app: Router, local: bool) -> Router {
    let csp = if local {
        format!("{CSP}; report-uri /csp-report")
    } else {
        CSP.to_owned()
    };
    let csp = HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static(CSP));
    app.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        csp,
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("DENY"),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
}

/// Unknown API paths are 404 problems; other paths serve the frontend when a static
/// directory is configured, with `index.html` for client-side routes. The build writes
/// `.br` and `.gz` copies beside each asset; they are sent when the browser accepts them.
async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path();
    let is_api = API_PREFIXES.iter().any(|p| path.starts_with(p));
    match (&state.static_dir, is_api) {
        (Some(dir), false) => {
            let index = dir.join("index.html");
            let cache = cache_control(path);
            let serve = ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                    ServeFile::new(index)
                        .precompressed_br()
                        .precompressed_gzip(),
                );
            match serve.oneshot(request).await {
                Ok(response) => {
                    let mut response = response.into_response();
                    let is_html = response
                        .headers()
                        .get(header::CONTENT_TYPE)
                        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
                    let cache = if is_html { "no-cache" } else { cache };
                    response
                        .headers_mut()
                        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
                    response
                }
                Err(never) => match never {},
            }
        }
        _ => ApiError::NotFound.into_response(),
    }
}

/// Built assets carry a content hash in their name (Trunk's `style-0123456789abcdef.css`)
/// or their directory (the app's `app-0123456789abcdef/chunk_3.wasm`): such a file never
/// changes, so it is cached for a year. Anything else (index.html, icons, the manifest)
/// is revalidated on every use.
fn cache_control(path: &str) -> &'static str {
    let hashed = path
        .split(['/', '-', '_', '.'])
        .any(|part| part.len() >= 16 && part.bytes().all(|b| b.is_ascii_hexdigit()));
    if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

#[cfg(test)]
mod tests {
    use super::{OfficeDoc, cache_control, field_routes, office_operations, operations};
    use utoipa::OpenApi;

    #[test]
    fn the_field_documents_exactly_the_operations_the_office_serves() {
        // Arrange
        let served = office_operations();

        // Act
        let documented = operations(&OfficeDoc::openapi());

        // Assert
        assert!(served.contains("POST /v1/imports/{kind}"), "{served:?}");
        assert_eq!(documented, served);
    }

    #[test]
    fn no_operation_is_served_by_both_functions() {
        // Arrange
        let office = office_operations();

        // Act
        let field = operations(&field_routes().split_for_parts().1);

        // Assert
        assert!(field.contains("GET /v1/customers/{id}"), "{field:?}");
        assert_eq!(field.intersection(&office).count(), 0);
    }

    #[test]
    fn hashed_assets_are_cached_for_a_year_and_everything_else_is_revalidated() {
        // Arrange
        let hashed = [
            "/credence-frontend-5c2f0a9d8e7b6a41.js",
            "/credence-frontend-5c2f0a9d8e7b6a41_bg.wasm",
            "/style-0123456789abcdef.css",
            "/app-5c2f0a9d8e7b6a41/main_bg.wasm",
            "/app-5c2f0a9d8e7b6a41/__wasm_split.js",
        ];
        let plain = [
            "/index.html",
            "/icon.svg",
            "/manifest.webmanifest",
            "/customers/C1",
            "/app/main.js",
        ];

        // Act + Assert
        for path in hashed {
            assert_eq!(
                cache_control(path),
                "public, max-age=31536000, immutable",
                "{path}"
            );
        }
        for path in plain {
            assert_eq!(cache_control(path), "no-cache", "{path}");
        }
    }
}
