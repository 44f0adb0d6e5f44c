//! Reading requests: one request with what a reviewer needs now, a customer's requests, the
//! open requests and the inbox.

use super::{
    Ctx, actor, evidence_of, load_credit, parse_customer,
    subjects::{self, Home, Target, load_request},
};
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    service::customers::visible_customer,
};
use credence_shared::workflow::{
    CreditRequest, Inbox, InboxCounts, RequestDetail, RequestStatus, RequestSummary, Subject,
};
use serde::{Deserialize, Serialize};
use tracing::instrument;

/// `GET /v1/customers/{id}/requests/{rid}` (and a group's or party's request). Opening
/// their own request marks it seen.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, home = ?home))]
pub async fn detail(
    ctx: &Ctx<'_>,
    who: &Principal,
    home: Home<'_>,
    rid: &str,
) -> Result<RequestDetail, ApiError> {
    let (target, request) = load_request(ctx, who, home, rid).await?;
    if request.requester == who.username && request.moved_for_requester() {
        ctx.store.mark_request_seen(&who.tenant, &request).await?;
    }
    build_detail(ctx, who, &target, request).await
}

pub(super) async fn build_detail(
    ctx: &Ctx<'_>,
    who: &Principal,
    target: &Target,
    request: CreditRequest,
) -> Result<RequestDetail, ApiError> {
    let now = ctx.clock.now();
    let (current, changed_since_filed) = match target {
        Target::Customer(customer) => {
            let (_, record) = load_credit(ctx, who, &customer.id).await?;
            let mut current = evidence_of(&record, customer, now.date());
            current.order_amount = request.evidence.order_amount;
            let changed = record.version != request.evidence.credit_version;
            (current, changed)
        }
        Target::Group { group, .. } => {
            let changed = group.version != request.evidence.credit_version;
            (subjects::group_evidence(group), changed)
        }
        Target::Party { entry } => {
            let currency = request.evidence.limit.currency;
            let listed = entry.is_some();
            (subjects::party_evidence(currency, listed), !listed)
        }
        Target::Challenger { read } => {
            let currency = request.evidence.limit.currency;
            let version = read.as_ref().map_or(0, |(v, _)| *v);
            let current = super::promotion::challenger_evidence(version, currency);
            (current, version != request.evidence.credit_version)
        }
    };
    let mine = request.requester == who.username;
    Ok(RequestDetail {
        changed_since_filed,
        can_review: policy::allows(who, Action::ReviewRequests)
            && request.can_decide(&actor(who)).is_ok(),
        can_resubmit: mine && request.status == RequestStatus::Returned,
        can_withdraw: mine && request.status.is_open(),
        overdue_steps: request
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.overdue(now))
            .map(|(i, _)| i)
            .collect(),
        current,
        request,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestList {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<RequestSummary>,
}

/// `GET /v1/customers/{id}/requests`: newest first.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn customer_requests(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
) -> Result<RequestList, ApiError> {
    let id = parse_customer(raw_id)?;
    visible_customer(ctx, who, &id).await?;
    let now = ctx.clock.now();
    let mut items: Vec<RequestSummary> = ctx
        .store
        .subject_requests(&who.tenant, &Subject::Customer { customer_id: id })
        .await?
        .iter()
        .map(|r| r.summary(now))
        .collect();
    items.reverse();
    Ok(RequestList { items })
}

/// `GET /v1/requests`: open requests the caller may see (a sales rep: their own).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn open_requests(ctx: &Ctx<'_>, who: &Principal) -> Result<RequestList, ApiError> {
    policy::require(who, Action::FileRequest)?;
    let now = ctx.clock.now();
    let all_visible = policy::may_see_customer(who, None);
    let items = ctx
        .store
        .open_requests(&who.tenant)
        .await?
        .iter()
        .filter(|r| all_visible || r.requester == who.username)
        .map(|r| r.summary(now))
        .collect();
    Ok(RequestList { items })
}

/// Requests of mine closed recently enough to show in the inbox.
const RECENTLY_CLOSED: usize = 200;

/// `GET /v1/inbox`.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn inbox(ctx: &Ctx<'_>, who: &Principal) -> Result<Inbox, ApiError> {
    // A person's inbox: a machine client has none.
    policy::require(who, Action::FileRequest)?;
    let now = ctx.clock.now();
    let open = ctx.store.open_requests(&who.tenant).await?;
    let me = actor(who);
    let reviewer = policy::allows(who, Action::ReviewRequests);
    let waiting: Vec<RequestSummary> = open
        .iter()
        .filter(|r| reviewer && r.can_decide(&me).is_ok())
        .map(|r| r.summary(now))
        .collect();
    let returned: Vec<RequestSummary> = open
        .iter()
        .filter(|r| r.requester == who.username && r.status == RequestStatus::Returned)
        .map(|r| r.summary(now))
        .collect();
    let mut mine: Vec<RequestSummary> = open
        .iter()
        .filter(|r| r.requester == who.username)
        .map(|r| r.summary(now))
        .collect();
    mine.extend(
        ctx.store
            .closed_requests(&who.tenant, RECENTLY_CLOSED)
            .await?
            .iter()
            .filter(|r| r.requester == who.username)
            .map(|r| r.summary(now)),
    );
    mine.sort_by_key(|r| std::cmp::Reverse(r.updated_at));
    mine.truncate(50);
    let counts = InboxCounts {
        waiting: waiting.len() as u32,
        overdue: waiting.iter().filter(|r| r.overdue).count() as u32,
        returned: returned.len() as u32,
        moved: mine
            .iter()
            .filter(|r| r.moved && r.status != RequestStatus::Returned)
            .count() as u32,
    };
    Ok(Inbox {
        waiting,
        returned,
        mine,
        counts,
    })
}
