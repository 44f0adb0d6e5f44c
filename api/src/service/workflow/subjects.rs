//! Requests whose subject is not one customer's credit file: a customer group's shared limit,
//! and the blacklist entry of a party that is no customer's. They walk the same state
//! machine, inbox, SLAs and audit trail as a customer's request; what differs is here: where
//! they are addressed ([`Home`]), what is loaded to act on them ([`Target`]), the evidence a
//! reviewer sees (the group's limit and exposure; the party's entry), and what the final
//! approval writes (the group's limit over the version that was read; the entry taken off
//! the blacklist), each in one transaction with the request and its audit entries.

use super::{
    ApiErrorOr, Ctx,
    acting::{recheck_entry, write_request},
    blacklist::{entry_by_key, keys_to_remove},
    new_request_id, parse_customer, to_value, valid_rid, validation,
};
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    service::{
        customers::visible_customer,
        groups::{limit_change, valid_group_id},
        tenant::{self, audit},
    },
    store::{StoreError, groups::GroupRecord, workflow::WorkflowWrite},
};
use credence_shared::{
    Currency, CustomerId, Money,
    dto::{CustomerSummary, FieldError},
    messages::code,
    workflow::{
        AuditEntity, AuditEntry, BlacklistEntry, Change, CreditRequest, Evidence, NewRequest,
        PartyRequest, RequestKind, Subject, validate_justification,
    },
};
use rust_decimal::Decimal;
use tracing::instrument;

