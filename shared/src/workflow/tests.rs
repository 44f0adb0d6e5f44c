//! Workflow tests: matrix routing, the request state machine and its SLAs, custom fields.

use super::*;
use crate::{Currency, CustomerId, Grade, Money, Role};
use rust_decimal::Decimal;
use rust_decimal_macros_free::*;
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

mod rust_decimal_macros_free {
    pub fn d(s: &str) -> rust_decimal::Decimal {
        s.parse().unwrap()
    }
}

fn cny(s: &str) -> Money {
    Money::new(d(s), Currency::CNY)
}

fn now() -> OffsetDateTime {
    time::macros::datetime!(2026-11-02 09:00 UTC)
}

fn evidence() -> Evidence {
    Evidence {
        credit_version: 3,
        grade: Some(Grade::C),
        score: Some(Decimal::from(600)),
        reasons: vec![],
        limit: cny("100000"),
        exposure: cny("50000"),
        overdue: cny("0"),
        oldest_overdue_days: 0,
        terms_days: 30,
        on_hold: false,
        blacklisted: false,
        recommended_limit: cny("120000"),
        order_amount: None,
    }
}

fn request(matrix: &ApprovalMatrix, limit: &str, grade: Grade) -> CreditRequest {
    let change = Change::Limit { limit: cny(limit) };
    let kind = change.kind(Some(d("100000")));
    let rule = matrix.route(kind, change.amount().map(|m| m.amount), Some(grade));
    CreditRequest::new(
        "R1".into(),
        Subject::Customer {
            customer_id: CustomerId::parse("C1").unwrap(),
        },
        "Acme".into(),
        change,
        kind,
        "big season".into(),
        "sales",
        rule,
        matrix.version,
        evidence(),
        now(),
    )
}

fn actor<'a>(name: &'a str, roles: &'a [Role]) -> Actor<'a> {
    Actor {
        username: name,
        roles,
    }
}

#[test]
fn the_shipped_matrix_is_valid_and_routes_every_kind_and_grade() {
    let m = ApprovalMatrix::default_matrix();

    m.validate().unwrap();

    for kind in RequestKind::ALL {
        for grade in [Grade::A, Grade::C, Grade::E] {
            for amount in [None, Some(d("0")), Some(d("50000000"))] {
                assert!(!m.route(kind, amount, Some(grade)).steps.is_empty());
            }
        }
    }
}

#[test]
fn a_larger_increase_or_a_worse_grade_needs_more_approvers() {
    let m = ApprovalMatrix::default_matrix();
    let steps = |amount: &str, grade| {
        m.route(RequestKind::LimitIncrease, Some(d(amount)), Some(grade))
            .steps
            .len()
    };

    assert!(steps("50000", Grade::B) < steps("800000", Grade::B));
    assert!(steps("800000", Grade::B) < steps("5000000", Grade::B));
    assert!(steps("50000", Grade::B) < steps("50000", Grade::E));
}

#[test]
fn a_matrix_without_a_catch_all_last_rule_or_with_a_sales_approver_is_refused() {
    let mut m = ApprovalMatrix::default_matrix();
    m.rules.last_mut().unwrap().kinds = vec![RequestKind::HoldRelease];
    m.rules[0].steps[0].role = Role::Sales;
    m.rules[0].steps.push(StepSpec {
        role: Role::Risk,
        sla_hours: 0,
    });

    let errors = m.validate().unwrap_err();

    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"rules[0].steps[0].role"), "{fields:?}");
    assert!(
        fields.iter().any(|f| f.ends_with("sla_hours")),
        "{fields:?}"
    );
    assert!(fields.contains(&format!("rules[{}]", m.rules.len() - 1).as_str()));
}

#[test]
fn a_request_walks_every_step_and_the_last_approval_is_final() {
    let m = ApprovalMatrix::default_matrix();
    let mut r = request(&m, "800000", Grade::B);
    let roles: Vec<Role> = r.steps.iter().map(|s| s.role).collect();
    assert!(roles.len() >= 2);

    let mut outcomes = Vec::new();
    for (i, role) in roles.iter().enumerate() {
        let name = format!("user{i}");
        let who = [*role];
        outcomes.push(
            r.act(&actor(&name, &who), ReviewAction::Approve, "", now())
                .unwrap(),
        );
    }

    assert_eq!(outcomes.last(), Some(&ActOutcome::FinalApproval));
    assert!(
        outcomes[..outcomes.len() - 1]
            .iter()
            .all(|o| *o == ActOutcome::NextStep)
    );
    assert_eq!(r.status, RequestStatus::Approved);
    assert_eq!(r.version, 1 + roles.len() as u64);
}

