//! The rep's phone without a network: after signing in and opening two customers, the
//! network goes (DevTools network emulation) and the page is reloaded. The app comes from
//! the service worker, search and both cards from the device with the offline banner and
//! their as-of time, the order check is marked as not confirmed, and a note and a limit
//! request typed offline are queued and reach the server once the network returns. On a
//! slow network, the card and the list show their figures before the app has arrived.

use crate::helpers::*;
use serde_json::{Value, json};

/// A customer of the sales rep's own with one open invoice; answers its number and name.
async fn own_customer(browser: &Browser, tag: &str) -> Result<(String, String)> {
    let stamp = browser.js("return Date.now()").await?;
    let number = format!("BR-OFF-{tag}-{stamp}");
    let name = format!("宁波离线测试{tag}有限公司{stamp}");
    browser
        .api_as(
            "risk",
            "demo",
            "PUT",
            &format!("/v1/customers/{number}"),
            json!({"name": name, "country": "CN", "owner": "sales"}),
        )
        .await?;
    let today: String = serde_json::from_value(
        browser
            .js("return new Date().toISOString().slice(0, 10)")
            .await?,
    )?;
    browser
        .api_as(
            "finance",
            "demo",
            "POST",
            "/v1/ledger/events",
            json!({"events": [{"idempotency_key": format!("br-off-{tag}-{stamp}"),
                               "customer_id": number, "date": today,
                               "event": {"type": "invoice", "invoice": format!("FP-OFF-{tag}-{stamp}"),
                                         "due_date": today,
                                         "amount": {"amount": "1200.00", "currency": "CNY"}}}]}),
        )
        .await?;
    Ok((number, name))
}

/// Waits until the service worker has kept the app and controls the page (it registers a
/// few seconds after the page has loaded).
async fn kept_by_the_worker(browser: &Browser) -> Result {
    browser
        .eventually("the service worker controls the page", || async {
            let controlled = browser
                .js("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)")
                .await?;
            Ok((controlled == Value::Bool(true)).then_some(()))
        })
        .await
}

/// How many cards the app has kept on the device (0 before its store exists).
async fn kept_cards(browser: &Browser) -> Result<u64> {
    let script = r#"
        const done = arguments[0];
        indexedDB.databases().then(list => {
          if (!list.some(d => d.name === 'credence-offline')) return done(0);
          const open = indexedDB.open('credence-offline');
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('cards')) { db.close(); return done(0); }
            const count = db.transaction('cards').objectStore('cards').count();
            count.onsuccess = () => { db.close(); done(count.result); };
            count.onerror = () => { db.close(); done(0); };
          };
          open.onerror = () => done(0);
        });
    "#;
    let answer = browser.client.execute_async(script, vec![]).await?;
    Ok(answer.as_u64().unwrap_or(0))
}

