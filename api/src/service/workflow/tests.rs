//! Unit tests of the workflow service's shared helpers, and the fixtures the other parts'
//! tests build on (no store: a credit file computed by the default engine).

use super::*;
use crate::clock::Clock;
use crate::service::credit::compute_state;
use credence_shared::{
    Currency, Grade, Role, TenantId, Usci, UserId, credit::CreditDecision, engine::Profile,
};
use rust_decimal::Decimal;
use time::macros::{date, datetime};

pub(super) const TODAY: time::Date = date!(2026 - 03 - 02);

pub(super) fn cny(amount: i64) -> Money {
    Money::new(Decimal::from(amount), Currency::CNY)
}

pub(super) fn principal(role: Role) -> Principal {
    Principal {
        user_id: UserId::parse("u-1").expect("valid user id"),
        username: "li.na".into(),
        tenant: TenantId::parse("acme").expect("valid tenant id"),
        roles: vec![role],
        scopes: Vec::new(),
        withheld: Vec::new(),
    }
}

pub(super) fn customer() -> CustomerSummary {
    CustomerSummary {
        version: 1,
        archived: false,
        master: None,
        id: CustomerId::parse("C1001").expect("valid customer id"),
        number: "1001".into(),
        name: "Xiamen Harbour Trading Co., Ltd.".into(),
        name_en: None,
        usci: Some(Usci::parse("91350100M000100Y43").expect("valid code")),
        country: "CN".into(),
        grade: Some(Grade::B),
        credit_limit: cny(100_000),
        exposure: cny(40_000),
        available: cny(60_000),
        overdue: cny(5_000),
        oldest_overdue_days: 12,
        terms_days: 30,
        on_hold: false,
        blacklisted: false,
        owner: None,
        founded: None,
    }
}

/// A credit file at version 7 with `decision`, computed by the default engine on no ledger.
pub(super) fn record(decision: CreditDecision) -> CreditRecord {
    let (state, _) = compute_state(
        &CreditEngine::defaults(),
        "C1",
        None,
        Currency::CNY,
        &[],
        Profile::default(),
        decision,
        TODAY,
    )
    .expect("the default engine computes an empty credit file");
    CreditRecord::written(7, state, Some(0), Default::default()).expect("an empty file is inline")
}

fn message(e: &ApiError) -> String {
    e.to_problem().errors[0].message.clone()
}

#[test]
fn a_request_id_is_ascii_letters_and_digits_of_at_most_forty() {
    // Arrange
    let longest = "R".repeat(40);
    // Act / Assert
    assert!(valid_rid("R20260302101500ab12"));
    assert!(valid_rid(&longest));
    assert!(!valid_rid(""));
    assert!(!valid_rid(&format!("{longest}1")));
    assert!(!valid_rid("R2026-03"));
    assert!(!valid_rid("../R1"));
}

