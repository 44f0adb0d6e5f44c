//! Every HTTP call the app makes, and the one error type they share.
//!
//! The API is served from the same origin as the app, so paths are absolute (`/v1/...`).
//! Calls that need a token take the [`Session`]; a 401 ends the session, which sends
//! the user back to `/signin`.

use credence_shared::credit::{CreditCheckRequest, CreditCheckResponse, CreditView};
use credence_shared::customer::CustomerMaster;
use credence_shared::dto::{CustomerPage, CustomerSummary, FieldError, Me, Problem};
use credence_shared::watch::{
    Activity, Alert, AlertList, AlertUpdate, CollectionTask, CollectionsView, Delivery,
    DunningLadder, Kpis, NewNote, NewPromise, NewSignal, NewStatement, PortfolioAging, Promise,
    RecordedSignal, RecordedStatement, TaskUpdate, WarningRules, WebhookConfig, Worklist,
};
use credence_shared::workflow::{
    Application, ApplicationCreated, ApplicationForm, ApprovalMatrix, AuditPage, BlacklistAdd,
    BlacklistEntry, CreditRequest, EngineInForce, EngineVersion, FieldSet, Inbox, NewRequest,
    PartyRequest, PublishEngine, RequestDetail, RequestSummary, ResubmitRequest, ReviewRequest,
    ScreenRequest, ScreenResult, Subject, UserRecord, UserSignOut, UserUpdate, Versioned,
};
use credence_shared::{CustomerId, Money};
use gloo_net::http::Request;
use serde::{Deserialize, Serialize};

use crate::session::Session;

mod transport;
pub(crate) use transport::{authorised, authorised_with_body};
use transport::{authorised_ignoring_answer, network, read, send_authorised};

mod lab;
pub use lab::*;
mod offline;
pub use offline::{
    AsOf, Sent, discard_queued, file_request_or_queue, keep_portfolio, post_or_queue, send_queued,
};
mod outside;
pub use outside::*;

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
    /// Someone else changed the thing meanwhile (409): reload and look again.
    #[error("changed meanwhile")]
    Conflict(Option<Problem>),
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

/// `{"items": [...]}`, the shape of every plain list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}

#[derive(Serialize)]
struct VersionOnly {
    version: u64,
}

#[derive(Serialize)]
pub(crate) struct ReasonOnly<'a> {
    reason: &'a str,
}

/// `GET /v1/me`: who the API thinks is signed in (offline: who it said last time).
pub async fn me(session: Session) -> Result<Me, ApiError> {
    offline::kept_get(session, "/v1/me").await.map(|(me, _)| me)
}

/// `POST /v1/me/mfa`: a new secret for the person's authenticator app.
pub async fn begin_mfa(session: Session) -> Result<credence_shared::dto::MfaSecret, ApiError> {
    authorised_with_body(session, Request::post("/v1/me/mfa"), &serde_json::json!({})).await
}

/// `POST /v1/me/mfa/confirm`: the app's current code turns two-step verification on.
pub async fn confirm_mfa(
    session: Session,
    code: String,
) -> Result<credence_shared::dto::MfaConfirmed, ApiError> {
    let body = credence_shared::dto::MfaConfirm { code };
    authorised_with_body(session, Request::post("/v1/me/mfa/confirm"), &body).await
}

/// `GET /v1/customers`: one page of customers matching `query` (all when `None`),
/// continuing after `cursor`. Offline, the customers whose cards are kept on this device.
pub async fn customers(
    session: Session,
    query: Option<String>,
    cursor: Option<String>,
) -> Result<CustomerPage, ApiError> {
    if !crate::offline::navigator_online() {
        crate::offline::network().set_online(false);
        return Ok(offline::search_kept(session, query.as_deref()).await.0);
    }
    let asked = query.clone();
    let limit = PAGE_SIZE.to_string();
    let mut params: Vec<(&str, &str)> = vec![("limit", &limit)];
    if let Some(q) = query.as_deref() {
        params.push(("q", q));
    }
    if let Some(c) = cursor.as_deref() {
        params.push(("cursor", c));
    }
    match authorised(session, Request::get("/v1/customers").query(params)).await {
        Err(ApiError::Network(_)) => {
            crate::offline::network().set_online(false);
            Ok(offline::search_kept(session, asked.as_deref()).await.0)
        }
        answer => answer,
    }
}

