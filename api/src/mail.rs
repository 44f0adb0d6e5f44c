//! Mail to customers (dunning letters with their PDF), through a pluggable sender chosen by
//! `CREDENCE_MAIL`:
//! - `ses` — Amazon SES (API v2, a raw MIME message), in AWS; the sender address is
//!   `CREDENCE_MAIL_FROM` and must be verified in SES;
//! - `dir:<path>` — each message written as an `.eml` file into `<path>` (local development
//!   and the tests: open one in any mail program);
//! - unset or `off` — no mail service: letters are made and kept, and marked failed with a
//!   reason that says so.
//!
//! The message is built with `lettre`'s builder (headers, encodings, the attachment); only
//! the transport differs.

use std::path::PathBuf;
use std::sync::Arc;

use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use tokio::sync::OnceCell;

/// A message to send.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Used as the message id (`<id@credence>`), so a message sent twice is recognisable.
    pub id: String,
    pub to: Vec<String>,
    pub reply_to: Option<String>,
    /// The sender's display name (the tenant's company).
    pub from_name: String,
    pub subject: String,
    pub text: String,
    pub attachment: Option<(String, Vec<u8>)>,
}

/// Why a message was not sent, in our words.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("no mail service is configured (CREDENCE_MAIL)")]
    Off,
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("the mail service refused the message: {0}")]
    Refused(String),
    #[error("the message could not be written: {0}")]
    Write(String),
}

impl MailError {
    /// Whether trying again later may help (a refusal or an outage may pass; a message
    /// that cannot be built or a missing service will not).
    pub fn retryable(&self) -> bool {
        matches!(self, MailError::Refused(_) | MailError::Write(_))
    }
}

/// The sender of this deployment. Cheap to clone.
#[derive(Clone)]
pub enum Mailer {
    Off,
    Drop {
        dir: PathBuf,
        from: String,
    },
    Ses {
        from: String,
        client: Arc<OnceCell<aws_sdk_sesv2::Client>>,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Off => write!(f, "Mailer::Off"),
            Mailer::Drop { dir, .. } => write!(f, "Mailer::Drop({})", dir.display()),
            Mailer::Ses { from, .. } => write!(f, "Mailer::Ses({from})"),
        }
    }
}

/// The sender address when `CREDENCE_MAIL_FROM` is not set (fine for a file drop; SES
/// refuses an address it has not verified).
pub const DEFAULT_FROM: &str = "credit@credence.invalid";

impl Mailer {
    /// From `CREDENCE_MAIL` and `CREDENCE_MAIL_FROM` (see the module doc).
    pub fn from_env() -> anyhow::Result<Self> {
        let from = std::env::var("CREDENCE_MAIL_FROM")
            .ok()
            .filter(|f| !f.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_FROM.to_owned());
        let setting = std::env::var("CREDENCE_MAIL").unwrap_or_default();
        Self::parse(setting.trim(), from)
    }

    fn parse(setting: &str, from: String) -> anyhow::Result<Self> {
        from.parse::<Mailbox>()
            .map_err(|e| anyhow::anyhow!("CREDENCE_MAIL_FROM {from:?} is not an address: {e}"))?;
        Ok(match setting {
            "" | "off" => Mailer::Off,
            "ses" => Mailer::Ses {
                from,
                client: Arc::new(OnceCell::new()),
            },
            other => match other.strip_prefix("dir:") {
                Some(dir) if !dir.is_empty() => Mailer::Drop {
                    dir: PathBuf::from(dir),
                    from,
                },
                _ => anyhow::bail!("CREDENCE_MAIL is `ses`, `dir:<path>` or `off`, not {other:?}"),
            },
        })
    }

    /// A file drop into `dir` (the tests' and local development's sender).
    pub fn drop_into(dir: impl Into<PathBuf>) -> Self {
        Mailer::Drop {
            dir: dir.into(),
            from: DEFAULT_FROM.to_owned(),
        }
    }

