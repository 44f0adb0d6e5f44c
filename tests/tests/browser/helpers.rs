//! A browser per test and size, and the few steps every test shares.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T = ()> = std::result::Result<T, Error>;

/// Fails the test with a message (and still closes the browser): `check!(cond, "why {x}")`.
macro_rules! check {
    ($cond:expr, $($msg:tt)+) => {
        let holds: bool = $cond;
        if !holds {
            return Err(format!($($msg)+).into());
        }
    };
}
pub(crate) use check;

/// How long the app may take to show what a step waits for.
const PATIENCE: Duration = Duration::from_secs(15);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
    /// Phones: touch, device pixel ratio 2, and `<meta viewport>` honoured.
    pub mobile: bool,
}

pub const PHONE: Size = Size {
    name: "phone",
    width: 390,
    height: 844,
    mobile: true,
};
pub const LAPTOP: Size = Size {
    name: "laptop",
    width: 1366,
    height: 768,
    mobile: false,
};
pub const SIZES: [Size; 2] = [PHONE, LAPTOP];

struct Env {
    base_url: String,
    chromedriver_url: String,
    screenshots: PathBuf,
}

fn env() -> Env {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!(
                "{name} is not set. Browser tests need the app, chromedriver and a screenshot \
                 directory: run them with `cargo xtask test`, which sets CREDENCE_BASE_URL, \
                 CHROMEDRIVER_URL and CREDENCE_SCREENSHOTS."
            )
        })
    };
    Env {
        base_url: var("CREDENCE_BASE_URL").trim_end_matches('/').to_owned(),
        chromedriver_url: var("CHROMEDRIVER_URL"),
        screenshots: PathBuf::from(var("CREDENCE_SCREENSHOTS")),
    }
}

/// A fresh Chromium (own profile: no stored token or language) at one size.
pub struct Browser {
    pub client: Client,
    pub size: Size,
    base_url: String,
    screenshots: PathBuf,
}

/// Runs `test` in a fresh browser at every size, closing each browser even when the
/// test fails, then fails with the test's message.
pub async fn at_each_size(test: impl AsyncFn(&Browser) -> Result) {
    for size in SIZES {
        with_browser(size, &test).await;
    }
}

/// Runs `test` in a fresh browser (own profile: signed out) at one size, closing the
/// browser even when the test fails, then fails with the test's message. Tests that
/// follow one piece of work from person to person open one browser per person.
pub async fn with_browser<T>(size: Size, test: impl AsyncFn(&Browser) -> Result<T>) -> T {
    let env = env();
    let profile = fresh_profile_dir();
    let client = connect(&env, size, &profile).await;
    let browser = Browser {
        client,
        size,
        base_url: env.base_url.clone(),
        screenshots: env.screenshots.clone(),
    };
    let mut outcome = test(&browser).await;
    // Every screen runs under the deployed Content-Security-Policy: a violation anywhere
    // (reported to the local server) fails the test that caused it, or the next one.
    if outcome.is_ok() {
        match browser.csp_violations().await {
            Ok(found) if !found.is_empty() => {
                outcome = Err(format!("Content-Security-Policy violations: {found:?}").into());
            }
            _ => {}
        }
    }
    if outcome.is_err() {
        // A picture of the failure helps more than the message alone.
        let _ = browser.screenshot("failure").await;
    }
    let _ = browser.client.close().await;
    let _ = std::fs::remove_dir_all(&profile);
    match outcome {
        Ok(value) => value,
        Err(error) => panic!(
            "at {} size ({}x{}): {error}",
            size.name, size.width, size.height
        ),
    }
}

fn fresh_profile_dir() -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "credence-browser-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating a Chromium profile directory");
    dir
}

async fn connect(env: &Env, size: Size, profile: &std::path::Path) -> Client {
    // `--window-size` sizes the whole window: Chromium keeps it at least 500px wide and
    // the viewport ends up smaller than asked. Device metrics fix the viewport exactly.
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "mobileEmulation": {
                "deviceMetrics": {
                    "width": size.width,
                    "height": size.height,
                    "pixelRatio": if size.mobile { 2.0 } else { 1.0 },
                    "mobile": size.mobile,
                    "touch": size.mobile,
                }
            },
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                format!("--window-size={},{}", size.width, size.height),
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!("a JSON object literal")
    };
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&env.chromedriver_url)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot start Chromium through chromedriver at {}: {e}",
                env.chromedriver_url
            )
        })
}