/// `GET /v1/customers/{id}`.
pub async fn customer(session: Session, id: &CustomerId) -> Result<CustomerSummary, ApiError> {
    // Ids are restricted to letters, digits, '-' and '_', so they need no escaping.
    authorised(session, Request::get(&format!("/v1/customers/{id}"))).await
}

/// `PUT /v1/customers/{number}`: create or update the customer's master record.
pub async fn put_customer(
    session: Session,
    number: &str,
    body: &CustomerMaster,
) -> Result<CustomerSummary, ApiError> {
    let url = format!(
        "/v1/customers/{}",
        String::from(js_sys::encode_uri_component(number))
    );
    authorised_with_body(session, Request::put(&url), body).await
}

/// `POST /v1/imports/{kind}`: one batch of a file's rows.
pub async fn import_batch(
    session: Session,
    kind: credence_shared::import::columns::ImportKind,
    batch: &credence_shared::import::batch::Batch,
) -> Result<credence_shared::import::batch::BatchResult, ApiError> {
    let url = format!("/v1/imports/{}", kind.as_str());
    authorised_with_body(session, Request::post(&url), batch).await
}

/// `GET /v1/imports`: the tenant's imports, newest first.
pub async fn import_runs(
    session: Session,
) -> Result<Vec<credence_shared::import::batch::ImportRun>, ApiError> {
    let list: Items<credence_shared::import::batch::ImportRun> =
        authorised(session, Request::get("/v1/imports")).await?;
    Ok(list.items)
}

/// `GET /v1/imports/mappings/{layout}`: the mapping a file like this was committed with.
pub async fn import_mapping(
    session: Session,
    layout: &str,
) -> Result<Option<credence_shared::import::batch::SavedMapping>, ApiError> {
    authorised(
        session,
        Request::get(&format!("/v1/imports/mappings/{layout}")),
    )
    .await
}

