//! Administration, `/admin` (admins only): users and their roles, the credit application's
//! custom fields, the approval matrix, the scorecard model and policy versions, and (in
//! `admin_watch`) the warning rules, the dunning ladder and the webhooks. Every change says
//! why; a 409 means someone else saved first, and the page reloads.

use credence_shared::Role;
use credence_shared::engine::{Policy, ScorecardModel};
use credence_shared::workflow::{
    ApprovalMatrix, EngineVersion, FieldDef, FieldKind, FieldSet, PublishEngine, RequestKind,
    UserRecord, UserUpdate, Versioned,
};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::doc_editor::{
    DocTab, MessageList, ReasonField, SaveBar, Saving, required_reason, tenant_doc,
};
use crate::components::form::{FieldErrors, FieldMessage, local_datetime, settle};
use crate::components::labels::kind_label;
use crate::components::layout::{role_label, use_current_user};
use crate::components::money::format_money;
use crate::components::notice::{ErrorNotice, Loaded, Loading};
use crate::components::table::{Col, StackTable};
use crate::i18n::{t, t_string, use_i18n};
use crate::pages::admin_watch::{DunningTab, WarningRulesTab, WebhooksTab};
use crate::session::use_session;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Users,
    Fields,
    Matrix,
    Engine,
    WarningRules,
    Dunning,
    Webhooks,
}

impl Tab {
    const ALL: [Tab; 7] = [
        Tab::Users,
        Tab::Fields,
        Tab::Matrix,
        Tab::Engine,
        Tab::WarningRules,
        Tab::Dunning,
        Tab::Webhooks,
    ];

