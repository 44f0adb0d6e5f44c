//! The load bench's phones: each client has its own HTTP/1.1 connection to the server, kept
//! open, as each phone in the field has its own. No pool stands between them, so the load
//! generator spends on a request little more than writing it and reading its answer, on
//! the CPU it shares with the server.

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{SendRequest, handshake};
use hyper_util::rt::TokioIo;
use tokio::sync::Mutex;

use super::rounds::Outcome;

pub struct Phones {
    addr: SocketAddr,
    host: http::HeaderValue,
    /// One connection per client, opened on its first request (and again if it closed).
    lines: Vec<Mutex<Option<SendRequest<Full<Bytes>>>>>,
}

impl Phones {
    pub fn new(addr: SocketAddr, count: usize) -> anyhow::Result<Self> {
        Ok(Phones {
            addr,
            host: addr.to_string().parse()?,
            lines: (0..count.max(1)).map(|_| Mutex::new(None)).collect(),
        })
    }

    /// Sends one request (`path` in origin form) as client `c` and reads its whole answer.
    pub async fn ask(
        &self,
        c: usize,
        method: http::Method,
        path: &http::Uri,
        auth: Option<&http::HeaderValue>,
        body: Option<Bytes>,
    ) -> Outcome {
        let mut request = http::Request::builder()
            .method(method)
            .uri(path.clone())
            .header(http::header::HOST, self.host.clone());
        if let Some(auth) = auth {
            request = request.header(http::header::AUTHORIZATION, auth.clone());
        }
        if body.is_some() {
            request = request.header(http::header::CONTENT_TYPE, "application/json");
        }
        let request = request
            .body(Full::new(body.unwrap_or_default()))
            .map_err(|_| 0u16)?;
        let mut line = self.lines[c % self.lines.len()].lock().await;
        if line.as_ref().is_none_or(SendRequest::is_closed) {
            *line = Some(self.connect().await.map_err(|_| 0u16)?);
        }
        let Some(sender) = line.as_mut() else {
            return Err(0);
        };
        sender.ready().await.map_err(|_| 0u16)?;
        let answer = sender.send_request(request).await.map_err(|_| 0u16)?;
        let status = answer.status();
        let read = answer.into_body().collect().await;
        match (status.is_success(), read) {
            (true, Ok(_)) => Ok(()),
            (true, Err(_)) => Err(0),
            (false, _) => Err(status.as_u16()),
        }
    }

    async fn connect(&self) -> anyhow::Result<SendRequest<Full<Bytes>>> {
        let stream = tokio::net::TcpStream::connect(self.addr).await?;
        // As a browser does: a request goes out whole, without waiting on Nagle.
        stream.set_nodelay(true)?;
        let (sender, connection) = handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(sender)
    }
}
