//! Words for letters and disputes in the language in use.

use credence_shared::watch::{DisputeOutcome, DisputeReason, LetterKind, LetterStatus};

use crate::i18n::{Locale, td_string};

pub fn letter_kind_word(locale: Locale, kind: LetterKind) -> &'static str {
    match kind {
        LetterKind::Statement => td_string!(locale, letter_kind_statement),
        LetterKind::Reminder => td_string!(locale, letter_kind_reminder),
    }
}

pub fn letter_status_word(locale: Locale, status: LetterStatus) -> &'static str {
    match status {
        LetterStatus::Pending => td_string!(locale, letter_status_pending),
        LetterStatus::Sent => td_string!(locale, letter_status_sent),
        LetterStatus::NoAddress => td_string!(locale, letter_status_no_address),
        LetterStatus::Failed => td_string!(locale, letter_status_failed),
    }
}

pub fn reason_word(locale: Locale, reason: DisputeReason) -> &'static str {
    match reason {
        DisputeReason::Price => td_string!(locale, dispute_reason_price),
        DisputeReason::Quantity => td_string!(locale, dispute_reason_quantity),
        DisputeReason::Quality => td_string!(locale, dispute_reason_quality),
        DisputeReason::Delivery => td_string!(locale, dispute_reason_delivery),
        DisputeReason::Duplicate => td_string!(locale, dispute_reason_duplicate),
        DisputeReason::NotOrdered => td_string!(locale, dispute_reason_not_ordered),
        DisputeReason::Other => td_string!(locale, dispute_reason_other),
    }
}

pub const OUTCOMES: [DisputeOutcome; 4] = [
    DisputeOutcome::CreditNote,
    DisputeOutcome::CustomerPays,
    DisputeOutcome::WrittenOff,
    DisputeOutcome::Withdrawn,
];

pub fn outcome_word(locale: Locale, outcome: DisputeOutcome) -> &'static str {
    match outcome {
        DisputeOutcome::CreditNote => td_string!(locale, dispute_outcome_credit_note),
        DisputeOutcome::CustomerPays => td_string!(locale, dispute_outcome_customer_pays),
        DisputeOutcome::WrittenOff => td_string!(locale, dispute_outcome_written_off),
        DisputeOutcome::Withdrawn => td_string!(locale, dispute_outcome_withdrawn),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_and_outcome_has_its_own_words_in_both_languages() {
        for locale in [Locale::zh_CN, Locale::en] {
            let reasons: std::collections::BTreeSet<&str> = DisputeReason::ALL
                .into_iter()
                .map(|r| reason_word(locale, r))
                .collect();
            let outcomes: std::collections::BTreeSet<&str> = OUTCOMES
                .into_iter()
                .map(|o| outcome_word(locale, o))
                .collect();
            assert_eq!(reasons.len(), DisputeReason::ALL.len());
            assert_eq!(outcomes.len(), OUTCOMES.len());
        }
        assert_eq!(reason_word(Locale::zh_CN, DisputeReason::Quality), "质量");
    }
}