#[test]
fn the_requester_cannot_approve_and_the_wrong_role_cannot_either() {
    let m = ApprovalMatrix::default_matrix();
    let mut r = request(&m, "50000", Grade::B);
    let role = r.steps[0].role;

    let own = r.act(&actor("sales", &[role]), ReviewAction::Approve, "", now());
    let wrong = r.act(
        &actor("x", &[Role::Finance, Role::Sales]),
        ReviewAction::Approve,
        "",
        now(),
    );

    assert_eq!(own, Err(WorkflowError::OwnRequest));
    if role != Role::Finance {
        assert_eq!(wrong, Err(WorkflowError::NotYourStep(role)));
    }
    assert_eq!(r.version, 1);
}

#[test]
fn one_person_cannot_approve_two_steps() {
    let m = ApprovalMatrix::default_matrix();
    let mut r = request(&m, "800000", Grade::B);
    let all = Role::ALL;
    r.act(&actor("boss", &all), ReviewAction::Approve, "", now())
        .unwrap();

    let again = r.act(&actor("boss", &all), ReviewAction::Approve, "", now());

    assert_eq!(again, Err(WorkflowError::AlreadyApproved));
}

#[test]
fn reject_and_return_need_a_note_and_a_returned_request_can_be_resubmitted() {
    let m = ApprovalMatrix::default_matrix();
    let mut r = request(&m, "50000", Grade::B);
    let role = [r.steps[0].role];
    let reviewer = actor("rita", &role);
    assert_eq!(
        r.act(&reviewer, ReviewAction::Return, "  ", now()),
        Err(WorkflowError::NoteRequired)
    );

    r.act(
        &reviewer,
        ReviewAction::Return,
        "need last year's accounts",
        now(),
    )
    .unwrap();
    assert_eq!(r.status, RequestStatus::Returned);
    assert!(r.moved_for_requester());
    let change = Change::Limit {
        limit: cny("60000"),
    };
    let rule = m.route(RequestKind::LimitIncrease, Some(d("60000")), Some(Grade::B));
    let later = now() + Duration::hours(5);
    r.resubmit(
        &actor("sales", &[Role::Sales]),
        change.clone(),
        RequestKind::LimitIncrease,
        "accounts attached".into(),
        rule,
        m.version,
        evidence(),
        later,
    )
    .unwrap();

    assert_eq!(r.status, RequestStatus::Pending);
    assert_eq!(r.change, change);
    assert_eq!(r.steps[0].since, Some(later));
    assert!(r.steps.iter().all(|s| s.outcome.is_none()));
    let actions: Vec<TimelineAction> = r.timeline.iter().map(|t| t.action).collect();
    assert_eq!(
        actions,
        [
            TimelineAction::Submitted,
            TimelineAction::Returned,
            TimelineAction::Resubmitted
        ]
    );
}

#[test]
fn a_step_past_its_sla_is_overdue() {
    let m = ApprovalMatrix::default_matrix();
    let r = request(&m, "50000", Grade::B);
    let step = r.current_step().unwrap();
    let sla = Duration::hours(i64::from(step.sla_hours));

    assert!(!step.overdue(now() + sla));
    assert!(step.overdue(now() + sla + Duration::minutes(1)));
    assert!(r.summary(now() + sla + Duration::minutes(1)).overdue);
}

#[test]
fn rerouting_adds_only_the_roles_that_have_not_approved() {
    let m = ApprovalMatrix::default_matrix();
    let mut r = request(&m, "50000", Grade::B);
    let first = [r.steps[0].role];
    r.act(&actor("rita", &first), ReviewAction::Approve, "", now())
        .unwrap();
    let stricter = m.route(RequestKind::LimitIncrease, Some(d("50000")), Some(Grade::E));

    let added = r.reroute(stricter, "grade B → E", now());

    assert!(added);
    assert_eq!(r.status, RequestStatus::Pending);
    let waiting = r.current_step().unwrap().role;
    assert!(!first.contains(&waiting));
}

