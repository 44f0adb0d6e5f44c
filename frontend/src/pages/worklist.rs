//! The worklist, `/worklist`: my open collection tasks, highest priority first (the
//! server orders them: overdue amount × days late × risk). A task opens the customer's
//! collections; "Done" closes it with a note. Risk, finance and admins may look at a
//! colleague's worklist too.

use leptos::prelude::*;

use crate::components::download::ExportButtons;

use crate::api;
use crate::components::layout::{WORKLIST_OVERSEERS, use_current_user};
use crate::components::notice::Loaded;
use crate::components::watch::TaskLine;
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

#[component]
pub fn WorklistPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = use_current_user();
    // Whose tasks: `None` is mine.
    let assignee = RwSignal::new(None::<String>);
    let typed = RwSignal::new(String::new());
    let worklist = LocalResource::new(move || api::worklist(session, assignee.get()));
    let reload = Callback::new(move |()| worklist.refetch());
    let oversees = move || user.has_any(&WORKLIST_OVERSEERS);
    let on_show = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let name = typed.get_untracked().trim().to_owned();
        assignee.set((!name.is_empty()).then_some(name));
    };
    view! {
        <div class="page page-worklist">
            <h1 class="page-title">{t!(i18n, worklist_title)}</h1>
            <p class="muted small page-lead">{t!(i18n, worklist_lead)}</p>
            <ExportButtons what="worklist" />
            <Show when=oversees>
                <form class="assignee-form" on:submit=on_show>
                    <div class="field">
                        <label for="worklist-assignee">{t!(i18n, worklist_assignee)}</label>
                        <input
                            id="worklist-assignee"
                            type="text"
                            autocapitalize="none"
                            data-testid="worklist-assignee"
                            placeholder=move || t_string!(i18n, worklist_assignee_hint)
                            bind:value=typed
                        />
                    </div>
                    <button type="submit" class="button button-secondary">{t!(i18n, show)}</button>
                </form>
            </Show>
            <Loaded resource=worklist let:list>
                {if list.items.is_empty() {
                    view! { <p class="empty muted" data-testid="worklist-empty">{t!(i18n, worklist_none)}</p> }
                        .into_any()
                } else {
                    view! {
                        <ul class="task-list" data-testid="worklist">
                            {list.items.into_iter().map(|task| view! {
                                <TaskLine task on_changed=reload />
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </Loaded>
        </div>
    }
}
