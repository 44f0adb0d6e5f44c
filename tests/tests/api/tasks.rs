//! Collection tasks by hand: a collector opens one for a colleague (once per key), it is on
//! the colleague's worklist, is handed back over its version, and each step is in the
//! customer's activity.

use crate::helpers::*;
use serde_json::{Value, json};

async fn in_directory(app: &TestApp, name: &str) {
    app.signed_in(Role::Admin)
        .put(
            &format!("/v1/admin/users/{name}"),
            json!({"version": 0, "roles": ["collector"], "reason": "collections team"}),
        )
        .await
        .assert_status(200);
}

fn ids(worklist: &Value) -> Vec<&str> {
    worklist["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_task_opened_by_hand_lands_on_its_assignees_worklist_once_and_can_be_handed_back() {
    // Arrange
    let app = spawn_app().await;
    in_directory(&app, "wang").await;
    let collector = app.signed_in(Role::Collector);
    let admin = app.signed_in(Role::Admin);
    let body = json!({"idempotency_key": "task-1", "action": "call",
                      "reason": "客户财务说下周付款，请电话确认", "assignee": "wang"});

    // Act
    let opened = collector.post("/v1/customers/C2/tasks", body.clone()).await;
    let again = collector.post("/v1/customers/C2/tasks", body).await;
    let wangs = admin.get("/v1/worklist?assignee=wang").await.body;
    let task_id = opened.body["id"].as_str().unwrap().to_owned();
    let handed = collector
        .put(
            &format!("/v1/customers/C2/tasks/{task_id}/assignee"),
            json!({"assignee": "collector", "version": opened.body["version"],
                   "note": "王先生休假"}),
        )
        .await;
    let stale = collector
        .put(
            &format!("/v1/customers/C2/tasks/{task_id}/assignee"),
            json!({"assignee": "wang", "version": opened.body["version"]}),
        )
        .await;
    let mine = collector.get("/v1/worklist").await.body;
    let wangs_after = admin.get("/v1/worklist?assignee=wang").await.body;
    let activity = collector.get("/v1/customers/C2/collections").await.body;

    // Assert
    opened.assert_status(201);
    assert_eq!(opened.body["assignee"], "wang");
    assert_eq!(opened.body["action"], "call");
    again.assert_status(200);
    assert_eq!(
        again.body["id"], opened.body["id"],
        "the same key, the same task"
    );
    assert_eq!(ids(&wangs), vec![task_id.as_str()]);
    handed.assert_status(200);
    assert_eq!(handed.body["assignee"], "collector");
    stale.problem(409);
    assert_eq!(ids(&mine), vec![task_id.as_str()]);
    assert!(ids(&wangs_after).is_empty(), "{wangs_after}");
    let kinds: Vec<&str> = activity["activity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "task_assigned").count(),
        2,
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_task_for_nobody_or_without_a_reason_is_refused_on_its_field() {
    // Arrange
    let app = spawn_app().await;
    let collector = app.signed_in(Role::Collector);

    // Act
    let nobody = collector
        .post(
            "/v1/customers/C2/tasks",
            json!({"idempotency_key": "t-2", "action": "call", "reason": "x",
                   "assignee": "no-such-person"}),
        )
        .await;
    let no_reason = collector
        .post(
            "/v1/customers/C2/tasks",
            json!({"idempotency_key": "t-3", "action": "call", "reason": "  "}),
        )
        .await;

    // Assert
    nobody.problem(422);
    assert_eq!(nobody.problem_field(), "assignee");
    no_reason.problem(422);
    assert_eq!(no_reason.problem_field(), "reason");
}

#[tokio::test]
async fn a_note_sent_again_with_its_key_is_recorded_once_and_a_bad_key_is_refused() {
    // Arrange: a note typed offline is replayed from the app's queue, twice.
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let body = json!({"text": "地下车库没信号，客户说月底付", "idempotency_key": "note-offline-1"});

    // Act
    let first = sales.post("/v1/customers/C2/notes", body.clone()).await;
    let again = sales.post("/v1/customers/C2/notes", body).await;
    let bad = sales
        .post(
            "/v1/customers/C2/notes",
            json!({"text": "x", "idempotency_key": "no spaces"}),
        )
        .await;
    let activity = sales.get("/v1/customers/C2/collections").await.body;

    // Assert
    first.assert_status(201);
    again.assert_status(200);
    assert_eq!(again.body["at"], first.body["at"], "the note recorded then");
    bad.problem(422);
    assert_eq!(bad.problem_field(), "idempotency_key");
    let notes = activity["activity"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "note")
        .count();
    assert_eq!(notes, 1, "{activity}");
}
