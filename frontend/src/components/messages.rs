//! Field errors and problems worded in the reader's language from their stable code and
//! parameters (`credence_shared::messages`), as activity lines are worded from facts in
//! `wording.rs`. A code this app does not know (a newer server) shows the server's English
//! message, never nothing.

use std::collections::BTreeMap;
use std::fmt::Display;

use credence_shared::dto::{FieldError, Problem};
use credence_shared::messages::code;

use crate::components::wording::fill;
use crate::i18n::{Locale, td_string};

/// The words for `code` with `params` in `locale`; `None` for a code this app does not know.
/// The templates (`msg_*` in `locales/*.json`) take `{name}` for each parameter, filled by
/// [`fill`] as activity lines are.
pub fn word_code(locale: Locale, code: &str, params: &BTreeMap<String, String>) -> Option<String> {
    let template = match code {
        code::REQUIRED => td_string!(locale, msg_field_required),
        code::UNKNOWN_FIELD => td_string!(locale, msg_field_unknown),
        code::INVALID_VALUE => td_string!(locale, msg_field_invalid),
        code::NOT_ALLOWED => td_string!(locale, msg_field_not_allowed),
        code::MALFORMED_JSON => td_string!(locale, msg_body_malformed),
        code::INVALID_QUERY => td_string!(locale, msg_query_invalid),
        code::INVALID_CURSOR => td_string!(locale, msg_cursor_invalid),
        code::TEXT_TOO_LONG => td_string!(locale, msg_text_too_long),
        code::TEXT_LENGTH => td_string!(locale, msg_text_length),
        code::TEXT_PATTERN => td_string!(locale, msg_text_pattern),
        code::TEXT_NO_LETTERS => td_string!(locale, msg_text_no_letters),
        code::SEARCH_EMPTY => td_string!(locale, msg_search_empty),
        code::EMAIL_INVALID => td_string!(locale, msg_email_invalid),
        code::URL_INVALID => td_string!(locale, msg_url_invalid),
        code::URL_NOT_HTTPS => td_string!(locale, msg_url_not_https),
        code::URL_NOT_PUBLIC => td_string!(locale, msg_url_not_public),
        code::NOTE_REQUIRED => td_string!(locale, msg_note_required),
        code::USCI_LENGTH => td_string!(locale, msg_usci_length),
        code::USCI_CHARACTER => td_string!(locale, msg_usci_character),
        code::USCI_DIVISION => td_string!(locale, msg_usci_division),
        code::USCI_CHECKSUM => td_string!(locale, msg_usci_checksum),
        code::NUMBER_INVALID => td_string!(locale, msg_number_invalid),
        code::NUMBER_NEGATIVE => td_string!(locale, msg_number_negative),
        code::NUMBER_NOT_POSITIVE => td_string!(locale, msg_number_not_positive),
        code::NUMBER_DECIMALS => td_string!(locale, msg_number_decimals),
        code::NUMBER_NOT_WHOLE => td_string!(locale, msg_number_not_whole),
        code::SHARE_RANGE => td_string!(locale, msg_share_range),
        code::NUMBER_RANGE => td_string!(locale, msg_number_range),
        code::DAYS_TOO_MANY => td_string!(locale, msg_days_too_many),
        code::AMOUNT_INVALID => td_string!(locale, msg_amount_invalid),
        code::AMOUNT_TOO_LARGE => td_string!(locale, msg_amount_too_large),
        code::AMOUNT_TOO_SMALL => td_string!(locale, msg_amount_too_small),
        code::RANGE_INVERTED => td_string!(locale, msg_range_inverted),
        code::CURRENCY_INVALID => td_string!(locale, msg_currency_invalid),
        code::CURRENCY_ACCOUNT => td_string!(locale, msg_currency_account),
        code::RATE_SAME_CURRENCY => td_string!(locale, msg_rate_same_currency),
        code::DATE_INVALID => td_string!(locale, msg_date_invalid),
        code::DATE_PAST => td_string!(locale, msg_date_past),
        code::DATE_FUTURE => td_string!(locale, msg_date_future),
        code::DATE_TOO_FAR => td_string!(locale, msg_date_too_far),
        code::DATE_ORDER => td_string!(locale, msg_date_order),
        code::DATE_SPAN => td_string!(locale, msg_date_span),
        code::DATE_TODAY_ONLY => td_string!(locale, msg_date_today_only),
        code::DATE_TOO_EARLY => td_string!(locale, msg_date_too_early),
        code::DATE_TOO_LATE => td_string!(locale, msg_date_too_late),
        code::LIST_EMPTY => td_string!(locale, msg_list_empty),
        code::LIST_TOO_LONG => td_string!(locale, msg_list_too_long),
        code::LIST_LENGTH => td_string!(locale, msg_list_length),
        code::KEY_DUPLICATE => td_string!(locale, msg_key_duplicate),
        code::CONTACTS_REQUIRED => td_string!(locale, msg_contacts_required),
        code::CONTACT_REACHABLE => td_string!(locale, msg_contact_reachable),
        code::CHOICE_INVALID => td_string!(locale, msg_choice_invalid),
        code::YES_NO => td_string!(locale, msg_choice_yes_no),
        code::MATRIX_SALES_APPROVER => td_string!(locale, msg_matrix_sales_approver),
        code::MATRIX_NO_CATCH_ALL => td_string!(locale, msg_matrix_no_catch_all),
        code::ROLES_REQUIRED => td_string!(locale, msg_roles_required),
        code::ROLES_SELF_ADMIN => td_string!(locale, msg_roles_self_admin),
        code::USERNAME_TAKEN => td_string!(locale, msg_username_taken),
        code::MFA_CODE_WRONG => td_string!(locale, msg_mfa_code_wrong),
        code::STEPS_ORDER => td_string!(locale, msg_steps_order),
        code::EVENTS_SHAPE => td_string!(locale, msg_events_shape),
        code::CUSTOMER_EXISTS => td_string!(locale, msg_customer_exists),
        code::CUSTOMER_UNKNOWN => td_string!(locale, msg_customer_unknown),
        code::CUSTOMER_NO_ACCOUNT => td_string!(locale, msg_customer_no_account),
        code::CUSTOMER_BLACKLISTED => td_string!(locale, msg_customer_blacklisted),
        code::CUSTOMER_ALREADY_BLACKLISTED => td_string!(locale, msg_customer_already_blacklisted),
        code::PARTY_BLACKLISTED => td_string!(locale, msg_party_blacklisted),
        code::SECRET_UNKNOWN => td_string!(locale, msg_secret_unknown),
        code::CUSTOMER_NOT_BLACKLISTED => td_string!(locale, msg_customer_not_blacklisted),
        code::CUSTOMER_NOT_ON_HOLD => td_string!(locale, msg_customer_not_on_hold),
        code::NO_PREPAYMENT_SET => td_string!(locale, msg_prepayment_not_set),
        code::USER_UNKNOWN => td_string!(locale, msg_user_unknown),
        code::ORDER_NOT_BLOCKED => td_string!(locale, msg_order_not_blocked),
        code::CHANGE_NEEDS_APPLICATION => td_string!(locale, msg_change_needs_application),
        code::CHANGE_SAME_KIND => td_string!(locale, msg_change_same_kind),
        code::TOO_MANY => td_string!(locale, msg_list_too_many),
        code::REGISTRATION_INVALID => td_string!(locale, msg_registration_invalid),
        code::CUSTOM_FIELD_INVALID => td_string!(locale, msg_custom_invalid),
        code::CUSTOMER_NUMBER_TAKEN => td_string!(locale, msg_customer_number_taken),
        code::BLACKLIST_UNKNOWN => td_string!(locale, msg_blacklist_unknown),
        code::CHANGE_NOT_FOR_SUBJECT => td_string!(locale, msg_change_not_for_subject),
        code::LIMIT_UNCHANGED => td_string!(locale, msg_limit_unchanged),
        code::DOCUMENT_INVALID => td_string!(locale, msg_document_invalid),
        code::INVOICE_NOT_OPEN => td_string!(locale, msg_invoice_not_open),
        code::DISPUTE_AMOUNT => td_string!(locale, msg_dispute_amount),
        code::VERSION_CONFLICT => td_string!(locale, msg_conflict_version),
        code::ALREADY_EXISTS => td_string!(locale, msg_conflict_exists),
        code::NOT_APPLICABLE => td_string!(locale, msg_conflict_not_applicable),
        code::NEEDS_APPROVAL => td_string!(locale, msg_forbidden_needs_approval),
        _ => return None,
    };
    let values: Vec<(&str, &dyn Display)> = params
        .iter()
        .map(|(name, value)| (name.as_str(), value as &dyn Display))
        .collect();
    Some(fill(template, &values))
}

