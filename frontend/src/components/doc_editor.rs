//! What the admin page's editors share. A tenant document (the approval matrix, the
//! warning rules, the dunning ladder, the webhooks: a shared [`TenantDocument`]) is edited as
//! JSON, checked by the same shared code the server runs (messages name the field) and shown
//! as a table while it reads; and every save of a new version says why, replaces the version that was read,
//! and on a 409 (someone saved first) says so and reloads.

use std::future::Future;

use credence_shared::document::TenantDocument;
use credence_shared::workflow::Versioned;
use leptos::prelude::*;
use serde::Serialize;

use crate::api::ApiError;
use crate::components::form::{FieldErrors, FieldMessage, settle, word};
use crate::components::notice::{ErrorNotice, Loaded};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::{Session, use_session};

/// How the admin page shows and edits a [`TenantDocument`] (its version and checks come from
/// `shared`; what is here is the page's: names, words, table and the two API calls).
pub trait TenantDoc: TenantDocument + PartialEq + Send + Sync + 'static {
    /// Names the section and its controls: `admin-{NAME}`, `{NAME}-json`, `{NAME}-reason`
    /// and `{NAME}-save`.
    const NAME: &'static str;
    /// The section's title; reactive when called inside a closure.
    fn title() -> &'static str;
    /// What the document decides, in a sentence; reactive when called inside a closure.
    fn hint() -> &'static str;
    fn load(session: Session) -> impl Future<Output = Result<Self, ApiError>> + 'static;
    fn save(
        session: Session,
        body: Versioned<Self>,
    ) -> impl Future<Output = Result<(), ApiError>> + 'static;
    /// The document as people read it (a table).
    fn show(self) -> AnyView;
}

/// Implements [`TenantDoc`] for a [`TenantDocument`] from its name, the keys of its title and hint, its two API calls and its table:
///
/// ```ignore
/// tenant_doc!(DunningLadder {
///     name: "dunning",
///     title: admin_dunning,
///     hint: dunning_hint,
///     load: api::dunning_ladder,
///     save: api::save_dunning_ladder,
///     show: |ladder| view! { <LadderTable ladder /> },
/// });
/// ```
macro_rules! tenant_doc {
    ($doc:ty {
        name: $name:literal,
        title: $title:ident,
        hint: $hint:ident,
        load: $load:path,
        save: $save:path,
        show: |$it:ident| $show:expr $(,)?
    }) => {
        impl $crate::components::doc_editor::TenantDoc for $doc {
            const NAME: &'static str = $name;

            fn title() -> &'static str {
                $crate::i18n::t_string!($crate::i18n::use_i18n(), $title)
            }

            fn hint() -> &'static str {
                $crate::i18n::t_string!($crate::i18n::use_i18n(), $hint)
            }

            async fn load(
                session: $crate::session::Session,
            ) -> Result<Self, $crate::api::ApiError> {
                $load(session).await
            }

            async fn save(
                session: $crate::session::Session,
                body: credence_shared::workflow::Versioned<Self>,
            ) -> Result<(), $crate::api::ApiError> {
                $save(session, &body).await
            }

            fn show(self) -> leptos::prelude::AnyView {
                let $it = self;
                leptos::prelude::IntoAny::into_any($show)
            }
        }
    };
}
pub(crate) use tenant_doc;

/// Reads edited JSON as a `T` and checks it; the message says where it went wrong.
pub fn parse_doc<T: TenantDocument>(text: &str) -> Result<T, FieldErrors> {
    let doc: T = serde_json::from_str(text).map_err(|e| {
        FieldErrors::coded(
            "document",
            credence_shared::messages::code::MALFORMED_JSON,
            &e.to_string(),
        )
    })?;
    doc.validate().map_err(FieldErrors)?;
    Ok(doc)
}

