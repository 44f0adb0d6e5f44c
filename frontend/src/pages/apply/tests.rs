//! The application's checks, screening and preview, without a browser.

use credence_shared::workflow::{FieldDef, FieldKind, FieldSet, ScreenRequest};
use credence_shared::{Currency, Role, Usci};
use rust_decimal::Decimal;
use time::Date;
use time::macros::date;

use super::{ApplicationDraft, Checked, ContactDraft, FinancialsDraft, preview, screen_request};
use credence_shared::workflow::EngineInForce;

const TODAY: Date = date!(2026 - 11 - 02);

/// A code with a valid check character.
fn usci() -> String {
    let first17 = "91310000MA1FL0000";
    let check = credence_shared::usci::check_character(first17).unwrap();
    let code = format!("{first17}{check}");
    Usci::parse(&code).unwrap();
    code
}

fn filled() -> ApplicationDraft {
    ApplicationDraft {
        name: "上海示例贸易有限公司".into(),
        usci: usci(),
        industry: "wholesale".into(),
        registered_capital: "5,000,000".into(),
        founded: "2015-03-01".into(),
        expected_monthly_purchases: "200000".into(),
        requested_limit: "300000".into(),
        contacts: vec![ContactDraft {
            name: "王经理".into(),
            phone: "13800000000".into(),
            ..ContactDraft::default()
        }],
        justification: "new distributor in the east region".into(),
        ..ApplicationDraft::default()
    }
}

fn fields(c: &Checked) -> Vec<&str> {
    c.errors.0.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn a_complete_application_passes_the_shared_checks() {
    let checked = filled().check(Currency::CNY, &FieldSet::default(), &[Role::Sales], TODAY);

    assert_eq!(fields(&checked), Vec::<&str>::new());
    let app = checked.application.unwrap();
    assert_eq!(app.registered_capital.amount, Decimal::from(5_000_000));
    assert_eq!(app.requested_terms_days, 30);
}

#[test]
fn an_unreadable_amount_is_reported_once_and_the_rest_still_checked() {
    let mut draft = filled();
    draft.requested_limit = "lots".into();
    draft.name = " ".into();
    draft.contacts[0].phone.clear();

    let checked = draft.check(Currency::CNY, &FieldSet::default(), &[Role::Sales], TODAY);

    assert_eq!(
        fields(&checked),
        ["requested_limit", "name", "contacts[0].phone"]
    );
    assert!(checked.application.is_none());
    assert!(
        checked.preview.is_some(),
        "founded and purchases are enough to preview"
    );
}

#[test]
fn statements_are_checked_line_by_line_when_given() {
    let mut draft = filled();
    draft.with_financials = true;
    draft.financials = FinancialsDraft {
        period_end: "2025-12-31".into(),
        total_assets: "1000000".into(),
        current_assets: "400000".into(),
        current_liabilities: "300000".into(),
        total_liabilities: "600000".into(),
        retained_earnings: "-50,000".into(),
        ebit: "80000".into(),
        equity: "".into(),
    };

    let missing = draft.check(Currency::CNY, &FieldSet::default(), &[Role::Sales], TODAY);
    draft.financials.equity = "400000".into();
    let complete = draft.check(Currency::CNY, &FieldSet::default(), &[Role::Sales], TODAY);

    assert_eq!(fields(&missing), ["financials.equity"]);
    assert!(complete.application.unwrap().financials.is_some());
}

#[test]
fn custom_fields_are_checked_against_the_tenants_definitions() {
    let set = FieldSet {
        version: 1,
        fields: vec![FieldDef {
            key: "bank".into(),
            label: "开户行".into(),
            label_en: None,
            kind: FieldKind::Text,
            required: true,
            visible_to: vec![],
        }],
    };

    let checked = filled().check(Currency::CNY, &set, &[Role::Sales], TODAY);

    assert_eq!(fields(&checked), ["custom.bank"]);
}

#[test]
fn screening_waits_for_a_whole_code_or_a_two_character_name() {
    assert_eq!(screen_request("9131", "a"), None);
    assert_eq!(
        screen_request("9131", "示例"),
        Some(ScreenRequest {
            usci: String::new(),
            name: "示例".into()
        })
    );
    let code = usci().to_lowercase();
    assert_eq!(screen_request(&code, "").map(|s| s.usci), Some(usci()));
}

#[test]
fn the_preview_scores_a_new_applicant_with_the_default_engine() {
    let app = filled()
        .check(Currency::CNY, &FieldSet::default(), &[Role::Sales], TODAY)
        .preview
        .unwrap();
    let engine = EngineInForce {
        version: 1,
        model: credence_shared::engine::default_model(),
        policy: credence_shared::engine::default_policy(),
    };

    let clean = preview(&app, &engine, false, TODAY).unwrap();
    let listed = preview(&app, &engine, true, TODAY).unwrap();

    assert!(clean.recommendation.limit.amount >= Decimal::ZERO);
    assert!(listed.assessment.is_knocked_out());
}