/// `GET /v1/customers/{id}/credit`: the whole credit file, with what the order check needs.
/// Kept on the device for offline use; offline, the kept file with when it was fetched.
pub async fn credit(session: Session, id: &CustomerId) -> Result<(CreditView, AsOf), ApiError> {
    let (view, as_of) =
        offline::kept_get::<CreditView>(session, &format!("/v1/customers/{id}/credit")).await?;
    if as_of.is_none() {
        offline::card_opened(session, &view.customer);
    }
    Ok((view, as_of))
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

/// `GET /v1/inbox`.
pub async fn inbox(session: Session) -> Result<Inbox, ApiError> {
    authorised(session, Request::get("/v1/inbox")).await
}

/// `GET /v1/requests`: every open request I may see.
pub async fn open_requests(session: Session) -> Result<Vec<RequestSummary>, ApiError> {
    let list: Items<RequestSummary> = authorised(session, Request::get("/v1/requests")).await?;
    Ok(list.items)
}

/// `GET /v1/customers/{id}/requests`.
pub async fn customer_requests(
    session: Session,
    id: &CustomerId,
) -> Result<Vec<RequestSummary>, ApiError> {
    let list: Items<RequestSummary> = authorised(
        session,
        Request::get(&format!("/v1/customers/{id}/requests")),
    )
    .await?;
    Ok(list.items)
}

/// `POST /v1/customers/{id}/requests`.
pub async fn file_request(
    session: Session,
    id: &CustomerId,
    body: &NewRequest,
) -> Result<CreditRequest, ApiError> {
    let url = format!("/v1/customers/{id}/requests");
    authorised_with_body(session, Request::post(&url), body).await
}

/// `POST /v1/blacklist/requests`: ask for a party to come off the blacklist (a customer's
/// entry is filed on the customer).
pub async fn request_removal(
    session: Session,
    body: &PartyRequest,
) -> Result<CreditRequest, ApiError> {
    authorised_with_body(session, Request::post("/v1/blacklist/requests"), body).await
}

/// A request's API address (a customer's, a group's or a party's request).
fn request_url(subject: &Subject, rid: &str) -> String {
    subject.api_path(&String::from(js_sys::encode_uri_component(rid)))
}

/// `GET /v1/customers/{id}/requests/{rid}` (or a group's or party's request).
pub async fn request_detail(
    session: Session,
    subject: &Subject,
    rid: &str,
) -> Result<RequestDetail, ApiError> {
    authorised(session, Request::get(&request_url(subject, rid))).await
}

/// `POST .../review`: approve, reject or return.
pub async fn review(
    session: Session,
    subject: &Subject,
    rid: &str,
    body: &ReviewRequest,
) -> Result<RequestDetail, ApiError> {
    let url = format!("{}/review", request_url(subject, rid));
    authorised_with_body(session, Request::post(&url), body).await
}

/// `PUT .../{rid}`: the requester amends a returned request.
pub async fn resubmit(
    session: Session,
    subject: &Subject,
    rid: &str,
    body: &ResubmitRequest,
) -> Result<RequestDetail, ApiError> {
    authorised_with_body(session, Request::put(&request_url(subject, rid)), body).await
}

/// `POST .../withdraw`.
pub async fn withdraw(
    session: Session,
    subject: &Subject,
    rid: &str,
    version: u64,
) -> Result<RequestDetail, ApiError> {
    let url = format!("{}/withdraw", request_url(subject, rid));
    authorised_with_body(session, Request::post(&url), &VersionOnly { version }).await
}

/// `GET /v1/engine`.
pub async fn engine(session: Session) -> Result<EngineInForce, ApiError> {
    authorised(session, Request::get("/v1/engine")).await
}

/// `GET /v1/applications/form`.
pub async fn application_form(session: Session) -> Result<ApplicationForm, ApiError> {
    authorised(session, Request::get("/v1/applications/form")).await
}

/// `POST /v1/applications/screen`: duplicates and blacklist hits for a code or name.
pub async fn screen(session: Session, body: &ScreenRequest) -> Result<ScreenResult, ApiError> {
    authorised_with_body(session, Request::post("/v1/applications/screen"), body).await
}

/// `POST /v1/applications`.
pub async fn apply(session: Session, body: &Application) -> Result<ApplicationCreated, ApiError> {
    authorised_with_body(session, Request::post("/v1/applications"), body).await
}

/// `GET /v1/blacklist`.
pub async fn blacklist(session: Session) -> Result<Vec<BlacklistEntry>, ApiError> {
    let list: Items<BlacklistEntry> = authorised(session, Request::get("/v1/blacklist")).await?;
    Ok(list.items)
}

/// `POST /v1/blacklist`.
pub async fn blacklist_add(
    session: Session,
    body: &BlacklistAdd,
) -> Result<BlacklistEntry, ApiError> {
    authorised_with_body(session, Request::post("/v1/blacklist"), body).await
}

/// `GET /v1/customers/{id}/audit`.
pub async fn customer_audit(session: Session, id: &CustomerId) -> Result<AuditPage, ApiError> {
    authorised(session, Request::get(&format!("/v1/customers/{id}/audit"))).await
}

/// `GET /v1/audit?from=&to=&cursor=`: the tenant's audit trail between two dates.
pub async fn audit(
    session: Session,
    from: &str,
    to: &str,
    cursor: Option<String>,
) -> Result<AuditPage, ApiError> {
    let mut params: Vec<(&str, &str)> = vec![("from", from), ("to", to)];
    if let Some(c) = cursor.as_deref() {
        params.push(("cursor", c));
    }
    authorised(session, Request::get("/v1/audit").query(params)).await
}

/// `GET /v1/audit/export?from=&to=`: the same trail as CSV text.
pub async fn audit_csv(session: Session, from: &str, to: &str) -> Result<String, ApiError> {
    let bytes = file_bytes(session, "/v1/audit/export", &[("from", from), ("to", to)]).await?;
    String::from_utf8(bytes).map_err(|e| ApiError::Decode(e.to_string()))
}

/// `GET /v1/exports/{what}?format=&lang=`: a list as an XLSX or CSV file's bytes.
pub async fn export_file(
    session: Session,
    what: &str,
    format: &str,
    lang: &str,
    customer: Option<&str>,
) -> Result<Vec<u8>, ApiError> {
    let mut query = vec![("format", format), ("lang", lang)];
    query.extend(customer.map(|c| ("customer", c)));
    file_bytes(session, &format!("/v1/exports/{what}"), &query).await
}

/// `GET /v1/imports/templates/{kind}?lang=`: the kind's empty workbook.
pub async fn import_template(
    session: Session,
    kind: &str,
    lang: &str,
) -> Result<Vec<u8>, ApiError> {
    file_bytes(
        session,
        &format!("/v1/imports/templates/{kind}"),
        &[("lang", lang)],
    )
    .await
}

/// A file the API makes for the signed-in reader, as bytes.
/// `GET /v1/customers/{id}/credit-report` as `accept` (`text/html`: the print page;
/// `application/pdf`: the PDF), in `lang` with times at `offset_minutes` east of UTC.
pub async fn credit_report(
    session: Session,
    id: &str,
    accept: &str,
    lang: &str,
    offset_minutes: i32,
) -> Result<Vec<u8>, ApiError> {
    let offset = offset_minutes.to_string();
    file_bytes_as(
        session,
        &format!("/v1/customers/{id}/credit-report"),
        &[("lang", lang), ("offset_minutes", &offset)],
        accept,
    )
    .await
}

/// `GET /v1/customers/{id}/letters/{letter}/pdf`: a letter's PDF as it was sent.
pub async fn letter_pdf(session: Session, id: &str, letter: &str) -> Result<Vec<u8>, ApiError> {
    file_bytes_as(
        session,
        &format!("/v1/customers/{id}/letters/{}/pdf", segment(letter)),
        &[],
        "application/pdf",
    )
    .await
}

async fn file_bytes(
    session: Session,
    path: &str,
    query: &[(&str, &str)],
) -> Result<Vec<u8>, ApiError> {
    file_bytes_as(session, path, query, "*/*").await
}

async fn file_bytes_as(
    session: Session,
    path: &str,
    query: &[(&str, &str)],
    accept: &str,
) -> Result<Vec<u8>, ApiError> {
    let Some(token) = crate::oidc::fresh_token(session).await else {
        return Err(ApiError::Unauthorized);
    };
    let request = Request::get(path)
        .query(query.iter().copied())
        .header("Authorization", &format!("Bearer {token}"))
        .header("Accept", accept)
        .build()
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    let response = send_authorised(session, request).await?;
    if response.ok() {
        return response.binary().await.map_err(network);
    }
    let result = read::<()>(response).await;
    Err(result.err().unwrap_or(ApiError::Decode("empty".into())))
}

/// `GET /v1/admin/users`.
pub async fn users(session: Session) -> Result<Vec<UserRecord>, ApiError> {
    let list: Items<UserRecord> = authorised(session, Request::get("/v1/admin/users")).await?;
    Ok(list.items)
}

/// `PUT /v1/admin/users/{username}`.
pub async fn update_user(
    session: Session,
    username: &str,
    body: &UserUpdate,
) -> Result<UserRecord, ApiError> {
    let url = format!(
        "/v1/admin/users/{}",
        String::from(js_sys::encode_uri_component(username))
    );
    authorised_with_body(session, Request::put(&url), body).await
}

/// `GET /v1/people`: the display names of the tenant's people.
pub async fn people(
    session: Session,
) -> Result<Vec<credence_shared::workflow::PersonName>, ApiError> {
    let list: Items<credence_shared::workflow::PersonName> =
        authorised(session, Request::get("/v1/people")).await?;
    Ok(list.items)
}

/// `POST /v1/admin/users/{username}/sign-out`.
pub async fn sign_out_user(
    session: Session,
    username: &str,
    body: &UserSignOut,
) -> Result<credence_shared::workflow::SignedOut, ApiError> {
    let url = format!(
        "/v1/admin/users/{}/sign-out",
        String::from(js_sys::encode_uri_component(username))
    );
    authorised_with_body(session, Request::post(&url), body).await
}

/// `GET /v1/admin/custom-fields`.
pub async fn custom_fields(session: Session) -> Result<FieldSet, ApiError> {
    authorised(session, Request::get("/v1/admin/custom-fields")).await
}

/// `PUT /v1/admin/custom-fields`.
pub async fn save_custom_fields(
    session: Session,
    body: &Versioned<FieldSet>,
) -> Result<(), ApiError> {
    authorised_ignoring_answer(session, Request::put("/v1/admin/custom-fields"), body).await
}

/// `GET /v1/admin/approval-matrix`.
pub async fn approval_matrix(session: Session) -> Result<ApprovalMatrix, ApiError> {
    authorised(session, Request::get("/v1/admin/approval-matrix")).await
}

/// `PUT /v1/admin/approval-matrix`.
pub async fn save_approval_matrix(
    session: Session,
    body: &Versioned<ApprovalMatrix>,
) -> Result<(), ApiError> {
    authorised_ignoring_answer(session, Request::put("/v1/admin/approval-matrix"), body).await
}

/// `GET /v1/admin/engine-versions`.
pub async fn engine_versions(session: Session) -> Result<Vec<EngineVersion>, ApiError> {
    let list: Items<EngineVersion> =
        authorised(session, Request::get("/v1/admin/engine-versions")).await?;
    Ok(list.items)
}

/// `POST /v1/admin/engine-versions`: publish (in force at once).
pub async fn publish_engine(session: Session, body: &PublishEngine) -> Result<(), ApiError> {
    authorised_ignoring_answer(session, Request::post("/v1/admin/engine-versions"), body).await
}

/// `POST /v1/admin/engine-versions/{v}/activate`.
pub async fn activate_engine(session: Session, version: u32, reason: &str) -> Result<(), ApiError> {
    let url = format!("/v1/admin/engine-versions/{version}/activate");
    authorised_ignoring_answer(session, Request::post(&url), &ReasonOnly { reason }).await
}

/// Which alerts the alert centre asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertStatusFilter {
    Open,
    Resolved,
}

