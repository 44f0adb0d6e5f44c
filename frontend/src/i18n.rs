//! Translations (zh-CN first, then English) and the user's choice of language.
//!
//! The strings live in `locales/*.json` and are compiled in by `leptos_i18n`, so a
//! missing key is a build error. The choice is kept in `localStorage`; without one the
//! app starts in Chinese whatever the browser prefers, because that is our first market.

// `load_locales!` reads `[package.metadata.leptos-i18n]`; its build.rs replacement needs
// ICU data generation at build time, which this app does not need (no plural/number rules).
#![allow(deprecated)]

use leptos::prelude::*;
use leptos_i18n::I18nContext;

leptos_i18n::load_locales!();

// The macro reads the JSON files without telling cargo; including them makes an edited
// translation rebuild the crate instead of shipping the old strings.
const _: &[u8] = include_bytes!("../locales/zh-CN.json");
const _: &[u8] = include_bytes!("../locales/en.json");

pub use i18n::{Locale, t, t_string, td_string, use_i18n};
/// `Locale::as_str` and friends.
pub use leptos_i18n::Locale as LocaleExt;

const STORAGE_KEY: &str = "credence.locale";

/// Creates the translation context, starting from the remembered language, keeps
/// `<html lang>` in step with it and remembers every change.
pub fn provide_i18n() -> I18nContext<Locale> {
    let initial = read_stored().unwrap_or_default();
    let context =
        leptos_i18n::context::init_i18n_subcontext::<Locale>(Some(Signal::stored(initial)));
    provide_context(context);

    // Syncing with the world outside Leptos: the document element and storage.
    Effect::new(move |_| {
        let locale = context.get_locale();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", locale.as_str());
        }
        store(locale);
    });
    context
}

/// The language the switch offers: the one not in use.
pub fn other(locale: Locale) -> Locale {
    match locale {
        Locale::zh_CN => Locale::en,
        Locale::en => Locale::zh_CN,
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn read_stored() -> Option<Locale> {
    let raw = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    raw.parse().ok()
}

fn store(locale: Locale) {
    if let Some(storage) = storage() {
        // Private mode may refuse; the choice then lasts for this visit only.
        let _ = storage.set_item(STORAGE_KEY, locale.as_str());
    }
}
