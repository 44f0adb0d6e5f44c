//! Who approves: the approval matrix's steps in order, no one approving twice or their
//! own request, one winner among simultaneous approvals, re-checks against a credit file
//! that changed since filing, and the rep who owns the customer.

use crate::helpers::*;
use serde_json::json;

// ----- multi-level approval and who may approve ---------------------------------------

#[tokio::test]
async fn a_large_increase_waits_for_the_approver_after_risk_and_only_then_applies() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    let finance = app.signed_in(Role::Finance);
    let approver = app.signed_in(Role::Approver);
    app.customer_with_limit("C1", "10000.00").await;
    let r = sales.file_request("C1", limit_change("500000.00")).await;
    r.assert_status(201);
    assert_eq!(roles_of(&r.body), ["risk", "approver"]);
    let rid = r.body["id"].as_str().unwrap();

    let by_finance = finance.approve("C1", rid, 1).await;
    let by_approver_too_early = approver.approve("C1", rid, 1).await;
    let first = risk.review("C1", rid, "approve", "looks fine", 1).await;

    by_finance.problem(403);
    by_approver_too_early.problem(403);
    first.assert_status(200);
    assert_eq!(first.body["request"]["status"], "pending");
    assert_eq!(risk.summary_of("C1", rid).await["waiting_for"], "approver");
    assert_eq!(
        risk.credit("C1").await["file"]["limit"]["amount"],
        "10000.00"
    );
    let risk_again = risk.approve("C1", rid, 2).await;
    risk_again.problem(403);
    let waiting = approver.inbox().await;
    assert_eq!(ids_in(&waiting["waiting"]), [rid]);

    let last = approver.approve("C1", rid, 2).await;

    last.assert_status(200);
    assert_eq!(last.body["request"]["status"], "approved");
    assert_eq!(
        timeline_of(&last.body["request"]),
        ["submitted", "approved", "approved", "applied"]
    );
    assert_eq!(
        risk.credit("C1").await["file"]["limit"]["amount"],
        "500000.00"
    );
}

#[tokio::test]
async fn one_person_holding_two_roles_cannot_approve_two_steps_of_one_request() {
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let sales = app.signed_in(Role::Sales);
    app.customer_with_limit("C1", "10000.00").await;
    let granted = admin
        .put(
            "/v1/admin/users/finance",
            json!({"version": 0, "roles": ["risk", "approver"], "reason": "cover for holidays"}),
        )
        .await;
    granted.assert_status(200);
    let both = app.signed_in(Role::Finance);
    let rid = sales.filed("C1", limit_change("500000.00")).await;

    let first = both.approve("C1", &rid, 1).await;
    let second = both.approve("C1", &rid, 2).await;

    first.assert_status(200);
    assert_eq!(first.body["request"]["status"], "pending");
    second.problem(403);
    let d = both.detail("C1", &rid).await;
    assert_eq!(d["can_review"], false);
    assert_eq!(d["request"]["status"], "pending");
}

#[tokio::test]
async fn the_requester_cannot_approve_their_own_request() {
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let rid = risk.filed("C1", limit_change("80000.00")).await;

    let own = risk.approve("C1", &rid, 1).await;

    own.problem(403);
    let d = risk.detail("C1", &rid).await;
    assert_eq!(d["can_review"], false);
    assert_eq!(d["can_withdraw"], true);
    assert_eq!(d["request"]["status"], "pending");
    assert!(ids_in(&risk.inbox().await["waiting"]).is_empty());
}

// ----- concurrency ----------------------------------------------------------------------

#[tokio::test]
async fn of_eight_simultaneous_approvals_exactly_one_wins_and_the_change_is_applied_once() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let rid = sales.filed("C1", limit_change("80000.00")).await;

    let calls = (0..8).map(|_| risk.approve("C1", &rid, 1));
    let responses = futures::future::join_all(calls).await;

    let statuses: Vec<u16> = responses.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 403, 409].contains(s)),
        "{statuses:?}"
    );
    let trail = risk.audit_of("C1").await;
    let actions = audit_actions(&trail);
    assert_eq!(
        actions.iter().filter(|a| **a == "apply-request").count(),
        1,
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| **a == "approve").count(),
        1,
        "{actions:?}"
    );
    let d = risk.detail("C1", &rid).await;
    assert_eq!(d["request"]["status"], "approved");
    assert_eq!(
        timeline_of(&d["request"])
            .iter()
            .filter(|a| **a == "applied")
            .count(),
        1
    );
    assert_eq!(
        risk.credit("C1").await["file"]["limit"]["amount"],
        "80000.00"
    );
}

