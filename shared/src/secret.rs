//! Secrets in tenant documents (a webhook's signing secret, say): shown once, when an admin
//! types them, and never again. The audit trail and every read of a document carry a
//! fingerprint instead, `sha256:` and the first 8 hex digits of the SHA-256 of the secret
//! followed by `…`, which tells two secrets apart without revealing either. A document sent
//! back with a fingerprint where a secret was keeps the stored secret
//! ([`crate::document::TenantDocument::with_secrets_of`]).

use crate::dto::FieldError;
use sha2::{Digest, Sha256};

const PREFIX: &str = "sha256:";
const SUFFIX: char = '…';
/// Hex digits of the hash a fingerprint shows.
const DIGITS: usize = 8;

/// The fingerprint of `secret`: `sha256:abcd1234…`. A fingerprint stays as it is, so
/// redacting twice is redacting once.
pub fn fingerprint(secret: &str) -> String {
    if is_fingerprint(secret) {
        return secret.to_owned();
    }
    let hash = Sha256::digest(secret.as_bytes());
    let hex: String = hash
        .iter()
        .take(DIGITS / 2)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{PREFIX}{hex}{SUFFIX}")
}

/// Whether `text` has the shape of a [`fingerprint`].
pub fn is_fingerprint(text: &str) -> bool {
    text.strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .is_some_and(|hex| {
            hex.len() == DIGITS && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        })
}

/// Replaces every submitted secret that is a fingerprint by the stored secret it names.
/// `submitted` pairs each secret with the field that holds it (`endpoints[0].secret`);
/// a fingerprint that names none of `stored` is an error on its field: the admin must type
/// the secret again.
pub fn restore<'a>(
    submitted: impl IntoIterator<Item = (String, &'a mut String)>,
    stored: &[&str],
) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    for (field, secret) in submitted {
        if !is_fingerprint(secret) {
            continue;
        }
        match stored.iter().find(|s| fingerprint(s) == *secret) {
            Some(original) => *secret = (*original).to_owned(),
            None => errors.push(FieldError::new(
                field,
                crate::messages::code::SECRET_UNKNOWN,
                "this fingerprint names no stored secret: type the secret",
            )),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::TenantDocument;
    use crate::watch::{WebhookConfig, WebhookEndpoint};

    #[test]
    fn a_fingerprint_is_the_start_of_the_sha256_and_reveals_nothing_else() {
        // Act
        let print = fingerprint("a-long-shared-secret-0123");
        // Assert: sha256("abc") starts ba7816bf; the shape is fixed.
        assert_eq!(fingerprint("abc"), "sha256:ba7816bf…");
        assert!(is_fingerprint(&print), "{print}");
        assert!(!print.contains("secret"), "{print}");
        assert_ne!(print, fingerprint("a-long-shared-secret-0124"));
    }

    #[test]
    fn a_fingerprint_is_not_fingerprinted_again() {
        // Arrange
        let print = fingerprint("a-long-shared-secret-0123");
        // Act / Assert
        assert_eq!(fingerprint(&print), print);
    }

    #[test]
    fn only_the_exact_shape_is_a_fingerprint() {
        // Act / Assert
        for text in [
            "sha256:ba7816bf",
            "sha256:BA7816BF…",
            "sha256:ba7816b…",
            "sha256:ba7816bfx…",
            "ba7816bf…",
            "a-long-shared-secret-0123",
        ] {
            assert!(!is_fingerprint(text), "{text}");
        }
    }

    #[test]
    fn a_fingerprint_sent_back_is_replaced_by_the_stored_secret_it_names() {
        // Arrange
        let stored = ["first-secret-0123456", "second-secret-0123456"];
        let mut kept = fingerprint(stored[1]);
        let mut typed = "a-brand-new-secret-0123".to_owned();
        // Act
        let result = restore(
            [
                ("endpoints[0].secret".to_owned(), &mut kept),
                ("endpoints[1].secret".to_owned(), &mut typed),
            ],
            &stored,
        );
        // Assert
        assert_eq!(result, Ok(()));
        assert_eq!(kept, stored[1]);
        assert_eq!(typed, "a-brand-new-secret-0123");
    }

    #[test]
    fn a_fingerprint_of_no_stored_secret_is_refused_on_its_field() {
        // Arrange
        let mut unknown = fingerprint("never-stored-secret-0123");
        // Act
        let result = restore(
            [("endpoints[2].secret".to_owned(), &mut unknown)],
            &["first-secret-0123456"],
        );
        // Assert
        let errors = result.unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "endpoints[2].secret");
    }

    fn hooks(secrets: &[&str]) -> WebhookConfig {
        WebhookConfig {
            version: 3,
            endpoints: secrets
                .iter()
                .enumerate()
                .map(|(i, s)| WebhookEndpoint {
                    id: format!("hook-{i}"),
                    url: format!("https://erp.example/{i}"),
                    secret: (*s).to_owned(),
                    enabled: true,
                })
                .collect(),
        }
    }

    #[test]
    fn the_webhooks_document_shows_fingerprints_in_place_of_its_secrets() {
        // Arrange
        let stored = hooks(&["a-long-shared-secret-0123"]);
        // Act
        let shown = stored.clone().redacted();
        // Assert
        assert_eq!(
            shown.endpoints[0].secret,
            fingerprint("a-long-shared-secret-0123")
        );
        assert_eq!(shown.endpoints[0].url, stored.endpoints[0].url);
        assert_eq!(shown.version, 3);
        assert_eq!(
            shown.validate(),
            Ok(()),
            "what a read shows can be saved back"
        );
    }

    #[test]
    fn the_webhooks_document_sent_back_with_fingerprints_keeps_the_stored_secrets() {
        // Arrange
        let stored = hooks(&["a-long-shared-secret-0123"]);
        let mut edited = stored.clone().redacted();
        edited.endpoints[0].url = "https://erp.example/moved".into();
        // Act
        let saved = edited
            .with_secrets_of(&stored)
            .expect("the fingerprint is known");
        // Assert
        assert_eq!(saved.endpoints[0].secret, "a-long-shared-secret-0123");
        assert_eq!(saved.endpoints[0].url, "https://erp.example/moved");
    }

    #[test]
    fn a_document_without_secrets_is_unchanged_by_the_hooks() {
        // Arrange
        let ladder = crate::watch::DunningLadder::default_ladder();
        // Act
        let shown = ladder.clone().redacted();
        let restored = ladder.clone().with_secrets_of(&ladder);
        // Assert
        assert_eq!(shown, ladder);
        assert_eq!(restored, Ok(ladder));
    }
}