/// A field error in `locale`: worded by its code, else the server's message.
pub fn word_field_error(locale: Locale, error: &FieldError) -> String {
    word_code(locale, &error.code, &error.params).unwrap_or_else(|| error.message.clone())
}

/// A problem's sentence in `locale`: worded by its code, else its detail, else its title.
pub fn word_problem(locale: Locale, problem: &Problem) -> String {
    word_code(locale, &problem.code, &BTreeMap::new())
        .or_else(|| problem.detail.clone())
        .unwrap_or_else(|| problem.title.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::messages::ALL;

    fn all_params() -> BTreeMap<String, String> {
        [
            "allowed", "currency", "days", "expected", "found", "max", "min", "name", "number",
        ]
        .into_iter()
        .chain(["date", "other", "position", "reason", "since"])
        .map(|k| (k.to_owned(), format!("<{k}>")))
        .collect()
    }

    #[test]
    fn every_code_has_chinese_and_english_words() {
        // Arrange
        let params = all_params();
        // Act
        let unworded: Vec<(&str, Locale)> = ALL
            .iter()
            .flat_map(|c| [(*c, Locale::zh_CN), (*c, Locale::en)])
            .filter(|(c, l)| word_code(*l, c, &params).is_none_or(|w| w.trim().is_empty()))
            .collect();
        // Assert
        assert!(unworded.is_empty(), "codes without words: {unworded:?}");
    }

    #[test]
    fn every_code_is_translated_into_chinese_not_left_in_english() {
        // Arrange
        let params = all_params();
        // Act
        let same: Vec<&str> = ALL
            .iter()
            .copied()
            .filter(|c| word_code(Locale::zh_CN, c, &params) == word_code(Locale::en, c, &params))
            .collect();
        // Assert
        assert!(
            same.is_empty(),
            "zh-CN words equal the English ones: {same:?}"
        );
    }

    #[test]
    fn every_locale_file_has_a_key_for_every_code() {
        // Arrange
        let files = [
            ("zh-CN", include_str!("../../locales/zh-CN.json")),
            ("en", include_str!("../../locales/en.json")),
        ];
        for (name, text) in files {
            let keys: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(text).expect("a locale file is a JSON object");
            // Act
            let missing: Vec<String> = ALL
                .iter()
                .map(|c| format!("msg_{}", c.replace('.', "_")))
                .filter(|k| {
                    keys.get(k)
                        .and_then(|v| v.as_str())
                        .is_none_or(str::is_empty)
                })
                .collect();
            // Assert
            assert!(missing.is_empty(), "{name} lacks {missing:?}");
        }
    }

    #[test]
    fn a_wording_puts_the_parameters_in() {
        // Arrange
        let error = FieldError::new("usci", code::USCI_CHECKSUM, "check character should be 'X'")
            .with("expected", "X")
            .with("found", "Y");
        // Act
        let zh = word_field_error(Locale::zh_CN, &error);
        let en = word_field_error(Locale::en, &error);
        // Assert
        assert!(
            zh.contains('X') && zh.contains('Y') && zh.contains("校验位"),
            "{zh}"
        );
        assert!(en.contains("'X'") && en.contains("'Y'"), "{en}");
    }

    #[test]
    fn an_unknown_code_shows_the_servers_message() {
        // Arrange
        let error = FieldError::new("x", "something.newer", "a newer rule said no");
        // Act
        let words = word_field_error(Locale::zh_CN, &error);
        // Assert
        assert_eq!(words, "a newer rule said no");
    }

    #[test]
    fn a_conflict_is_worded_by_its_code_and_otherwise_by_its_detail() {
        // Arrange
        let mut problem = Problem {
            kind: "urn:credence:problem:conflict".into(),
            code: code::VERSION_CONFLICT.into(),
            title: "Conflict".into(),
            status: 409,
            detail: Some("the task changed; reload".into()),
            instance: None,
            request_id: None,
            errors: vec![],
        };
        // Act
        let coded = word_problem(Locale::zh_CN, &problem);
        problem.code.clear();
        let uncoded = word_problem(Locale::zh_CN, &problem);
        // Assert
        assert!(coded.contains("重新加载"), "{coded}");
        assert_eq!(uncoded, "the task changed; reload");
    }
}
