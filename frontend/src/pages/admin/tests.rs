//! The admin documents' and forms' checks, without a browser.

use credence_shared::workflow::{ApprovalMatrix, FieldKind};

use super::{check_engine, kind_from, options_from};
use crate::components::doc_editor::{json_text, parse_doc};

#[test]
fn the_shipped_matrix_reads_back_from_its_json() {
    let json = json_text(&ApprovalMatrix::default_matrix());

    assert!(parse_doc::<ApprovalMatrix>(&json).is_ok());
    let broken = parse_doc::<ApprovalMatrix>("{\"currency\": \"CNY\", \"rules\": []}").unwrap_err();
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
