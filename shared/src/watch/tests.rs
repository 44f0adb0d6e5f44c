use super::severity::figure;
use super::*;
use crate::engine::ledger::DocRef;
use crate::engine::open_items::OpenInvoice;
use crate::{Currency, CustomerId, Grade, Money, Role};
use rust_decimal::Decimal;
use rust_decimal::dec;
use std::collections::BTreeMap;
use time::Date;
use time::macros::{date, datetime};

fn cny(amount: Decimal) -> Money {
    Money::new(amount, Currency::parse("CNY").unwrap())
}

fn watch(as_of: Date) -> Watch {
    Watch {
        as_of,
        currency: Currency::parse("CNY").unwrap(),
        score: dec!(640),
        grade: Grade::B,
        limit: cny(dec!(100000)),
        exposure: cny(dec!(50000)),
        overdue: cny(dec!(0)),
        oldest_overdue_days: 0,
        figures: WatchFigures::default(),
        temporary_expires: None,
        review_due: None,
        signals: 0,
        last_signal: None,
        broken_promises: 0,
    }
}

fn rule(id: &str) -> WarningRule {
    WarningRules::default_rules()
        .rules
        .into_iter()
        .find(|r| r.id == id)
        .unwrap()
}

fn invoice(doc: &str, due: Date, open: Decimal, disputed: Decimal) -> OpenInvoice {
    OpenInvoice {
        invoice: DocRef::parse(doc).unwrap(),
        order: None,
        issued: due - time::Duration::days(30),
        due,
        amount: cny(open),
        open: cny(open),
        disputed: cny(disputed),
    }
}

fn subject() -> (CustomerId, String) {
    (CustomerId::parse("C1").unwrap(), "恒通".to_owned())
}

#[test]
fn the_default_rules_and_ladder_are_valid() {
    assert_eq!(WarningRules::default_rules().validate(), Ok(()));
    assert_eq!(DunningLadder::default_ladder().validate(), Ok(()));
}

#[test]
fn a_ladder_step_at_the_smallest_day_there_is_is_refused_not_a_panic() {
    // Arrange: found by the fuzzer; `day.abs()` overflowed.
    let mut ladder = DunningLadder::default_ladder();
    ladder.steps[0].day = i32::MIN;

    // Act
    let result = ladder.validate();

    // Assert
    assert_eq!(result.unwrap_err()[0].field, "steps");
}

#[test]
fn falling_steps_and_a_bad_share_are_named_by_field() {
    let mut rules = WarningRules::default_rules();
    rules.rules[1].when = Condition::OverdueDays {
        steps: vec![60, 30],
    };
    rules.rules[3].when = Condition::Utilisation { above: dec!(95) };

    let errors = rules.validate().unwrap_err();

    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["rules[1].when.steps", "rules[3].when.above"]);
}

#[test]
fn the_overdue_rule_rises_a_level_at_each_step_crossed() {
    let rule = rule("overdue_steps");
    let levels: Vec<Option<u32>> = [0, 29, 30, 59, 60, 90, 200]
        .into_iter()
        .map(|days| {
            let mut w = watch(date!(2026 - 11 - 29));
            w.oldest_overdue_days = days;
            rule.fire(&w, None).map(|f| f.level)
        })
        .collect();

    assert_eq!(
        levels,
        [None, None, Some(1), Some(1), Some(2), Some(3), Some(3)]
    );
}

#[test]
fn a_lengthening_payment_cycle_fires_only_above_its_threshold() {
    let rule = rule("paying_slower");
    let mut slow = watch(date!(2026 - 11 - 29));
    slow.figures.days_to_pay_trend = Some(dec!(12.5));
    let mut steady = slow.clone();
    steady.figures.days_to_pay_trend = Some(dec!(10));

    assert_eq!(rule.fire(&slow, None).map(|f| f.level), Some(1));
    assert_eq!(rule.fire(&steady, None), None);
}

#[test]
fn a_score_drop_is_measured_from_the_reference_a_month_ago() {
    let rule = rule("score_drop");
    let start = watch(date!(2026 - 10 - 01));
    let reference = Reference::roll(None, &start);
    let mut later = watch(date!(2026 - 10 - 20));
    later.score = dec!(575);

    let kept = Reference::roll(Some(&reference), &later);
    let fired = rule.fire(&later, Some(&kept));

    assert_eq!(kept.since, date!(2026 - 10 - 01));
    assert_eq!(fired.map(|f| f.level), Some(1));
    let moved = Reference::roll(Some(&reference), &watch(date!(2026 - 11 - 05)));
    assert_eq!(moved.since, date!(2026 - 11 - 05));
}