    fn name(self) -> &'static str {
        match self {
            Tab::Users => "users",
            Tab::Fields => "fields",
            Tab::Matrix => "matrix",
            Tab::Engine => "engine",
            Tab::WarningRules => "warning-rules",
            Tab::Dunning => "dunning",
            Tab::Webhooks => "webhooks",
        }
    }

    fn label(self) -> &'static str {
        let i18n = use_i18n();
        match self {
            Tab::Users => t_string!(i18n, admin_users),
            Tab::Fields => t_string!(i18n, admin_fields),
            Tab::Matrix => t_string!(i18n, admin_matrix),
            Tab::Engine => t_string!(i18n, admin_engine),
            Tab::WarningRules => t_string!(i18n, admin_warning_rules),
            Tab::Dunning => t_string!(i18n, admin_dunning),
            Tab::Webhooks => t_string!(i18n, admin_webhooks),
        }
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let tab = RwSignal::new(Tab::Users);
    let is_admin = move || user.has_any(&[Role::Admin]);
    let loaded = move || user.0.get().is_some();
    view! {
        <div class="page page-admin">
            <h1 class="page-title">{t!(i18n, admin_title)}</h1>
            <Show when=loaded fallback=|| view! { <Loading /> }>
                <Show
                    when=is_admin
                    fallback=|| view! { <ErrorNotice error=ApiError::Forbidden /> }
                >
                    <div class="tabs" role="tablist">
                        {Tab::ALL.into_iter().map(|which| view! {
                            <button
                                type="button"
                                role="tab"
                                class="tab"
                                data-testid=format!("admin-tab-{}", which.name())
                                aria-selected=move || (tab.get() == which).to_string()
                                on:click=move |_| tab.set(which)
                            >
                                {move || which.label()}
                            </button>
                        }).collect_view()}
                    </div>
                    {move || match tab.get() {
                        Tab::Users => view! { <UsersTab /> }.into_any(),
                        Tab::Fields => view! { <FieldsTab /> }.into_any(),
                        Tab::Matrix => view! { <DocTab<ApprovalMatrix> /> }.into_any(),
                        Tab::Engine => view! { <EngineTab /> }.into_any(),
                        Tab::WarningRules => view! { <WarningRulesTab /> }.into_any(),
                        Tab::Dunning => view! { <DunningTab /> }.into_any(),
                        Tab::Webhooks => view! { <WebhooksTab /> }.into_any(),
                    }}
                </Show>
            </Show>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------

#[component]
fn UsersTab() -> impl IntoView {
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
    let reason = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let version = record.version;
    let save = Action::new_local(move |(name, body): &(String, UserUpdate)| {
        let (name, body) = (name.clone(), body.clone());
        async move {
            match api::update_user(session, &name, &body).await {
                Ok(()) => on_done.run(true),
                Err(error) => settle(error, fields, failure, || on_done.run(true)),
            }
        }
    });
    let on_save = move |_| {
        failure.set(None);
        let mut errors = required_reason(reason).unwrap_or_default();
        if username.with_untracked(|u| u.trim().is_empty()) {
            errors.0.push(credence_shared::dto::FieldError {
                field: "username".into(),
                message: "required".into(),
            });
        }
        if roles.with_untracked(Vec::is_empty) {
            errors.0.push(credence_shared::dto::FieldError {
                field: "roles".into(),
                message: "role:required".into(),
            });
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
                    fields.with(|e| e.get("roles")).map(|m| if m == "role:required" { t_string!(i18n, role_required).to_owned() } else { m })
                }) />
            </fieldset>
            <label class="check">
                <input type="checkbox" data-testid="user-active" bind:checked=active />
                {t!(i18n, user_active)}
            </label>
            <ReasonField id="user-reason" value=reason error=error("reason") />
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            <div class="form-actions">
                <button type="button" class="button button-primary" data-testid="user-save"
                    disabled=move || save.pending().get() on:click=on_save>
                    {t!(i18n, save)}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| on_done.run(false)>
                    {t!(i18n, cancel)}
                </button>
            </div>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// Custom fields
// ---------------------------------------------------------------------------------------------

const KIND_NAMES: [&str; 6] = ["text", "number", "money", "date", "choice", "yes_no"];

fn kind_name(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::Text => "text",
        FieldKind::Number => "number",
        FieldKind::Money => "money",
        FieldKind::Date => "date",
        FieldKind::Choice { .. } => "choice",
        FieldKind::YesNo => "yes_no",
    }
}

/// The kind named `name`, keeping the options when it stays a choice.
pub fn kind_from(name: &str, previous: &FieldKind) -> FieldKind {
    match name {
        "number" => FieldKind::Number,
        "money" => FieldKind::Money,
        "date" => FieldKind::Date,
        "yes_no" => FieldKind::YesNo,
        "choice" => match previous {
            FieldKind::Choice { options } => FieldKind::Choice {
                options: options.clone(),
            },
            _ => FieldKind::Choice {
                options: Vec::new(),
            },
        },
        _ => FieldKind::Text,
    }
}

/// Options typed one per line; blank lines dropped.
pub fn options_from(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn kind_label_text(name: &str) -> &'static str {
    let i18n = use_i18n();
    match name {
        "number" => t_string!(i18n, fk_number),
        "money" => t_string!(i18n, fk_money),
        "date" => t_string!(i18n, fk_date),
        "choice" => t_string!(i18n, fk_choice),
        "yes_no" => t_string!(i18n, fk_yes_no),
        _ => t_string!(i18n, fk_text),
    }
}

#[component]
fn FieldsTab() -> impl IntoView {
    let session = use_session();
    let set = LocalResource::new(move || api::custom_fields(session));
    let reload = Callback::new(move |()| set.refetch());
    view! {
        <Loaded resource=set let:loaded>
            <FieldsEditor loaded reload />
        </Loaded>
    }
}

#[component]
fn FieldsEditor(loaded: FieldSet, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let replaces = loaded.version;
    let draft = RwSignal::new(loaded);
    let saving = Saving::new(
        replaces,
        |session, body: Versioned<FieldSet>| async move {
            api::save_custom_fields(session, &body).await
        },
        reload,
    );
    let local =
        Memo::new(move |_| draft.with(|d| d.validate().err().map(FieldErrors).unwrap_or_default()));
    let shown = saving.messages(local.into());
    let on_save = Callback::new(move |()| {
        let valid = local.with_untracked(FieldErrors::is_empty);
        saving.save(valid.then(|| draft.get_untracked()));
    });
    let count = move || draft.with(|d| d.fields.len());
    view! {
        <section class="card section" data-testid="admin-fields">
            <div class="section-head">
                <h2 class="section-title">{t!(i18n, admin_fields)}</h2>
                <span class="muted small">{t!(i18n, version_n, version = replaces)}</span>
            </div>
            <p class="muted small">{t!(i18n, fields_hint)}</p>
            <Show when=move || count() == 0>
                <p class="empty muted">{t!(i18n, fields_none)}</p>
            </Show>
            <For each=move || 0..count() key=|i| *i let(i)>
                <FieldRow i draft errors=shown />
            </For>
            <button type="button" class="button button-secondary button-small" data-testid="field-add"
                on:click=move |_| draft.update(|d| d.fields.push(FieldDef {
                    key: String::new(),
                    label: String::new(),
                    label_en: None,
                    kind: FieldKind::Text,
                    required: false,
                    visible_to: Vec::new(),
                }))>
                "＋ " {t!(i18n, field_add)}
            </button>
            <SaveBar name="fields" saving messages=shown shown_elsewhere=&["fields["] on_save />
        </section>
    }
}

#[component]
fn FieldRow(i: usize, draft: RwSignal<FieldSet>, errors: Signal<FieldErrors>) -> impl IntoView {
    let i18n = use_i18n();
    let get = move |f: fn(&FieldDef) -> String| {
        move || draft.with(|d| d.fields.get(i).map(f).unwrap_or_default())
    };
    let set = move |f: fn(&mut FieldDef, String)| {
        move |event| {
            let v = event_target_value(&event);
            draft.update(|d| {
                if let Some(def) = d.fields.get_mut(i) {
                    f(def, v);
                }
            });
        }
    };
    let error = move |name: &'static str| {
        Signal::derive(move || errors.with(|e| e.get(&format!("fields[{i}].{name}"))))
    };
    let kind = move || {
        draft.with(|d| {
            d.fields
                .get(i)
                .map(|f| kind_name(&f.kind))
                .unwrap_or("text")
        })
    };
    let id = move |n: &str| format!("field-{i}-{n}");
    view! {
        <div class="row-group" data-testid="field-row">
            <div class="row-head">
                <span class="label">{t!(i18n, field_n, n = i + 1)}</span>
                <button type="button" class="button button-ghost button-small" data-testid="field-remove"
                    on:click=move |_| draft.update(|d| { if i < d.fields.len() { d.fields.remove(i); } })>
                    {t!(i18n, remove)}
                </button>
            </div>
            <div class="grid-fields">
                <div class="field">
                    <label for=id("key")>{t!(i18n, field_key)}</label>
                    <input id=id("key") type="text" class="mono" data-testid="field-key" autocapitalize="none"
                        prop:value=get(|f| f.key.clone()) on:input=set(|f, v| f.key = v) />
                    <FieldMessage id=id("key-error") message=error("key") />
                </div>
                <div class="field">
                    <label for=id("label")>{t!(i18n, field_label)}</label>
                    <input id=id("label") type="text" data-testid="field-label"
                        prop:value=get(|f| f.label.clone()) on:input=set(|f, v| f.label = v) />
                    <FieldMessage id=id("label-error") message=error("label") />
                </div>
                <div class="field">
                    <label for=id("label-en")>{t!(i18n, field_label_en)}</label>
                    <input id=id("label-en") type="text"
                        prop:value=get(|f| f.label_en.clone().unwrap_or_default())
                        on:input=set(|f, v| f.label_en = Some(v.trim().to_owned()).filter(|s| !s.is_empty())) />
                </div>
                <div class="field">
                    <label for=id("kind")>{t!(i18n, field_kind)}</label>
                    <select id=id("kind") data-testid="field-kind"
                        on:change=move |event| {
                            let v = event_target_value(&event);
                            draft.update(|d| {
                                if let Some(def) = d.fields.get_mut(i) {
                                    def.kind = kind_from(&v, &def.kind);
                                }
                            });
                        }>
                        {KIND_NAMES.into_iter().map(|k| view! {
                            <option value=k selected=move || kind() == k>{move || kind_label_text(k)}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            <Show when=move || kind() == "choice">
                <div class="field">
                    <label for=id("options")>{t!(i18n, field_options)}</label>
                    <textarea id=id("options") rows="3" data-testid="field-options"
                        prop:value=get(|f| match &f.kind { FieldKind::Choice { options } => options.join("\n"), _ => String::new() })
                        on:input=set(|f, v| f.kind = FieldKind::Choice { options: options_from(&v) })></textarea>
                    <FieldMessage id=id("options-error") message=error("kind.options") />
                </div>
            </Show>
            <div class="choices">
                <label class="check">
                    <input type="checkbox" data-testid="field-required"
                        prop:checked=move || draft.with(|d| d.fields.get(i).is_some_and(|f| f.required))
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            draft.update(|d| if let Some(f) = d.fields.get_mut(i) { f.required = on; });
                        } />
                    {t!(i18n, field_required_label)}
                </label>
            </div>
            <fieldset class="field plain">
                <legend class="field-label small">{t!(i18n, field_visible_to)}</legend>
                <div class="choices">
                    {Role::ALL.into_iter().map(|r| view! {
                        <label class="check">
                            <input type="checkbox"
                                prop:checked=move || draft.with(|d| d.fields.get(i).is_some_and(|f| f.visible_to.contains(&r)))
                                on:change=move |event| {
                                    let on = event_target_checked(&event);
                                    draft.update(|d| if let Some(f) = d.fields.get_mut(i) {
                                        f.visible_to.retain(|x| *x != r);
                                        if on { f.visible_to.push(r); f.visible_to.sort(); }
                                    });
                                } />
                            {move || role_label(r)}
                        </label>
                    }).collect_view()}
                </div>
                <p class="muted small">{t!(i18n, field_visible_hint)}</p>
            </fieldset>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// Approval matrix
// ---------------------------------------------------------------------------------------------

tenant_doc!(ApprovalMatrix {
    name: "matrix",
    title: admin_matrix,
    hint: matrix_hint,
    load: api::approval_matrix,
    save: api::save_approval_matrix,
    show: |matrix| view! { <MatrixTable matrix /> },
});

/// The matrix as people read it: one row per rule, first match wins.
#[component]
fn MatrixTable(matrix: ApprovalMatrix) -> impl IntoView {
    let i18n = use_i18n();
    let currency = matrix.currency;
    let any = move || t_string!(i18n, any);
    view! {
        <StackTable class="matrix" testid="matrix-table" cols=vec![
            Col::text(|| "#"),
            Col::text(|| t_string!(use_i18n(), matrix_rule)),
            Col::text(|| t_string!(use_i18n(), matrix_kinds)),
            Col::text(|| t_string!(use_i18n(), grade)),
            Col::text(|| t_string!(use_i18n(), amount)),
            Col::text(|| t_string!(use_i18n(), steps_title)),
        ]>
            {matrix.rules.into_iter().enumerate().map(|(i, rule)| {
                let kinds: Vec<RequestKind> = rule.kinds.clone();
                let grades = rule.grades.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(" ");
                let money = |d: rust_decimal::Decimal| format_money(&credence_shared::Money::new(d, currency));
                let band = match (rule.min_amount, rule.max_amount) {
                    (None, None) => None,
                    (Some(min), None) => Some(format!("≥ {}", money(min))),
                    (None, Some(max)) => Some(format!("≤ {}", money(max))),
                    (Some(min), Some(max)) => Some(format!("{} – {}", money(min), money(max))),
                };
                view! {
                    <tr>
                        <td class="muted">{i + 1}</td>
                        <td><strong>{rule.name.clone()}</strong></td>
                        <td>
                            {if kinds.is_empty() {
                                view! { <span class="muted">{any}</span> }.into_any()
                            } else {
                                view! {
                                    <span class="chips">
                                        {kinds.into_iter().map(|k| view! { <span class="badge badge-neutral">{move || kind_label(k)}</span> }).collect_view()}
                                    </span>
                                }.into_any()
                            }}
                        </td>
                        <td>{if grades.is_empty() { any().to_owned() } else { grades }}</td>
                        <td class="nowrap">{band.unwrap_or_else(|| any().to_owned())}</td>
                        <td>
                            <ol class="step-chain">
                                {rule.steps.into_iter().map(|s| {
                                    let (role, hours) = (s.role, s.sla_hours);
                                    view! { <li>{move || role_label(role)} <span class="muted small">" " {hours} "h"</span></li> }
                                }).collect_view()}
                            </ol>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </StackTable>
    }
}

// ---------------------------------------------------------------------------------------------
// Engine versions
// ---------------------------------------------------------------------------------------------

/// Checks the model and policy JSON as the engine would read them.
pub fn check_engine(model: &str, policy: &str) -> Result<PublishEngineDraft, FieldErrors> {
    let mut errors = Vec::new();
    let mut parse =
        |field: &str, text: &str, check: fn(&serde_json::Value) -> Result<(), String>| {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(value) => match check(&value) {
                    Ok(()) => Some(value),
                    Err(message) => {
                        errors.push(credence_shared::dto::FieldError {
                            field: field.into(),
                            message,
                        });
                        None
                    }
                },
                Err(e) => {
                    errors.push(credence_shared::dto::FieldError {
                        field: field.into(),
                        message: e.to_string(),
                    });
                    None
                }
            }
        };
    let model = parse("model", model, |v| {
        serde_json::from_value::<ScorecardModel>(v.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    let policy = parse("policy", policy, |v| {
        serde_json::from_value::<Policy>(v.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    match (model, policy) {
        (Some(model), Some(policy)) => Ok(PublishEngineDraft { model, policy }),
        _ => Err(FieldErrors(errors)),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PublishEngineDraft {
    pub model: serde_json::Value,
    pub policy: serde_json::Value,
}

#[component]
fn EngineTab() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let versions = LocalResource::new(move || api::engine_versions(session));
    let reload = Callback::new(move |()| versions.refetch());
    view! {
        <Loaded resource=versions let:list>
            {
                let active = list.iter().find(|v| v.active).cloned().or_else(|| list.first().cloned());
                view! {
                    <section class="card section" data-testid="admin-engine">
                        <h2 class="section-title">{t!(i18n, admin_engine)}</h2>
                        <ul class="version-list">
                            {list.into_iter().map(|v| view! { <VersionLine v reload /> }).collect_view()}
                        </ul>
                    </section>
                    <PublishForm active reload />
                }
            }
        </Loaded>
    }
}

#[component]
fn VersionLine(v: EngineVersion, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let version = v.version;
    let activate = Action::new_local(move |reason: &String| {
        let reason = reason.clone();
        async move {
            match api::activate_engine(session, version, &reason).await {
                Ok(()) => reload.run(()),
                Err(error) => settle(error, fields, failure, || reload.run(())),
            }
        }
    });
    let on_activate = move |_| {
        failure.set(None);
        if let Some(e) = required_reason(reason) {
            fields.set(e);
            return;
        }
        fields.set(FieldErrors::default());
        activate.dispatch_local(reason.get_untracked().trim().to_owned());
    };
    view! {
        <li class="version-line" class:active=v.active data-testid="engine-version">
            <div class="version-head">
                <strong>{t!(i18n, version_n, version)}</strong>
                {v.active.then(|| view! { <span class="badge status-approved">{t!(i18n, in_force_badge)}</span> })}
                <span class="muted small">{v.published_by.clone()} " · " {local_datetime(v.published_at)}</span>
                {(!v.active).then(|| view! {
                    <button type="button" class="button button-secondary button-small version-activate" data-testid="engine-activate"
                        hidden=move || open.get() on:click=move |_| open.set(true)>
                        {t!(i18n, activate)}
                    </button>
                })}
            </div>
            <p class="small">{v.reason.clone()}</p>
            <Show when=move || open.get()>
                <div class="editor">
                    <ReasonField id=format!("activate-{version}-reason") value=reason error=Signal::derive(move || fields.with(|e| e.get("reason"))) />
                    {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
                    <div class="form-actions">
                        <button type="button" class="button button-primary" data-testid="engine-activate-confirm"
                            disabled=move || activate.pending().get() on:click=on_activate>
                            {t!(i18n, activate_version, version)}
                        </button>
                        <button type="button" class="button button-secondary" on:click=move |_| open.set(false)>{t!(i18n, cancel)}</button>
                    </div>
                </div>
            </Show>
        </li>
    }
}

#[component]
fn PublishForm(active: Option<EngineVersion>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let model = RwSignal::new(
        active
            .as_ref()
            .map(|a| pretty(&a.model))
            .unwrap_or_default(),
    );
    let policy = RwSignal::new(
        active
            .as_ref()
            .map(|a| pretty(&a.policy))
            .unwrap_or_default(),
    );
    let reason = RwSignal::new(String::new());
    let server = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let checked = Memo::new(move |_| model.with(|m| policy.with(|p| check_engine(m, p))));
    let shown = Signal::derive(move || {
        let s = server.get();
        if !s.is_empty() {
            return s;
        }
        checked.with(|c| c.as_ref().err().cloned().unwrap_or_default())
    });
    let publish = Action::new_local(move |body: &PublishEngine| {
        let body = body.clone();
        async move {
            match api::publish_engine(session, &body).await {
                Ok(()) => reload.run(()),
                Err(error) => settle(error, server, failure, || reload.run(())),
            }
        }
    });
    let on_publish = move |_| {
        failure.set(None);
        server.set(FieldErrors::default());
        if let Some(e) = required_reason(reason) {
            server.set(e);
            return;
        }
        if let Ok(draft) = checked.get_untracked() {
            publish.dispatch_local(PublishEngine {
                model: draft.model,
                policy: draft.policy,
                reason: reason.get_untracked().trim().to_owned(),
            });
        }
    };
    let error = move |f: &'static str| Signal::derive(move || shown.with(|e| e.get(f)));
    view! {
        <section class="card section" data-testid="engine-publish">
            <h2 class="section-title">{t!(i18n, engine_publish)}</h2>
            <p class="muted small">{t!(i18n, engine_publish_hint)}</p>
            <div class="grid-fields wide">
                <div class="field">
                    <label for="engine-model">{t!(i18n, engine_model_json)}</label>
                    <textarea id="engine-model" class="mono code" rows="16" spellcheck="false" data-testid="engine-model"
                        aria-invalid=move || error("model").with(Option::is_some).to_string()
                        prop:value=move || model.get() on:input=move |e| model.set(event_target_value(&e))></textarea>
                    <FieldMessage id="engine-model-error" message=error("model") />
                </div>
                <div class="field">
                    <label for="engine-policy">{t!(i18n, engine_policy_json)}</label>
                    <textarea id="engine-policy" class="mono code" rows="16" spellcheck="false" data-testid="engine-policy"
                        aria-invalid=move || error("policy").with(Option::is_some).to_string()
                        prop:value=move || policy.get() on:input=move |e| policy.set(event_target_value(&e))></textarea>
                    <FieldMessage id="engine-policy-error" message=error("policy") />
                </div>
            </div>
            <div class="save-bar">
                <ReasonField id="engine-reason" value=reason error=error("reason") />
                <MessageList errors=Signal::derive(move || FieldErrors(shown.with(|e| e.others(&["reason", "model", "policy"])))) />
                {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
                <button type="button" class="button button-primary" data-testid="engine-publish-submit"
                    disabled=move || publish.pending().get() || checked.with(Result::is_err) on:click=on_publish>
                    {t!(i18n, publish)}
                </button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::doc_editor::{json_text, parse_doc};

    #[test]
    fn the_shipped_matrix_reads_back_from_its_json() {
        let json = json_text(&ApprovalMatrix::default_matrix());

        assert!(parse_doc::<ApprovalMatrix>(&json).is_ok());
        let broken =
            parse_doc::<ApprovalMatrix>("{\"currency\": \"CNY\", \"rules\": []}").unwrap_err();
        assert_eq!(broken.0[0].field, "rules");
        assert_eq!(
            parse_doc::<ApprovalMatrix>("{").unwrap_err().0[0].field,
            "document"
        );
    }

    #[test]
    fn the_default_engine_json_passes_and_a_broken_policy_is_named() {
        let model = credence_shared::engine::default_model_json();
        let policy = credence_shared::engine::default_policy_json();

        assert!(check_engine(model, policy).is_ok());
        let errors = check_engine(model, "{}").unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, "policy");
    }

    #[test]
    fn choice_options_are_one_per_line_and_survive_a_kind_round_trip() {
        let options = options_from(" 直销 \n\n经销\n");
        let choice = FieldKind::Choice {
            options: options.clone(),
        };

        assert_eq!(options, ["直销", "经销"]);
        assert_eq!(kind_from("choice", &choice), choice);
        assert_eq!(kind_from("money", &choice), FieldKind::Money);
    }
}
