//! Onboarding: the application form, screening a new party against our customers and the
//! blacklist, and a credit application (a new customer with no credit until its credit line
//! is approved).

use super::{Ctx, blacklist::blacklist_keys, new_request_id, to_value};
use crate::store::workflow::OnboardConflict;
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    service::{
        credit::compute_state,
        projection,
        tenant::{self, audit},
    },
    store::{
        customers::CustomerRecord,
        workflow::{StoredApplication, WorkflowWrite},
    },
};
use credence_shared::{
    Money, Usci,
    credit::{CreditDecision, DecidedLimit},
    dto::CustomerSummary,
    engine::{Scenario, evaluate},
    search,
    workflow::{
        Application, ApplicationCreated, ApplicationForm, AuditEntity, Change, CreditRequest,
        Evidence, RequestKind, ScreenRequest, ScreenResult,
    },
};
use credence_shared::{dto::FieldError, messages::code};
use tracing::instrument;

#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn application_form(ctx: &Ctx<'_>, who: &Principal) -> Result<ApplicationForm, ApiError> {
    policy::require(who, Action::SubmitApplication)?;
    let engine = ctx.engines.get(ctx.store, &who.tenant).await?;
    let mut fields = tenant::fields(ctx.store, &who.tenant).await?;
    fields.fields.retain(|f| f.visible_to_any(&who.roles));
    Ok(ApplicationForm {
        currency: engine.policy.currency(),
        fields,
    })
}

/// `POST /v1/applications/screen`: same code or name among customers, and on the blacklist.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn screen(
    ctx: &Ctx<'_>,
    who: &Principal,
    body: ScreenRequest,
) -> Result<ScreenResult, ApiError> {
    policy::require(who, Action::SubmitApplication)?;
    let usci = body.usci.trim();
    let name = body.name.trim();
    if usci.chars().count() > 18 {
        return Err(ApiError::from(
            FieldError::new("usci", code::TEXT_TOO_LONG, "at most 18 characters").with("max", 18),
        ));
    }
    if name.chars().count() > 200 {
        return Err(ApiError::from(
            FieldError::new("name", code::TEXT_TOO_LONG, "at most 200 characters").with("max", 200),
        ));
    }
    let parsed = Usci::parse(usci).ok();
    let mut duplicates: Vec<CustomerSummary> = Vec::new();
    let norm_name = search::normalise(name);
    for q in [
        parsed.as_ref().map(|u| u.as_str().to_owned()),
        Some(norm_name.clone()),
    ]
    .into_iter()
    .flatten()
    .filter(|q| q.chars().count() >= 2)
    {
        let Ok(q) = search::normalise_query(&q) else {
            continue;
        };
        let page = ctx
            .store
            .search_customers(&who.tenant, &q, None, 20, &|_| true)
            .await?;
        for c in page.items {
            let same_code = parsed.is_some() && c.usci == parsed;
            let same_name = !norm_name.is_empty() && search::normalise(&c.name) == norm_name;
            if (same_code || same_name) && !duplicates.iter().any(|d| d.id == c.id) {
                duplicates.push(c);
            }
        }
    }
    let blacklisted = ctx
        .store
        .blacklist_lookup(&who.tenant, &blacklist_keys(parsed.as_ref(), name))
        .await?;
    // A rep does not learn about customers that are not theirs beyond the fact of a match.
    if !policy::may_see_customer(who, None) {
        for d in &mut duplicates {
            if !policy::may_see_customer(who, d.owner.as_ref()) {
                d.credit_limit = Money::zero(d.credit_limit.currency);
                d.exposure = Money::zero(d.exposure.currency);
                d.available = Money::zero(d.available.currency);
                d.overdue = Money::zero(d.overdue.currency);
                d.grade = None;
            }
        }
    }
    Ok(ScreenResult {
        duplicates,
        blacklisted: projection::blacklist_hits_for(who, blacklisted),
    })
}