/// The CSS selector for a `data-testid`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub async fn open(&self, path: &str) -> Result {
        self.client.goto(&self.url(path)).await?;
        Ok(())
    }

    pub async fn path(&self) -> Result<String> {
        Ok(self.client.current_url().await?.path().to_owned())
    }

    /// Polls `probe` until it gives `Some`, or fails after a while saying what it waited for.
    pub async fn eventually<T, F, Fut>(&self, what: &str, mut probe: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>>>,
    {
        let started = Instant::now();
        let mut last_error = None;
        loop {
            match probe().await {
                Ok(Some(value)) => return Ok(value),
                Ok(None) => {}
                Err(error) => last_error = Some(error),
            }
            if started.elapsed() > PATIENCE {
                let detail = last_error
                    .map(|e| format!(" (last error: {e})"))
                    .unwrap_or_default();
                return Err(format!("timed out waiting for {what}{detail}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The element with this `data-testid` once it is displayed.
    pub async fn visible(&self, id: &str) -> Result<Element> {
        let selector = testid(id);
        self.eventually(&format!("{selector} to be visible"), || async {
            for element in self.client.find_all(Locator::Css(&selector)).await? {
                if element.is_displayed().await? {
                    return Ok(Some(element));
                }
            }
            Ok(None)
        })
        .await
    }

    /// Scrolls the element to the middle of the screen, as a person would, and clicks it.
    /// (chromedriver's own scrolling ignores `scroll-padding` and would leave it behind
    /// the phone's fixed bottom bar.)
    pub async fn tap(&self, id: &str) -> Result {
        let element = self.visible(id).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(&element)?],
            )
            .await?;
        element.click().await?;
        Ok(())
    }

    /// Scrolls the element to the top of the screen, as a person reading down the page would.
    pub async fn scroll_to(&self, id: &str) -> Result<Element> {
        let element = self.visible(id).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'start'});",
                vec![serde_json::to_value(&element)?],
            )
            .await?;
        Ok(element)
    }

    /// Replaces what a text field holds, key by key (select all, delete, type), so the app
    /// sees the same input events a person's typing makes.
    pub async fn retype(&self, id: &str, text: &str) -> Result {
        let field = self.visible(id).await?;
        // Control+A, release the modifier, Backspace.
        field.send_keys("\u{E009}a\u{E000}\u{E003}").await?;
        field.send_keys(text).await?;
        Ok(())
    }

    /// Picks an option of a `<select>` by its value and tells the app with a `change` event.
    pub async fn choose(&self, id: &str, value: &str) -> Result {
        let field = self.visible(id).await?;
        self.client
            .execute(
                "const [field, value] = arguments; field.value = value; \
                 field.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![
                    serde_json::to_value(&field)?,
                    serde_json::Value::from(value),
                ],
            )
            .await?;
        Ok(())
    }

    /// Sets a field's value the way a date picker does (typed keys reach a date input
    /// in the format of the browser's locale), then tells the app with `input` and
    /// `change` events.
    pub async fn set_value(&self, id: &str, value: &str) -> Result {
        let field = self.visible(id).await?;
        self.client
            .execute(
                "const [field, value] = arguments; \
                 const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set; \
                 set.call(field, value); \
                 field.dispatchEvent(new Event('input', { bubbles: true })); \
                 field.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![serde_json::to_value(&field)?, serde_json::Value::from(value)],
            )
            .await?;
        Ok(())
    }

    /// The browser's local date `days` from today, as `YYYY-MM-DD`.
    pub async fn date_in_days(&self, days: i64) -> Result<String> {
        let script = format!(
            "const d = new Date(); d.setDate(d.getDate() + {days}); \
             return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' \
             + String(d.getDate()).padStart(2, '0');"
        );
        let date = self.js(&script).await?;
        Ok(date.as_str().ok_or("the browser gave no date")?.to_owned())
    }

    /// Fails when the page is wider than the screen (it would scroll sideways).
    pub async fn fits_the_width(&self, what: &str) -> Result {
        let widths = self
            .js("return [document.documentElement.scrollWidth, innerWidth];")
            .await?;
        let (page, view) = (widths[0].as_f64(), widths[1].as_f64());
        match (page, view) {
            (Some(page), Some(view)) if page <= view + 1.0 => Ok(()),
            _ => Err(format!(
                "{what}: the page is {widths} wide (page, viewport): it scrolls sideways"
            )
            .into()),
        }
    }

    /// Whether an element with this `data-testid` is displayed right now.
    pub async fn is_visible(&self, id: &str) -> Result<bool> {
        for element in self.client.find_all(Locator::Css(&testid(id))).await? {
            if element.is_displayed().await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The texts of all elements matching a CSS selector.
    pub async fn texts(&self, selector: &str) -> Result<Vec<String>> {
        let mut texts = Vec::new();
        for element in self.client.find_all(Locator::Css(selector)).await? {
            texts.push(element.text().await?);
        }
        Ok(texts)
    }

    /// The Content-Security-Policy violations the browser has reported to the local server
    /// so far (it serves every page under the policy the deployed app gets).
    pub async fn csp_violations(&self) -> Result<Vec<serde_json::Value>> {
        let script = r#"
            const [done] = arguments;
            fetch('/csp-reports').then(r => r.json()).then(b => done(b.items)).catch(() => done([]));
        "#;
        let answer = self.client.execute_async(script, vec![]).await?;
        Ok(answer.as_array().cloned().unwrap_or_default())
    }

    pub async fn js(&self, script: &str) -> Result<serde_json::Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// `GET path` on the API as the signed-in user (the app's stored token), for the
    /// arranging a test does; what the test checks it reads off the screen.
    pub async fn api_get(&self, path: &str) -> Result<serde_json::Value> {
        let script = r#"
            const [path, done] = arguments;
            const session = JSON.parse(sessionStorage.getItem('credence.session') || 'null');
            fetch(path, { headers: { authorization: 'Bearer ' + (session && session.access_token) } })
              .then(async r => done({ status: r.status, body: await r.json() }))
              .catch(e => done({ status: 0, body: String(e) }));
        "#;
        let answer = self
            .client
            .execute_async(script, vec![serde_json::Value::from(path)])
            .await?;
        if answer["status"] != 200 {
            return Err(format!("GET {path} answered {answer}").into());
        }
        Ok(answer["body"].clone())
    }

    /// `method path` on the API as `username` (a token from the local issuer's script
    /// endpoint), from inside the page: the arranging an admin would do on another device.
    pub async fn api_as(
        &self,
        username: &str,
        password: &str,
        method: &str,
        path: &str,
        body: serde_json::Value,
    ) -> Result<serde_json::Value> {
        let script = r#"
            const [username, password, method, path, body, done] = arguments;
            fetch('/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' },
                                   body: JSON.stringify({ username, password }) })
              .then(r => r.json())
              .then(t => fetch(path, { method, body: body === null ? undefined : JSON.stringify(body),
                                       headers: { authorization: 'Bearer ' + t.access_token,
                                                  'content-type': 'application/json' } }))
              .then(async r => done({ status: r.status, body: await r.json().catch(() => null) }))
              .catch(e => done({ status: 0, body: String(e) }));
        "#;
        let answer = self
            .client
            .execute_async(
                script,
                vec![
                    username.into(),
                    password.into(),
                    method.into(),
                    path.into(),
                    body,
                ],
            )
            .await?;
        if !answer["status"]
            .as_u64()
            .is_some_and(|s| (200..300).contains(&s))
        {
            return Err(format!("{method} {path} answered {answer}").into());
        }
        Ok(answer["body"].clone())
    }

    /// Invites a person of the test's own through the admin API (their username is
    /// `prefix` and a stamp, so each size and run has its own) and answers their username
    /// and the temporary password the local directory shows once.
    pub async fn invite(
        &self,
        prefix: &str,
        display_name: &str,
        role: &str,
    ) -> Result<(String, String)> {
        // `/signin` leaves for the issuer's page at once: the calls below wait until it is
        // there, or the page would unload under them.
        self.open("/signin").await?;
        self.visible("signin-username").await?;
        let stamp = self.js("return Date.now()").await?;
        let username = format!("{prefix}.{stamp}");
        let invited = self
            .api_as(
                "admin",
                "demo",
                "PUT",
                &format!("/v1/admin/users/{username}"),
                serde_json::json!({"version": 0, "display_name": display_name, "roles": [role],
                                   "email": format!("{prefix}@example.com"), "reason": "新同事"}),
            )
            .await?;
        let password = invited["invitation"]
            .as_str()
            .ok_or("the local directory answers the temporary password")?
            .to_owned();
        Ok((username, password))
    }

    /// Signs in as a person does: `/signin` sends the browser to the issuer's authorize
    /// page (authorization code + PKCE), the form there is filled in, and the app takes the
    /// code back and shows the customer search.
    /// Signs out from the account menu (at the issuer too), so another person can sign in.
    pub async fn sign_out(&self) -> Result {
        self.open_account_menu_if_needed().await?;
        self.visible("signout").await?.click().await?;
        self.visible("signed-out").await?;
        Ok(())
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Result {
        self.open("/signin").await?;
        self.submit_signin_form(username, password).await?;
        self.visible("search-input").await?;
        Ok(())
    }

    /// Types into the identity provider's sign-in form and sends it.
    pub async fn submit_signin_form(&self, username: &str, password: &str) -> Result {
        self.visible("signin-username")
            .await?
            .send_keys(username)
            .await?;
        self.visible("signin-password")
            .await?
            .send_keys(password)
            .await?;
        self.visible("signin-submit").await?.click().await?;
        Ok(())
    }

    /// Waits until at least one customer card is shown and returns how many there are.
    /// Waits for a link with this test id that goes to `href` (one line of a list).
    pub async fn link_to(&self, id: &str, href: &str) -> Result<Element> {
        self.eventually(&format!("a {id} linking to {href}"), || async {
            for link in self.client.find_all(Locator::Css(&testid(id))).await? {
                if link.attr("href").await?.as_deref() == Some(href) {
                    return Ok(Some(link));
                }
            }
            Ok(None)
        })
        .await
    }

    /// Follows the `id` link to `href` until the browser is there. A list that re-renders
    /// (a search settling, a refresh) can replace the link between finding and clicking
    /// it, so a stale link or a click that went nowhere is tried again.
    pub async fn follow(&self, id: &str, href: &str) -> Result {
        self.eventually(&format!("to follow a {id} link to {href}"), || async {
            if self.path().await? == href {
                return Ok(Some(()));
            }
            for link in self.client.find_all(Locator::Css(&testid(id))).await? {
                if link.attr("href").await?.as_deref() == Some(href) {
                    // Centred, so a phone's bottom navigation cannot cover it.
                    self.client
                        .execute(
                            "arguments[0].scrollIntoView({block: 'center'});",
                            vec![serde_json::to_value(&link)?],
                        )
                        .await?;
                    link.click().await?;
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            Ok((self.path().await? == href).then_some(()))
        })
        .await
    }

    pub async fn results(&self) -> Result<usize> {
        self.eventually("customer results", || async {
            let cards = self
                .client
                .find_all(Locator::Css(&testid("customer-result")))
                .await?;
            Ok((!cards.is_empty()).then_some(cards.len()))
        })
        .await
    }

    /// On a phone the language switch and sign-out sit in a pop-up account menu.
    pub async fn open_account_menu_if_needed(&self) -> Result {
        if self.is_visible("account-menu").await? {
            let toggle = self.visible("account-menu").await?;
            if toggle.attr("aria-expanded").await?.as_deref() != Some("true") {
                toggle.click().await?;
            }
        }
        Ok(())
    }

    /// Takes the page's network away (or gives it back) as DevTools does: requests fail
    /// and `navigator.onLine` follows, with its `offline`/`online` events.
    pub async fn set_offline(&self, offline: bool) -> Result {
        self.client
            .issue_cmd(Cdp::new("Network.enable", json!({})))
            .await?;
        self.client
            .issue_cmd(Cdp::new(
                "Network.emulateNetworkConditions",
                json!({"offline": offline, "latency": 0,
                       "downloadThroughput": -1, "uploadThroughput": -1}),
            ))
            .await?;
        Ok(())
    }

    /// Holds back every request whose URL matches one of `patterns` (DevTools' request
    /// blocking, past the service worker); none to let everything through again.
    pub async fn hold_back(&self, patterns: &[&str]) -> Result {
        self.client
            .issue_cmd(Cdp::new("Network.enable", json!({})))
            .await?;
        self.client
            .issue_cmd(Cdp::new(
                "Network.setBypassServiceWorker",
                json!({"bypass": !patterns.is_empty()}),
            ))
            .await?;
        self.client
            .issue_cmd(Cdp::new(
                "Network.setBlockedURLs",
                json!({"urls": patterns}),
            ))
            .await?;
        Ok(())
    }

    /// Saves `CREDENCE_SCREENSHOTS/<name>-<size>.png`.
    pub async fn screenshot(&self, name: &str) -> Result {
        // Let fonts and the last render settle so the picture shows the final state.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await?;
        std::fs::create_dir_all(&self.screenshots)?;
        let path = self
            .screenshots
            .join(format!("{name}-{}.png", self.size.name));
        std::fs::write(&path, png)?;
        Ok(())
    }
}

/// A Chrome DevTools Protocol command, sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    body: String,
}

impl Cdp {
    fn new(cmd: &str, params: serde_json::Value) -> Self {
        Cdp {
            body: json!({"cmd": cmd, "params": params}).to_string(),
        }
    }
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.clone()))
    }
}
