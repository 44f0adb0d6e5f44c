//! The scoring lab's calls: the what-if of a candidate engine, the development sample,
//! fits, the reports kept with published versions, and the challenger (start, stop,
//! comparison, promotion).

use gloo_net::http::Request;

use super::{ApiError, ReasonOnly, authorised, authorised_with_body};
use crate::session::Session;
use credence_shared::workflow::CreditRequest;

/// `POST /v1/admin/engine-versions/preview`: one page of what a candidate would change.
pub async fn engine_preview(
    session: Session,
    body: &credence_shared::preview::EnginePreviewRequest,
) -> Result<credence_shared::preview::EnginePreview, ApiError> {
    authorised_with_body(
        session,
        Request::post("/v1/admin/engine-versions/preview"),
        body,
    )
    .await
}

/// `POST /v1/lab/sample`: one page of the scoring lab's development sample.
pub async fn lab_sample(
    session: Session,
    body: &credence_shared::lab::SampleRequest,
) -> Result<credence_shared::lab::SamplePage, ApiError> {
    authorised_with_body(session, Request::post("/v1/lab/sample"), body).await
}

/// `POST /v1/lab/fits`: the server's fit of a sample (the lab screen fits in the browser).
pub async fn lab_fit(
    session: Session,
    body: &credence_shared::lab::FitRequest,
) -> Result<credence_shared::lab::FitResponse, ApiError> {
    authorised_with_body(session, Request::post("/v1/lab/fits"), body).await
}

/// `GET /v1/lab/reports/{version}`: the fitting report kept with an engine version.
pub async fn lab_report(
    session: Session,
    version: u32,
) -> Result<credence_shared::lab::FitReport, ApiError> {
    authorised(session, Request::get(&format!("/v1/lab/reports/{version}"))).await
}

/// `GET /v1/lab/challengers`: the running challenger, or the last one.
pub async fn challenger(
    session: Session,
) -> Result<Option<credence_shared::lab::challenger::Challenger>, ApiError> {
    authorised(session, Request::get("/v1/lab/challengers")).await
}

/// `POST /v1/lab/challengers`: start one (admin).
pub async fn start_challenger(
    session: Session,
    body: &credence_shared::lab::challenger::StartChallenger,
) -> Result<credence_shared::lab::challenger::Challenger, ApiError> {
    authorised_with_body(session, Request::post("/v1/lab/challengers"), body).await
}

/// `POST /v1/lab/challengers/stop` (admin).
pub async fn stop_challenger(
    session: Session,
    reason: &str,
) -> Result<credence_shared::lab::challenger::Challenger, ApiError> {
    let url = "/v1/lab/challengers/stop";
    authorised_with_body(session, Request::post(url), &ReasonOnly { reason }).await
}

/// `POST /v1/lab/challengers/comparison`: one page of the comparison.
pub async fn challenger_comparison(
    session: Session,
    body: &credence_shared::lab::challenger::ComparisonRequest,
) -> Result<credence_shared::lab::challenger::ComparisonPage, ApiError> {
    let url = "/v1/lab/challengers/comparison";
    authorised_with_body(session, Request::post(url), body).await
}

/// `POST /v1/lab/challengers/promotion`: ask, through the approval matrix, that the running
/// challenger be put in force.
pub async fn promote_challenger(
    session: Session,
    justification: &str,
) -> Result<CreditRequest, ApiError> {
    #[derive(serde::Serialize)]
    struct Body<'a> {
        justification: &'a str,
    }
    let url = "/v1/lab/challengers/promotion";
    authorised_with_body(session, Request::post(url), &Body { justification }).await
}
