//! Two-step verification from the account panel: a person sets up an authenticator app
//! (a wrong code is named at the field), and from then on the issuer's sign-in page asks
//! for the app's code.

use crate::helpers::*;
use credence_api::auth::local::now_secs;
use credence_api::directory::totp;

#[tokio::test]
async fn a_person_sets_up_two_step_verification_and_signing_in_then_asks_for_the_code() {
    at_each_size(async |browser| -> Result {
        // Arrange: a person of their own (the demo accounts stay without a second step).
        let (username, password) = browser.invite("qian.li", "钱丽", "finance").await?;
        browser.sign_in(&username, &password).await?;

        // Act: set it up (a wrong code first), then sign in again.
        browser.open_account_menu_if_needed().await?;
        let shown_as = browser
            .eventually("the display name in the account panel", || async {
                let text = browser.visible("who-name").await?.text().await?;
                Ok(text.contains("钱丽").then_some(text))
            })
            .await;
        browser.tap("account-two-step").await?;
        browser.tap("two-step-begin").await?;
        let secret = browser.visible("two-step-secret").await?.text().await?;
        let link = browser
            .visible("two-step-link")
            .await?
            .attr("href")
            .await?
            .unwrap_or_default();
        browser.retype("two-step-code", "12345").await?;
        browser.tap("two-step-confirm").await?;
        let wrong = browser
            .eventually("the wrong code named at the field", || async {
                let text = browser.visible("two-step-code-error").await?.text().await?;
                Ok((!text.trim().is_empty()).then_some(text))
            })
            .await?;
        browser.fits_the_width("the two-step set-up").await?;
        browser.screenshot("two-step-setup").await?;
        let code = totp::code_at(secret.trim(), now_secs()).ok_or("a base32 key")?;
        browser.retype("two-step-code", &code).await?;
        browser.tap("two-step-confirm").await?;
        browser
            .eventually("the app loaded again", || async {
                Ok((!browser.is_visible("two-step-code").await?).then_some(()))
            })
            .await?;
        browser.js("sessionStorage.clear(); return true").await?;
        browser.open("/signin").await?;
        browser.retype("signin-username", &username).await?;
        browser.retype("signin-password", &password).await?;
        browser.visible("signin-submit").await?.click().await?;
        let asked = browser.visible("signin-error").await?.text().await?;
        browser.retype("signin-password", &password).await?;
        let code = totp::code_at(secret.trim(), now_secs()).ok_or("a base32 key")?;
        browser.retype("signin-otp", &code).await?;
        browser.visible("signin-submit").await?.click().await?;
        browser.visible("search-input").await?;

        // Assert
        check!(
            shown_as.is_ok(),
            "the account panel names them by display name: {shown_as:?}"
        );
        check!(
            link.starts_with("otpauth://totp/Credence:"),
            "the link opens an authenticator app: {link}"
        );
        check!(
            wrong.contains("验证码") || wrong.contains("code"),
            "a wrong code is named at the field: {wrong}"
        );
        check!(
            asked.contains("验证码"),
            "without the code the issuer asks for it: {asked}"
        );
        Ok(())
    })
    .await;
}