impl AlertStatusFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatusFilter::Open => "open",
            AlertStatusFilter::Resolved => "resolved",
        }
    }
}

/// A path segment the server chose (a rule or task id), escaped for the URL.
fn segment(raw: &str) -> String {
    String::from(js_sys::encode_uri_component(raw))
}

/// `GET /v1/alerts?status=&mine=`: the alerts I may see, and how many open ones are mine.
pub async fn alerts(
    session: Session,
    status: AlertStatusFilter,
    mine: bool,
) -> Result<AlertList, ApiError> {
    let params = [
        ("status", status.as_str()),
        ("mine", if mine { "true" } else { "false" }),
    ];
    authorised(session, Request::get("/v1/alerts").query(params)).await
}

/// `POST /v1/customers/{id}/alerts/{rule_id}`: acknowledge or resolve (with a note).
pub async fn update_alert(
    session: Session,
    id: &CustomerId,
    rule_id: &str,
    body: &AlertUpdate,
) -> Result<Alert, ApiError> {
    let url = format!("/v1/customers/{id}/alerts/{}", segment(rule_id));
    authorised_with_body(session, Request::post(&url), body).await
}

/// `GET /v1/worklist?assignee=`: open collection tasks, highest priority first; mine, or
/// (for risk, finance and admins) someone else's.
pub async fn worklist(session: Session, assignee: Option<String>) -> Result<Worklist, ApiError> {
    let mut request = Request::get("/v1/worklist");
    if let Some(name) = assignee.as_deref() {
        request = request.query([("assignee", name)]);
    }
    authorised(session, request).await
}

