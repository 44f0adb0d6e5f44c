//! Credit requests: filing, reviewing, reading them back, the inbox and the audit trail.

use super::credit::money;
use super::{SignedIn, TestApp, TestResponse};
use credence_shared::Role;
use serde_json::{Value, json};

/// A change of the permanent limit to `amount` CNY.
pub fn limit_change(amount: &str) -> Value {
    json!({"type": "limit", "limit": money(amount)})
}

/// The version a review or resubmit must name, from a request detail.
pub fn version_of(detail: &Value) -> u64 {
    detail["request"]["version"].as_u64().unwrap()
}

/// The approving roles of a request's steps, in order.
pub fn roles_of(request: &Value) -> Vec<&str> {
    request["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["role"].as_str().unwrap())
        .collect()
}

/// The actions of a request's timeline, in order.
pub fn timeline_of(request: &Value) -> Vec<&str> {
    request["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["action"].as_str().unwrap())
        .collect()
}

/// The actions of audit entries, in order.
pub fn audit_actions(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

/// The `id` of each element of a JSON array.
pub fn ids_in(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect()
}

impl SignedIn<'_> {
    /// Files a request for `change` on the customer.
    pub async fn file_request(&self, customer: &str, change: Value) -> TestResponse {
        self.post(
            &format!("/v1/customers/{customer}/requests"),
            json!({"change": change, "justification": "peak season orders"}),
        )
        .await
    }

    /// Files a request that must be accepted; returns its id.
    pub async fn filed(&self, customer: &str, change: Value) -> String {
        let r = self.file_request(customer, change).await;
        r.assert_status(201)["id"].as_str().unwrap().to_owned()
    }

    /// Approves, rejects or returns a request on `version`.
    pub async fn review(
        &self,
        customer: &str,
        rid: &str,
        action: &str,
        note: &str,
        version: u64,
    ) -> TestResponse {
        self.post(
            &format!("/v1/customers/{customer}/requests/{rid}/review"),
            json!({"action": action, "note": note, "version": version}),
        )
        .await
    }

    /// Approves a request on `version` without a note.
    pub async fn approve(&self, customer: &str, rid: &str, version: u64) -> TestResponse {
        self.review(customer, rid, "approve", "", version).await
    }

    /// The request detail (must be readable).
    pub async fn detail(&self, customer: &str, rid: &str) -> Value {
        self.get(&format!("/v1/customers/{customer}/requests/{rid}"))
            .await
            .assert_status(200)
            .clone()
    }

    /// The request's line in the customer's request list.
    pub async fn summary_of(&self, customer: &str, rid: &str) -> Value {
        let r = self
            .get(&format!("/v1/customers/{customer}/requests"))
            .await;
        r.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == rid)
            .cloned()
            .unwrap_or_else(|| panic!("{rid} not in {}", r.body))
    }

    /// This user's inbox.
    pub async fn inbox(&self) -> Value {
        self.get("/v1/inbox").await.assert_status(200).clone()
    }

    /// The customer's audit trail.
    pub async fn audit_of(&self, customer: &str) -> Vec<Value> {
        self.get(&format!("/v1/customers/{customer}/audit"))
            .await
            .assert_status(200)["items"]
            .as_array()
            .unwrap()
            .clone()
    }
}

/// The test user who approves as `role`.
fn approver_for(role: &str) -> Role {
    match role {
        "risk" => Role::Risk,
        "finance" => Role::Finance,
        "approver" => Role::Approver,
        "admin" => Role::Admin,
        other => panic!("no test user approves as {other}"),
    }
}

impl TestApp {
    /// Approves every step as the user of its role until the request is no longer pending;
    /// returns the final detail.
    pub async fn approve_all(&self, customer: &str, rid: &str) -> Value {
        let risk = self.signed_in(Role::Risk);
        for _ in 0..8 {
            let d = risk.detail(customer, rid).await;
            if d["request"]["status"] != "pending" {
                return d;
            }
            let step = d["request"]["steps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s.get("outcome").is_none_or(Value::is_null))
                .unwrap();
            self.signed_in(approver_for(step["role"].as_str().unwrap()))
                .approve(customer, rid, version_of(&d))
                .await
                .assert_status(200);
        }
        panic!("request {rid} still pending after 8 approvals");
    }
}