#[test]
fn one_alert_per_rule_opens_rises_refreshes_and_ignores_the_same_firing() {
    let rule = rule("overdue_steps");
    let (id, name) = subject();
    let who = AlertSubject {
        customer_id: &id,
        customer_name: &name,
        owner: Some("sales"),
    };
    let at = datetime!(2026-11-29 08:00 UTC);
    let firing = |level, days: u32| Firing {
        level,
        figures: vec![figure("oldest_overdue_days", days)],
    };

    let (opened, o1) = Alert::apply(None, &rule, &who, &firing(1, 31), at);
    let (same, o2) = Alert::apply(Some(&opened), &rule, &who, &firing(1, 31), at);
    let (refreshed, o3) = Alert::apply(Some(&same), &rule, &who, &firing(1, 35), at);
    let (raised, o4) = Alert::apply(Some(&refreshed), &rule, &who, &firing(2, 61), at);

    assert_eq!(
        [o1, o2, o3, o4],
        [
            Outcome::Opened,
            Outcome::Unchanged,
            Outcome::Refreshed,
            Outcome::Raised
        ]
    );
    assert_eq!(raised.level, 2);
    assert_eq!(raised.version, 3);
    assert_eq!(raised.events.len(), 2);
    assert!(raised.is_for("sales", &[]));
    assert!(raised.is_for("someone", &[Role::Collector]));
    assert!(!raised.is_for("someone", &[Role::Approver]));
}

#[test]
fn a_resolved_alert_stays_resolved_until_the_rule_fires_higher_or_anew() {
    let rule = rule("overdue_steps");
    let (id, name) = subject();
    let who = AlertSubject {
        customer_id: &id,
        customer_name: &name,
        owner: None,
    };
    let at = datetime!(2026-11-29 08:00 UTC);
    let firing = Firing {
        level: 1,
        figures: vec![figure("oldest_overdue_days", 31)],
    };
    let (mut alert, _) = Alert::apply(None, &rule, &who, &firing, at);
    alert.status = AlertStatus::Resolved;

    let next_day = Firing {
        level: 1,
        figures: vec![figure("oldest_overdue_days", 32)],
    };
    let (still, quiet) = Alert::apply(Some(&alert), &rule, &who, &next_day, at);
    let higher = Firing {
        level: 2,
        figures: vec![figure("oldest_overdue_days", 60)],
    };
    let (reopened, loud) = Alert::apply(Some(&alert), &rule, &who, &higher, at);

    assert_eq!(quiet, Outcome::Unchanged);
    assert_eq!(still.status, AlertStatus::Resolved);
    assert_eq!(loud, Outcome::Opened);
    assert_eq!(reopened.status, AlertStatus::Open);
    assert_eq!(
        reopened.events.last().map(|e| e.action),
        Some(AlertAction::Reopened)
    );
}

#[test]
fn an_invoice_walking_to_90_days_takes_each_rung_of_the_ladder_once() {
    let ladder = DunningLadder::default_ladder();
    let due = date!(2026 - 06 - 01);
    let invoices = [invoice("INV-1", due, dec!(1000), dec!(0))];
    let mut taken = BTreeMap::new();
    let mut actions = Vec::new();

    for day in -5..=95 {
        let today = due + time::Duration::days(day);
        let (summary, next) = ladder.due_today(&invoices, today, &taken);
        let (again, _) = ladder.due_today(&invoices, today, &next);
        assert_eq!(again, None, "day {day} seen twice did something twice");
        if let Some(s) = summary {
            actions.push((day, s.strongest));
        }
        taken = next;
    }

    use DunningAction::*;
    assert_eq!(
        actions,
        [
            (-3, Reminder),
            (1, Reminder),
            (15, Call),
            (30, Escalate),
            (60, Hold),
            (90, Legal)
        ]
    );
}

#[test]
fn one_summary_covers_all_invoices_and_a_disputed_one_waits() {
    let ladder = DunningLadder::default_ladder();
    let today = date!(2026 - 11 - 29);
    let invoices = [
        invoice(
            "INV-1",
            today - time::Duration::days(16),
            dec!(1000),
            dec!(0),
        ),
        invoice(
            "INV-2",
            today - time::Duration::days(31),
            dec!(500),
            dec!(0),
        ),
        invoice(
            "INV-3",
            today - time::Duration::days(61),
            dec!(700),
            dec!(700),
        ),
    ];

    let (summary, taken) = ladder.due_today(&invoices, today, &BTreeMap::new());

    let summary = summary.unwrap();
    assert_eq!(summary.lines.len(), 2);
    assert_eq!(summary.strongest, DunningAction::Escalate);
    assert_eq!(summary.total, cny(dec!(1500)));
    assert_eq!(taken.get("INV-3"), Some(&0));
}

