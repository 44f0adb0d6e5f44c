//! Workflow words in the language in use: request kinds, statuses, step outcomes, timeline
//! actions, and the status badge.

use credence_shared::engine::{Effect, LocalizedText, Reason};
use credence_shared::workflow::{RequestKind, RequestStatus, StepOutcome, TimelineAction};
use leptos::prelude::*;

use crate::i18n::{Locale, t_string, use_i18n};

/// A text from the model or policy, in the language in use.
pub fn localized_text(text: LocalizedText) -> impl Fn() -> String + Send + Sync + 'static {
    let i18n = use_i18n();
    move || match i18n.get_locale() {
        Locale::zh_CN => text.zh_cn.to_string(),
        Locale::en => text.en.to_string(),
    }
}

/// Score reasons as a compact list: ▲ raised, ▼ lowered.
#[component]
pub fn ReasonList(reasons: Vec<Reason>) -> impl IntoView {
    if reasons.is_empty() {
        return "—".into_any();
    }
    view! {
        <ul class="reason-list">
            {reasons.into_iter().map(|r| {
                let (class, arrow) = match r.effect {
                    Effect::Raised => ("effect-raised", "▲"),
                    Effect::Lowered => ("effect-lowered", "▼"),
                };
                view! {
                    <li class=class>
                        <span class="effect" aria-hidden="true">{arrow}" "</span>
                        {localized_text(r.text)}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The translated name of a request kind; reactive when called inside a closure.
pub fn kind_label(kind: RequestKind) -> &'static str {
    let i18n = use_i18n();
    match kind {
        RequestKind::NewCreditLine => t_string!(i18n, kind_new_credit_line),
        RequestKind::LimitIncrease => t_string!(i18n, kind_limit_increase),
        RequestKind::LimitDecrease => t_string!(i18n, kind_limit_decrease),
        RequestKind::TemporaryLimit => t_string!(i18n, kind_temporary_limit),
        RequestKind::TermsChange => t_string!(i18n, kind_terms_change),
        RequestKind::HoldRelease => t_string!(i18n, kind_hold_release),
        RequestKind::PrepaymentLift => t_string!(i18n, kind_prepayment_lift),
        RequestKind::CreditReview => t_string!(i18n, kind_credit_review),
        RequestKind::BlockedOrderRelease => t_string!(i18n, kind_blocked_order_release),
        RequestKind::BlockedOrderReject => t_string!(i18n, kind_blocked_order_reject),
        RequestKind::BlacklistAdd => t_string!(i18n, kind_blacklist_add),
        RequestKind::BlacklistRemove => t_string!(i18n, kind_blacklist_remove),
        RequestKind::ModelPromotion => t_string!(i18n, kind_model_promotion),
    }
}

pub fn status_name(status: RequestStatus) -> &'static str {
    match status {
        RequestStatus::Pending => "pending",
        RequestStatus::Returned => "returned",
        RequestStatus::Approved => "approved",
        RequestStatus::Rejected => "rejected",
        RequestStatus::Withdrawn => "withdrawn",
    }
}

pub fn status_label(status: RequestStatus) -> &'static str {
    let i18n = use_i18n();
    match status {
        RequestStatus::Pending => t_string!(i18n, status_pending),
        RequestStatus::Returned => t_string!(i18n, status_returned),
        RequestStatus::Approved => t_string!(i18n, status_approved),
        RequestStatus::Rejected => t_string!(i18n, status_rejected),
        RequestStatus::Withdrawn => t_string!(i18n, status_withdrawn),
    }
}

pub fn outcome_label(outcome: StepOutcome) -> &'static str {
    let i18n = use_i18n();
    match outcome {
        StepOutcome::Approved => t_string!(i18n, outcome_approved),
        StepOutcome::Rejected => t_string!(i18n, outcome_rejected),
        StepOutcome::Returned => t_string!(i18n, outcome_returned),
    }
}

pub fn action_label(action: TimelineAction) -> &'static str {
    let i18n = use_i18n();
    match action {
        TimelineAction::Submitted => t_string!(i18n, tl_submitted),
        TimelineAction::Approved => t_string!(i18n, tl_approved),
        TimelineAction::Rejected => t_string!(i18n, tl_rejected),
        TimelineAction::Returned => t_string!(i18n, tl_returned),
        TimelineAction::Resubmitted => t_string!(i18n, tl_resubmitted),
        TimelineAction::Withdrawn => t_string!(i18n, tl_withdrawn),
        TimelineAction::Rechecked => t_string!(i18n, tl_rechecked),
        TimelineAction::Applied => t_string!(i18n, tl_applied),
    }
}

/// The request's status as a coloured badge.
#[component]
pub fn StatusBadge(
    status: RequestStatus,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    let name = status_name(status);
    view! {
        <span
            class=format!("badge status status-{name}")
            data-testid=testid
            data-status=name
        >
            {move || status_label(status)}
        </span>
    }
}

/// "Overdue" on a step or request past its SLA.
#[component]
pub fn OverdueBadge() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class="badge badge-warn" data-testid="overdue-badge">
            {move || t_string!(i18n, sla_overdue)}
        </span>
    }
}
