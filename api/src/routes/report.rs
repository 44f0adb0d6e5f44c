//! `GET /v1/customers/{id}/credit-report`: the credit report as a print page
//! (`Accept: text/html`), a PDF (`Accept: application/pdf`) or its data (JSON, the default);
//! with `decision`, the PDF kept when that request was approved.

use crate::{
    auth::Principal, error::ApiError, extract::ApiQuery, service::report, state::AppState,
};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use credence_shared::{dto::Problem, messages::code, report::Lang};
use serde::Deserialize;

/// The query of a credit report.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `zh-CN` or `en`; without it, the first of `Accept-Language` the report speaks, else
    /// `zh-CN`.
    pub lang: Option<String>,
    /// The reader's time zone as minutes east of UTC (`480` for China), -720 to 840; times
    /// are printed in it. Default 480.
    pub offset_minutes: Option<i32>,
    /// A request id: the PDF kept when that request was approved (PDF only).
    pub decision: Option<String>,
}

/// What the reader asked for, by the first of the three an `Accept` header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Html,
    Pdf,
}

fn format_of(headers: &HeaderMap) -> Format {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept
        .split(',')
        .map(|part| part.split(';').next().unwrap_or("").trim())
        .find_map(|media| match media {
            "application/pdf" => Some(Format::Pdf),
            "text/html" => Some(Format::Html),
            "application/json" => Some(Format::Json),
            _ => None,
        })
        .unwrap_or(Format::Json)
}

#[utoipa::path(get, path = "/v1/customers/{id}/credit-report", tag = "credit", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"), ReportQuery),
    responses(
        (status = 200, content_type = "application/pdf", description = "With `Accept: application/pdf`: the report as an A4 PDF (Noto Sans CJK SC, subset embedded). With `Accept: text/html`: the print page. Otherwise the report's data as JSON"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "no such customer in your tenant (or no snapshot kept for `decision`)"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`lang` or `offset_minutes` is not one the report takes, or `decision` without `Accept: application/pdf`"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "the PDF's font is not installed where the API runs"),
    ))]
pub async fn credit_report(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    let lang = match q.lang.as_deref() {
        Some(tag) => Lang::parse(tag)
            .ok_or_else(|| ApiError::field("lang", code::NOT_ALLOWED, "zh-CN or en"))?,
        None => headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language)
            .unwrap_or_default(),
    };
    let minutes = q.offset_minutes.unwrap_or(480);
    let offset = (-720..=840)
        .contains(&minutes)
        .then(|| time::UtcOffset::from_whole_seconds(minutes * 60).ok())
        .flatten()
        .ok_or_else(|| {
            ApiError::from(
                credence_shared::dto::FieldError::new(
                    "offset_minutes",
                    code::NUMBER_RANGE,
                    "minutes east of UTC, -720 to 840",
                )
                .with("min", -720)
                .with("max", 840),
            )
        })?;
    let format = format_of(&headers);
    let ctx = state.ctx();
    if let Some(rid) = q.decision.as_deref() {
        if format != Format::Pdf {
            return Err(ApiError::field(
                "decision",
                code::NOT_ALLOWED,
                "a decision's snapshot is kept as a PDF: ask with Accept: application/pdf",
            ));
        }
        let pdf = report::snapshot_pdf(&ctx, &who, &id, rid).await?;
        return Ok(pdf_response(pdf, &format!("credit-report-{id}-{rid}.pdf")));
    }
    let data = report::build(&ctx, &who, &id).await?;
    Ok(match format {
        Format::Json => axum::Json(data).into_response(),
        Format::Html => {
            let doc = credence_shared::report::document(&data, lang, offset);
            (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                credence_shared::report::html(&doc),
            )
                .into_response()
        }
        Format::Pdf => {
            let pdf = report::pdf_of(&data, lang, offset).await?;
            pdf_response(pdf, &format!("credit-report-{id}.pdf"))
        }
    })
}

pub(crate) fn pdf_response(pdf: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
        ],
        pdf,
    )
        .into_response()
}
