//! A text input bound to one part of the draft, with its label, hint and message.

use leptos::prelude::*;

use crate::components::form::FieldMessage;

/// A text input bound to one part of the draft, with its message.
#[component]
pub(super) fn Input(
    #[prop(into)] id: String,
    /// The field name errors use (`registered_capital`, `contacts[0].name`, …).
    #[prop(into)]
    field: String,
    label: Signal<String>,
    value: Signal<String>,
    on_input: Callback<String>,
    errors: Callback<String, Option<String>>,
    touch: Callback<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "text")] inputmode: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] prefix: Option<&'static str>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(default = false)] required: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let field = StoredValue::new(field);
    let message = Signal::derive(move || errors.run(field.get_value()));
    let described = format!("{error_id} {hint_id}");
    let input = view! {
        <input
            id=id.clone()
            type=kind
            inputmode=inputmode
            autocomplete=autocomplete.unwrap_or("off")
            data-testid=id.clone()
            aria-describedby=described
            aria-invalid=move || message.with(Option::is_some).to_string()
            aria-required=required.then_some("true")
            prop:value=move || value.get()
            on:input=move |event| on_input.run(event_target_value(&event))
            on:blur=move |_| touch.run(field.get_value())
        />
    };
    view! {
        <div class="field">
            <label for=id.clone()>
                {move || label.get()}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            {match prefix {
                Some(p) => view! {
                    <div class="amount-input">
                        <span class="amount-prefix" aria-hidden="true">{p}</span>
                        {input}
                    </div>
                }
                .into_any(),
                None => input.into_any(),
            }}
            {hint.map(|h| view! { <p id=hint_id.clone() class="muted small">{move || h.get()}</p> })}
            <FieldMessage id=error_id message />
        </div>
    }
}

pub(super) fn label(f: fn() -> &'static str) -> Signal<String> {
    Signal::derive(move || f().to_owned())
}
