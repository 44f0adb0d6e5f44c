//! Filing a credit request: validated, checked against the credit file, routed by the
//! tenant's approval matrix and written with its audit entry.

use super::{
    Ctx, check_applicable, evidence_of, grants_credit, load_credit, new_request_id, order_evidence,
    parse_customer, route_amount, to_value, validation,
};
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    service::{
        customers::visible_customer,
        tenant::{self, audit},
    },
    store::workflow::WorkflowWrite,
};
use credence_shared::messages::code;
use credence_shared::workflow::{
    AuditEntity, CreditRequest, NewRequest, RequestKind, Subject, validate_justification,
};
use tracing::instrument;

/// `POST /v1/customers/{id}/requests`: the request, and `true` when it is new (`false`: the
/// one filed before under the same idempotency key).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn file(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    body: NewRequest,
) -> Result<(CreditRequest, bool), ApiError> {
    let id = parse_customer(raw_id)?;
    let customer = visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::FileRequest)?;
    let key = body.idempotency_key.clone();
    if let Some(key) = &key {
        if !credence_shared::credit::valid_idempotency_key(key) {
            return Err(ApiError::Validation(vec![
                crate::service::watch::collections::key_pattern_error(),
            ]));
        }
        if let Some(filed) = filed_under(ctx, who, &id, key).await? {
            return Ok((filed, false));
        }
    }
    let now = ctx.clock.now();
    body.change.validate(now.date()).map_err(validation)?;
    validate_justification("justification", &body.justification).map_err(validation)?;
    let (_, record) = load_credit(ctx, who, &id).await?;
    check_applicable(&body.change, &record)?;
    let subject = Subject::Customer {
        customer_id: id.clone(),
    };
    let open = ctx.store.subject_requests(&who.tenant, &subject).await?;
    let current_limit = record
        .state
        .decision
        .effective_file(&record.state.recommendation, now.date())
        .limit
        .amount;
    let kind = body.change.kind(Some(current_limit));
    if record.state.decision.blacklisted
        && grants_credit(&body.change)
        && kind != RequestKind::LimitDecrease
    {
        return Err(ApiError::field(
            "change.type",
            code::CUSTOMER_BLACKLISTED,
            "the customer is on the blacklist: no more credit until their removal is approved",
        ));
    }
    if let Some(same) = open
        .iter()
        .find(|r| r.status.is_open() && r.kind == kind && r.change == body.change)
    {
        return Err(ApiError::conflict(
            code::ALREADY_EXISTS,
            format!("the same request {} is already open", same.id),
        ));
    }
    let mut evidence = evidence_of(&record, &customer, now.date());
    order_evidence(ctx, who, &id, &body.change, &mut evidence).await?;
    let matrix = tenant::matrix(ctx.store, &who.tenant).await?;
    let rule = matrix.route(kind, route_amount(&body.change, &evidence), evidence.grade);
    let request = CreditRequest::new(
        new_request_id(now),
        subject,
        customer.name.clone(),
        body.change,
        kind,
        body.justification.trim().to_owned(),
        &who.username,
        rule,
        matrix.version,
        evidence,
        now,
    );
    let marker = key.as_ref().map(|key| WorkflowWrite::RequestKey {
        customer: id.clone(),
        key: key.clone(),
        request_id: request.id.clone(),
    });
    match (commit_filed(ctx, who, &request, marker).await, &key) {
        (Ok(()), _) => Ok((request, true)),
        // The same request sent twice at once: the other filed it.
        (Err(e), Some(key)) => match filed_under(ctx, who, &id, key).await? {
            Some(filed) => Ok((filed, false)),
            None => Err(e),
        },
        (Err(e), None) => Err(e),
    }
}

/// The request filed for `id` under idempotency key `key`, if one was.
async fn filed_under(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &credence_shared::CustomerId,
    key: &str,
) -> Result<Option<CreditRequest>, ApiError> {
    let Some(rid) = ctx.store.request_by_key(&who.tenant, id, key).await? else {
        return Ok(None);
    };
    let subject = Subject::Customer {
        customer_id: id.clone(),
    };
    Ok(ctx.store.get_request(&who.tenant, &subject, &rid).await?)
}

/// Writes a newly filed request (of any subject) with its `submit` audit entry.
pub(super) async fn commit_filed(
    ctx: &Ctx<'_>,
    who: &Principal,
    request: &CreditRequest,
    marker: Option<WorkflowWrite>,
) -> Result<(), ApiError> {
    let entry = audit(
        who,
        ctx.clock,
        AuditEntity::Request,
        &request.id,
        request.subject.customer(),
        "submit",
        None,
        to_value(&request.change),
        &request.justification,
    );
    let mut writes = vec![
        WorkflowWrite::Request {
            request: request.clone(),
            expected: None,
        },
        WorkflowWrite::Audit(entry),
    ];
    writes.extend(marker);
    Ok(ctx.store.commit_workflow(&who.tenant, writes).await?)
}