/// The document as pretty JSON to edit, its `version` left out: the server sets it, and
/// the save says which one it replaces.
pub fn json_text<T: Serialize>(doc: &T) -> String {
    let mut value = serde_json::to_value(doc).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("version");
    }
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// A tab that loads the tenant's `T` and edits it: `<DocTab<WarningRules> />`.
#[component]
pub fn DocTab<T: TenantDoc>(
    /// Which document (the props need to name `T`).
    #[prop(optional)]
    of: std::marker::PhantomData<T>,
) -> impl IntoView {
    let _ = of;
    let session = use_session();
    let doc = LocalResource::new(move || T::load(session));
    let reload = Callback::new(move |()| doc.refetch());
    view! {
        <Loaded resource=doc let:loaded>
            <DocEditor doc=loaded reload />
        </Loaded>
    }
}

#[component]
fn DocEditor<T: TenantDoc>(doc: T, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let name = T::NAME;
    let version = doc.version();
    let text = RwSignal::new(json_text(&doc));
    let original = StoredValue::new(doc);
    let checked = Memo::new(move |_| text.with(|t| parse_doc::<T>(t)));
    let saving = Saving::new(version, T::save, reload);
    let messages = saving.messages(Signal::derive(move || {
        checked.with(|c| c.as_ref().err().cloned().unwrap_or_default())
    }));
    let on_save = Callback::new(move |()| saving.save(checked.get_untracked().ok()));
    // The table follows the JSON while it reads, and otherwise shows what was loaded.
    let table = move || {
        checked
            .with(|c| c.as_ref().ok().cloned())
            .unwrap_or_else(|| original.get_value())
            .show()
    };
    let json_id = format!("{name}-json");
    view! {
        <section class="card section" data-testid=format!("admin-{name}")>
            <div class="section-head">
                <h2 class="section-title">{move || T::title()}</h2>
                <span class="muted small">{t!(i18n, version_n, version)}</span>
            </div>
            <p class="muted small">{move || T::hint()}</p>
            {table}
            <details class="json-editor">
                <summary>{t!(i18n, edit_json)}</summary>
                <div class="field">
                    <label for=json_id.clone() class="sr-only">{t!(i18n, edit_json)}</label>
                    <textarea id=json_id.clone() class="mono code" rows="18" spellcheck="false" data-testid=json_id.clone()
                        aria-invalid=move || checked.with(Result::is_err).to_string()
                        prop:value=move || text.get()
                        on:input=move |event| {
                            saving.server.set(FieldErrors::default());
                            text.set(event_target_value(&event));
                        }></textarea>
                </div>
            </details>
            <SaveBar name saving messages disabled=Signal::derive(move || checked.with(Result::is_err)) on_save />
        </section>
    }
}

/// Saving a new version of a tenant document: the reason it needs, the server's messages,
/// what went wrong, and whether it was saved.
pub struct Saving<T: Send + Sync + 'static> {
    replaces: u32,
    pub reason: RwSignal<String>,
    /// The server's messages (and a missing reason), until the next edit or save.
    pub server: RwSignal<FieldErrors>,
    pub failure: RwSignal<Option<ApiError>>,
    pub saved: RwSignal<bool>,
    action: Action<Versioned<T>, ()>,
}

impl<T: Send + Sync + 'static> Clone for Saving<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Saving<T> {}

