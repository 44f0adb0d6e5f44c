//! The customer's owner copied onto its credit file: a sales rep's order check reads the file
//! alone, and the copy follows every change of owner, even one racing a write of the file.

use crate::helpers::faults::Throttle;
use crate::helpers::*;
use aws_sdk_dynamodb::types::AttributeValue;
use credence_api::store::keys;
use credence_shared::CustomerId;
use serde_json::json;
use time::OffsetDateTime;

/// The key of an `alpha` customer's `CREDIT` item.
fn credit_key(customer: &str) -> std::collections::HashMap<String, AttributeValue> {
    let pk = keys::customer_pk(&tenant("alpha"), &CustomerId::parse(customer).unwrap());
    [
        (keys::PK.to_owned(), AttributeValue::S(pk)),
        (
            keys::SK.to_owned(),
            AttributeValue::S(keys::CREDIT_SK.into()),
        ),
    ]
    .into()
}

/// The `owner` attribute of a customer's `CREDIT` item, as stored (`None`: no attribute).
async fn owner_on_file(app: &TestApp, customer: &str) -> Option<AttributeValue> {
    let item = app
        .store
        .raw_client()
        .get_item()
        .table_name(app.store.table())
        .set_key(Some(credit_key(customer)))
        .consistent_read(true)
        .send()
        .await
        .expect("reading the credit file")
        .item
        .expect("a credit file");
    item.get("owner").cloned()
}

/// Takes the copy off a customer's file, as files were written before they carried it.
async fn forget_owner_on_file(app: &TestApp, customer: &str) {
    app.store
        .raw_client()
        .update_item()
        .table_name(app.store.table())
        .set_key(Some(credit_key(customer)))
        .update_expression("REMOVE #ow")
        .expression_attribute_names("#ow", "owner")
        .send()
        .await
        .expect("removing the copy");
}

fn s(value: &str) -> Option<AttributeValue> {
    Some(AttributeValue::S(value.into()))
}

#[tokio::test]
async fn a_sales_rep_s_order_check_is_one_get_item_of_the_credit_file() {
    // Arrange: the rep's first check creates C1's file.
    let throttle = Throttle::start(endpoint()).await;
    let app = spawn_app_on(&throttle.endpoint(), OffsetDateTime::now_utc()).await;
    let sales = app.signed_in(Role::Sales);
    sales.credit_check("C1", "100.00").await.assert_status(200);
    throttle.take_operations();

    // Act
    let check = sales.credit_check("C1", "100.00").await;

    // Assert
    check.assert_status(200);
    assert_eq!(throttle.take_operations(), ["GetItem"]);
    assert_eq!(owner_on_file(&app, "C1").await, s("sales"));
}

#[tokio::test]
async fn a_file_carrying_no_owner_is_checked_against_the_profile_and_takes_the_owner_when_next_written()
 {
    // Arrange: C1 is the rep's, C4 another rep's; both files lose their copy.
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    sales.credit_check("C1", "100.00").await.assert_status(200);
    risk.credit_check("C4", "100.00").await.assert_status(200);
    forget_owner_on_file(&app, "C1").await;
    forget_owner_on_file(&app, "C4").await;

    // Act
    let own = sales.credit_check("C1", "100.00").await;
    let others = sales.credit_check("C4", "100.00").await;
    let today = app.clock.today();
    app.post_events(vec![invoice_on(
        "own-1",
        "C1",
        today,
        today + time::Duration::days(30),
        "500.00",
    )])
    .await;

    // Assert
    own.assert_status(200);
    others.problem(403);
    assert_eq!(owner_on_file(&app, "C1").await, s("sales"));
    assert_eq!(owner_on_file(&app, "C4").await, None, "not written since");
}

#[tokio::test]
async fn customers_handed_between_reps_are_checked_by_the_new_rep_only_and_one_given_to_nobody_by_no_rep()
 {
    // Arrange: C1's file is the rep's, C4's another rep's.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let sales = app.signed_in(Role::Sales);
    sales.credit_check("C1", "100.00").await.assert_status(200);
    risk.credit_check("C4", "100.00").await.assert_status(200);
    let hand = |customer: &'static str, owner: serde_json::Value| {
        let risk = &risk;
        async move {
            risk.post(
                "/v1/customers/owner",
                json!({"customers": [customer], "owner": owner}),
            )
            .await
            .assert_status(200);
        }
    };

    // Act
    hand("C4", json!("sales")).await;
    hand("C1", json!("other-rep")).await;
    let gained = sales.credit_check("C4", "100.00").await;
    let lost = sales.credit_check("C1", "100.00").await;
    let (c1_on_file, c4_on_file) = (
        owner_on_file(&app, "C1").await,
        owner_on_file(&app, "C4").await,
    );
    hand("C4", json!(null)).await;
    let nobody_s = sales.credit_check("C4", "100.00").await;

    // Assert
    gained.assert_status(200);
    lost.problem(403);
    assert_eq!(c1_on_file, s("other-rep"));
    assert_eq!(c4_on_file, s("sales"));
    nobody_s.problem(403);
    assert_eq!(
        owner_on_file(&app, "C4").await,
        Some(AttributeValue::Null(true))
    );
    risk.credit_check("C4", "100.00").await.assert_status(200);
}