// ----- re-check on a changed credit file ------------------------------------------------

#[tokio::test]
async fn a_request_approved_after_the_customer_was_blacklisted_is_returned_not_applied() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let rid = sales.filed("C1", limit_change("80000.00")).await;
    risk.blacklist_customer("C1").await;
    assert!(risk.detail("C1", &rid).await["changed_since_filed"] == true);

    let approved = risk.approve("C1", &rid, 1).await;

    approved.assert_status(200);
    let request = &approved.body["request"];
    assert_eq!(request["status"], "returned");
    let timeline = timeline_of(request);
    assert!(timeline.contains(&"rechecked"), "{timeline:?}");
    assert!(!timeline.contains(&"applied"), "{timeline:?}");
    let file = risk.credit("C1").await;
    assert_eq!(file["decision"]["limit"]["amount"]["amount"], "10000.00");
    assert_eq!(file["decision"]["blacklisted"], true);
    assert!(!audit_actions(&risk.audit_of("C1").await).contains(&"apply-request"));
    assert_eq!(ids_in(&sales.inbox().await["returned"]), [rid.as_str()]);
}

#[tokio::test]
async fn more_credit_for_a_blacklisted_customer_is_refused_when_filed_but_a_cut_is_not() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "50000.00").await;
    risk.blacklist_customer("C1").await;

    let increase = sales.file_request("C1", limit_change("80000.00")).await;
    let release = sales
        .file_request("C1", json!({"type": "hold_release"}))
        .await;
    let cut = risk.file_request("C1", limit_change("20000.00")).await;

    increase.assert_status(422);
    assert_eq!(increase.body["errors"][0]["field"], "change.type");
    release.assert_status(422);
    cut.assert_status(201);
}

#[tokio::test]
async fn a_request_approved_after_the_grade_fell_to_d_or_e_waits_for_the_extra_approvers() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    let finance = app.signed_in(Role::Finance);
    app.customer_with_limit("C1", "10000.00").await;
    let rid = sales.filed("C1", limit_change("80000.00")).await;
    let today = app.clock.today();
    let posted = finance
        .post(
            "/v1/ledger/events",
            json!({"events": [invoice_on(
                "old-1",
                "C1",
                today - time::Duration::days(300),
                today - time::Duration::days(240),
                "900000.00",
            )]}),
        )
        .await;
    assert_eq!(posted.body["accepted"], 1, "{}", posted.body);
    let grade = risk.credit("C1").await["assessment"]["grade"].clone();
    assert!(
        grade == "D" || grade == "E",
        "a 240-day overdue invoice should drop the grade, it is {grade}"
    );

    let approved = risk.approve("C1", &rid, 1).await;

    approved.assert_status(200);
    let request = &approved.body["request"];
    assert_eq!(request["status"], "pending", "{request}");
    assert!(timeline_of(request).contains(&"rechecked"));
    assert_eq!(roles_of(request), ["risk", "finance", "approver"]);
    assert_eq!(risk.summary_of("C1", &rid).await["waiting_for"], "finance");
    assert_eq!(
        risk.credit("C1").await["decision"]["limit"]["amount"]["amount"],
        "10000.00"
    );
}

// ----- ownership ------------------------------------------------------------------------

#[tokio::test]
async fn a_sales_rep_cannot_see_check_or_file_for_another_reps_customer_but_risk_can() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    let change = json!({"type": "terms_change", "terms_days": 45});

    let customer = sales.get("/v1/customers/C4").await;
    let file = sales.get("/v1/customers/C4/credit").await;
    let check = sales.credit_check("C4", "100.00").await;
    let own_check = sales.credit_check("C1", "100.00").await;
    let request = sales.file_request("C4", change.clone()).await;
    let requests = sales.get("/v1/customers/C4/requests").await;
    let audit = sales.get("/v1/customers/C4/audit").await;
    let search = sales.get("/v1/customers?q=广州").await;

    customer.problem(403);
    file.problem(403);
    check.problem(403);
    own_check.assert_status(200);
    request.problem(403);
    requests.problem(403);
    audit.problem(403);
    search.assert_status(200);
    assert!(!ids_in(&search.body["items"]).contains(&"C4"));
    assert_eq!(risk.get("/v1/customers/C4").await.status, 200);
    risk.credit("C4").await;
    risk.credit_check("C4", "100.00").await.assert_status(200);
    let by_risk = risk.file_request("C4", change).await;
    by_risk.assert_status(201);
    let open = sales.get("/v1/requests").await;
    assert!(!ids_in(&open.body["items"]).contains(&by_risk.body["id"].as_str().unwrap()));
}
