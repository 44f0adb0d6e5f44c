//! The custom fields tab: the extra questions the credit application asks, their kinds and
//! who sees them.

use credence_shared::Role;
use credence_shared::workflow::{FieldDef, FieldKind, FieldSet, Versioned};
use leptos::prelude::*;

use crate::api;
use crate::components::doc_editor::{SaveBar, Saving};
use crate::components::form::{FieldErrors, FieldMessage};
use crate::components::layout::role_label;
use crate::components::notice::Loaded;
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

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
pub(super) fn FieldsTab() -> impl IntoView {
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