/// Where a request was addressed: the path it came in on. A party's requests share one
/// partition, so the party's key is not part of the address.
#[derive(Debug, Clone, Copy)]
pub enum Home<'a> {
    Customer(&'a str),
    Group(&'a str),
    Party,
    /// The scoring lab's requests (a challenger's promotion).
    Lab,
}

/// A request's subject as it is now, loaded to read or act on the request.
pub(super) enum Target {
    Customer(Box<CustomerSummary>),
    Group {
        id: String,
        group: GroupRecord,
    },
    /// The party's entry; none once it is off the blacklist.
    Party {
        entry: Option<BlacklistEntry>,
    },
    /// The challenger as stored now (with its item version); none if it was never started.
    Challenger {
        read: Option<(u64, credence_shared::lab::challenger::Challenger)>,
    },
}

impl Target {
    /// The customer the audit entries of the request belong to, if it is a customer's.
    pub(super) fn customer_id(&self) -> Option<&CustomerId> {
        match self {
            Target::Customer(c) => Some(&c.id),
            _ => None,
        }
    }
}

/// Loads request `rid` at `home` and its subject as it is now. Who may see it: the customer's
/// viewers; for a group's, a party's or a challenger's, the reviewers (risk, finance,
/// approver, admin).
pub(super) async fn load_request(
    ctx: &Ctx<'_>,
    who: &Principal,
    home: Home<'_>,
    rid: &str,
) -> Result<(Target, CreditRequest), ApiError> {
    if !valid_rid(rid) {
        return Err(ApiError::NotFound);
    }
    let get = |subject: Subject| async move {
        ctx.store
            .get_request(&who.tenant, &subject, rid)
            .await?
            .ok_or(ApiError::NotFound)
    };
    match home {
        Home::Customer(raw) => {
            let id = parse_customer(raw)?;
            let customer = visible_customer(ctx, who, &id).await?;
            let request = get(Subject::Customer { customer_id: id }).await?;
            Ok((Target::Customer(Box::new(customer)), request))
        }
        Home::Group(raw) => {
            policy::require(who, Action::ReviewRequests)?;
            if !valid_group_id(raw) {
                return Err(ApiError::NotFound);
            }
            let request = get(Subject::Group { group: raw.into() }).await?;
            let group = ctx
                .store
                .get_group(&who.tenant, raw)
                .await?
                .ok_or(ApiError::NotFound)?;
            let id = raw.to_owned();
            Ok((Target::Group { id, group }, request))
        }
        Home::Party => {
            policy::require(who, Action::ReadBlacklist)?;
            // The key is not part of a party request's address: they share one partition.
            let request = get(Subject::Party {
                party: String::new(),
            })
            .await?;
            let Subject::Party { party } = &request.subject else {
                return Err(ApiError::NotFound);
            };
            let entry = ctx
                .store
                .blacklist_lookup(&who.tenant, std::slice::from_ref(party))
                .await?
                .into_iter()
                .next();
            Ok((Target::Party { entry }, request))
        }
        Home::Lab => {
            policy::require(who, Action::ReviewRequests)?;
            // One partition: the challenger is read from the stored request.
            let request = get(Subject::Challenger { challenger: 0 }).await?;
            let read = ctx.store.challenger(&who.tenant).await?;
            Ok((Target::Challenger { read }, request))
        }
    }
}

/// What a reviewer of a group's request sees: the group's version, limit and exposure.
pub(super) fn group_evidence(group: &GroupRecord) -> Evidence {
    let zero = Money::new(Decimal::ZERO, group.limit.currency);
    Evidence {
        credit_version: group.version,
        grade: None,
        score: None,
        reasons: Vec::new(),
        limit: group.limit,
        exposure: Money::new(group.exposure, group.limit.currency),
        overdue: zero,
        oldest_overdue_days: 0,
        terms_days: 0,
        on_hold: false,
        blacklisted: false,
        recommended_limit: group.limit,
        order_amount: None,
    }
}

/// What a reviewer of a party's request sees: whether the party is still on the blacklist
/// (no figures: it buys nothing from us).
pub(super) fn party_evidence(currency: Currency, listed: bool) -> Evidence {
    let zero = Money::new(Decimal::ZERO, currency);
    Evidence {
        credit_version: 0,
        grade: None,
        score: None,
        reasons: Vec::new(),
        limit: zero,
        exposure: zero,
        overdue: zero,
        oldest_overdue_days: 0,
        terms_days: 0,
        on_hold: false,
        blacklisted: listed,
        recommended_limit: zero,
        order_amount: None,
    }
}

/// The kind and routing amount of a change asked for `group`: only a new limit, and not the
/// one in force.
pub(super) fn group_change(
    group: &GroupRecord,
    change: &Change,
) -> Result<(RequestKind, Decimal), ApiError> {
    let Change::Limit { limit } = change else {
        return Err(ApiError::from(
            FieldError::new(
                "change.type",
                code::CHANGE_NOT_FOR_SUBJECT,
                "a group's request changes its limit (type limit)",
            )
            .with("allowed", "limit"),
        ));
    };
    limit_change(Some(group), *limit).ok_or_else(|| {
        ApiError::field(
            "change.limit.amount",
            code::LIMIT_UNCHANGED,
            "this is the group's limit already",
        )
    })
}

/// A party's request only takes it off the blacklist.
pub(super) fn party_change(change: &Change) -> Result<(), ApiError> {
    match change {
        Change::BlacklistRemove => Ok(()),
        _ => Err(ApiError::from(
            FieldError::new(
                "change.type",
                code::CHANGE_NOT_FOR_SUBJECT,
                "a party's request takes it off the blacklist (type blacklist_remove)",
            )
            .with("allowed", "blacklist_remove"),
        )),
    }
}

/// `POST /v1/groups/{group}/requests` (risk, approver, admin): a new limit for a group,
/// routed by the approval matrix's limit rules on the amount asked (no grade).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, group = %raw_group))]
pub async fn file_for_group(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_group: &str,
    body: NewRequest,
) -> Result<CreditRequest, ApiError> {
    policy::require(who, Action::ManageGroups)?;
    if !valid_group_id(raw_group) {
        return Err(ApiError::NotFound);
    }
    let group = ctx
        .store
        .get_group(&who.tenant, raw_group)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = ctx.clock.now();
    body.change.validate(now.date()).map_err(validation)?;
    validate_justification("justification", &body.justification).map_err(validation)?;
    let (kind, amount) = group_change(&group, &body.change)?;
    let subject = Subject::Group {
        group: raw_group.to_owned(),
    };
    let evidence = group_evidence(&group);
    let rule_of = |matrix: &credence_shared::workflow::ApprovalMatrix| {
        matrix.route(kind, Some(amount), None).clone()
    };
    let name = group.name.clone();
    file_new(ctx, who, subject, name, body, kind, evidence, rule_of).await
}

/// `POST /v1/blacklist/requests` (risk, finance, approver, admin): take a party off the
/// blacklist through the approval matrix. A customer's entry is filed on the customer (the
/// request that also clears its credit file); any other party's here.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn file_for_party(
    ctx: &Ctx<'_>,
    who: &Principal,
    body: PartyRequest,
) -> Result<CreditRequest, ApiError> {
    policy::require(who, Action::RemoveFromBlacklist)?;
    let entry = entry_by_key(ctx, who, &body.party).await?.ok_or_else(|| {
        ApiError::field("party", code::BLACKLIST_UNKNOWN, "no such blacklist entry")
    })?;
    let request = NewRequest {
        change: Change::BlacklistRemove,
        justification: body.justification,
        idempotency_key: None,
    };
    if let Some(id) = &entry.customer_id {
        return super::file(ctx, who, id.as_str(), request)
            .await
            .map(|(filed, _)| filed);
    }
    validate_justification("justification", &request.justification).map_err(validation)?;
    let currency = ctx.engine(&who.tenant).await?.policy.currency();
    let subject = Subject::Party {
        party: entry.key.clone(),
    };
    let kind = RequestKind::BlacklistRemove;
    let rule_of =
        |matrix: &credence_shared::workflow::ApprovalMatrix| matrix.route(kind, None, None).clone();
    let evidence = party_evidence(currency, true);
    file_new(
        ctx, who, subject, entry.name, request, kind, evidence, rule_of,
    )
    .await
}

