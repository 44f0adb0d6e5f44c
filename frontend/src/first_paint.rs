//! The static shell of `index.html` and the figures `public/first-paint.js` may have
//! painted into it before the app arrived.
//!
//! Unpainted, the shell goes as soon as the app mounts. Painted (`data-painted` names the
//! page: `customer` or `search`), it stays over the app until that page shows the same
//! figures, so they never blink out while the page's code loads; [`release`] takes it
//! away. A page that never does (a failed load, a redirect elsewhere) is covered by
//! [`HELD_AT_MOST`].

use std::time::Duration;

/// The longest the painted shell stays over the app.
const HELD_AT_MOST: Duration = Duration::from_secs(15);

fn shell() -> Option<web_sys::Element> {
    web_sys::window()?
        .document()?
        .get_element_by_id("boot-shell")
}

/// At mount: takes the shell away, unless it holds painted figures; those stay until
/// [`release`] (or [`HELD_AT_MOST`]).
pub fn at_mount() {
    let Some(shell) = shell() else { return };
    if !shell.has_attribute("data-painted") {
        shell.remove();
        return;
    }
    leptos::prelude::set_timeout(release, HELD_AT_MOST);
}

/// The page shows its own figures now: the shell goes.
pub fn release() {
    if let Some(shell) = shell() {
        shell.remove();
    }
}