#[tokio::test]
async fn a_rep_offline_still_finds_both_cards_previews_an_order_and_queues_a_note() {
    with_browser(PHONE, async |browser| -> Result {
        // Arrange: signed in, the app kept by the service worker, two cards opened.
        browser.sign_in("sales", "demo").await?;
        let (first, first_name) = own_customer(browser, "A").await?;
        let (second, second_name) = own_customer(browser, "B").await?;
        kept_by_the_worker(browser).await?;
        for number in [&first, &second] {
            browser.open(&format!("/customers/{number}")).await?;
            browser.visible("customer-detail").await?;
        }
        browser
            .eventually("both cards kept on the device", || async {
                Ok((kept_cards(browser).await? >= 2).then_some(()))
            })
            .await?;

        // Act: the network goes and the page is reloaded.
        browser.set_offline(true).await?;
        browser.open("/").await?;

        // Assert: the app, the banner and both customers, from the device.
        browser.visible("offline-banner").await?;
        browser
            .eventually("both kept customers in the search", || async {
                let names = browser.texts(&testid("customer-result")).await?;
                let both = names.iter().any(|n| n.contains(&first_name))
                    && names.iter().any(|n| n.contains(&second_name));
                Ok(both.then_some(()))
            })
            .await?;
        browser.screenshot("offline-search").await?;
        let shell = browser
            .client
            .execute_async(
                "const done = arguments[0]; caches.keys().then(k => done(k))",
                vec![],
            )
            .await?;
        check!(
            shell.to_string().contains("credence-shell-"),
            "the service worker keeps the app: {shell}"
        );

        // The cards, with how old their figures are.
        browser.open(&format!("/customers/{first}")).await?;
        browser.visible("customer-detail").await?;
        let as_of = browser.visible("offline-as-of").await?.text().await?;
        check!(as_of.contains("离线") && as_of.contains(':'), "{as_of}");
        browser.open(&format!("/customers/{second}")).await?;
        browser.visible("offline-as-of").await?;

        // The order check: the browser's answer, marked as not confirmed.
        browser.retype("order-amount", "500").await?;
        let status = browser
            .eventually("the preview marked offline", || async {
                let status = browser
                    .visible("check-server")
                    .await?
                    .attr("data-status")
                    .await?;
                Ok(status.filter(|s| s == "offline"))
            })
            .await?;
        check!(status == "offline", "{status}");
        browser.screenshot("offline-card").await?;

        // A note typed offline waits as pending.
        let note = format!("离线备注 {second}");
        browser.scroll_to("note-form").await?;
        browser.retype("note-text", &note).await?;
        browser.tap("note-submit").await?;
        let pending = browser.visible("pending-change").await?.text().await?;
        check!(pending.contains(&note), "{pending}");
        browser.screenshot("offline-pending-note").await?;
        // So does a limit request: it needs the server's checks, so it is filed when sent.
        let asked = format!("离线申请 {second}");
        browser.scroll_to("request-open").await?;
        browser.tap("request-open").await?;
        browser
            .visible("request-kind")
            .await?
            .select_by_value("limit")
            .await?;
        browser.retype("request-limit", "1234000").await?;
        browser.retype("request-justification", &asked).await?;
        browser.tap("request-submit").await?;
        browser
            .eventually("the request pending", || async {
                let pending = browser.texts(&testid("pending-change")).await?;
                let shown = pending
                    .iter()
                    .any(|p| p.contains(&asked) && p.contains("1,234,000"));
                Ok(shown.then_some(()))
            })
            .await?;
        browser.screenshot("offline-pending-request").await?;
        // Signing out now would delete them with the rest: the rep is asked first.
        browser.open_account_menu_if_needed().await?;
        browser.tap("signout").await?;
        let question = browser.client.get_alert_text().await?;
        browser.client.dismiss_alert().await?;
        check!(question.contains('2'), "{question}");
        check!(
            browser.is_visible("search-input").await?
                || browser.is_visible("customer-detail").await?,
            "still signed in after saying no"
        );

        // The network returns: the order is confirmed, the note and the request are sent,
        // each once.
        browser.set_offline(false).await?;
        browser
            .eventually("the preview confirmed by the server", || async {
                let status = browser
                    .visible("check-server")
                    .await?
                    .attr("data-status")
                    .await?;
                Ok(status.filter(|s| s == "confirmed" || s == "differs"))
            })
            .await?;
        browser
            .eventually("the pending note gone", || async {
                Ok((!browser.is_visible("pending-change").await?).then_some(()))
            })
            .await?;
        let collections = browser
            .api_get(&format!("/v1/customers/{second}/collections"))
            .await?;
        let sent = collections["activity"]
            .as_array()
            .map(|all| all.iter().filter(|a| a["text"] == note.as_str()).count())
            .unwrap_or(0);
        check!(sent == 1, "the note reached the server once: {collections}");
        let requests = browser
            .api_get(&format!("/v1/customers/{second}/requests"))
            .await?;
        let filed = requests["items"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter(|r| {
                        r["amount"]["amount"]
                            .as_str()
                            .is_some_and(|a| a.starts_with("1234000"))
                    })
                    .count()
            })
            .unwrap_or(0);
        check!(filed == 1, "the request was filed once: {requests}");
        check!(
            !browser.is_visible("offline-banner").await?,
            "the banner leaves with the network"
        );
        Ok(())
    })
    .await;
}

/// The worker the app is served with (`frontend/dist/sw.js`); put back as it was when
/// dropped, so a test that fakes a new build leaves the next tests the real one.
struct ServedWorker {
    path: std::path::PathBuf,
    original: String,
}

impl ServedWorker {
    fn open() -> Result<Self> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist/sw.js");
        let original = std::fs::read_to_string(&path)?;
        Ok(ServedWorker { path, original })
    }

    fn version(&self) -> Result<String> {
        let start = self
            .original
            .find("const VERSION = \"")
            .ok_or("sw.js names its version")?
            + "const VERSION = \"".len();
        let end = self.original[start..].find('"').ok_or("a quoted version")? + start;
        Ok(self.original[start..end].to_owned())
    }

    /// Serves a worker that differs from the running one as a new build's would (the
    /// build's compressed copies set aside, or the server would send those).
    fn serve_new_build(&self, version: &str) -> Result {
        for compressed in ["br", "gz"] {
            let path = self.path.with_extension(format!("js.{compressed}"));
            if path.exists() {
                std::fs::rename(&path, path.with_extension(format!("{compressed}.aside")))?;
            }
        }
        let next = self.original.replacen(
            &format!("const VERSION = \"{}\"", self.version()?),
            &format!("const VERSION = \"{version}\""),
            1,
        );
        std::fs::write(&self.path, next)?;
        Ok(())
    }
}