impl<T: Clone + Send + Sync + 'static> Saving<T> {
    /// Saves with `send` as the version after `replaces`; `reload` after a save and on a 409.
    pub fn new<F, Fut>(replaces: u32, send: F, reload: Callback<()>) -> Self
    where
        F: Fn(Session, Versioned<T>) -> Fut + 'static,
        Fut: Future<Output = Result<(), ApiError>> + 'static,
    {
        let session = use_session();
        let server = RwSignal::new(FieldErrors::default());
        let failure = RwSignal::new(None::<ApiError>);
        let saved = RwSignal::new(false);
        let action = Action::new_local(move |body: &Versioned<T>| {
            let sent = send(session, body.clone());
            async move {
                match sent.await {
                    Ok(()) => {
                        saved.set(true);
                        reload.run(());
                    }
                    Err(error) => settle(error, server, failure, || reload.run(())),
                }
            }
        });
        Saving {
            replaces,
            reason: RwSignal::new(String::new()),
            server,
            failure,
            saved,
            action,
        }
    }

    /// Saves `document` once a reason is given (else says one is needed); `None` when the
    /// document does not pass its checks (their messages show already).
    pub fn save(&self, document: Option<T>) {
        self.failure.set(None);
        self.saved.set(false);
        self.server.set(FieldErrors::default());
        if let Some(missing) = required_reason(self.reason) {
            self.server.set(missing);
            return;
        }
        if let Some(document) = document {
            self.action.dispatch_local(Versioned {
                replaces: self.replaces,
                reason: self.reason.get_untracked().trim().to_owned(),
                document,
            });
        }
    }

    /// The messages to show: the server's while it has any, else the form's own.
    pub fn messages(&self, local: Signal<FieldErrors>) -> Signal<FieldErrors> {
        let server = self.server;
        Signal::derive(move || {
            let s = server.get();
            if s.is_empty() { local.get() } else { s }
        })
    }
}

/// The foot of a document editor: the reason, the messages no control shows, what went
/// wrong, "saved", and the button (`{name}-reason`, `{name}-save`).
#[component]
pub fn SaveBar<T: Clone + Send + Sync + 'static>(
    name: &'static str,
    saving: Saving<T>,
    messages: Signal<FieldErrors>,
    /// Fields whose messages show at their own controls.
    #[prop(default = &[])]
    shown_elsewhere: &'static [&'static str],
    #[prop(optional, into)] disabled: Signal<bool>,
    on_save: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let busy = saving.action.pending();
    let listed = move || {
        let shown: Vec<&str> = std::iter::once("reason")
            .chain(shown_elsewhere.iter().copied())
            .collect();
        FieldErrors(messages.with(|e| e.others(&shown)))
    };
    view! {
        <div class="save-bar">
            <ReasonField id=format!("{name}-reason") value=saving.reason error=Signal::derive(move || messages.with(|e| e.get("reason"))) />
            <MessageList errors=Signal::derive(listed) />
            {move || saving.failure.get().map(|error| view! { <ErrorNotice error /> })}
            <Show when=move || saving.saved.get()>
                <p class="notice notice-ok small" role="status">{t!(i18n, saved)}</p>
            </Show>
            <button type="button" class="button button-primary" data-testid=format!("{name}-save")
                disabled=move || busy.get() || disabled.get() on:click=move |_| on_save.run(())>
                {t!(i18n, save)}
            </button>
        </div>
    }
}

/// The reason every change needs, with its message.
#[component]
pub fn ReasonField(
    #[prop(into)] id: String,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{t!(i18n, change_reason)}</label>
            <input
                id=id.clone()
                type="text"
                data-testid=id.clone()
                placeholder=move || t_string!(i18n, change_reason_hint)
                aria-describedby=error_id.clone()
                aria-invalid=move || error.with(Option::is_some).to_string()
                bind:value=value
            />
            <FieldMessage id=error_id message=error />
        </div>
    }
}

/// A missing reason, as the reason field shows it; `None` when one was given.
pub fn required_reason(reason: RwSignal<String>) -> Option<FieldErrors> {
    reason.with_untracked(|r| r.trim().is_empty()).then(|| {
        FieldErrors::coded(
            "reason",
            credence_shared::messages::code::REQUIRED,
            "required",
        )
    })
}

/// Messages listed by field, for forms whose fields are too many to each carry one.
#[component]
pub fn MessageList(errors: Signal<FieldErrors>) -> impl IntoView {
    view! {
        {move || {
            let list = errors.get().0;
            (!list.is_empty()).then(|| view! {
                <ul class="notice notice-error message-list" role="alert" data-testid="admin-errors">
                    {list.into_iter().map(|e| view! {
                        <li><span class="mono">{e.field.clone()}</span> ": " {word(&e)}</li>
                    }).collect_view()}
                </ul>
            })
        }}
    }
}