/// Files a new request on a group, party or challenger: refused when the same one is open, else routed by
/// the tenant's matrix and written with its audit entry.
#[allow(clippy::too_many_arguments)]
pub(super) async fn file_new(
    ctx: &Ctx<'_>,
    who: &Principal,
    subject: Subject,
    name: String,
    body: NewRequest,
    kind: RequestKind,
    evidence: Evidence,
    rule_of: impl Fn(
        &credence_shared::workflow::ApprovalMatrix,
    ) -> credence_shared::workflow::MatrixRule,
) -> Result<CreditRequest, ApiError> {
    let open = ctx.store.subject_requests(&who.tenant, &subject).await?;
    if let Some(same) = open
        .iter()
        .find(|r| r.status.is_open() && r.subject == subject && r.change == body.change)
    {
        return Err(ApiError::conflict(
            code::ALREADY_EXISTS,
            format!("the same request {} is already open", same.id),
        ));
    }
    let now = ctx.clock.now();
    let matrix = tenant::matrix(ctx.store, &who.tenant).await?;
    let rule = rule_of(&matrix);
    let request = CreditRequest::new(
        new_request_id(now),
        subject,
        name,
        body.change,
        kind,
        body.justification.trim().to_owned(),
        &who.username,
        &rule,
        matrix.version,
        evidence,
        now,
    );
    super::filing::commit_filed(ctx, who, &request, None).await?;
    Ok(request)
}

/// The last approval of a group's request: if the group changed since filing, the request
/// is routed again (or returned when the limit asked for is in force already); else the
/// group's new limit, the request and the audit entries are one transaction over both
/// versions read (a lost race is read again).
pub(super) async fn apply_group(
    ctx: &Ctx<'_>,
    who: &Principal,
    (id, group): (&str, &GroupRecord),
    request: &mut CreditRequest,
    seen: u64,
    mut entries: Vec<AuditEntry>,
) -> Result<(), ApiErrorOr> {
    let now = ctx.clock.now();
    let Change::Limit { limit } = request.change.clone() else {
        return Err(ApiError::conflict(code::NOT_APPLICABLE, "not a group's limit").into());
    };
    if group.version != request.evidence.credit_version {
        let why = match limit_change(Some(group), limit) {
            None => Some(format!(
                "no longer applicable: the group's limit is {} {} already",
                limit.amount, limit.currency
            )),
            Some(_) => None,
        };
        if let Some(why) = why {
            request.bounce(&why, now);
            entries.push(recheck_entry(who, ctx.clock, request, &why));
            return Ok(write_request(ctx, who, request, seen, entries).await?);
        }
        let matrix = tenant::matrix(ctx.store, &who.tenant).await?;
        let rule = matrix.route(request.kind, Some(limit.amount), None);
        let why = format!(
            "the group changed since filing (limit {} → {}, exposure {} → {})",
            request.evidence.limit.amount,
            group.limit.amount,
            request.evidence.exposure.amount,
            group.exposure
        );
        if request.reroute(rule, &why, now) {
            entries.push(recheck_entry(who, ctx.clock, request, &why));
            return Ok(write_request(ctx, who, request, seen, entries).await?);
        }
    }
    request.applied(&who.username, "", now);
    let shown = |limit: Money| serde_json::json!({ "name": group.name, "limit": limit });
    entries.push(audit(
        who,
        ctx.clock,
        AuditEntity::Group,
        id,
        None,
        "apply-request",
        Some(shown(group.limit)),
        Some(shown(limit)),
        &format!("request {}: {}", request.id, request.justification),
    ));
    let mut writes = super::request_writes(request, seen, entries);
    writes.insert(
        1,
        WorkflowWrite::GroupLimit {
            group: id.to_owned(),
            name: group.name.clone(),
            limit,
            seen: group.version,
        },
    );
    match ctx.store.commit_workflow(&who.tenant, writes).await {
        Ok(()) => Ok(()),
        Err(StoreError::ConditionFailed) => Err(ApiErrorOr::Retry),
        Err(e) => Err(ApiError::from(e).into()),
    }
}

