//! The blacklist, `/blacklist`: who is on it, why, since when and on whose word. Risk and
//! admins add a party (a customer or not) at once; removing one is a request (on the
//! customer, or on the party when it is no customer), approved like any other change: each
//! entry has its "Request removal" form, and a filed request opens its page.

use credence_shared::Role;
use credence_shared::workflow::{BlacklistAdd, BlacklistEntry, PartyRequest};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::components::form::{FieldErrors, TextField, report, word};
use crate::components::layout::use_current_user;
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::table::{Col, StackTable};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

/// Who may add to the blacklist directly.
const ADDERS: [Role; 2] = [Role::Risk, Role::Admin];

/// Entries whose name, code or reason contain `filter` (case-insensitive).
pub fn matching(entries: &[BlacklistEntry], filter: &str) -> Vec<BlacklistEntry> {
    let needle = filter.trim().to_lowercase();
    entries
        .iter()
        .filter(|e| {
            needle.is_empty()
                || e.name.to_lowercase().contains(&needle)
                || e.key.to_lowercase().contains(&needle)
                || e.reason.to_lowercase().contains(&needle)
        })
        .cloned()
        .collect()
}

#[component]
pub fn BlacklistPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = use_current_user();
    let list = LocalResource::new(move || api::blacklist(session));
    let filter = RwSignal::new(String::new());
    let can_add = move || user.has_any(&ADDERS);
    view! {
        <div class="page page-blacklist">
            <h1 class="page-title">{t!(i18n, blacklist_title)}</h1>
            <div class="desk-layout">
                <section class="card section desk-main" aria-labelledby="blacklist-list-title">
                    <h2 class="section-title" id="blacklist-list-title">{t!(i18n, blacklist_entries)}</h2>
                    <div class="field">
                        <label for="blacklist-filter" class="sr-only">{t!(i18n, filter)}</label>
                        <input
                            id="blacklist-filter"
                            type="search"
                            data-testid="blacklist-filter"
                            placeholder=move || t_string!(i18n, blacklist_filter_hint)
                            bind:value=filter
                        />
                    </div>
                    <Transition fallback=|| view! { <Loading /> }>
                        {move || Suspend::new(async move {
                            match list.await {
                                Ok(entries) => {
                                    let entries = StoredValue::new(entries);
                                    view! {
                                        {move || {
                                            let shown = entries.with_value(|e| matching(e, &filter.get()));
                                            view! { <BlacklistTable entries=shown /> }
                                        }}
                                    }
                                    .into_any()
                                }
                                Err(error) => view! {
                                    <ErrorNotice error retry=move || list.refetch() />
                                }
                                .into_any(),
                            }
                        })}
                    </Transition>
                </section>
                <Show when=can_add>
                    <AddForm on_added=Callback::new(move |()| list.refetch()) />
                </Show>
            </div>
        </div>
    }
}

#[component]
fn BlacklistTable(entries: Vec<BlacklistEntry>) -> impl IntoView {
    let i18n = use_i18n();
    if entries.is_empty() {
        return view! { <p class="empty muted" data-testid="blacklist-empty">{t!(i18n, blacklist_none)}</p> }
            .into_any();
    }
    view! {
        <StackTable testid="blacklist" cols=vec![
            Col::text(|| t_string!(use_i18n(), party)),
            Col::text(|| t_string!(use_i18n(), blacklist_reason)),
            Col::text(|| t_string!(use_i18n(), blacklist_source)),
            Col::text(|| t_string!(use_i18n(), added)),
            Col::text(|| t_string!(use_i18n(), actions_title)),
        ]>
            {entries.into_iter().map(|e| view! {
                <tr data-testid="blacklist-entry">
                    <td>
                        {match e.customer_id.clone() {
                            Some(id) => view! { <a href=format!("/customers/{id}")><strong>{e.name.clone()}</strong></a> }.into_any(),
                            None => view! { <strong>{e.name.clone()}</strong> }.into_any(),
                        }}
                        {e.usci.clone().map(|u| view! { <span class="block mono small muted">{u.to_string()}</span> })}
                    </td>
                    <td>{e.reason.clone()}</td>
                    <td>{e.source.clone()}</td>
                    <td class="nowrap small">{e.added_on.to_string()} <span class="block muted">{e.added_by.clone()}</span></td>
                    <td><RemovalRequest party=e.key.clone() /></td>
                </tr>
            }).collect_view()}
        </StackTable>
    }
    .into_any()
}

