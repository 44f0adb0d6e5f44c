//! What each order-check rule found, in plain words with its figures (zh-CN and English).

use credence_shared::engine::{Finding, Share};
use leptos::prelude::*;

use crate::components::money::format_money;
use crate::i18n::{t, use_i18n};

/// `30%`, `12.5%`.
pub fn percent(share: Share) -> String {
    format!("{}%", share.percent())
}

/// One finding as a sentence; follows the language switch.
#[component]
pub fn FindingText(finding: Finding) -> impl IntoView {
    let i18n = use_i18n();
    match finding {
        Finding::OverLimit {
            limit,
            exposure_after,
            excess,
        } => {
            let (limit, exposure, excess) = (
                format_money(&limit),
                format_money(&exposure_after),
                format_money(&excess),
            );
            t!(i18n, finding_over_limit, limit, exposure, excess).into_any()
        }
        Finding::NearLimit {
            limit,
            available_after,
            warn_band,
            ..
        } => {
            let (limit, available, band) = (
                format_money(&limit),
                format_money(&available_after),
                percent(warn_band),
            );
            t!(i18n, finding_near_limit, limit, available, band).into_any()
        }
        Finding::Overdue {
            days,
            amount,
            oldest_overdue_days,
        } => {
            let amount = format_money(&amount);
            let oldest = oldest_overdue_days;
            t!(i18n, finding_overdue, amount, days, oldest).into_any()
        }
        Finding::OldestOpenItem {
            invoice,
            age_days,
            max_days,
        } => {
            let invoice = invoice.to_string();
            let (age, max) = (age_days, max_days);
            t!(i18n, finding_oldest_open_item, invoice, age, max).into_any()
        }
        Finding::OnHold => t!(i18n, finding_on_hold).into_any(),
        Finding::Blacklisted => t!(i18n, finding_blacklisted).into_any(),
        Finding::LimitExpired { expired_on } => {
            let date = expired_on.to_string();
            t!(i18n, finding_limit_expired, date).into_any()
        }
        Finding::ReviewExpired { due_on } => {
            let date = due_on.to_string();
            t!(i18n, finding_review_expired, date).into_any()
        }
        Finding::PrepaymentRequired { share, amount } => {
            let (share, amount) = (percent(share), format_money(&amount));
            t!(i18n, finding_prepayment_required, share, amount).into_any()
        }
    }
}
