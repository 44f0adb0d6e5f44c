//! Calls added with the order-to-cash work: outside data feeds (the providers and a
//! provider's file), collection tasks opened or handed over by hand, letters to the
//! customer and disputes as cases.

use gloo_net::http::Request;

use super::{
    ApiError, Versioned, authorised, authorised_ignoring_answer, authorised_with_body, segment,
};
use crate::session::Session;
use credence_shared::CustomerId;
use credence_shared::watch::{
    CollectionTask, DataFeeds, DisputeCase, DisputeList, DisputeResolution, DisputeUpdate,
    FeedBatch, FeedReport, Letter, LetterList, NewDispute, NewLetter,
};

/// `GET /v1/admin/data-feeds`.
pub async fn data_feeds(session: Session) -> Result<DataFeeds, ApiError> {
    authorised(session, Request::get("/v1/admin/data-feeds")).await
}

/// `PUT /v1/admin/data-feeds`.
pub async fn save_data_feeds(
    session: Session,
    body: &Versioned<DataFeeds>,
) -> Result<(), ApiError> {
    authorised_ignoring_answer(session, Request::put("/v1/admin/data-feeds"), body).await
}

/// `POST /v1/admin/data-feeds/{provider}/import`: a provider's file, as if it pushed it.
pub async fn import_feed(
    session: Session,
    provider: &str,
    batch: &FeedBatch,
) -> Result<FeedReport, ApiError> {
    let url = format!(
        "/v1/admin/data-feeds/{}/import",
        String::from(js_sys::encode_uri_component(provider))
    );
    authorised_with_body(session, Request::post(&url), batch).await
}

/// `POST /v1/customers/{id}/tasks`: a collection task opened by hand.
pub async fn open_task(
    session: Session,
    id: &CustomerId,
    body: &credence_shared::watch::NewTask,
) -> Result<CollectionTask, ApiError> {
    let url = format!("/v1/customers/{id}/tasks");
    authorised_with_body(session, Request::post(&url), body).await
}

/// `PUT /v1/customers/{id}/tasks/{task}/assignee`: a task handed to someone else.
pub async fn reassign_task(
    session: Session,
    id: &CustomerId,
    task_id: &str,
    body: &credence_shared::watch::TaskReassign,
) -> Result<CollectionTask, ApiError> {
    let url = format!("/v1/customers/{id}/tasks/{}/assignee", segment(task_id));
    authorised_with_body(session, Request::put(&url), body).await
}

/// `GET /v1/customers/{id}/letters`.
pub async fn letters(session: Session, id: &CustomerId) -> Result<LetterList, ApiError> {
    authorised(
        session,
        Request::get(&format!("/v1/customers/{id}/letters")),
    )
    .await
}

/// `POST /v1/customers/{id}/letters`: a statement or reminder sent now.
pub async fn send_letter(
    session: Session,
    id: &CustomerId,
    body: &NewLetter,
) -> Result<Letter, ApiError> {
    let url = format!("/v1/customers/{id}/letters");
    authorised_with_body(session, Request::post(&url), body).await
}

/// `GET /v1/customers/{id}/disputes`.
pub async fn disputes(session: Session, id: &CustomerId) -> Result<DisputeList, ApiError> {
    authorised(
        session,
        Request::get(&format!("/v1/customers/{id}/disputes")),
    )
    .await
}

/// `POST /v1/customers/{id}/disputes`.
pub async fn open_dispute(
    session: Session,
    id: &CustomerId,
    body: &NewDispute,
) -> Result<DisputeCase, ApiError> {
    let url = format!("/v1/customers/{id}/disputes");
    authorised_with_body(session, Request::post(&url), body).await
}

/// `PUT /v1/customers/{id}/disputes/{dispute}`: owner, reason and note.
pub async fn update_dispute(
    session: Session,
    id: &CustomerId,
    dispute: &str,
    body: &DisputeUpdate,
) -> Result<DisputeCase, ApiError> {
    let url = format!("/v1/customers/{id}/disputes/{}", segment(dispute));
    authorised_with_body(session, Request::put(&url), body).await
}

/// `POST /v1/customers/{id}/disputes/{dispute}/resolution`.
pub async fn resolve_dispute(
    session: Session,
    id: &CustomerId,
    dispute: &str,
    body: &DisputeResolution,
) -> Result<DisputeCase, ApiError> {
    let url = format!(
        "/v1/customers/{id}/disputes/{}/resolution",
        segment(dispute)
    );
    authorised_with_body(session, Request::post(&url), body).await
}