#[test]
fn a_new_request_id_is_the_time_it_was_filed_and_four_hex_digits_and_is_a_valid_id() {
    // Arrange
    let now = datetime!(2026-03-02 09:05:07 UTC);
    // Act
    let id = new_request_id(now);
    // Assert
    assert_eq!(id.len(), 19);
    assert!(id.starts_with("R20260302090507"), "{id}");
    assert!(id[15..].bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    assert!(valid_rid(&id));
}

#[test]
fn a_path_names_a_customer_by_its_number_or_its_id() {
    // Act
    let odd = parse_customer("no/such id").expect("every number maps to an id");
    let plain = parse_customer("C1001").expect("a valid id");
    // Assert: an odd number is its digest (and then simply not found if nobody has it).
    assert_eq!(plain.as_str(), "C1001");
    assert_eq!(odd, credence_shared::customer::customer_id_of("no/such id"));
    assert!(odd.as_str().starts_with('X'), "{odd}");
}

#[test]
fn workflow_errors_map_to_a_field_a_conflict_or_forbidden() {
    // Act / Assert
    let note = workflow_error(WorkflowError::NoteRequired);
    assert_eq!(note.to_problem().errors[0].field, "note");
    assert!(matches!(
        workflow_error(WorkflowError::NotReturned),
        ApiError::Conflict { .. }
    ));
    assert!(matches!(
        workflow_error(WorkflowError::Closed),
        ApiError::Conflict { .. }
    ));
    for e in [
        WorkflowError::NotYourStep(Role::Risk),
        WorkflowError::OwnRequest,
        WorkflowError::AlreadyApproved,
        WorkflowError::NotRequester,
    ] {
        assert!(matches!(workflow_error(e), ApiError::Forbidden));
    }
}

#[test]
fn only_changes_that_give_more_room_to_buy_on_credit_grant_credit() {
    // Arrange
    let granting = [
        Change::NewCreditLine {
            limit: cny(1),
            terms_days: 30,
        },
        Change::Limit { limit: cny(1) },
        Change::TemporaryLimit {
            limit: cny(1),
            until: TODAY,
        },
        Change::HoldRelease,
        Change::BlockedOrderRelease {
            order_key: "o1".into(),
            ship: None,
            prepayment: None,
        },
    ];
    let not_granting = [
        Change::TermsChange { terms_days: 60 },
        Change::BlockedOrderReject {
            order_key: "o1".into(),
        },
        Change::BlacklistAdd {
            reason: "fraud".into(),
            source: "court".into(),
        },
        Change::BlacklistRemove,
    ];
    // Act / Assert
    assert!(granting.iter().all(grants_credit));
    assert!(!not_granting.iter().any(grants_credit));
}

#[test]
fn a_request_is_routed_on_the_amount_it_asks_for_else_on_the_blocked_order() {
    // Arrange
    let mut evidence = evidence_of(&record(CreditDecision::default()), &customer(), TODAY);
    evidence.order_amount = Some(cny(8_000));
    // Act
    let limit = route_amount(&Change::Limit { limit: cny(50_000) }, &evidence);
    let order = route_amount(
        &Change::BlockedOrderRelease {
            order_key: "o1".into(),
            ship: None,
            prepayment: None,
        },
        &evidence,
    );
    let part = route_amount(
        &Change::BlockedOrderRelease {
            order_key: "o1".into(),
            ship: Some(cny(3_000)),
            prepayment: None,
        },
        &evidence,
    );
    evidence.order_amount = None;
    let terms = route_amount(&Change::TermsChange { terms_days: 60 }, &evidence);
    // Assert
    assert_eq!(limit, Some(Decimal::from(50_000)));
    assert_eq!(
        part,
        Some(Decimal::from(3_000)),
        "a partial release bands on its part"
    );
    assert_eq!(order, Some(Decimal::from(8_000)));
    assert_eq!(terms, None);
}

#[test]
fn the_evidence_takes_the_file_from_the_credit_record_and_the_figures_from_the_customer() {
    // Arrange
    let record = record(CreditDecision {
        on_hold: true,
        ..CreditDecision::default()
    });
    let customer = customer();
    // Act
    let evidence = evidence_of(&record, &customer, TODAY);
    // Assert
    assert_eq!(evidence.credit_version, 7);
    assert_eq!(evidence.grade, Some(record.state.assessment.grade));
    assert_eq!(evidence.exposure, customer.exposure);
    assert_eq!(evidence.overdue, customer.overdue);
    assert_eq!(evidence.oldest_overdue_days, 12);
    assert!(evidence.on_hold);
    assert!(!evidence.blacklisted);
    assert!(evidence.reasons.len() <= 6);
    assert_eq!(evidence.order_amount, None);
}

#[test]
fn a_limit_in_another_currency_than_the_account_is_not_applicable() {
    // Arrange
    let record = record(CreditDecision::default());
    let change = Change::Limit {
        limit: Money::new(Decimal::from(1_000), Currency::USD),
    };
    // Act
    let e = check_applicable(&change, &record).expect_err("USD on a CNY account");
    // Assert
    assert_eq!(e.to_problem().errors[0].field, "change.limit.currency");
    assert!(message(&e).contains("CNY"), "{}", message(&e));
}

#[test]
fn a_change_must_fit_the_state_of_the_credit_file() {
    // Arrange
    let plain = record(CreditDecision::default());
    let held_and_blacklisted = record(CreditDecision {
        on_hold: true,
        blacklisted: true,
        ..CreditDecision::default()
    });
    // Act / Assert
    assert_eq!(
        message(&check_applicable(&Change::HoldRelease, &plain).unwrap_err()),
        "the customer is not on hold"
    );
    assert!(check_applicable(&Change::HoldRelease, &held_and_blacklisted).is_ok());
    assert_eq!(
        message(&check_applicable(&Change::BlacklistRemove, &plain).unwrap_err()),
        "the customer is not on the blacklist"
    );
    assert!(check_applicable(&Change::BlacklistRemove, &held_and_blacklisted).is_ok());
    let add = Change::BlacklistAdd {
        reason: "fraud".into(),
        source: "court".into(),
    };
    assert!(check_applicable(&add, &plain).is_ok());
    assert_eq!(
        message(&check_applicable(&add, &held_and_blacklisted).unwrap_err()),
        "the customer is already on the blacklist"
    );
    let line = Change::NewCreditLine {
        limit: cny(10_000),
        terms_days: 30,
    };
    assert!(check_applicable(&line, &plain).is_err());
    assert!(check_applicable(&Change::Limit { limit: cny(10_000) }, &plain).is_ok());
}

#[test]
fn a_request_s_writes_are_its_state_over_the_version_seen_then_its_audit_entries() {
    // Arrange
    let who = principal(Role::Risk);
    let clock = Clock::default();
    let record = record(CreditDecision::default());
    let customer = customer();
    let request = CreditRequest::new(
        "R1".into(),
        credence_shared::workflow::Subject::Customer {
            customer_id: customer.id.clone(),
        },
        customer.name.clone(),
        Change::HoldRelease,
        credence_shared::workflow::RequestKind::HoldRelease,
        "paid in full".into(),
        "li.na",
        credence_shared::workflow::ApprovalMatrix::default_matrix().route(
            credence_shared::workflow::RequestKind::HoldRelease,
            None,
            None,
        ),
        1,
        evidence_of(&record, &customer, TODAY),
        datetime!(2026-03-02 09:00 UTC),
    );
    let entry = crate::service::tenant::audit(
        &who,
        &clock,
        credence_shared::workflow::AuditEntity::Request,
        "R1",
        Some(&customer.id),
        "approve",
        None,
        None,
        "ok",
    );
    // Act
    let writes = request_writes(&request, 3, vec![entry.clone()]);
    // Assert
    assert_eq!(writes.len(), 2);
    assert!(matches!(
        &writes[0],
        WorkflowWrite::Request { request: r, expected: Some(3) } if r.id == "R1"
    ));
    assert!(matches!(&writes[1], WorkflowWrite::Audit(e) if *e == entry));
}
