//! What the lab says when something stops it, in the reader's language: the fit's own
//! errors (`LabError`, matched by variant), the sample's field errors from the server, and
//! the form's own checks, each tied to the control it is about. Also why a characteristic
//! was left out (`DropReason`) and the figures' formats.

use credence_shared::dto::FieldError;
use credence_shared::engine::LocalizedText;
use credence_shared::engine::calendar::{months_after, months_before};
use credence_shared::lab::{DropReason, LabError};
use rust_decimal::Decimal;
use time::Date;

use crate::components::messages::word_field_error;
use crate::components::wording::fill;
use crate::i18n::{Locale, td_string};

/// Something the lab cannot go on with, and the control it is about ([`Issue::field`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Issue {
    /// The fit refused the sample or the options.
    Lab(LabError),
    /// The server's 422 on the observation date: the outcome window ends after today.
    WindowNotEnded {
        latest: Date,
        months: u8,
    },
    /// The server's 422 on the observation date: before the earliest date it takes.
    TooEarly,
    NotADate,
    NotANumber(&'static str),
    /// Outside the range of the control it names.
    OutOfRange(&'static str),
    /// The model in force is not the one the sample was read for.
    ModelChanged,
    /// Any other field error the server gave.
    Server(FieldError),
}

impl Issue {
    /// The control the issue shows next to: a form field, `sample` (the build-sample
    /// button), `force` (the characteristic table) or `model` (above the report).
    pub fn field(&self) -> String {
        match self {
            Issue::Lab(e) => match e.field() {
                "force_in" | "force_out" => "force",
                "min_bin_share" | "iv_threshold" | "max_correlation" | "sample" => e.field(),
                _ => "model",
            }
            .to_owned(),
            Issue::WindowNotEnded { .. } | Issue::TooEarly | Issue::NotADate => {
                "observation_date".to_owned()
            }
            Issue::NotANumber(f) | Issue::OutOfRange(f) => (*f).to_owned(),
            Issue::ModelChanged => "sample".to_owned(),
            Issue::Server(e) if e.field == "cursor" => "sample".to_owned(),
            Issue::Server(e) => e.field.clone(),
        }
    }

    /// The issue in `locale`'s words.
    pub fn word(&self, locale: Locale) -> String {
        match self {
            Issue::Lab(e) => word_lab_error(locale, e),
            Issue::WindowNotEnded { latest, months } => fill(
                td_string!(locale, lab_window_not_ended),
                &[("date", latest), ("months", months)],
            ),
            Issue::TooEarly => fill(
                td_string!(locale, msg_date_too_early),
                &[("date", &credence_shared::bounds::EARLIEST)],
            ),
            Issue::NotADate => td_string!(locale, msg_date_invalid).to_owned(),
            Issue::NotANumber(_) => td_string!(locale, msg_number_invalid).to_owned(),
            Issue::OutOfRange(field) => range_words(locale, field),
            Issue::ModelChanged => td_string!(locale, lab_model_changed).to_owned(),
            Issue::Server(e) => word_field_error(locale, e),
        }
    }
}

fn range_words(locale: Locale, field: &str) -> String {
    match field {
        "outcome_months" => td_string!(locale, lab_months_range),
        "bad_dpd_days" => td_string!(locale, lab_dpd_range),
        "validation_percent" => td_string!(locale, lab_percent_range),
        "out_of_time" => td_string!(locale, lab_oot_range),
        "min_bin_share" => td_string!(locale, lab_err_min_bin_share),
        "iv_threshold" => td_string!(locale, lab_err_iv_threshold),
        "max_correlation" => td_string!(locale, lab_err_max_correlation),
        _ => td_string!(locale, msg_field_invalid),
    }
    .to_owned()
}

/// A fit's error in `locale`, by its variant (the `Display` text is the API's English).
pub fn word_lab_error(locale: Locale, error: &LabError) -> String {
    match error {
        LabError::EmptySample => td_string!(locale, lab_err_empty_sample).to_owned(),
        LabError::NoBads => td_string!(locale, lab_err_no_bads).to_owned(),
        LabError::NoGoods => td_string!(locale, lab_err_no_goods).to_owned(),
        LabError::ForcedWithoutVariation(code) => {
            fill(td_string!(locale, lab_err_forced_flat), &[("code", code)])
        }
        LabError::UnknownCharacteristic(code) => fill(
            td_string!(locale, lab_err_unknown_characteristic),
            &[("code", code)],
        ),
        LabError::NothingSelected => td_string!(locale, lab_err_nothing_selected).to_owned(),
        LabError::DidNotConverge => td_string!(locale, lab_err_not_converged).to_owned(),
        LabError::Option { field, .. } if *field == "force_out" => {
            td_string!(locale, lab_err_force_both).to_owned()
        }
        LabError::Option { field, .. }
            if matches!(*field, "min_bin_share" | "iv_threshold" | "max_correlation") =>
        {
            range_words(locale, field)
        }
        LabError::Option { field, .. } => {
            fill(td_string!(locale, lab_err_option), &[("field", field)])
        }
        LabError::Model(e) => fill(td_string!(locale, lab_err_model), &[("why", e)]),
    }
}

/// A server field error on the sample request as an [`Issue`]: the observation date's is
/// told by what was asked (the window's end after today, or a date too early), since the
/// server words both the same way.
pub fn sample_issue(error: FieldError, asked: Date, months: u8, today: Date) -> Issue {
    if error.field == "observation_date" {
        if months_after(asked, u32::from(months)) > today {
            return Issue::WindowNotEnded {
                latest: months_before(today, u32::from(months)),
                months,
            };
        }
        if asked < credence_shared::bounds::EARLIEST {
            return Issue::TooEarly;
        }
    }
    Issue::Server(error)
}

/// Why a characteristic is not in the model, in `locale`; "Included" when it is.
pub fn drop_words(locale: Locale, dropped: Option<&DropReason>) -> String {
    match dropped {
        None => td_string!(locale, lab_included).to_owned(),
        Some(DropReason::ForcedOut) => td_string!(locale, lab_drop_forced_out).to_owned(),
        Some(DropReason::NoVariation) => td_string!(locale, lab_drop_no_variation).to_owned(),
        Some(DropReason::LowInformation) => td_string!(locale, lab_drop_low_information).to_owned(),
        Some(DropReason::Correlated { with, correlation }) => fill(
            td_string!(locale, lab_drop_correlated),
            &[("with", with), ("correlation", &figure(*correlation))],
        ),
        Some(DropReason::WrongSign) => td_string!(locale, lab_drop_wrong_sign).to_owned(),
    }
}

/// A model text in the reader's language.
pub fn localized(locale: Locale, text: &LocalizedText) -> String {
    match locale {
        Locale::en => text.en.to_string(),
        Locale::zh_CN => text.zh_cn.to_string(),
    }
}

/// A statistic (AUC, Gini, KS, IV, WoE, a coefficient) to at most 4 places.
pub fn figure(value: Decimal) -> String {
    let value = value.round_dp(4).normalize();
    if value.is_zero() {
        "0".to_owned()
    } else {
        value.to_string()
    }
}

/// A statistic to 3 places, for the headline figures.
pub fn headline(value: Decimal) -> String {
    format!("{:.3}", value.round_dp(3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::messages::code;
    use time::macros::date;

    #[test]
    fn each_lab_error_shows_next_to_its_control() {
        let field = |e: LabError| Issue::Lab(e).field();
        assert_eq!(field(LabError::NoBads), "sample");
        assert_eq!(field(LabError::EmptySample), "sample");
        assert_eq!(field(LabError::ForcedWithoutVariation("X".into())), "force");
        assert_eq!(
            field(LabError::Option {
                field: "iv_threshold",
                why: "must be from 0 to 1"
            }),
            "iv_threshold"
        );
        assert_eq!(field(LabError::DidNotConverge), "model");
        assert_eq!(
            field(LabError::Option {
                field: "ridge",
                why: "x"
            }),
            "model"
        );
        assert_eq!(Issue::ModelChanged.field(), "sample");
    }

    #[test]
    fn a_window_that_has_not_ended_names_the_latest_date_to_observe() {
        let error = FieldError::new("observation_date", code::INVALID_VALUE, "window");
        let today = date!(2026 - 12 - 04);

        let issue = sample_issue(error.clone(), date!(2026 - 06 - 30), 12, today);

        assert_eq!(
            issue,
            Issue::WindowNotEnded {
                latest: date!(2025 - 12 - 04),
                months: 12
            }
        );
        assert_eq!(
            sample_issue(error.clone(), date!(2025 - 06 - 30), 12, today),
            Issue::Server(error)
        );
    }

    #[test]
    fn figures_are_rounded_and_trimmed() {
        assert_eq!(figure(Decimal::new(78120, 5)), "0.7812");
        assert_eq!(figure(Decimal::new(5000, 4)), "0.5");
        assert_eq!(figure(Decimal::ZERO), "0");
        assert_eq!(headline(Decimal::new(7812, 4)), "0.781");
        assert_eq!(headline(Decimal::new(5, 1)), "0.500");
    }
}