/// `POST /v1/customers/{id}/tasks/{task_id}/done`.
pub async fn task_done(
    session: Session,
    id: &CustomerId,
    task_id: &str,
    body: &TaskUpdate,
) -> Result<CollectionTask, ApiError> {
    let url = format!("/v1/customers/{id}/tasks/{}/done", segment(task_id));
    authorised_with_body(session, Request::post(&url), body).await
}

/// `GET /v1/customers/{id}/collections`: aging, promises, tasks, alerts, activity.
pub async fn collections(session: Session, id: &CustomerId) -> Result<CollectionsView, ApiError> {
    let url = format!("/v1/customers/{id}/collections");
    offline::kept_get(session, &url).await.map(|(view, _)| view)
}

/// `POST /v1/customers/{id}/promises`; without a network it is queued (by its key).
pub async fn record_promise(
    session: Session,
    id: &CustomerId,
    body: &NewPromise,
) -> Result<Sent<Promise>, ApiError> {
    let url = format!("/v1/customers/{id}/promises");
    let summary = format!("{} · {}", body.amount, body.date);
    let change = (
        crate::offline::QueuedKind::Promise,
        id.as_str(),
        body.idempotency_key.as_str(),
        summary,
    );
    post_or_queue(session, url, body, change).await
}

/// `POST /v1/customers/{id}/notes`; without a network it is queued (by its key).
pub async fn add_note(
    session: Session,
    id: &CustomerId,
    body: &NewNote,
) -> Result<Sent<Activity>, ApiError> {
    let url = format!("/v1/customers/{id}/notes");
    let key = body.idempotency_key.clone().unwrap_or_default();
    let change = (
        crate::offline::QueuedKind::Note,
        id.as_str(),
        key.as_str(),
        body.text.clone(),
    );
    post_or_queue(session, url, body, change).await
}