/// `POST /v1/applications`: a new customer with no credit until its credit line is approved.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn submit_application(
    ctx: &Ctx<'_>,
    who: &Principal,
    application: Application,
) -> Result<ApplicationCreated, ApiError> {
    policy::require(who, Action::SubmitApplication)?;
    let engine = ctx.engines.get(ctx.store, &who.tenant).await?;
    let currency = engine.policy.currency();
    let now = ctx.clock.now();
    let today = now.date();
    let mut errors = Vec::new();
    let usci = match application.validate(currency, today) {
        Ok(u) => Some(u),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let fields = tenant::fields(ctx.store, &who.tenant).await?;
    let custom = match fields.check_values(&application.custom, &who.roles) {
        Ok(c) => c,
        Err(e) => {
            errors.extend(e);
            Default::default()
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let usci = usci.expect("validated");
    let screen = screen(
        ctx,
        who,
        ScreenRequest {
            usci: usci.as_str().to_owned(),
            name: application.name.clone(),
        },
    )
    .await?;
    if let Some(b) = screen.blacklisted.first() {
        let field = if b.usci.as_ref() == Some(&usci) {
            "usci"
        } else {
            "name"
        };
        // The reason only for those who may read the blacklist (the screen projects it);
        // the app words an unknown reason as a dash.
        let message = if b.reason.is_empty() {
            format!("on the blacklist since {}", b.added_on)
        } else {
            format!("on the blacklist since {}: {}", b.added_on, b.reason)
        };
        let reason = if b.reason.is_empty() {
            "—"
        } else {
            b.reason.as_str()
        };
        return Err(ApiError::from(
            FieldError::new(field, code::PARTY_BLACKLISTED, message)
                .with("since", b.added_on)
                .with("reason", reason),
        ));
    }
    if let Some(d) = screen.duplicates.first() {
        let field = if d.usci.as_ref() == Some(&usci) {
            "usci"
        } else {
            "name"
        };
        return Err(ApiError::from(
            FieldError::new(
                field,
                code::CUSTOMER_EXISTS,
                format!("already a customer: {} {}", d.number, d.name),
            )
            .with("number", &d.number)
            .with("name", &d.name),
        ));
    }

    // 48 random bits: a new id meets one of a million customers about once in 280 million
    // applications, and then the transaction's condition refuses it (409, try again).
    let suffix = format!("{:012X}", rand::random::<u64>() & 0xFFFF_FFFF_FFFF);
    // The new customer's number is its id, as for any customer of the master.
    let number = format!("NEW-{}{}", today.year() % 100, suffix);
    let id = credence_shared::customer::customer_id_of(&number);
    // The rep's username when it is a valid id (what files and screens name them by),
    // else their id in the user directory.
    let owner = if who.roles.contains(&credence_shared::Role::Sales) {
        Some(credence_shared::UserId::parse(&who.username).unwrap_or_else(|_| who.user_id.clone()))
    } else {
        None
    };
    let zero = Money::zero(currency);
    let name_en = application
        .name_en
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let record = CustomerRecord {
        id: id.clone(),
        number: number.clone(),
        name: application.name.trim().to_owned(),
        name_en: name_en.clone(),
        usci: Some(usci.clone()),
        country: "CN".into(),
        industry: application.industry.trim().to_owned(),
        owner: owner.clone(),
        grade: None,
        credit_limit: zero,
        exposure: zero,
        overdue: zero,
        oldest_overdue_days: 0,
        terms_days: 0,
        on_hold: false,
        blacklisted: false,
        founded: Some(application.founded),
        archived: false,
        master: Some(credence_shared::customer::MasterRecord {
            number,
            name: application.name.trim().to_owned(),
            name_en,
            country: credence_shared::engine::identity::CountryCode::CN,
            registration: Some(credence_shared::engine::identity::RegistrationId::CnUsci(
                usci.clone(),
            )),
            industry: Some(application.industry.trim().to_owned()),
            size: Some(application.size),
            registered_capital: Some(application.registered_capital),
            founded: Some(application.founded),
            address: None,
            contacts: application.contacts.clone(),
            owner: owner.as_ref().map(ToString::to_string),
            parent: None,
            status: credence_shared::customer::CustomerStatus::Active,
            tags: Vec::new(),
            custom: application
                .custom
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect(),
            origin: None,
        }),
    };
    // No credit until the credit line is approved: a person's limit of zero, cash terms.
    let decision = CreditDecision {
        limit: Some(DecidedLimit {
            amount: zero,
            reason: "credit application pending".into(),
            decided_by: who.username.clone(),
            decided_on: today,
            valid_until: None,
        }),
        terms_days: Some(0),
        ..CreditDecision::default()
    };
    let (state, _) = compute_state(
        &engine,
        id.as_str(),
        None,
        currency,
        &[],
        application.customer_info(false).profile,
        decision,
        today,
    )
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("new customer {id}: {e}")))?;
    // The evidence is the application's own assessment (the engine on what the applicant
    // told us), not the empty ledger's.
    let preview = evaluate(
        &Scenario {
            as_of: today,
            currency,
            entries: vec![],
            customer: application.customer_info(false),
            credit_file: None,
            order: None,
        },
        &engine.model,
        &engine.policy,
    )
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("application preview: {e}")))?;
    let evidence = Evidence {
        credit_version: 1,
        grade: Some(preview.assessment.grade),
        score: Some(preview.assessment.score),
        reasons: preview.assessment.reasons.iter().take(6).cloned().collect(),
        limit: zero,
        exposure: zero,
        overdue: zero,
        oldest_overdue_days: 0,
        terms_days: 0,
        on_hold: false,
        blacklisted: false,
        recommended_limit: preview.recommendation.limit,
        order_amount: None,
    };
    let change = Change::NewCreditLine {
        limit: application.requested_limit,
        terms_days: application.requested_terms_days,
    };
    let matrix = tenant::matrix(ctx.store, &who.tenant).await?;
    let rule = matrix.route(
        RequestKind::NewCreditLine,
        Some(application.requested_limit.amount),
        evidence.grade,
    );
    let request = CreditRequest::new(
        new_request_id(now),
        credence_shared::workflow::Subject::Customer {
            customer_id: id.clone(),
        },
        record.name.clone(),
        change,
        RequestKind::NewCreditLine,
        application.justification.trim().to_owned(),
        &who.username,
        rule,
        matrix.version,
        evidence,
        now,
    );
    let stored = StoredApplication {
        application: Application {
            custom,
            ..application
        },
        submitted_by: who.username.clone(),
        submitted_at: now,
    };
    let entries = [
        audit(
            who,
            ctx.clock,
            AuditEntity::Customer,
            id.as_str(),
            Some(&id),
            "onboard",
            None,
            to_value(&stored.application),
            "credit application",
        ),
        audit(
            who,
            ctx.clock,
            AuditEntity::Request,
            &request.id,
            Some(&id),
            "submit",
            None,
            to_value(&request.change),
            &request.justification,
        ),
    ];
    let request_id = request.id.clone();
    let mut writes = vec![
        WorkflowWrite::Application {
            customer: id.clone(),
            application: stored,
        },
        WorkflowWrite::Request {
            request,
            expected: None,
        },
    ];
    writes.extend(entries.into_iter().map(WorkflowWrite::Audit));
    match ctx
        .store
        .onboard_with(&who.tenant, &record, &state, writes)
        .await
    {
        Ok(()) => {}
        Err(OnboardConflict::CodeTaken) => {
            // A concurrent application (or an import) won the code: name its customer.
            let holder = match ctx.store.usci_holder(&who.tenant, &usci).await? {
                Some(id) => ctx.store.get_customer(&who.tenant, &id).await?,
                None => None,
            };
            let (number, name) = holder.map(|c| (c.number, c.name)).unwrap_or_default();
            return Err(ApiError::from(
                FieldError::new(
                    "usci",
                    code::CUSTOMER_EXISTS,
                    format!("already a customer: {number} {name}"),
                )
                .with("number", number)
                .with("name", name),
            ));
        }
        Err(OnboardConflict::IdTaken) => {
            return Err(ApiError::conflict(
                code::ALREADY_EXISTS,
                "the new customer number was taken a moment ago; submit again",
            ));
        }
        Err(OnboardConflict::Store(e)) => return Err(e.into()),
    }
    Ok(ApplicationCreated {
        customer_id: id,
        request_id,
    })
}
