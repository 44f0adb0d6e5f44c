//! What is below the fold, rendered a task later: a long page (the credit file) built in
//! one go blocks a slow phone's main thread for a long moment, and a tap made meanwhile
//! waits. Each [`Later`] renders its children in its own task, after the page's top has
//! been drawn.

use std::time::Duration;

use leptos::prelude::*;

/// Renders `children` in a task of its own, after the current one.
#[component]
pub fn Later(children: ChildrenFn) -> impl IntoView {
    let ready = RwSignal::new(false);
    // The page may be gone by then (the signal with it): nothing to render.
    set_timeout(
        move || {
            let _ = ready.try_set(true);
        },
        Duration::ZERO,
    );
    view! { <Show when=move || ready.get()>{children()}</Show> }
}
