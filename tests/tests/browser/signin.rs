//! Signing in and out.

use crate::helpers::{PHONE, Result, at_each_size, check, with_browser};

#[tokio::test]
async fn a_sales_user_signs_in_and_sees_customer_search_with_available_credit() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.open("/").await?;
        browser.visible("signin-username").await?;
        check!(
            browser.path().await? == "/oauth2/authorize",
            "an unauthenticated visit to / should land on the issuer's sign-in page, not {}",
            browser.path().await?
        );
        browser.screenshot("signin").await?;

        // Act
        browser.sign_in("sales", "demo").await?;
        let count = browser.results().await?;

        // Assert
        check!(count >= 1, "no customers listed after signing in");
        let available = browser
            .texts("[data-testid=\"customer-available\"]")
            .await?;
        check!(
            available.len() == count,
            "{count} cards but {} available-credit amounts",
            available.len()
        );
        check!(
            available
                .iter()
                .all(|amount| amount.contains('¥') && amount.contains('.')),
            "available credit should be money with a currency symbol: {available:?}"
        );
        let who = browser
            .js("return document.querySelector('[data-testid=\"who\"]')?.textContent ?? ''")
            .await?;
        check!(
            who.as_str().is_some_and(|text| text.contains("sales")),
            "the signed-in user should be named in the account area, found {who}"
        );
        browser.screenshot("search").await?;
        let header = browser
            .js("return fetch('/').then(r => r.headers.get('content-security-policy'))")
            .await?;
        check!(
            header
                .as_str()
                .is_some_and(|h| h.contains("script-src 'self' 'wasm-unsafe-eval'")),
            "the app should be served under the strict CSP, found {header}"
        );
        let violations = browser.csp_violations().await?;
        check!(
            violations.is_empty(),
            "signing in and searching broke the Content-Security-Policy: {violations:?}"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_shows_the_error_next_to_the_form_and_keeps_the_typed_username() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.open("/signin").await?;
        browser
            .visible("signin-username")
            .await?
            .send_keys("sales")
            .await?;
        browser
            .visible("signin-password")
            .await?
            .send_keys("not-the-password")
            .await?;

        // Act
        browser.visible("signin-submit").await?.click().await?;

        // Assert
        let error = browser.visible("signin-error").await?;
        let message = error.text().await?;
        check!(!message.trim().is_empty(), "the sign-in error is empty");
        check!(
            browser.path().await? == "/oauth2/authorize",
            "a failed sign-in should stay on the issuer's sign-in page"
        );
        let username = browser
            .visible("signin-username")
            .await?
            .prop("value")
            .await?;
        check!(
            username.as_deref() == Some("sales"),
            "the typed username should be kept, found {username:?}"
        );
        browser.screenshot("signin-error").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn signing_out_returns_to_signin_and_guards_the_app_again() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("sales", "demo").await?;
        browser.open_account_menu_if_needed().await?;
        browser.screenshot("account-menu").await?;

        // Act
        browser.visible("signout").await?.click().await?;

        // Assert: signed out at the issuer too, back on the app's sign-in page.
        browser.visible("signed-out").await?;
        check!(
            browser.path().await? == "/signin",
            "signing out should show /signin, not {}",
            browser.path().await?
        );
        let kept = browser
            .js("return sessionStorage.getItem('credence.session')")
            .await?;
        check!(kept.is_null(), "the tokens should be gone, found {kept}");
        browser.open("/").await?;
        browser.visible("signin-username").await?;
        check!(
            browser.path().await? == "/oauth2/authorize",
            "after signing out, / should lead to the issuer's sign-in page"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_access_token_refused_mid_session_is_renewed_by_the_refresh_token_and_the_work_goes_on()
{
    at_each_size(async |browser| -> Result {
        // Arrange: signed in, then the tab's access token becomes one the API refuses (as a
        // revoked token or a device clock far off would), the refresh token still good.
        browser.sign_in("risk", "demo").await?;
        let page = browser.api_get("/v1/customers?limit=1").await?;
        let number = page["items"][0]["number"]
            .as_str()
            .ok_or("the demo tenant has customers")?
            .to_owned();
        browser
            .js(
                "const s = JSON.parse(sessionStorage.getItem('credence.session'));\
                 s.access_token = 'refused.' + s.access_token;\
                 sessionStorage.setItem('credence.session', JSON.stringify(s)); return true",
            )
            .await?;

        // Act: the next page asks the API with the refused token.
        browser.open(&format!("/customers/{number}")).await?;
        browser.visible("customer-detail").await?;
        let held = browser
            .js("return JSON.parse(sessionStorage.getItem('credence.session')).access_token")
            .await?;
        browser.tap("customer-evidence-link").await?;
        browser.visible("signal-form").await?;
        browser.retype("signal-source", "天眼查").await?;
        browser.tap("signal-save").await?;
        browser.visible("signal-saved").await?;

        // Assert
        check!(
            browser.path().await?.starts_with("/customers/"),
            "still on the customer's pages, not sent to sign in: {}",
            browser.path().await?
        );
        check!(
            held.as_str().is_some_and(|t| !t.starts_with("refused.")),
            "the refresh token renewed the access token: {held}"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_session_the_issuer_will_not_renew_asks_to_sign_in_again_in_a_popup_and_the_typed_work_is_saved()
 {
    at_each_size(async |browser| -> Result {
        // Arrange: a person of their own (signing them out must not touch other tests),
        // signed in, halfway through recording an outside signal.
        let (username, password) = browser.invite("zhou.min", "周敏", "risk").await?;
        browser.sign_in(&username, &password).await?;
        let page = browser.api_get("/v1/customers?limit=1").await?;
        let number = page["items"][0]["number"]
            .as_str()
            .ok_or("the demo tenant has customers")?
            .to_owned();
        browser.open(&format!("/customers/{number}")).await?;
        browser.tap("customer-evidence-link").await?;
        browser.visible("signal-form").await?;
        browser.retype("signal-source", "企查查").await?;
        let main = browser.client.window().await?;
        // Tokens carry whole seconds: the sign-out refuses the ones of earlier seconds.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        browser
            .api_as(
                "admin",
                "demo",
                "POST",
                &format!("/v1/admin/users/{username}/sign-out"),
                serde_json::json!({"reason": "手机丢失"}),
            )
            .await?;

        // Act: save; the API refuses the token and the issuer the refresh token, so the
        // session lapses; the person signs in again in the pop-up.
        browser.tap("signal-save").await?;
        browser.visible("session-lapsed").await?;
        let kept = browser
            .js("return document.querySelector('[data-testid=\"signal-source\"]').value")
            .await?;
        browser.screenshot("session-lapsed").await?;
        browser.tap("session-renew").await?;
        let popup = browser
            .eventually("the sign-in pop-up", || async {
                let windows = browser.client.windows().await?;
                Ok(windows.into_iter().find(|w| *w != main))
            })
            .await?;
        browser.client.switch_to_window(popup).await?;
        browser.retype("signin-username", &username).await?;
        browser.retype("signin-password", &password).await?;
        browser.visible("signin-submit").await?.click().await?;
        browser
            .eventually("the pop-up to close itself", || async {
                let open = browser.client.windows().await?.len();
                Ok((open == 1).then_some(()))
            })
            .await?;
        browser.client.switch_to_window(main).await?;
        browser.visible("signal-saved").await?;
        let still_asking = browser.is_visible("session-lapsed").await?;

        // Assert
        check!(
            kept == "企查查",
            "what was typed stays behind the dialog: {kept}"
        );
        check!(!still_asking, "the dialog is gone once signed in again");
        check!(
            browser.path().await?.starts_with("/customers/"),
            "the page never left: {}",
            browser.path().await?
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn signin_goes_on_to_the_identity_provider_before_the_app_has_loaded() {
    with_browser(PHONE, async |browser| -> Result {
        // Arrange: the app's code held back (a phone on a slow network).
        browser.hold_back(&["*main_bg.wasm*"]).await?;

        // Act
        browser.open("/signin?next=/alerts").await?;

        // Assert: the identity provider's form, with the app's callback and a PKCE challenge.
        browser.visible("signin-username").await?;
        let url = browser.client.current_url().await?;
        let query = url.query().unwrap_or_default().to_owned();
        check!(url.path() == "/oauth2/authorize", "{url}");
        check!(query.contains("code_challenge_method=S256"), "{url}");
        check!(query.contains("redirect_uri=http"), "{url}");

        // Act: the app arrives, and the person signs in.
        browser.hold_back(&[]).await?;
        browser.submit_signin_form("sales", "demo").await?;

        // Assert: the app takes the code and opens the page asked for.
        browser.visible("alerts-severity").await?;
        check!(
            browser.path().await? == "/alerts",
            "{}",
            browser.path().await?
        );
        Ok(())
    })
    .await;
}