#[test]
fn custom_fields_check_each_kind_and_refuse_unknown_or_hidden_ones() {
    let set = FieldSet {
        version: 1,
        fields: vec![
            FieldDef {
                key: "bank".into(),
                label: "开户行".into(),
                label_en: None,
                kind: FieldKind::Text,
                required: true,
                visible_to: vec![],
            },
            FieldDef {
                key: "deposit".into(),
                label: "保证金".into(),
                label_en: None,
                kind: FieldKind::Money,
                required: false,
                visible_to: vec![],
            },
            FieldDef {
                key: "channel".into(),
                label: "渠道".into(),
                label_en: None,
                kind: FieldKind::Choice {
                    options: vec!["直销".into(), "经销".into()],
                },
                required: false,
                visible_to: vec![],
            },
            FieldDef {
                key: "internal".into(),
                label: "内部评级".into(),
                label_en: None,
                kind: FieldKind::Text,
                required: true,
                visible_to: vec![Role::Risk],
            },
        ],
    };
    set.validate().unwrap();
    let values: BTreeMap<String, String> = [
        ("deposit", "12.345"),
        ("channel", "代理"),
        ("internal", "A"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();

    let errors = set.check_values(&values, &[Role::Sales]).unwrap_err();

    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "custom.internal",
            "custom.bank",
            "custom.deposit",
            "custom.channel"
        ]
    );
    let ok: BTreeMap<String, String> = [("bank", "工行"), ("deposit", "1,000.5")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let checked = set.check_values(&ok, &[Role::Sales]).unwrap();
    assert_eq!(checked["deposit"], "1000.5");
}

#[test]
fn a_field_set_with_duplicate_or_bad_keys_is_refused() {
    let f = |key: &str| FieldDef {
        key: key.into(),
        label: "x".into(),
        label_en: None,
        kind: FieldKind::YesNo,
        required: false,
        visible_to: vec![],
    };
    let set = FieldSet {
        version: 0,
        fields: vec![f("a"), f("a"), f("Bad Key")],
    };

    let errors = set.validate().unwrap_err();

    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["fields[1].key", "fields[2].key"]);
}

#[test]
fn a_limit_below_the_current_one_is_a_decrease() {
    let change = Change::Limit { limit: cny("10") };

    assert_eq!(change.kind(Some(d("100"))), RequestKind::LimitDecrease);
    assert_eq!(change.kind(Some(d("5"))), RequestKind::LimitIncrease);
    assert_eq!(change.kind(None), RequestKind::LimitIncrease);
}

#[test]
fn a_request_names_its_subject_in_one_field_beside_the_others_and_reads_back_the_same() {
    // Arrange
    let matrix = ApprovalMatrix::default_matrix();
    let customer = request(&matrix, "150000", Grade::B);
    let mut group = customer.clone();
    group.subject = Subject::Group {
        group: "hengtong".into(),
    };
    let mut party = customer.clone();
    party.subject = Subject::Party {
        party: "NAME:某某贸易".into(),
    };
    // Act
    let wire: Vec<serde_json::Value> = [&customer, &group, &party]
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect();
    let back: Vec<CreditRequest> = wire
        .iter()
        .map(|v| serde_json::from_value(v.clone()).unwrap())
        .collect();
    // Assert
    assert_eq!(wire[0]["customer_id"], "C1");
    assert_eq!(wire[1]["group"], "hengtong");
    assert!(wire[1].get("customer_id").is_none());
    assert_eq!(wire[2]["party"], "NAME:某某贸易");
    assert_eq!(back, [customer, group, party]);
}

#[test]
fn a_subject_s_requests_have_their_own_addresses_in_the_api_and_the_app() {
    // Arrange
    let customer = Subject::Customer {
        customer_id: CustomerId::parse("C7").unwrap(),
    };
    let group = Subject::Group {
        group: "hengtong".into(),
    };
    let party = Subject::Party {
        party: "NAME:x".into(),
    };
    // Act / Assert
    assert_eq!(customer.api_path("R1"), "/v1/customers/C7/requests/R1");
    assert_eq!(group.api_path("R1"), "/v1/groups/hengtong/requests/R1");
    assert_eq!(party.api_path("R1"), "/v1/blacklist/requests/R1");
    assert_eq!(customer.app_path("R1"), "/customers/C7/requests/R1");
    assert_eq!(group.app_path("R1"), "/groups/hengtong/requests/R1");
    assert_eq!(party.app_path("R1"), "/blacklist/requests/R1");
    assert_eq!(customer.customer().map(|c| c.as_str()), Some("C7"));
    assert_eq!(group.customer(), None);
}