impl Drop for ServedWorker {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.path, &self.original);
        for compressed in ["br", "gz"] {
            let path = self.path.with_extension(format!("js.{compressed}"));
            let aside = path.with_extension(format!("{compressed}.aside"));
            if aside.exists() {
                let _ = std::fs::rename(&aside, &path);
            }
        }
    }
}

#[tokio::test]
async fn a_reps_card_and_list_show_their_figures_before_the_app_has_loaded() {
    with_browser(PHONE, async |browser| -> Result {
        // Arrange: signed in, a customer of the rep's own, and the app's code held back
        // (a phone on a slow network, before it has arrived).
        browser.sign_in("sales", "demo").await?;
        let (number, name) = own_customer(browser, "F").await?;
        browser.hold_back(&["*main_bg.wasm*"]).await?;

        // Act: the card is opened.
        browser.open(&format!("/customers/{number}")).await?;

        // Assert: the shell of index.html shows the customer and the figures.
        let painted = browser
            .visible("first-paint-customer")
            .await?
            .text()
            .await?;
        check!(painted.contains(&name), "the name first: {painted}");
        check!(painted.contains("可用额度"), "{painted}");
        check!(
            painted.contains("¥1,200.00"),
            "the overdue invoice: {painted}"
        );
        browser.screenshot("first-paint-customer").await?;
        check!(
            !browser.is_visible("customer-detail").await?,
            "the app itself was held back"
        );

        // The list: the rep's customers, first page.
        browser.open("/").await?;
        browser.visible("first-paint-row").await?;
        browser.screenshot("first-paint-search").await?;

        // Act: the app's code arrives.
        browser.hold_back(&[]).await?;
        browser.open(&format!("/customers/{number}")).await?;

        // Assert: the app's card shows the same available credit, and the shell is gone
        // once it does.
        let available = browser.visible("customer-available").await?.text().await?;
        browser
            .eventually("the shell gone once the card shows", || async {
                let gone = browser
                    .js("return document.getElementById('boot-shell') === null")
                    .await?;
                Ok((gone == Value::Bool(true)).then_some(()))
            })
            .await?;
        check!(
            painted.contains(&available),
            "the shell painted {painted}, the app shows {available}"
        );
        Ok(())
    })
    .await;
}

async fn shell_caches(browser: &Browser) -> Result<Vec<String>> {
    let keys = browser
        .client
        .execute_async(
            "const done = arguments[0]; caches.keys().then(k => done(k))",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(keys)?)
}

#[tokio::test]
async fn a_new_build_is_offered_and_taken_only_when_the_person_asks() {
    with_browser(PHONE, async |browser| -> Result {
        // Arrange: the app is kept by this build's worker.
        let worker = ServedWorker::open()?;
        let running = worker.version()?;
        browser.sign_in("sales", "demo").await?;
        kept_by_the_worker(browser).await?;
        let before = shell_caches(browser).await?;
        check!(
            before == vec![format!("credence-shell-{running}")],
            "{before:?}"
        );

        // Act: a new build is deployed and the page looks for it.
        let next = format!("{running}-next");
        worker.serve_new_build(&next)?;
        browser
            .client
            .execute_async(
                "const done = arguments[0];
                 navigator.serviceWorker.getRegistration().then(r => r.update()).then(() => done(true), e => done(String(e)));",
                vec![],
            )
            .await?;
        browser.visible("update-prompt").await?;
        browser.screenshot("update-prompt").await?;
        let still_old = shell_caches(browser).await?;
        browser.tap("update-now").await?;

        // Assert: the old build served until asked; then the page runs the new one alone.
        check!(
            still_old.contains(&format!("credence-shell-{running}")),
            "the running build is kept until the person says so: {still_old:?}"
        );
        browser
            .eventually("the new build in charge", || async {
                let caches = shell_caches(browser).await?;
                Ok((caches == vec![format!("credence-shell-{next}")]).then_some(()))
            })
            .await?;
        browser.visible("search-input").await?;
        check!(
            !browser.is_visible("update-prompt").await?,
            "the reloaded page has nothing more to offer"
        );
        drop(worker);
        Ok(())
    })
    .await;
}