#[test]
fn a_promise_is_kept_when_paid_and_broken_when_its_day_passes_without_it() {
    let promise = Promise {
        id: "P1".into(),
        customer_id: CustomerId::parse("C1").unwrap(),
        date: date!(2026 - 12 - 05),
        amount: cny(dec!(10000)),
        note: String::new(),
        made_by: "collector".into(),
        made_on: date!(2026 - 11 - 29),
        status: PromiseStatus::Open,
        paid: cny(dec!(0)),
        version: 1,
    };

    assert_eq!(
        promise.judge(cny(dec!(4000)), date!(2026 - 12 - 05)),
        PromiseStatus::Open
    );
    assert_eq!(
        promise.judge(cny(dec!(4000)), date!(2026 - 12 - 06)),
        PromiseStatus::Broken
    );
    assert_eq!(
        promise.judge(cny(dec!(10000)), date!(2026 - 12 - 09)),
        PromiseStatus::Kept
    );
}

#[test]
fn gentle_steps_go_to_the_owner_and_the_rest_to_the_least_loaded_collector() {
    let collectors = [
        ("li".to_owned(), 4),
        ("wang".to_owned(), 2),
        ("zhao".to_owned(), 2),
    ];

    assert_eq!(
        assign(DunningAction::Call, Some("sales"), &collectors).as_deref(),
        Some("sales")
    );
    assert_eq!(
        assign(DunningAction::Escalate, Some("sales"), &collectors).as_deref(),
        Some("wang")
    );
    assert_eq!(
        assign(DunningAction::Legal, Some("sales"), &[]).as_deref(),
        Some("sales")
    );
    assert_eq!(priority(dec!(1000), 30, dec!(0.05)), dec!(1500));
}

#[test]
fn time_alone_wakes_a_customer_on_the_next_step_or_expiry() {
    let today = date!(2026 - 11 - 29);
    let invoices = [invoice("INV-1", date!(2026 - 11 - 10), dec!(100), dec!(0))];
    let mut w = watch(today);
    w.temporary_expires = Some(date!(2026 - 12 - 20));

    assert_eq!(
        rule("overdue_steps").next_wake(&w, &invoices),
        Some(date!(2026 - 12 - 10))
    );
    assert_eq!(
        rule("temporary_limit_ending").next_wake(&w, &invoices),
        Some(date!(2026 - 12 - 13))
    );
    assert_eq!(
        DunningLadder::default_ladder().next_wake(&invoices, today),
        Some(date!(2026 - 12 - 10))
    );
}

#[test]
fn kpis_add_up_the_portfolio_and_show_grade_drift() {
    let input = |id: &str, grade, receivables, overdue, sales| KpiInput {
        customer_id: CustomerId::parse(id).unwrap(),
        name: id.to_owned(),
        grade: Some(grade),
        receivables,
        overdue,
        exposure: receivables,
        limit: dec!(100000),
        sales_12m: sales,
        write_offs_12m: dec!(0),
    };
    let inputs = [
        input("C1", Grade::A, dec!(30000), dec!(0), dec!(365000)),
        input("C2", Grade::C, dec!(10000), dec!(5000), dec!(0)),
    ];
    let before = [GradeCount {
        grade: "A".into(),
        customers: 2,
        drift: None,
    }];

    let k = Kpis::compute(
        date!(2026 - 11 - 29),
        Currency::parse("CNY").unwrap(),
        &inputs,
        0,
        Some(&before),
        vec![],
    );

    assert_eq!(k.overdue_share, dec!(0.125));
    assert_eq!(k.dso, Some(dec!(40.0)));
    assert_eq!(k.top_exposures[0].customer_id.as_str(), "C1");
    let a = k.grades.iter().find(|g| g.grade == "A").unwrap();
    assert_eq!((a.customers, a.drift), (1, Some(-1)));
}

