//! The hostile-input battery: every operation in `/openapi.json`, called as an admin (who
//! may do the most) with its valid body mutated field by field — wrong types, huge and
//! negative numbers, long and control-character strings, odd Unicode, 1,000-element arrays,
//! missing and unknown fields — plus deep nesting, hostile path ids (`#`, `/`, `%`, long,
//! Unicode) and hostile query values. Nothing may answer 5xx, and every 4xx is
//! problem+json (a 422 naming its fields). The number of requests tried is printed.

use crate::authorisation::{Row, body_for, fixture, rows};
use crate::helpers::*;
use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

/// Values put in place of each field of a valid body.
fn hostile_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(-1),
        json!(0),
        json!(1e300),
        json!(-1e300),
        json!(u64::MAX),
        json!(i64::MIN),
        json!("79228162514264337593543950335"),
        json!("-79228162514264337593543950335"),
        json!("0.0000000000000000000000000001"),
        json!("1e400"),
        json!("NaN"),
        json!(""),
        json!(" "),
        json!("x".repeat(10_000)),
        json!("\u{0}\u{1}\u{1f}\r\n\t=cmd|' /C calc'!A0"),
        json!("\u{202e}\u{200b}𝟘🙂é\u{fffd}"),
        json!("C1#SK/../%2F%00"),
        json!("9999-12-31"),
        json!("-9999-01-01"),
        json!("2026-02-30"),
        json!([]),
        json!({}),
        json!([1, "a", null, {}]),
        Value::Array(vec![json!("C1"); 1000]),
        json!({"amount": "1e15", "currency": "CNY"}),
        json!({"amount": "-5", "currency": "XXX"}),
        json!({"amount": "100000000000000000000", "currency": "CNY"}),
    ]
}

