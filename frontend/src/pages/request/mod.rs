//! One credit request: `/customers/:id/requests/:rid`, or a group's
//! (`/groups/:group/requests/:rid`), a party's (`/blacklist/requests/:rid`) or a
//! challenger's promotion (`/lab/requests/:rid`).
//!
//! What is asked (now → requested) and why, the evidence it was filed on beside the credit
//! file as it is now (changes highlighted), the approval steps with their SLAs, the history,
//! and what the viewer may do: approve, reject or return with a note; amend and resubmit a
//! returned request; withdraw their own. A 409 means someone acted meanwhile: the page says
//! so and reloads.

use credence_shared::Money;
use credence_shared::workflow::{
    Change, CreditRequest, Evidence, RequestDetail, ResubmitRequest, ReviewAction, ReviewRequest,
    Step, StepOutcome, Subject, TimelineEvent,
};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_params_map};

use crate::api::{self, ApiError};
use crate::components::form::{FieldErrors, TextField, local_datetime, message_about};
use crate::components::labels::{
    OverdueBadge, StatusBadge, action_label, kind_label, outcome_label,
};
use crate::components::layout::role_label;
use crate::components::money::format_money;
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::request_form::{FileNow, RequestForm};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

mod evidence;
use crate::components::people::Person;
use evidence::EvidenceCard;

/// What the page was asked to show: the request's address (a party's key is not part of
/// it, so its subject here carries none).
#[derive(Debug, Clone, PartialEq)]
struct Target {
    subject: Subject,
    request: String,
}

