//! People by name: records name people by their username (the stable handle that maps to
//! their id in the user directory); screens show the display name an admin gave them,
//! read once per signed-in frame (`GET /v1/people`). Someone without one shows as their
//! username.

use credence_shared::workflow::PersonName;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{t_string, use_i18n};
use crate::session::Session;

#[derive(Clone, Copy)]
pub struct PeopleNames(LocalResource<Result<Vec<PersonName>, ApiError>>);

/// Reads the tenant's people once for everything under the signed-in frame.
pub fn provide_people(session: Session) {
    provide_context(PeopleNames(LocalResource::new(move || {
        api::people(session)
    })));
}

/// The name `username` is shown by (the username itself until the names are read); the
/// watcher's and the operator's actions are the system's, named in the reader's language.
pub fn display_name(username: &str) -> String {
    if username == "system" {
        return t_string!(use_i18n(), person_system).to_owned();
    }
    use_context::<PeopleNames>()
        .and_then(|people| {
            people.0.get().and_then(Result::ok).and_then(|list| {
                list.into_iter()
                    .find(|p| p.username == username)
                    .map(|p| p.display_name)
            })
        })
        .unwrap_or_else(|| username.to_owned())
}

/// A person as screens show them: the display name, the username on hover.
#[component]
pub fn Person(#[prop(into)] name: String) -> impl IntoView {
    let shown = {
        let name = name.clone();
        move || display_name(&name)
    };
    view! { <span class="person" title=name>{shown}</span> }
}
