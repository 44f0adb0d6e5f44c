//! Offering a file the app made or fetched (an export, an import's error file) as a
//! download, and the export buttons of the lists.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Offers `text` as a CSV file download (the export needs the bearer token, so no plain
/// link).
pub fn download(name: &str, text: &str) {
    download_bytes(name, text.as_bytes(), "text/csv;charset=utf-8");
}

/// Offers `bytes` of type `mime` as a file download.
pub fn download_bytes(name: &str, bytes: &[u8], mime: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(element) = document.create_element("a")
        && let Ok(link) = element.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    // Revoked a moment later: some browsers read the blob after the click returns.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
}

/// "Excel" and "CSV" buttons that download `what` (`customers`, `aging`, `open_items`,
/// `worklist`, `alerts`, `kpis`) from `GET /v1/exports/{what}`, as the reader sees the list
/// (`customer`: whose open items).
#[component]
pub fn ExportButtons(
    what: &'static str,
    #[prop(optional, into)] customer: Option<String>,
) -> impl IntoView {
    use crate::i18n::{t, use_i18n};
    let i18n = use_i18n();
    let session = crate::session::use_session();
    let failed = RwSignal::new(None::<crate::api::ApiError>);
    let busy = RwSignal::new(false);
    let customer = StoredValue::new(customer);
    let fetch = move |format: &'static str| {
        busy.set(true);
        failed.set(None);
        let lang = if i18n.get_locale_untracked() == crate::i18n::Locale::en {
            "en"
        } else {
            "zh"
        };
        let customer = customer.get_value();
        leptos::task::spawn_local(async move {
            match crate::api::export_file(session, what, format, lang, customer.as_deref()).await {
                Ok(bytes) => {
                    let mime = if format == "csv" {
                        "text/csv;charset=utf-8"
                    } else {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    };
                    download_bytes(&format!("credence-{what}.{format}"), &bytes, mime);
                }
                Err(e) => failed.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="export-buttons" data-testid=format!("export-{what}")>
            <button type="button" class="button button-ghost" disabled=move || busy.get()
                data-testid=format!("export-{what}-xlsx") on:click=move |_| fetch("xlsx")>{t!(i18n, export_xlsx)}</button>
            <button type="button" class="button button-ghost" disabled=move || busy.get()
                on:click=move |_| fetch("csv")>"CSV"</button>
            {move || failed.get().map(|error| view! { <crate::components::notice::ErrorNotice error /> })}
        </div>
    }
}
