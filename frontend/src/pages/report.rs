//! `/customers/:id/report`: the customer's credit report as the server lays it out (the
//! same layout its PDF is made from), to print on A4 or to download as a PDF. Whoever may
//! read the customer may read its report; parts their role may not see are left out by the
//! server.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::download::download_bytes;
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{Locale, t, use_i18n};
use crate::session::use_session;

/// The reader's time zone, as minutes east of UTC (what the report prints times in).
fn offset_minutes() -> i32 {
    // `getTimezoneOffset` counts minutes west of UTC.
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

#[component]
pub fn CreditReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let lang = move || {
        if i18n.get_locale() == Locale::en {
            "en"
        } else {
            "zh-CN"
        }
    };
    let page = LocalResource::new(move || {
        let (id, lang) = (id(), lang());
        async move {
            let bytes =
                api::credit_report(session, &id, "text/html", lang, offset_minutes()).await?;
            Ok::<_, ApiError>(String::from_utf8_lossy(&bytes).into_owned())
        }
    });
    let pdf_busy = RwSignal::new(false);
    let pdf_failed = RwSignal::new(None::<ApiError>);
    let download_pdf = move |_| {
        pdf_busy.set(true);
        pdf_failed.set(None);
        let (id, lang) = (id(), lang());
        leptos::task::spawn_local(async move {
            match api::credit_report(session, &id, "application/pdf", lang, offset_minutes()).await
            {
                Ok(bytes) => download_bytes(
                    &format!("credit-report-{id}.pdf"),
                    &bytes,
                    "application/pdf",
                ),
                Err(e) => pdf_failed.set(Some(e)),
            }
            pdf_busy.set(false);
        });
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };

    view! {
        <div class="report-page" data-testid="report-page">
            <div class="report-toolbar">
                <a class="button button-ghost" href=move || format!("/customers/{}", id())>
                    {t!(i18n, report_back)}
                </a>
                <button type="button" class="button button-primary" on:click=print
                    data-testid="report-print">
                    {t!(i18n, report_print)}
                </button>
                <button type="button" class="button" on:click=download_pdf
                    disabled=move || pdf_busy.get() data-testid="report-pdf">
                    {move || if pdf_busy.get() {
                        t!(i18n, report_pdf_busy).into_any()
                    } else {
                        t!(i18n, report_pdf).into_any()
                    }}
                </button>
            </div>
            {move || pdf_failed.get().map(|e| view! { <ErrorNotice error=e /> })}
            <Suspense fallback=|| view! { <Loading /> }>
                {move || page.get().map(|result| match result {
                    // Our own server's page: every text in it is escaped there.
                    Ok(html) => view! { <div class="report-sheet" inner_html=html /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}