/// Every path to a leaf or container of `v` (object keys and array indexes).
fn paths(v: &Value, at: Vec<PathPart>, out: &mut Vec<Vec<PathPart>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let mut p = at.clone();
                p.push(PathPart::Key(k.clone()));
                out.push(p.clone());
                paths(child, p, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate().take(3) {
                let mut p = at.clone();
                p.push(PathPart::Index(i));
                out.push(p.clone());
                paths(child, p, out);
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathPart {
    Key(String),
    Index(usize),
}

fn at_path<'a>(v: &'a mut Value, path: &[PathPart]) -> Option<&'a mut Value> {
    let mut cur = v;
    for part in path {
        cur = match part {
            PathPart::Key(k) => cur.get_mut(k.as_str())?,
            PathPart::Index(i) => cur.get_mut(*i)?,
        };
    }
    Some(cur)
}

fn remove_at(v: &mut Value, path: &[PathPart]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    if let (Some(Value::Object(map)), PathPart::Key(k)) = (at_path(v, parent), last) {
        map.remove(k);
    }
}

/// Bodies derived from `valid`: each field replaced by each hostile value, each field
/// removed, an unknown field added, and the whole body replaced by odd shapes.
fn mutations(valid: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut all = Vec::new();
    paths(valid, Vec::new(), &mut all);
    // The first 40 fields: large documents (models, rule sets) repeat their shapes.
    for path in all.iter().take(40) {
        for value in hostile_values() {
            let mut body = valid.clone();
            if let Some(slot) = at_path(&mut body, path) {
                *slot = value;
                out.push(body);
            }
        }
        let mut body = valid.clone();
        remove_at(&mut body, path);
        out.push(body);
    }
    let mut unknown = valid.clone();
    if let Value::Object(map) = &mut unknown {
        map.insert("__proto__".into(), json!({"admin": true}));
    }
    out.push(unknown);
    out.extend([
        Value::Null,
        json!([]),
        json!("a string"),
        json!(12),
        json!({}),
    ]);
    out
}

/// Nested arrays `depth` deep, as raw text (serde_json's own limit is 128).
fn deep(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// Path ids a client could send, percent-encoded where a URI needs it.
const HOSTILE_IDS: &[&str] = &[
    "C1%23SK",
    "C1%2F..%2FC2",
    "%25",
    "%00",
    "%E6%81%92%E9%80%9A",
    "%F0%9F%99%82",
    "..",
    "C1'%20OR%201=1",
    "T%23beta%23C%23C9",
];

fn long_id() -> String {
    "A".repeat(3000)
}

/// Query values tried on every GET.
const HOSTILE_QUERIES: &[&str] = &[
    "q=%00%01",
    "q=",
    "q=%25%25%25",
    "q=%E2%80%AE",
    "cursor=not-a-cursor",
    "cursor=eyJQSyI6IlQjYmV0YSJ9",
    "limit=-1",
    "limit=99999999999999999999",
    "limit=abc",
    "from=-9999-01-01&to=9999-12-31",
    "from=2026-13-45",
    "to=-9999-01-01",
    "status=%7B%7D",
    "date=0000-00-00",
    "all=maybe",
];

struct Tally {
    requests: usize,
    failures: Vec<String>,
}

impl Tally {
    fn check(&mut self, what: &str, r: &TestResponse) {
        self.requests += 1;
        if r.status >= 500 {
            self.failures
                .push(format!("{what}: {} {}", r.status, r.body));
        } else if r.status >= 400 && !r.content_type.starts_with("application/problem+json") {
            self.failures.push(format!(
                "{what}: {} not problem+json ({})",
                r.status, r.content_type
            ));
        } else if r.status == 422
            && r.body["errors"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e["field"].as_str().is_none()))
        {
            self.failures.push(format!(
                "{what}: a 422 field error without a field: {}",
                r.body
            ));
        }
    }
}

async fn raw(app: &TestApp, method: &str, path: &str, token: &str, body: String) -> TestResponse {
    app.send(
        Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

fn concrete(row: &Row, id: &str, rid: &str, task: &str) -> String {
    row.template
        .replace("{id}", id)
        .replace("{rid}", rid)
        .replace("{rule}", "overdue_steps")
        .replace("{task}", task)
        .replace("{group}", "G1")
        .replace("{username}", "new-user")
        .replace("{version}", "1")
        .replace("{kind}", "customers")
        .replace("{what}", "customers")
        .replace("{layout}", "00ff")
}

#[tokio::test]
async fn no_hostile_body_path_or_query_on_any_endpoint_gets_a_server_error() {
    // Arrange: the same fixture as the authorisation table (requests, tasks on C1).
    let app = spawn_app().await;
    let fixture = fixture(&app).await;
    let admin = app.token_for("admin").await;
    let mut tally = Tally {
        requests: 0,
        failures: Vec::new(),
    };

    // Act
    for (n, row) in rows().iter().enumerate() {
        let method = row.method.to_uppercase();
        let path = concrete(row, "C1", &fixture.c1_request, &fixture.c1_task);
        if row.method == "get" {
            for q in HOSTILE_QUERIES {
                let r = app.get(&format!("{path}?{q}"), Some(&admin)).await;
                tally.check(&format!("GET {path}?{q}"), &r);
            }
        } else {
            let valid = body_for(row.template, 10_000 + n);
            for (i, body) in mutations(&valid).into_iter().enumerate() {
                let r = raw(&app, &method, &path, &admin, body.to_string()).await;
                let shown: String = body.to_string().chars().take(200).collect();
                tally.check(&format!("{method} {path} mutation {i}: {shown}"), &r);
            }
            for text in [
                deep(200),
                deep(5000),
                "{\"a\":1}{".into(),
                "\u{feff}{}".into(),
            ] {
                let r = raw(&app, &method, &path, &admin, text.clone()).await;
                let shown: String = text.chars().take(40).collect();
                tally.check(&format!("{method} {path} raw {shown}"), &r);
            }
        }
        if row.template.contains('{') {
            for id in HOSTILE_IDS.iter().map(|s| s.to_string()).chain([long_id()]) {
                let hostile = concrete(row, &id, &id, &id);
                let body = body_for(row.template, 20_000 + n).to_string();
                let r = raw(&app, &method, &hostile, &admin, body).await;
                let shown: String = hostile.chars().take(120).collect();
                tally.check(&format!("{method} {shown}"), &r);
            }
        }
    }

    // Assert
    println!("hostile battery: {} requests", tally.requests);
    assert!(tally.requests > 3000, "only {} requests", tally.requests);
    assert!(
        tally.failures.is_empty(),
        "{} of {} requests failed the contract:\n{}",
        tally.failures.len(),
        tally.requests,
        tally.failures[..tally.failures.len().min(40)].join("\n")
    );
}