#[tokio::test]
async fn a_new_customer_s_first_file_carries_its_owner() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);

    // Act: a master record with an owner makes the customer and its first file together.
    risk.put(
        "/v1/customers/N-1",
        json!({"name": "宁波新客户贸易有限公司", "owner": "sales"}),
    )
    .await
    .assert_status(201);

    // Assert
    assert_eq!(owner_on_file(&app, "N-1").await, s("sales"));
    app.signed_in(Role::Sales)
        .credit_check("N-1", "100.00")
        .await
        .assert_status(200);
}

#[tokio::test]
async fn ledger_writes_racing_reassignments_leave_the_profile_s_owner_on_the_file() {
    // Arrange: C1's file exists; finance posts while risk hands C1 back and forth.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let finance = app.signed_in(Role::Finance);
    risk.credit_check("C1", "100.00").await.assert_status(200);
    let today = app.clock.today();

    // Act
    let posts = async {
        for n in 0..12 {
            let event = invoice_on(
                &format!("race-{n}"),
                "C1",
                today,
                today + time::Duration::days(30),
                "10.00",
            );
            finance
                .post("/v1/ledger/events", json!({"events": [event]}))
                .await
                .assert_status(200);
        }
    };
    let moves = async {
        for n in 0..12 {
            let owner = if n % 2 == 0 { "other-rep" } else { "sales" };
            risk.post(
                "/v1/customers/owner",
                json!({"customers": ["C1"], "owner": owner}),
            )
            .await
            .assert_status(200);
        }
    };
    tokio::join!(posts, moves);

    // Assert: the last owner given ("sales") is on the profile and on the file.
    let profile = risk.get("/v1/customers/C1").await;
    assert_eq!(profile.assert_status(200)["owner"], "sales");
    assert_eq!(owner_on_file(&app, "C1").await, s("sales"));
}

/// A write of C1's file that keeps its state, over `expected`, copying `profile_owner`.
fn rewrite(
    state: &credence_api::store::credit::CreditState,
    expected: credence_api::store::credit::Expected,
    profile_owner: Option<Option<credence_shared::UserId>>,
) -> credence_api::store::credit::CreditWrite {
    use credence_api::store::credit::{CreditWrite, SummaryUpdate};
    CreditWrite {
        expected,
        state: state.clone(),
        summary: SummaryUpdate {
            grade: state.assessment.grade,
            credit_limit: cny(0),
            exposure: cny(0),
            overdue: cny(0),
            oldest_overdue_days: 0,
            terms_days: 30,
            on_hold: false,
            blacklisted: false,
        },
        new_entries: Vec::new(),
        ledger: None,
        history: None,
        blocked: Vec::new(),
        group_delta: None,
        extra: Vec::new(),
        profile_owner,
    }
}

#[tokio::test]
async fn a_file_write_over_an_owner_that_changed_since_it_was_read_is_refused_as_a_conflict() {
    // Arrange: C1's file is read with its owner; C2 has no file, its profile is read.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    risk.credit_check("C1", "100.00").await.assert_status(200);
    let alpha = tenant("alpha");
    let (c1, c2) = (
        CustomerId::parse("C1").unwrap(),
        CustomerId::parse("C2").unwrap(),
    );
    let read = app.store.get_credit(&alpha, &c1).await.unwrap().unwrap();
    let c2_profile = app.store.get_customer(&alpha, &c2).await.unwrap().unwrap();
    let expected = credence_api::store::credit::CreditRecord::expected(Some(&read));
    let first_file = rewrite(&read.state, Default::default(), Some(c2_profile.owner));
    // …and both customers change hands meanwhile.
    risk.post(
        "/v1/customers/owner",
        json!({"customers": ["C1", "C2"], "owner": "other-rep"}),
    )
    .await
    .assert_status(200);

    // Act
    let over_c1 = app
        .store
        .write_credit(&alpha, &c1, &rewrite(&read.state, expected, None), "now")
        .await;
    let first_c2 = app
        .store
        .write_credit(&alpha, &c2, &first_file, "now")
        .await;

    // Assert
    use credence_api::store::credit::WriteConflict;
    assert!(
        matches!(over_c1, Err(WriteConflict::Version)),
        "{over_c1:?}"
    );
    assert!(
        matches!(first_c2, Err(WriteConflict::Version)),
        "{first_c2:?}"
    );
    assert_eq!(owner_on_file(&app, "C1").await, s("other-rep"));
}
