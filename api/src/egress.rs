//! Outbound HTTP to targets a tenant chose (webhooks, feed providers' pull URLs): the one
//! client that may reach them. It also carries the deployment's mail sender
//! ([`crate::mail::Mailer`]): everything that leaves Credence for the outside goes through
//! here.
//!
//! The rule for a target lives in `credence_shared::watch::target`; here it is enforced at
//! connect time. The client resolves names itself and drops every address the rule refuses
//! (a name that resolves only to private or metadata addresses fails before any
//! connection), follows no redirects, and times out. A failure is classified in our own
//! words ([`Failure`]), so a receiver's error text never reaches the delivery log.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use credence_shared::watch::target::{TargetError, check_target, may_connect};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// The outbound client and the deployment's rule for targets. Cheap to clone.
#[derive(Clone)]
pub struct Egress {
    client: reqwest::Client,
    loopback: bool,
    timeout: Duration,
    mail: crate::mail::Mailer,
}

/// Why a delivery attempt failed, in our words (what the delivery log shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error("refused: the target is not a public https address")]
    RefusedTarget,
    #[error("no answer within {0} s")]
    Timeout(u64),
    #[error("could not connect to the receiver")]
    Connect,
    #[error("the receiver answered {0}")]
    Status(u16),
    #[error("the request failed before the receiver answered")]
    Other,
    #[error("the answer was larger than {0} bytes")]
    TooLarge(usize),
}

/// The resolver error for a name with no address the rule allows.
#[derive(Debug, thiserror::Error)]
#[error("{0} resolves to no public address")]
struct NoPublicAddress(String);

/// Resolves names with the system resolver, keeping only addresses the rule allows.
struct PublicOnly {
    loopback: bool,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let loopback = self.loopback;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let kept: Vec<SocketAddr> = found.filter(|a| may_connect(a.ip(), loopback)).collect();
            if kept.is_empty() {
                return Err(Box::new(NoPublicAddress(host)) as _);
            }
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

impl Egress {
    /// The client for a deployment: `loopback` allows this machine as a target (local
    /// development only); each attempt gives up after `timeout`.
    pub fn new(loopback: bool, timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(PublicOnly { loopback }))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .timeout(timeout)
            .no_proxy()
            .build()?;
        Ok(Self {
            client,
            loopback,
            timeout,
            mail: crate::mail::Mailer::Off,
        })
    }

    /// This client sending mail through `mail`.
    pub fn with_mailer(self, mail: crate::mail::Mailer) -> Self {
        Self { mail, ..self }
    }

    /// The deployment's mail sender.
    pub fn mailer(&self) -> &crate::mail::Mailer {
        &self.mail
    }

    /// Production's rule (public https targets only), 10 s per attempt.
    pub fn public() -> anyhow::Result<Self> {
        Self::new(false, Duration::from_secs(10))
    }

    /// From `CREDENCE_WEBHOOK_LOOPBACK=allow` (set by `cargo xtask dev` and the tests for
    /// local receivers; never in AWS): whether loopback targets are allowed; and the mail
    /// sender from `CREDENCE_MAIL` ([`crate::mail::Mailer::from_env`]).
    pub fn from_env() -> anyhow::Result<Self> {
        let loopback = std::env::var("CREDENCE_WEBHOOK_LOOPBACK").is_ok_and(|v| v == "allow");
        Ok(Self::new(loopback, Duration::from_secs(10))?
            .with_mailer(crate::mail::Mailer::from_env()?))
    }

    /// Whether this deployment allows loopback targets.
    pub fn allows_loopback(&self) -> bool {
        self.loopback
    }

    /// POSTs `body` with `headers` to `url`: `Ok(status)` for a 2xx answer, else why not.
    /// The URL is checked against the rule first (an IP host is never resolved, so the
    /// resolver alone would not see it); names are checked as they resolve.
    pub async fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: String,
    ) -> Result<u16, Failure> {
        check_target(url, self.loopback).map_err(|e| match e {
            TargetError::Malformed | TargetError::NotHttps | TargetError::NotPublic => {
                Failure::RefusedTarget
            }
        })?;
        let mut request = self.client.post(url).body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        match request.send().await {
            Ok(answer) if answer.status().is_success() => Ok(answer.status().as_u16()),
            Ok(answer) => Err(Failure::Status(answer.status().as_u16())),
            Err(e) => Err(self.classify(&e)),
        }
    }

    /// GETs `url` with `headers`: the body of a 2xx answer (at most `max_bytes`), else why
    /// not. The same rule for targets as [`Self::post`].
    pub async fn get(
        &self,
        url: &str,
        headers: &[(&str, String)],
        max_bytes: usize,
    ) -> Result<String, Failure> {
        check_target(url, self.loopback).map_err(|_| Failure::RefusedTarget)?;
        let mut request = self.client.get(url);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let mut answer = match request.send().await {
            Ok(answer) if answer.status().is_success() => answer,
            Ok(answer) => return Err(Failure::Status(answer.status().as_u16())),
            Err(e) => return Err(self.classify(&e)),
        };
        let mut body = Vec::new();
        while let Some(chunk) = answer.chunk().await.map_err(|e| self.classify(&e))? {
            body.extend_from_slice(&chunk);
            if body.len() > max_bytes {
                return Err(Failure::TooLarge(max_bytes));
            }
        }
        String::from_utf8(body).map_err(|_| Failure::Other)
    }

    fn classify(&self, e: &reqwest::Error) -> Failure {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
        while let Some(s) = source {
            if s.is::<NoPublicAddress>() {
                return Failure::RefusedTarget;
            }
            source = s.source();
        }
        if e.is_timeout() {
            Failure::Timeout(self.timeout.as_secs().max(1))
        } else if e.is_connect() {
            Failure::Connect
        } else {
            Failure::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_name_that_resolves_only_to_loopback_is_refused_before_connecting() {
        // Arrange: production's rule; `localhost` resolves to 127.0.0.1 / ::1.
        let egress = Egress::new(false, Duration::from_secs(2)).unwrap();
        let resolver = PublicOnly { loopback: false };
        // Act
        let resolved = resolver.resolve("localhost".parse().unwrap()).await;
        let posted = egress
            .post("https://localhost:1/hook", &[], "{}".into())
            .await;
        // Assert
        assert!(resolved.is_err(), "no address of localhost is public");
        assert_eq!(posted, Err(Failure::RefusedTarget));
    }

    #[tokio::test]
    async fn an_ip_target_in_a_private_range_is_refused_without_a_lookup() {
        // Arrange
        let egress = Egress::new(true, Duration::from_secs(2)).unwrap();
        // Act
        let metadata = egress
            .post(
                "http://169.254.169.254/latest/meta-data/",
                &[],
                String::new(),
            )
            .await;
        let private = egress.post("https://10.0.0.1/x", &[], String::new()).await;
        // Assert
        assert_eq!(metadata, Err(Failure::RefusedTarget));
        assert_eq!(private, Err(Failure::RefusedTarget));
    }
}