#[test]
fn a_resolved_alert_whose_condition_cleared_reopens_when_the_rule_fires_again() {
    let rule = rule("paying_slower");
    let (id, name) = subject();
    let who = AlertSubject {
        customer_id: &id,
        customer_name: &name,
        owner: None,
    };
    let at = datetime!(2026-11-29 08:00 UTC);
    let firing = Firing {
        level: 1,
        figures: vec![figure("days_to_pay_trend", 12)],
    };
    let (mut alert, _) = Alert::apply(None, &rule, &who, &firing, at);
    alert.status = AlertStatus::Resolved;

    let cleared = alert.cleared(at).unwrap();
    let (reopened, outcome) = Alert::apply(Some(&cleared), &rule, &who, &firing, at);

    assert_eq!(cleared.level, 0);
    assert_eq!(cleared.cleared(at), None, "clearing twice records nothing");
    assert_eq!(outcome, Outcome::Opened);
    assert_eq!(reopened.status, AlertStatus::Open);
}

#[test]
fn a_stored_invoice_due_on_the_last_day_of_9999_wakes_nobody_and_panics_nowhere() {
    // Arrange: values stored before dates were bounded at the door.
    let today = date!(2026 - 11 - 29);
    let far = invoice("INV-FAR", date!(9999 - 12 - 31), dec!(100), dec!(0));
    let ancient = OpenInvoice {
        issued: date!(-9999 - 01 - 01),
        ..invoice("INV-OLD", date!(2026 - 01 - 01), dec!(100), dec!(0))
    };
    let ancient = OpenInvoice {
        due: ancient.issued,
        ..ancient
    };
    let mut w = watch(today);
    w.temporary_expires = Some(date!(9999 - 12 - 31));
    w.review_due = Some(date!(-9999 - 01 - 01));
    let ladder = DunningLadder::default_ladder();

    // Act
    let overdue_wake = rule("overdue_steps").next_wake(&w, std::slice::from_ref(&far));
    let expiry_wake = rule("temporary_limit_ending").next_wake(&w, &[]);
    let review_wake = rule("review_due").next_wake(&w, &[]);
    let ladder_wake = ladder.next_wake(&[far.clone(), ancient.clone()], today);
    let (summary, _) = ladder.due_today(&[far.clone(), ancient.clone()], today, &BTreeMap::new());
    let buckets = aging_buckets(&[far, ancient], today, w.currency);

    // Assert: a step past the calendar's end saturates there.
    assert_eq!(overdue_wake, Some(Date::MAX));
    assert_eq!(
        expiry_wake,
        Some(crate::bounds::sub_days(date!(9999 - 12 - 31), 7))
    );
    assert_eq!(
        review_wake, None,
        "a review due in the year -9999 has passed"
    );
    assert_eq!(
        ladder_wake,
        Some(date!(9999 - 12 - 28)),
        "3 days before it falls due"
    );
    assert!(
        summary.is_some(),
        "the ancient invoice takes its dunning steps"
    );
    assert_eq!(buckets.len(), 5);
}

#[test]
fn a_collection_priority_saturates_instead_of_overflowing() {
    let huge = priority(Decimal::MAX, u32::MAX, dec!(0.5));
    let large = priority(dec!(1_000_000), 365, dec!(0.5));

    assert!(huge > large, "{huge} ranks above {large}");
}

#[test]
fn a_promise_amount_above_ten_to_the_fifteen_is_named_by_field() {
    let today = date!(2026 - 11 - 29);
    let promise = NewPromise {
        idempotency_key: "app:1".into(),
        date: date!(2026 - 12 - 05),
        amount: cny(Decimal::MAX),
        note: String::new(),
    };

    let errors = promise.validate(today, Currency::CNY).unwrap_err();

    assert_eq!(errors[0].field, "amount");
}

#[test]
fn an_alert_raised_again_outside_the_rules_goes_up_a_level_and_reopens_when_resolved() {
    // Arrange
    let (id, name) = subject();
    let who = AlertSubject {
        customer_id: &id,
        customer_name: &name,
        owner: None,
    };
    let at = datetime!(2026-03-01 08:00 UTC);
    let firing = Firing {
        level: 1,
        figures: vec![figure("oldest_overdue_days", 31)],
    };
    let (mut alert, _) = Alert::apply(None, &rule("overdue_steps"), &who, &firing, at);
    alert.status = AlertStatus::Resolved;

    // Act
    let again = alert.raised_again(vec![figure("order", 1)], ("system", "shipped"), at);

    // Assert
    assert_eq!((again.level, again.status), (2, AlertStatus::Open));
    assert_eq!(again.version, alert.version + 1);
    let last = again.events.last().expect("an event");
    assert_eq!(
        (last.action, last.by.as_str()),
        (AlertAction::Reopened, "system")
    );
    assert_eq!(again.figures, vec![figure("order", 1)]);
}