    /// Sends `mail`; answers the id the message went out under.
    pub async fn send(&self, mail: &Mail) -> Result<String, MailError> {
        match self {
            Mailer::Off => Err(MailError::Off),
            Mailer::Drop { dir, from } => {
                let raw = build(mail, from)?;
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| MailError::Write(e.to_string()))?;
                let name: String = mail
                    .id
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect();
                let path = dir.join(format!("{name}.eml"));
                tokio::fs::write(&path, raw)
                    .await
                    .map_err(|e| MailError::Write(e.to_string()))?;
                Ok(path.display().to_string())
            }
            Mailer::Ses { from, client } => {
                let raw = build(mail, from)?;
                let client = client
                    .get_or_init(|| async {
                        let config = crate::aws::config(None).await;
                        aws_sdk_sesv2::Client::new(&config)
                    })
                    .await;
                let message = aws_sdk_sesv2::types::RawMessage::builder()
                    .data(aws_sdk_sesv2::primitives::Blob::new(raw))
                    .build()
                    .map_err(|e| MailError::Build(e.to_string()))?;
                let sent = client
                    .send_email()
                    .from_email_address(from)
                    .set_destination(Some(
                        aws_sdk_sesv2::types::Destination::builder()
                            .set_to_addresses(Some(mail.to.clone()))
                            .build(),
                    ))
                    .content(
                        aws_sdk_sesv2::types::EmailContent::builder()
                            .raw(message)
                            .build(),
                    )
                    .send()
                    .await
                    .map_err(|e| {
                        MailError::Refused(aws_sdk_sesv2::error::DisplayErrorContext(e).to_string())
                    })?;
                Ok(sent.message_id().unwrap_or_default().to_owned())
            }
        }
    }
}

/// The MIME message: a text part and the PDF attached.
fn build(mail: &Mail, from: &str) -> Result<Vec<u8>, MailError> {
    let bad = |e: &dyn std::fmt::Display| MailError::Build(e.to_string());
    let from: Mailbox = format!("{} <{from}>", quote(&mail.from_name))
        .parse()
        .or_else(|_| from.parse())
        .map_err(|e| bad(&e))?;
    let mut builder = lettre::Message::builder()
        .from(from)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}@credence>", mail.id)))
        .date_now();
    for to in &mail.to {
        builder = builder.to(to.parse().map_err(|e| bad(&e))?);
    }
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(reply_to.parse().map_err(|e| bad(&e))?);
    }
    let text = SinglePart::plain(mail.text.clone());
    let message = match &mail.attachment {
        None => builder.singlepart(text),
        Some((name, bytes)) => {
            let pdf = ContentType::parse("application/pdf").map_err(|e| bad(&e))?;
            builder.multipart(
                MultiPart::mixed()
                    .singlepart(text)
                    .singlepart(Attachment::new(name.clone()).body(bytes.clone(), pdf)),
            )
        }
    }
    .map_err(|e| bad(&e))?;
    Ok(message.formatted())
}

/// A display name as a quoted string (names with commas or brackets stay one name).
fn quote(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
        .collect();
    if clean.trim().is_empty() {
        "Credence".to_owned()
    } else {
        format!("\"{}\"", clean.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_names_the_sender_and_a_wrong_one_is_refused() {
        assert!(matches!(
            Mailer::parse("", DEFAULT_FROM.into()).unwrap(),
            Mailer::Off
        ));
        assert!(matches!(
            Mailer::parse("dir:/tmp/mail", DEFAULT_FROM.into()).unwrap(),
            Mailer::Drop { .. }
        ));
        assert!(matches!(
            Mailer::parse("ses", "ar@example.com".into()).unwrap(),
            Mailer::Ses { .. }
        ));
        assert!(Mailer::parse("smtp", DEFAULT_FROM.into()).is_err());
        assert!(Mailer::parse("ses", "not an address".into()).is_err());
    }

    #[test]
    fn a_message_carries_its_chinese_subject_and_the_pdf_attached() {
        // Arrange
        let mail = Mail {
            id: "L-1".into(),
            to: vec!["ap@customer.example".into()],
            reply_to: Some("ar@example.com".into()),
            from_name: "信达贸易, 应收组".into(),
            subject: "付款提醒函 L-1".into(),
            text: "请查收附件。".into(),
            attachment: Some(("L-1.pdf".into(), b"%PDF-1.7 test".to_vec())),
        };

        // Act
        let raw = String::from_utf8(build(&mail, DEFAULT_FROM).unwrap()).unwrap();

        // Assert
        assert!(raw.contains("To: ap@customer.example"), "{raw}");
        assert!(raw.contains("Reply-To: ar@example.com"));
        assert!(raw.contains("Message-ID: <L-1@credence>"));
        assert!(raw.contains("=?utf-8?"), "the subject is encoded: {raw}");
        assert!(raw.contains("application/pdf"));
        assert!(raw.contains("filename=\"L-1.pdf\""));
    }
}