/// `GET /v1/admin/regrade`: the last re-grade, if any.
pub async fn regrade_status(
    session: Session,
) -> Result<Option<credence_shared::credit::RegradeJob>, ApiError> {
    authorised(session, Request::get("/v1/admin/regrade")).await
}

/// `POST /v1/admin/regrade`: one more step of the re-grade.
pub async fn regrade_step(
    session: Session,
) -> Result<Option<credence_shared::credit::RegradeJob>, ApiError> {
    authorised_with_body(
        session,
        Request::post("/v1/admin/regrade"),
        &serde_json::json!({}),
    )
    .await
}

/// `GET /v1/customers/{id}/signals`: newest first.
pub async fn signals(session: Session, id: &CustomerId) -> Result<Vec<RecordedSignal>, ApiError> {
    authorised(
        session,
        Request::get(&format!("/v1/customers/{id}/signals")),
    )
    .await
}

/// `POST /v1/customers/{id}/signals` (201 recorded, 200 seen before: both fine).
pub async fn add_signal(
    session: Session,
    id: &CustomerId,
    body: &NewSignal,
) -> Result<(), ApiError> {
    let url = format!("/v1/customers/{id}/signals");
    authorised_ignoring_answer(session, Request::post(&url), body).await
}

/// `GET /v1/customers/{id}/financials`: newest period first.
pub async fn statements(
    session: Session,
    id: &CustomerId,
) -> Result<Vec<RecordedStatement>, ApiError> {
    authorised(
        session,
        Request::get(&format!("/v1/customers/{id}/financials")),
    )
    .await
}

