//! Credit workflow: requests, the approval matrix that routes them, the state machine an
//! approval walks through, SLAs, custom application fields, the onboarding application, the
//! blacklist and the audit trail's wire types.
//!
//! Everything here is pure: the server runs [`act`] / [`resubmit`] inside a guarded write, and
//! the browser uses the same types (and [`Application::customer_info`] for the live score
//! preview). Times are passed in; nothing here reads a clock.

use crate::dto::FieldError;
use crate::messages::code;

mod application;
mod audit;
mod blacklist;
mod change;
mod fields;
mod inbox;
mod matrix;
mod request;
mod transitions;
mod users;

#[cfg(test)]
mod tests;

pub use application::*;
pub use audit::*;
pub use blacklist::*;
pub use change::*;
pub use fields::*;
pub use inbox::*;
pub use matrix::*;
pub use request::*;
pub use transitions::*;
pub use users::*;

// Validation helpers the sections share (private here, so visible to the submodules only).

fn fe(field: &str, code: &str, message: &str) -> FieldError {
    FieldError::new(field, code, message)
}

fn text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    let n = value.trim().chars().count();
    if n == 0 {
        errors.push(fe(field, code::REQUIRED, "required"));
    } else if n > max {
        errors.push(
            fe(
                field,
                code::TEXT_TOO_LONG,
                &format!("at most {max} characters"),
            )
            .with("max", max),
        );
    }
}
