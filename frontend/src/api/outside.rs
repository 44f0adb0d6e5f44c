//! Calls added with the order-to-cash work: outside data feeds (the providers and a
//! provider's file), and collection tasks opened or handed over by hand.

use gloo_net::http::Request;

use super::{
    ApiError, Versioned, authorised, authorised_ignoring_answer, authorised_with_body, segment,
};
use crate::session::Session;
use credence_shared::CustomerId;
use credence_shared::watch::{CollectionTask, DataFeeds, FeedBatch, FeedReport};

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