#[component]
pub fn RequestPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let in_lab = use_location().pathname;
    let target = Memo::new(move |_| {
        let params = params.read();
        let subject = match (params.get("id"), params.get("group")) {
            (Some(raw), _) => Subject::Customer {
                customer_id: credence_shared::customer::customer_id_of(&raw),
            },
            (None, Some(group)) => Subject::Group { group },
            (None, None) if in_lab.with(|p| p.starts_with("/lab/")) => {
                Subject::Challenger { challenger: 0 }
            }
            (None, None) => Subject::Party {
                party: String::new(),
            },
        };
        let request = params.get("rid").filter(|r| !r.is_empty())?;
        Some(Target { subject, request })
    });
    let detail = LocalResource::new(move || {
        let target = target.get();
        async move {
            match target {
                Some(t) => api::request_detail(session, &t.subject, &t.request)
                    .await
                    .map(|d| (t, d)),
                None => Err(ApiError::NotFound),
            }
        }
    });
    // Said once after a 409 made the page reload.
    let reloaded = RwSignal::new(false);
    let reload = Callback::new(move |conflict: bool| {
        reloaded.set(conflict);
        detail.refetch();
    });

    view! {
        <div class="page page-request">
            {move || target.get().and_then(|t| match t.subject {
                Subject::Customer { customer_id } => Some(view! {
                    <A href=format!("/customers/{customer_id}") attr:class="back-link">
                        <span aria-hidden="true">"←"</span>
                        {t!(i18n, back_to_customer)}
                    </A>
                }.into_any()),
                Subject::Party { .. } => Some(view! {
                    <A href="/blacklist" attr:class="back-link">
                        <span aria-hidden="true">"←"</span>
                        {t!(i18n, blacklist_title)}
                    </A>
                }.into_any()),
                Subject::Challenger { .. } => Some(view! {
                    <A href="/lab" attr:class="back-link">
                        <span aria-hidden="true">"←"</span>
                        {t!(i18n, lab_title)}
                    </A>
                }.into_any()),
                Subject::Group { .. } => None,
            })}
            <Show when=move || reloaded.get()>
                <div class="notice notice-warn" role="status" data-testid="request-reloaded">
                    <p>{t!(i18n, error_conflict)}</p>
                    <button type="button" class="button button-ghost" on:click=move |_| reloaded.set(false)>
                        {t!(i18n, dismiss)}
                    </button>
                </div>
            </Show>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok((target, detail)) => view! { <RequestView target detail reload /> }.into_any(),
                        Err(ApiError::NotFound) => view! {
                            <p class="notice notice-error" role="alert" data-testid="error">
                                {t!(i18n, request_not_found)}
                            </p>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <ErrorNotice error retry=move || detail.refetch() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn RequestView(target: Target, detail: RequestDetail, reload: Callback<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let request = detail.request.clone();
    let kind = request.kind;
    let subject_line = match &request.subject {
        Subject::Customer { customer_id } => {
            view! { <a href=format!("/customers/{customer_id}")>{request.customer_name.clone()}</a> }
                .into_any()
        }
        Subject::Group { group } => view! {
            <span data-testid="request-subject">{t!(i18n, group)} ": " {request.customer_name.clone()}
                " (" <span class="mono">{group.clone()}</span> ")"</span>
        }
        .into_any(),
        Subject::Party { party } => view! {
            <span data-testid="request-subject">{t!(i18n, party)} ": " {request.customer_name.clone()}
                " (" <span class="mono">{party.clone()}</span> ")"</span>
        }
        .into_any(),
        Subject::Challenger { .. } => view! {
            <a href="/lab" data-testid="request-subject">{request.customer_name.clone()}</a>
        }
        .into_any(),
    };
    let filed = local_datetime(request.created_at);
    let overdue_now = request.steps.iter().enumerate().any(|(i, s)| {
        s.outcome.is_none() && s.since.is_some() && detail.overdue_steps.contains(&i)
    });
    view! {
        <article class="request-detail" data-testid="request-detail" data-request=request.id.clone()>
            <header class="detail-head">
                <div class="names">
                    <h1 class="page-title">{move || kind_label(kind)}</h1>
                    <p class="muted">
                        {subject_line}
                        " · " {t!(i18n, requested_by)} " " <Person name=request.requester.clone() />
                        " · " {filed}
                    </p>
                </div>
                <div class="badges">
                    <StatusBadge status=request.status testid="request-status" />
                    {overdue_now.then(|| view! { <OverdueBadge /> })}
                </div>
            </header>
            <div class="request-columns">
                <div class="request-main">
                    <AskedCard request=request.clone() />
                    // A promotion's evidence is the lab's comparison, not a file's figures.
                    {(!matches!(request.subject, Subject::Challenger { .. })).then(|| view! {
                        <EvidenceCard
                            subject=request.subject.clone()
                            filed=request.evidence.clone()
                            now=detail.current.clone()
                            changed=detail.changed_since_filed
                        />
                    })}
                </div>
                <div class="request-side">
                    <ActionsCard target detail=detail.clone() reload />
                    <StepsCard steps=request.steps.clone() overdue=detail.overdue_steps.clone() />
                    <HistoryCard timeline=request.timeline.clone() />
                </div>
            </div>
        </article>
    }
}

/// One line of "what is asked": what it is now and what is asked for.
struct AskedRow {
    label: fn() -> &'static str,
    now: AnyView,
    asked: AnyView,
}

/// "Yes" or "no", following the language switch.
fn yes_no(value: bool) -> AnyView {
    let i18n = use_i18n();
    (move || {
        if value {
            t_string!(i18n, yes)
        } else {
            t_string!(i18n, no)
        }
    })
    .into_any()
}

fn days(d: impl std::fmt::Display) -> AnyView {
    let i18n = use_i18n();
    let days = d.to_string();
    t!(i18n, days, days).into_any()
}

fn asked_rows(change: &Change, evidence: &Evidence) -> Vec<AskedRow> {
    let money = |m: &Money| format_money(m).into_any();
    let text = |s: String| s.into_any();
    let none = || "—".into_any();
    let order_amount = || {
        evidence
            .order_amount
            .as_ref()
            .map(money)
            .unwrap_or_else(none)
    };
    let order_row = |key: &String| AskedRow {
        label: || t_string!(use_i18n(), blocked_order),
        now: text(key.clone()),
        asked: order_amount(),
    };
    match change {
        Change::NewCreditLine { limit, terms_days } => vec![
            AskedRow {
                label: || t_string!(use_i18n(), credit_limit),
                now: none(),
                asked: money(limit),
            },
            AskedRow {
                label: || t_string!(use_i18n(), terms),
                now: none(),
                asked: days(terms_days),
            },
        ],
        Change::Limit { limit } => vec![AskedRow {
            label: || t_string!(use_i18n(), credit_limit),
            now: money(&evidence.limit),
            asked: money(limit),
        }],
        Change::TemporaryLimit { limit, until } => vec![
            AskedRow {
                label: || t_string!(use_i18n(), temporary_limit),
                now: money(&evidence.limit),
                asked: money(limit),
            },
            AskedRow {
                label: || t_string!(use_i18n(), request_until),
                now: none(),
                asked: text(until.to_string()),
            },
        ],
        Change::TermsChange { terms_days } => vec![AskedRow {
            label: || t_string!(use_i18n(), terms),
            now: days(evidence.terms_days),
            asked: days(terms_days),
        }],
        Change::Review {
            limit,
            terms_days,
            valid_until,
        } => vec![
            AskedRow {
                label: || t_string!(use_i18n(), credit_limit),
                now: money(&evidence.limit),
                asked: money(limit),
            },
            AskedRow {
                label: || t_string!(use_i18n(), terms),
                now: days(evidence.terms_days),
                asked: days(terms_days),
            },
            AskedRow {
                label: || t_string!(use_i18n(), request_valid_until),
                now: none(),
                asked: valid_until.map_or_else(none, |d| text(d.to_string())),
            },
        ],
        Change::PromoteChallenger { challenger } => vec![AskedRow {
            label: || t_string!(use_i18n(), challenger_label),
            now: if evidence.credit_version == 0 {
                none()
            } else {
                t!(use_i18n(), request_challenger_running).into_any()
            },
            asked: text(format!("#{challenger}")),
        }],
        Change::HoldRelease => vec![AskedRow {
            label: || t_string!(use_i18n(), on_hold),
            now: yes_no(evidence.on_hold),
            asked: yes_no(false),
        }],
        Change::PrepaymentLift => vec![AskedRow {
            label: || t_string!(use_i18n(), kind_prepayment_lift),
            now: yes_no(true),
            asked: yes_no(false),
        }],
        Change::BlockedOrderRelease {
            order_key,
            ship,
            prepayment,
        } => {
            let mut rows = vec![order_row(order_key)];
            if let Some(ship) = ship {
                rows.push(AskedRow {
                    label: || t_string!(use_i18n(), order_ship_amount),
                    now: order_amount(),
                    asked: money(ship),
                });
            }
            if let Some(share) = prepayment {
                rows.push(AskedRow {
                    label: || t_string!(use_i18n(), order_prepayment),
                    now: none(),
                    asked: text(crate::components::finding::percent(*share)),
                });
            }
            rows
        }
        Change::BlockedOrderReject { order_key } => vec![order_row(order_key)],
        Change::BlacklistAdd { reason, source } => vec![
            AskedRow {
                label: || t_string!(use_i18n(), blacklisted),
                now: yes_no(evidence.blacklisted),
                asked: yes_no(true),
            },
            AskedRow {
                label: || t_string!(use_i18n(), blacklist_reason),
                now: none(),
                asked: text(reason.clone()),
            },
            AskedRow {
                label: || t_string!(use_i18n(), blacklist_source),
                now: none(),
                asked: text(source.clone()),
            },
        ],
        Change::BlacklistRemove => vec![AskedRow {
            label: || t_string!(use_i18n(), blacklisted),
            now: yes_no(evidence.blacklisted),
            asked: yes_no(false),
        }],
    }
}

#[component]
fn AskedCard(request: CreditRequest) -> impl IntoView {
    let i18n = use_i18n();
    let rows = asked_rows(&request.change, &request.evidence);
    view! {
        <section class="card section" data-testid="request-asked" aria-labelledby="asked-title">
            <h2 class="section-title" id="asked-title">{t!(i18n, asked_title)}</h2>
            <dl class="asked">
                {rows.into_iter().map(|row| view! {
                    <div class="asked-row">
                        <dt>{row.label}</dt>
                        <dd>
                            <span class="before">{row.now}</span>
                            <span class="arrow" aria-hidden="true">" → "</span>
                            <span class="sr-only">" / "</span>
                            <strong class="after" data-testid="request-asked-value">{row.asked}</strong>
                        </dd>
                    </div>
                }).collect_view()}
            </dl>
            <h3 class="subheading">{t!(i18n, justification)}</h3>
            <p class="justification" data-testid="request-justification-text">{request.justification.clone()}</p>
            <p class="muted small">{t!(i18n, routed_by_rule)} " " {request.rule.clone()}</p>
        </section>
    }
}

#[component]
fn StepsCard(steps: Vec<Step>, overdue: Vec<usize>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card section" data-testid="request-steps" aria-labelledby="steps-title">
            <h2 class="section-title" id="steps-title">{t!(i18n, steps_title)}</h2>
            <ol class="steps">
                {steps.into_iter().enumerate().map(|(i, step)| {
                    let role = step.role;
                    let late = overdue.contains(&i);
                    let state = match (step.outcome, step.since) {
                        (Some(outcome), _) => "decided-".to_owned() + match outcome {
                            StepOutcome::Approved => "approved",
                            StepOutcome::Rejected => "rejected",
                            StepOutcome::Returned => "returned",
                        },
                        (None, Some(_)) => "waiting".to_owned(),
                        (None, None) => "later".to_owned(),
                    };
                    let sla = step.sla_hours;
                    view! {
                        <li class=format!("step step-{state}") class:overdue=late data-testid="request-step" data-state=state.clone() data-role=role.as_str()>
                            <span class="step-mark" aria-hidden="true"></span>
                            <div class="step-body">
                                <p class="step-head">
                                    <strong>{move || role_label(role)}</strong>
                                    <span class="muted small">" · " {t!(i18n, sla_hours, hours = sla)}</span>
                                    {late.then(|| view! { " " <OverdueBadge /> })}
                                </p>
                                {match (step.outcome, step.since) {
                                    (Some(outcome), _) => view! {
                                        <p class="small">
                                            {move || outcome_label(outcome)}
                                            {step.decided_by.clone().map(|who| view! { " · " <Person name=who /> })}
                                            {step.decided_at.map(|at| view! { <span class="muted">" · " {local_datetime(at)}</span> })}
                                        </p>
                                    }.into_any(),
                                    (None, Some(since)) => {
                                        let since = local_datetime(since);
                                        let due = step.due().map(local_datetime).unwrap_or_default();
                                        view! {
                                            <p class="small">
                                                {t!(i18n, step_waiting)} " · " {t!(i18n, since_time, time = since)}
                                                <span class:warn-text=late>" · " {t!(i18n, due_time, time = due)}</span>
                                            </p>
                                        }.into_any()
                                    }
                                    (None, None) => view! { <p class="small muted">{t!(i18n, step_later)}</p> }.into_any(),
                                }}
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn HistoryCard(timeline: Vec<TimelineEvent>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card section" data-testid="request-history" aria-labelledby="history-title">
            <h2 class="section-title" id="history-title">{t!(i18n, request_history)}</h2>
            <ol class="timeline">
                {timeline.into_iter().rev().map(|event| {
                    let action = event.action;
                    view! {
                        <li class="timeline-event" data-testid="timeline-event">
                            <p class="small">
                                <strong>{move || action_label(action)}</strong>
                                " · " <Person name=event.by.clone() />
                                <span class="muted">" · " {local_datetime(event.at)}</span>
                            </p>
                            {(!event.note.is_empty()).then(|| view! {
                                <p class="timeline-note">{event.note.clone()}</p>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// Who sent the request back last, and what they asked for.
fn last_return_note(request: &CreditRequest) -> Option<(String, String)> {
    request
        .timeline
        .iter()
        .rev()
        .find(|e| e.action == credence_shared::workflow::TimelineAction::Returned)
        .map(|e| (e.by.clone(), e.note.clone()))
}

/// The file as the amend form needs it, from the evidence as it is now.
fn file_from_evidence(now: &Evidence) -> FileNow {
    FileNow {
        currency: now.limit.currency,
        limit: now.limit,
        recommended_limit: now.recommended_limit,
        terms_days: now.terms_days,
        on_hold: now.on_hold,
        blacklisted: now.blacklisted,
        // The evidence does not say; an amended request keeps its kind (`Choice::of`).
        prepayment_set: false,
    }
}

#[component]
fn ActionsCard(target: Target, detail: RequestDetail, reload: Callback<bool>) -> impl IntoView {
    let i18n = use_i18n();
    if !(detail.can_review || detail.can_resubmit || detail.can_withdraw) {
        return ().into_any();
    }
    let version = detail.request.version;
    let target = StoredValue::new(target);
    view! {
        <section class="card section request-actions" data-testid="request-actions" aria-labelledby="actions-title">
            <h2 class="section-title" id="actions-title">{t!(i18n, actions_title)}</h2>
            {detail.can_review.then(|| view! { <ReviewForm target version reload /> })}
            {detail.can_resubmit.then(|| last_return_note(&detail.request)).flatten().map(|(by, note)| view! {
                <div class="notice notice-warn return-note" data-testid="return-note">
                    <p><strong>{t!(i18n, returned_by, who = by)}</strong></p>
                    <p class="justification">{note}</p>
                </div>
            })}
            {detail.can_resubmit.then(|| {
                let initial = (detail.request.change.clone(), detail.request.justification.clone());
                let file = file_from_evidence(&detail.current);
                view! { <AmendForm target version initial file reload /> }
            })}
            {detail.can_withdraw.then(|| view! { <WithdrawButton target version reload /> })}
        </section>
    }
    .into_any()
}

/// An action's failure: a 409 reloads the page, field messages go next to their field, the
/// rest is shown as a notice.
fn settle(
    error: ApiError,
    reload: Callback<bool>,
    fields: RwSignal<FieldErrors>,
    failure: RwSignal<Option<ApiError>>,
) {
    if matches!(error, ApiError::Conflict(_)) {
        reload.run(true);
        return;
    }
    let found = FieldErrors::from_api(&error);
    if found.is_empty() {
        failure.set(Some(error));
    } else {
        fields.set(found);
    }
}

/// A reject or return without a note: the message code [`ReviewForm`] words.
const NOTE_REQUIRED: &str = "note:required";

#[component]
fn ReviewForm(target: StoredValue<Target>, version: u64, reload: Callback<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let note = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let act = Action::new_local(move |action: &ReviewAction| {
        let body = ReviewRequest {
            action: *action,
            note: note.get_untracked().trim().to_owned(),
            version,
        };
        let t = target.get_value();
        async move {
            match api::review(session, &t.subject, &t.request, &body).await {
                Ok(_) => reload.run(false),
                Err(error) => settle(error, reload, fields, failure),
            }
        }
    });
    let busy = act.pending();
    let run = move |action: ReviewAction| {
        failure.set(None);
        fields.set(FieldErrors::default());
        // Reject and return say why; the server says the same, but sooner is kinder.
        if action != ReviewAction::Approve && note.with_untracked(|n| n.trim().is_empty()) {
            fields.set(FieldErrors::one("note", NOTE_REQUIRED));
            return;
        }
        act.dispatch_local(action);
    };
    view! {
        <div class="review-form" data-testid="review-form">
            <TextField
                id="review-note"
                rows=3
                label=move || t!(i18n, review_note)
                placeholder=move || t_string!(i18n, review_note_hint).to_owned()
                value=note
                on_input=Callback::new(move |v| {
                    note.set(v);
                    fields.set(FieldErrors::default());
                })
                message=message_about(fields, "note", NOTE_REQUIRED, || t_string!(use_i18n(), note_required))
            />
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            <div class="form-actions review-buttons">
                <button
                    type="button"
                    class="button button-primary button-approve"
                    data-testid="review-approve"
                    disabled=move || busy.get()
                    on:click=move |_| run(ReviewAction::Approve)
                >
                    {t!(i18n, review_approve)}
                </button>
                <button
                    type="button"
                    class="button button-secondary"
                    data-testid="review-return"
                    disabled=move || busy.get()
                    on:click=move |_| run(ReviewAction::Return)
                >
                    {t!(i18n, review_return)}
                </button>
                <button
                    type="button"
                    class="button button-danger"
                    data-testid="review-reject"
                    disabled=move || busy.get()
                    on:click=move |_| run(ReviewAction::Reject)
                >
                    {t!(i18n, review_reject)}
                </button>
            </div>
        </div>
    }
}

#[component]
fn AmendForm(
    target: StoredValue<Target>,
    version: u64,
    initial: (Change, String),
    file: FileNow,
    reload: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let resubmit = Action::new_local(move |body: &ResubmitRequest| {
        let body = body.clone();
        let t = target.get_value();
        async move {
            match api::resubmit(session, &t.subject, &t.request, &body).await {
                Ok(_) => reload.run(false),
                Err(error) => settle(error, reload, fields, failure),
            }
        }
    });
    let on_submit = Callback::new(move |(change, justification)| {
        fields.set(FieldErrors::default());
        failure.set(None);
        resubmit.dispatch_local(ResubmitRequest {
            version,
            change,
            justification,
        });
    });
    view! {
        <div class="amend" data-testid="amend-form">
            <h3 class="subheading">{t!(i18n, amend_title)}</h3>
            <p class="muted small">{t!(i18n, amend_hint)}</p>
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            <RequestForm
                file
                initial
                on_submit
                busy=resubmit.pending()
                server_errors=fields
                submit_label=Signal::derive(move || t_string!(i18n, amend_submit).to_owned())
            />
        </div>
    }
}

#[component]
fn WithdrawButton(
    target: StoredValue<Target>,
    version: u64,
    reload: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let confirming = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiError>);
    let fields = RwSignal::new(FieldErrors::default());
    let withdraw = Action::new_local(move |_: &()| {
        let t = target.get_value();
        async move {
            match api::withdraw(session, &t.subject, &t.request, version).await {
                Ok(_) => reload.run(false),
                Err(error) => settle(error, reload, fields, failure),
            }
        }
    });
    let busy = withdraw.pending();
    view! {
        <div class="withdraw">
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button
                        type="button"
                        class="button button-ghost withdraw-button"
                        data-testid="request-withdraw"
                        on:click=move |_| confirming.set(true)
                    >
                        {t!(i18n, withdraw)}
                    </button>
                }
            >
                <p class="small">{t!(i18n, withdraw_confirm)}</p>
                <div class="form-actions">
                    <button
                        type="button"
                        class="button button-danger"
                        data-testid="request-withdraw-confirm"
                        disabled=move || busy.get()
                        on:click=move |_| { withdraw.dispatch_local(()); }
                    >
                        {t!(i18n, withdraw_yes)}
                    </button>
                    <button type="button" class="button button-secondary" on:click=move |_| confirming.set(false)>
                        {t!(i18n, cancel)}
                    </button>
                </div>
            </Show>
        </div>
    }
}
