//! Time-based one-time passwords (RFC 6238: SHA-1, six digits, 30-second steps, one step
//! of skew), as every authenticator app reads them: the local directory's two-step
//! verification. Cognito keeps its own in AWS.

use totp_rs::{Builder, Secret, Totp};

/// The name authenticator apps list the account under.
pub const ISSUER: &str = "Credence";

/// A fresh secret of 20 random bytes, as base32 text (what a person types into the app).
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::from(bytes.to_vec()).to_base32()
}

fn totp_of(secret: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    Builder::new().with_secret(secret).build().ok()
}

/// Whether `code` is the code of `secret` at `unix_seconds` (or the step either side).
pub fn accepts(secret: &str, code: &str, unix_seconds: u64) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp_of(secret).is_some_and(|t| t.check(&code, unix_seconds).is_some())
}

/// The code of `secret` at `unix_seconds` (what the person's app shows).
pub fn code_at(secret: &str, unix_seconds: u64) -> Option<String> {
    totp_of(secret).map(|t| t.generate(unix_seconds).to_string())
}

/// The `otpauth://` link that opens an authenticator app with the account filled in.
pub fn otpauth_uri(account: &str, secret: &str) -> String {
    let enc = |t: &str| {
        t.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' | b'@' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(ISSUER),
        enc(account),
        enc(ISSUER)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_of_the_rfc_6238_sha1_secret_matches_its_published_value() {
        // Arrange: RFC 6238 appendix B's SHA-1 key "12345678901234567890", at T = 59 s.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();

        // Act
        let code = code_at(&secret, 59);

        // Assert: the RFC's 8-digit 94287082, in six digits.
        assert_eq!(code.as_deref(), Some("287082"));
    }

    #[test]
    fn a_code_is_accepted_one_step_late_and_refused_two_steps_late() {
        // Arrange
        let secret = new_secret();
        let code = code_at(&secret, 1_000_000).unwrap();

        // Act / Assert
        assert!(accepts(&secret, &code, 1_000_000 + 30));
        assert!(!accepts(&secret, &code, 1_000_000 + 90));
        assert!(!accepts(&secret, "000000x", 1_000_000));
    }
}