/// The last approval of a party's request: the entry (under each of its keys), the request
/// and the audit entries in one transaction; returned to the requester when the party is off
/// the blacklist already.
pub(super) async fn apply_party(
    ctx: &Ctx<'_>,
    who: &Principal,
    entry: Option<&BlacklistEntry>,
    request: &mut CreditRequest,
    seen: u64,
    mut entries: Vec<AuditEntry>,
) -> Result<(), ApiErrorOr> {
    let now = ctx.clock.now();
    let Some(entry) = entry else {
        let why = "no longer applicable: the party is off the blacklist already";
        request.bounce(why, now);
        entries.push(recheck_entry(who, ctx.clock, request, why));
        return Ok(write_request(ctx, who, request, seen, entries).await?);
    };
    request.applied(&who.username, "", now);
    entries.push(audit(
        who,
        ctx.clock,
        AuditEntity::Blacklist,
        &entry.key,
        None,
        "remove",
        to_value(entry),
        None,
        &format!("request {}: {}", request.id, request.justification),
    ));
    let mut writes = super::request_writes(request, seen, entries);
    for (i, key) in keys_to_remove(entry, None).into_iter().enumerate() {
        writes.insert(
            1 + i,
            if key == entry.key {
                WorkflowWrite::BlacklistTake(key)
            } else {
                WorkflowWrite::BlacklistDelete(key)
            },
        );
    }
    match ctx.store.commit_workflow(&who.tenant, writes).await {
        Ok(()) => Ok(()),
        Err(StoreError::ConditionFailed) => Err(ApiErrorOr::Retry),
        Err(e) => Err(ApiError::from(e).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::Currency;

    fn cny(amount: i64) -> Money {
        Money::new(Decimal::from(amount), Currency::parse("CNY").expect("CNY"))
    }

    fn group(limit: Money) -> GroupRecord {
        GroupRecord {
            name: "Hengtong".into(),
            limit,
            exposure: Decimal::from(120_000),
            members: Vec::new(),
            version: 4,
        }
    }

    fn field_code(e: ApiError) -> (String, String) {
        let p = e.to_problem();
        let f = p.errors.first().expect("a field error");
        (f.field.clone(), f.code.clone())
    }

    #[test]
    fn a_group_s_request_asks_for_a_new_limit_and_routes_by_its_direction() {
        // Arrange
        let before = group(cny(300_000));
        // Act
        let up = group_change(
            &before,
            &Change::Limit {
                limit: cny(900_000),
            },
        );
        let down = group_change(
            &before,
            &Change::Limit {
                limit: cny(100_000),
            },
        );
        // Assert
        assert_eq!(
            up.ok(),
            Some((RequestKind::LimitIncrease, Decimal::from(900_000)))
        );
        assert_eq!(
            down.ok(),
            Some((RequestKind::LimitDecrease, Decimal::from(100_000)))
        );
    }

    #[test]
    fn a_group_s_request_for_its_own_limit_or_another_kind_of_change_names_the_field() {
        // Arrange
        let before = group(cny(300_000));
        // Act
        let same = group_change(
            &before,
            &Change::Limit {
                limit: cny(300_000),
            },
        );
        let terms = group_change(&before, &Change::TermsChange { terms_days: 60 });
        // Assert
        assert_eq!(
            field_code(same.expect_err("the limit in force")),
            ("change.limit.amount".into(), code::LIMIT_UNCHANGED.into())
        );
        assert_eq!(
            field_code(terms.expect_err("not a limit")),
            ("change.type".into(), code::CHANGE_NOT_FOR_SUBJECT.into())
        );
    }

    #[test]
    fn a_party_s_request_only_takes_it_off_the_blacklist() {
        // Act
        let removal = party_change(&Change::BlacklistRemove);
        let hold = party_change(&Change::HoldRelease);
        // Assert
        assert!(removal.is_ok());
        assert_eq!(
            field_code(hold.expect_err("not a removal")),
            ("change.type".into(), code::CHANGE_NOT_FOR_SUBJECT.into())
        );
    }

    #[test]
    fn a_group_s_evidence_is_its_version_limit_and_exposure() {
        // Act
        let evidence = group_evidence(&group(cny(300_000)));
        // Assert
        assert_eq!(evidence.credit_version, 4);
        assert_eq!(evidence.limit, cny(300_000));
        assert_eq!(evidence.exposure, cny(120_000));
        assert_eq!(evidence.grade, None);
    }
}
