//! The admin page manages people in the user directory itself: an admin invites someone new
//! (the local directory shows the temporary password once), signs a person out everywhere
//! with a reason, and the invited person signs in with that password on the issuer's page.

use crate::helpers::*;

#[tokio::test]
async fn an_admin_invites_a_person_who_signs_in_with_the_password_shown_once_and_signs_them_out_everywhere()
 {
    at_each_size(async |browser| {
        // Arrange: a username of its own at each size.
        browser.sign_in("admin", "demo").await?;
        let stamp = browser.js("return Date.now()").await?;
        let username = format!("zhao.lei.{stamp}");
        browser.open("/admin").await?;
        browser.visible("admin-users").await?;

        // Act: invite, read the password, close; then sign them out everywhere.
        browser.tap("user-new").await?;
        browser.retype("user-username", &username).await?;
        browser.retype("user-display", "赵磊").await?;
        browser.retype("user-email", "zhao.lei@example.com").await?;
        browser.tap("user-role-sales").await?;
        browser.tap("user-role-collector").await?;
        browser.retype("user-reason", "新入职催收员").await?;
        browser.tap("user-save").await?;
        let password = browser
            .visible("user-temporary-password")
            .await?
            .text()
            .await?;
        browser.screenshot("user-invited").await?;
        browser.tap("user-invitation-done").await?;
        let row = browser
            .eventually("the new person in the list", || async {
                let rows = browser.texts("[data-testid=\"user-row\"]").await?;
                Ok(rows.into_iter().find(|r| r.contains(&username)))
            })
            .await?;
        let edit = format!(
            "return [...document.querySelectorAll('[data-testid=\"user-row\"]')]\
             .find(r => r.textContent.includes('{username}'))\
             .querySelector('[data-testid=\"user-edit\"]').click(), true"
        );
        browser.js(&edit).await?;
        browser.tap("user-sign-out-all").await?;
        let reason_error = browser.visible("user-reason-error").await?.text().await?;
        browser.retype("user-reason", "手机丢失").await?;
        browser.tap("user-sign-out-all").await?;
        let signed_out = browser.visible("user-signed-out").await?.text().await?;
        browser.fits_the_width("the users page").await?;
        browser.screenshot("user-signed-out").await?;
        browser.js("sessionStorage.clear(); return true").await?;
        browser.sign_in(&username, password.trim()).await?;
        let me = browser.api_get("/v1/me").await?;

        // Assert
        check!(
            password.trim().chars().count() == 16,
            "the temporary password is shown once: {password:?}"
        );
        check!(
            row.contains("赵磊"),
            "the list shows the display name: {row}"
        );
        check!(
            !reason_error.trim().is_empty(),
            "a sign-out without a reason is named at the reason"
        );
        check!(
            signed_out.contains("赵磊") || signed_out.contains(&username),
            "the sign-out is confirmed: {signed_out}"
        );
        check!(
            me["username"] == username.as_str() && me["roles"] == serde_json::json!(["collector"]),
            "the invited person is signed in with their role: {me}"
        );
        Ok(())
    })
    .await;
}
