//! Snapshots of large JSON views, committed under `tests/tests/api/snapshots/`.
//!
//! How a snapshot fails (insta 1.x, `INSTA_UPDATE` unset, i.e. `auto`): a missing or changed
//! snapshot FAILS the test under plain `cargo test`. On a developer's machine insta also
//! writes the new value beside it as `<name>.snap.new` (ignored by git) for
//! `cargo insta review`; when `CI` is set it writes nothing. Only `INSTA_UPDATE=always` or
//! `force` (write in place) or `INSTA_FORCE_PASS` let a mismatch pass: [`settings`] refuses
//! those when `CI` is set, so CI cannot accept a snapshot by accident. To accept a change
//! deliberately: `INSTA_UPDATE=always cargo test ...` (or `cargo insta review`), then read
//! the diff of the `.snap` file before committing it.
//!
//! Usage, so that insta names the file after the calling test module:
//! `snapshot::settings().bind(|| insta::assert_json_snapshot!("name", value, {redactions}))`.

/// The settings every snapshot in this binary is taken with: maps sorted (JSON objects
/// compare by content, not key order); the CI guard above.
pub fn settings() -> insta::Settings {
    refuse_accepting_snapshots_on_ci();
    let mut settings = insta::Settings::clone_current();
    settings.set_sort_maps(true);
    settings.set_omit_expression(true);
    settings
}

fn refuse_accepting_snapshots_on_ci() {
    let on_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if !on_ci {
        return;
    }
    let update = std::env::var("INSTA_UPDATE").unwrap_or_default();
    assert!(
        !matches!(update.as_str(), "always" | "1" | "force" | "unseen"),
        "INSTA_UPDATE={update} on CI would accept changed snapshots: unset it"
    );
    assert!(
        std::env::var("INSTA_FORCE_PASS").is_err(),
        "INSTA_FORCE_PASS on CI would let changed snapshots pass: unset it"
    );
}
