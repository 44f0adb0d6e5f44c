//! The users tab: who may sign in, their roles and whether they are active.

use credence_shared::Role;
use credence_shared::workflow::{UserRecord, UserSignOut, UserUpdate};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::doc_editor::{ReasonField, required_reason};
use crate::components::form::{FieldErrors, FieldMessage, settle};
use crate::components::layout::role_label;
use crate::components::notice::{ErrorNotice, Loaded};
use crate::components::table::{Col, StackTable};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

#[component]
pub(super) fn UsersTab() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let users = LocalResource::new(move || api::users(session));
    let editing = RwSignal::new(None::<UserRecord>);
    let new_user = move || UserRecord {
        username: String::new(),
        display_name: String::new(),
        roles: vec![Role::Sales],
        active: true,
        version: 0,
        id: None,
        email: None,
        invitation: None,
    };
    view! {
        <section class="card section" data-testid="admin-users">
            <div class="section-head">
                <h2 class="section-title">{t!(i18n, admin_users)}</h2>
                <button type="button" class="button button-secondary button-small" data-testid="user-new"
                    on:click=move |_| editing.set(Some(new_user()))>
                    "＋ " {t!(i18n, user_new)}
                </button>
            </div>
            <Show when=move || editing.with(Option::is_some)>
                {move || editing.get().map(|record| view! {
                    <UserEditor
                        record
                        on_done=Callback::new(move |saved: bool| {
                            editing.set(None);
                            if saved {
                                users.refetch();
                            }
                        })
                    />
                })}
            </Show>
            <Loaded resource=users let:list>
                <StackTable testid="users" cols=vec![
                    Col::text(|| t_string!(use_i18n(), username)),
                    Col::text(|| t_string!(use_i18n(), user_roles)),
                    Col::text(|| t_string!(use_i18n(), user_active)),
                    Col::unseen(|| t_string!(use_i18n(), edit)),
                ]>
                    {list.into_iter().map(|u| {
                        let record = u.clone();
                        let roles = u.roles.clone();
                        view! {
                            <tr data-testid="user-row">
                                <td>
                                    <strong>{u.username.clone()}</strong>
                                    <span class="block small muted">{u.display_name.clone()}</span>
                                </td>
                                <td>
                                    <span class="chips">
                                        {roles.into_iter().map(|r| view! {
                                            <span class="badge badge-neutral">{move || role_label(r)}</span>
                                        }).collect_view()}
                                    </span>
                                </td>
                                <td>{if u.active { "✓" } else { "—" }}</td>
                                <td class="num">
                                    <button type="button" class="button button-secondary button-small"
                                        data-testid="user-edit"
                                        on:click=move |_| editing.set(Some(record.clone()))>
                                        {t!(i18n, edit)}
                                    </button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </StackTable>
            </Loaded>
        </section>
    }
}

#[component]
fn UserEditor(record: UserRecord, on_done: Callback<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let creating = record.version == 0;
    let username = RwSignal::new(record.username.clone());
    let display = RwSignal::new(record.display_name.clone());
    let roles = RwSignal::new(record.roles.clone());
    let active = RwSignal::new(record.active);
    let email = RwSignal::new(record.email.clone().unwrap_or_default());
    // The email an invitation went to stays (a new address is a new user).
    let email_fixed = record.email.is_some() && record.id.is_some();
    let reason = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    // A new local person's temporary password, shown once; and a finished sign-out.
    let invited = RwSignal::new(None::<(String, String)>);
    let signed_out = RwSignal::new(None::<String>);
    let version = record.version;
    let save = Action::new_local(move |(name, body): &(String, UserUpdate)| {
        let (name, body) = (name.clone(), body.clone());
        async move {
            match api::update_user(session, &name, &body).await {
                Ok(saved) => match saved.invitation {
                    Some(password) => invited.set(Some((saved.username, password))),
                    None => on_done.run(true),
                },
                Err(error) => settle(error, fields, failure, || on_done.run(true)),
            }
        }
    });
    let sign_out = Action::new_local(move |(name, body): &(String, UserSignOut)| {
        let (name, body) = (name.clone(), body.clone());
        async move {
            match api::sign_out_user(session, &name, &body).await {
                Ok(_) => {
                    // Named as the list names them: the display name when there is one.
                    let shown = display.get_untracked().trim().to_owned();
                    signed_out.set(Some(if shown.is_empty() { name } else { shown }));
                }
                Err(error) => settle(error, fields, failure, || on_done.run(true)),
            }
        }
    });
    let on_sign_out = move |_| {
        failure.set(None);
        signed_out.set(None);
        let errors = required_reason(reason).unwrap_or_default();
        let done = errors.is_empty();
        fields.set(errors);
        if done {
            sign_out.dispatch_local((
                username.get_untracked().trim().to_owned(),
                UserSignOut {
                    reason: reason.get_untracked().trim().to_owned(),
                },
            ));
        }
    };
    let on_save = move |_| {
        failure.set(None);
        let mut errors = required_reason(reason).unwrap_or_default();
        if username.with_untracked(|u| u.trim().is_empty()) {
            errors.0.push(crate::components::form::required("username"));
        }
        if roles.with_untracked(Vec::is_empty) {
            errors.0.push(credence_shared::dto::FieldError::new(
                "roles",
                credence_shared::messages::code::ROLES_REQUIRED,
                "give at least one role",
            ));
        }
        let done = errors.is_empty();
        fields.set(errors);
        if done {
            save.dispatch_local((
                username.get_untracked().trim().to_owned(),
                UserUpdate {
                    version,
                    display_name: display.get_untracked().trim().to_owned(),
                    roles: roles.get_untracked(),
                    active: active.get_untracked(),
                    email: Some(email.get_untracked().trim().to_owned()).filter(|e| !e.is_empty()),
                    reason: reason.get_untracked().trim().to_owned(),
                },
            ));
        }
    };
    let error = move |f: &'static str| Signal::derive(move || fields.with(|e| e.get(f)));
    view! {
        <div class="editor" data-testid="user-editor">
            <div class="grid-fields">
                <div class="field">
                    <label for="user-username">{t!(i18n, username)}</label>
                    <input id="user-username" type="text" data-testid="user-username" disabled=!creating
                        autocapitalize="none" bind:value=username />
                    <FieldMessage id="user-username-error" message=error("username") />
                </div>
                <div class="field">
                    <label for="user-display">{t!(i18n, user_display_name)}</label>
                    <input id="user-display" type="text" data-testid="user-display" bind:value=display />
                </div>
                <div class="field">
                    <label for="user-email">{t!(i18n, user_email)}</label>
                    <input id="user-email" type="email" data-testid="user-email" disabled=email_fixed
                        autocapitalize="none" autocomplete="off" bind:value=email
                        aria-describedby="user-email-error" />
                    <FieldMessage id="user-email-error" message=error("email") />
                </div>
            </div>
            <fieldset class="field plain">
                <legend class="field-label">{t!(i18n, user_roles)}</legend>
                <div class="choices">
                    {Role::ALL.into_iter().map(|r| view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                data-testid=format!("user-role-{}", r.as_str())
                                prop:checked=move || roles.with(|rs| rs.contains(&r))
                                on:change=move |event| {
                                    let on = event_target_checked(&event);
                                    roles.update(|rs| {
                                        rs.retain(|x| *x != r);
                                        if on {
                                            rs.push(r);
                                            rs.sort();
                                        }
                                    });
                                }
                            />
                            {move || role_label(r)}
                        </label>
                    }).collect_view()}
                </div>
                <FieldMessage id="user-roles-error" message=Signal::derive(move || {
                    fields.with(|e| e.get("roles"))
                }) />
            </fieldset>
            <label class="check">
                <input type="checkbox" data-testid="user-active" bind:checked=active />
                {t!(i18n, user_active)}
            </label>
            <ReasonField id="user-reason" value=reason error=error("reason") />
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            {move || signed_out.get().map(|name| view! {
                <p class="notice notice-ok" role="status" data-testid="user-signed-out">
                    {t!(i18n, user_signed_out, name)}
                </p>
            })}
            {move || match invited.get() {
                Some((name, password)) => view! {
                    <div class="notice notice-ok" role="status" data-testid="user-invitation">
                        <p>{t!(i18n, user_invited, name)}</p>
                        <p><code class="secret" data-testid="user-temporary-password">{password}</code></p>
                        <button type="button" class="button button-primary" data-testid="user-invitation-done"
                            on:click=move |_| on_done.run(true)>
                            {t!(i18n, user_done)}
                        </button>
                    </div>
                }.into_any(),
                None => view! {
                    <div class="form-actions">
                        <button type="button" class="button button-primary" data-testid="user-save"
                            disabled=move || save.pending().get() on:click=on_save>
                            {t!(i18n, save)}
                        </button>
                        <Show when=move || !creating>
                            <button type="button" class="button button-secondary" data-testid="user-sign-out-all"
                                disabled=move || sign_out.pending().get() on:click=on_sign_out>
                                {t!(i18n, user_sign_out_all)}
                            </button>
                        </Show>
                        <button type="button" class="button button-secondary" on:click=move |_| on_done.run(false)>
                            {t!(i18n, cancel)}
                        </button>
                    </div>
                }.into_any(),
            }}
        </div>
    }
}