/// "Request removal": a justification, then the request's page.
#[component]
fn RemovalRequest(party: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let justification = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let id = format!(
        "removal-{}",
        party.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    let party = StoredValue::new(party);
    let file = Action::new_local(move |body: &PartyRequest| {
        let body = body.clone();
        let navigate = navigate.clone();
        async move {
            match api::request_removal(session, &body).await {
                Ok(request) => navigate(
                    &request.subject.app_path(&request.id),
                    NavigateOptions::default(),
                ),
                Err(error) => report(error, fields, failure),
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        if justification.with_untracked(|j| j.trim().is_empty()) {
            fields.set(FieldErrors(vec![crate::components::form::required(
                "justification",
            )]));
            return;
        }
        fields.set(FieldErrors::default());
        file.dispatch_local(PartyRequest {
            party: party.get_value(),
            justification: justification.get_untracked().trim().to_owned(),
        });
    };
    let busy = file.pending();
    view! {
        <details class="inline-action" data-testid="blacklist-request-removal">
            <summary class="button button-ghost small">{t!(i18n, blacklist_request_removal)}</summary>
            <form class="form" on:submit=on_submit novalidate>
                <TextField
                    id
                    testid="removal-justification"
                    label=|| t_string!(use_i18n(), justification)
                    value=justification
                    rows=3
                    on_input=Callback::new(move |v| justification.set(v))
                    message=Signal::derive(move || fields.with(|e| e.get("justification").or_else(|| e.get("party"))))
                />
                {move || failure.get().filter(|_| fields.with(FieldErrors::is_empty)).map(|error| view! { <ErrorNotice error /> })}
                <button type="submit" class="button button-primary small" data-testid="removal-submit" disabled=move || busy.get()>
                    {t!(i18n, request_submit)}
                </button>
            </form>
        </details>
    }
}

#[component]
fn AddForm(on_added: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = RwSignal::new(String::new());
    let usci = RwSignal::new(String::new());
    let customer = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let source = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(false);
    let add = Action::new_local(move |body: &BlacklistAdd| {
        let body = body.clone();
        async move {
            match api::blacklist_add(session, &body).await {
                Ok(_) => {
                    for s in [name, usci, customer, reason, source] {
                        s.set(String::new());
                    }
                    done.set(true);
                    on_added.run(());
                }
                Err(error) => report(error, fields, failure),
            }
        }
    });
    let opt =
        |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned()).filter(|s| !s.is_empty());
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        done.set(false);
        let mut errors = Vec::new();
        let need = |errors: &mut Vec<_>, field: &str, s: RwSignal<String>| {
            if s.with_untracked(|v| v.trim().is_empty()) {
                errors.push(crate::components::form::required(field));
            }
        };
        if opt(name).is_none() && opt(usci).is_none() && opt(customer).is_none() {
            need(&mut errors, "name", name);
        }
        need(&mut errors, "reason", reason);
        need(&mut errors, "source", source);
        fields.set(FieldErrors(errors));
        if !fields.with_untracked(FieldErrors::is_empty) {
            return;
        }
        add.dispatch_local(BlacklistAdd {
            customer_id: opt(customer),
            usci: opt(usci).map(|u| u.to_uppercase()),
            name: opt(name),
            reason: reason.get_untracked().trim().to_owned(),
            source: source.get_untracked().trim().to_owned(),
        });
    };
    let busy = add.pending();
    let input = move |id: &'static str,
                      field: &'static str,
                      label: fn() -> &'static str,
                      value: RwSignal<String>| {
        view! {
            <TextField
                id
                label
                value
                on_input=Callback::new(move |v| value.set(v))
                message=Signal::derive(move || fields.with(|e| e.get(field)))
            />
        }
    };
    view! {
        <section class="card section desk-side" aria-labelledby="blacklist-add-title">
            <h2 class="section-title" id="blacklist-add-title">{t!(i18n, blacklist_add_title)}</h2>
            <form class="form" data-testid="blacklist-add" on:submit=on_submit novalidate>
                <p class="muted small">{t!(i18n, blacklist_add_hint)}</p>
                {input("blacklist-name", "name", || t_string!(use_i18n(), apply_name), name)}
                {input("blacklist-usci", "usci", || t_string!(use_i18n(), usci), usci)}
                {input("blacklist-customer", "customer_id", || t_string!(use_i18n(), customer_id), customer)}
                {input("blacklist-reason", "reason", || t_string!(use_i18n(), blacklist_reason), reason)}
                {input("blacklist-source", "source", || t_string!(use_i18n(), blacklist_source), source)}
                {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
                {move || {
                    let others = fields.with(|e| e.others(&["name", "usci", "customer_id", "reason", "source"]));
                    (!others.is_empty()).then(|| view! {
                        <ul class="field-error">
                            {others.into_iter().map(|e| view! { <li>{e.field.clone()} ": " {word(&e)}</li> }).collect_view()}
                        </ul>
                    })
                }}
                <Show when=move || done.get()>
                    <p class="notice notice-ok small" role="status">{t!(i18n, blacklist_added)}</p>
                </Show>
                <button type="submit" class="button button-danger" data-testid="blacklist-submit" disabled=move || busy.get()>
                    {t!(i18n, blacklist_add_submit)}
                </button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn entry(name: &str, reason: &str) -> BlacklistEntry {
        BlacklistEntry {
            key: format!("NAME:{name}"),
            name: name.into(),
            usci: None,
            customer_id: None,
            reason: reason.into(),
            source: "court".into(),
            added_on: date!(2026 - 01 - 01),
            added_by: "risk".into(),
        }
    }

    #[test]
    fn the_filter_finds_names_and_reasons_in_any_case() {
        let entries = [
            entry("Acme Ltd", "fraud"),
            entry("示例公司", "失信被执行人"),
        ];

        assert_eq!(matching(&entries, "acme").len(), 1);
        assert_eq!(matching(&entries, "失信").len(), 1);
        assert_eq!(matching(&entries, "  ").len(), 2);
        assert!(matching(&entries, "zzz").is_empty());
    }
}