/// `POST /v1/customers/{id}/financials`.
pub async fn add_statement(
    session: Session,
    id: &CustomerId,
    body: &NewStatement,
) -> Result<(), ApiError> {
    let url = format!("/v1/customers/{id}/financials");
    authorised_ignoring_answer(session, Request::post(&url), body).await
}

/// `GET /v1/aging`: the portfolio's aging in the reporting currency.
pub async fn portfolio_aging(session: Session) -> Result<PortfolioAging, ApiError> {
    authorised(session, Request::get("/v1/aging")).await
}

/// `GET /v1/kpis`: the portfolio dashboard.
pub async fn kpis(session: Session) -> Result<Kpis, ApiError> {
    authorised(session, Request::get("/v1/kpis")).await
}

/// `GET /v1/admin/warning-rules`.
pub async fn warning_rules(session: Session) -> Result<WarningRules, ApiError> {
    authorised(session, Request::get("/v1/admin/warning-rules")).await
}

/// `PUT /v1/admin/warning-rules`.
pub async fn save_warning_rules(
    session: Session,
    body: &Versioned<WarningRules>,
) -> Result<(), ApiError> {
    authorised_ignoring_answer(session, Request::put("/v1/admin/warning-rules"), body).await
}

/// `GET /v1/admin/dunning-ladder`.
pub async fn dunning_ladder(session: Session) -> Result<DunningLadder, ApiError> {
    authorised(session, Request::get("/v1/admin/dunning-ladder")).await
}

/// `PUT /v1/admin/dunning-ladder`.
pub async fn save_dunning_ladder(
    session: Session,
    body: &Versioned<DunningLadder>,
) -> Result<(), ApiError> {
    authorised_ignoring_answer(session, Request::put("/v1/admin/dunning-ladder"), body).await
}

/// `GET /v1/admin/webhooks`.
pub async fn webhooks(session: Session) -> Result<WebhookConfig, ApiError> {
    authorised(session, Request::get("/v1/admin/webhooks")).await
}

/// `PUT /v1/admin/webhooks`.
pub async fn save_webhooks(
    session: Session,
    body: &Versioned<WebhookConfig>,
) -> Result<(), ApiError> {
    authorised_ignoring_answer(session, Request::put("/v1/admin/webhooks"), body).await
}

/// `GET /v1/admin/webhooks/deliveries`: what was sent where, newest first.
pub async fn deliveries(session: Session) -> Result<Vec<Delivery>, ApiError> {
    let list: Items<Delivery> =
        authorised(session, Request::get("/v1/admin/webhooks/deliveries")).await?;
    Ok(list.items)
}

/// `GET /v1/reviews`: credit reviews due within `within` days, or overdue.
pub async fn reviews(
    session: Session,
    within: i64,
) -> Result<credence_shared::dto::ReviewQueue, ApiError> {
    let within = within.to_string();
    authorised(
        session,
        Request::get("/v1/reviews").query([("within", within.as_str())]),
    )
    .await
}

/// `GET /v1/blocked-orders`: a page of the queue, oldest first.
pub async fn blocked_orders(
    session: Session,
    cursor: Option<String>,
) -> Result<credence_shared::dto::Page<credence_shared::orders::BlockedOrderRow>, ApiError> {
    let mut request = Request::get("/v1/blocked-orders");
    if let Some(cursor) = cursor.as_deref() {
        request = request.query([("cursor", cursor)]);
    }
    authorised(session, request).await
}

/// `GET /v1/customers/{id}/orders`: the customer's blocked orders and where each stands.
pub async fn customer_orders(
    session: Session,
    id: &CustomerId,
) -> Result<Vec<credence_shared::orders::BlockedOrderRow>, ApiError> {
    authorised(session, Request::get(&format!("/v1/customers/{id}/orders"))).await
}
