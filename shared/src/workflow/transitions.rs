//! The request state machine: deciding a step, resubmitting, withdrawing, rerouting, bouncing.
//! Invariant: the requester never decides a step, and nobody approves two steps of one request.

use super::{
    Change, CreditRequest, Evidence, MatrixRule, RequestKind, RequestStatus, RequestSummary, Step,
    StepOutcome, StepSpec, Subject, TimelineAction, TimelineEvent,
};
use crate::Role;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Who is acting on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor<'a> {
    pub username: &'a str,
    pub roles: &'a [Role],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    Approve,
    Reject,
    /// Send back to the requester, saying what is missing.
    Return,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("the request is {0:?}; only a pending request can be decided")]
    NotPending(RequestStatus),
    #[error("this step waits for the {0} role")]
    NotYourStep(Role),
    #[error("you filed this request; someone else must approve it")]
    OwnRequest,
    #[error("you already approved an earlier step of this request")]
    AlreadyApproved,
    #[error("say why (a note is required)")]
    NoteRequired,
    #[error("only the requester may do this")]
    NotRequester,
    #[error("only a returned request can be amended and resubmitted")]
    NotReturned,
    #[error("the request is closed")]
    Closed,
}

/// What an approval step led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActOutcome {
    /// Moved on to the next step.
    NextStep,
    /// The last step approved: the caller applies the change (in the same guarded write).
    FinalApproval,
    Rejected,
    Returned,
}

impl CreditRequest {
    /// A new request routed by `rule`, waiting at its first step from `now`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        subject: Subject,
        customer_name: String,
        change: Change,
        kind: RequestKind,
        justification: String,
        requester: &str,
        rule: &MatrixRule,
        matrix_version: u32,
        evidence: Evidence,
        now: OffsetDateTime,
    ) -> Self {
        let mut steps: Vec<Step> = rule.steps.iter().map(Step::new).collect();
        if let Some(first) = steps.first_mut() {
            first.since = Some(now);
        }
        CreditRequest {
            id,
            subject,
            customer_name,
            kind,
            change,
            justification,
            requester: requester.to_owned(),
            status: RequestStatus::Pending,
            rule: rule.name.clone(),
            matrix_version,
            steps,
            timeline: vec![TimelineEvent {
                at: now,
                by: requester.to_owned(),
                action: TimelineAction::Submitted,
                note: String::new(),
            }],
            evidence,
            created_at: now,
            updated_at: now,
            version: 1,
            requester_seen: 1,
        }
    }

    /// The step waiting for a decision, if the request is pending.
    pub fn current_step(&self) -> Option<&Step> {
        if self.status != RequestStatus::Pending {
            return None;
        }
        self.steps.iter().find(|s| s.outcome.is_none())
    }

    fn current_index(&self) -> Option<usize> {
        if self.status != RequestStatus::Pending {
            return None;
        }
        self.steps.iter().position(|s| s.outcome.is_none())
    }

    /// Whether `actor` may decide the current step now.
    pub fn can_decide(&self, actor: &Actor) -> Result<(), WorkflowError> {
        let Some(step) = self.current_step() else {
            return Err(WorkflowError::NotPending(self.status));
        };
        if actor.username == self.requester {
            return Err(WorkflowError::OwnRequest);
        }
        if !actor.roles.contains(&step.role) {
            return Err(WorkflowError::NotYourStep(step.role));
        }
        if self
            .steps
            .iter()
            .any(|s| s.decided_by.as_deref() == Some(actor.username))
        {
            return Err(WorkflowError::AlreadyApproved);
        }
        Ok(())
    }

    /// Approves, rejects or returns the current step. Reject and return need a note.
    pub fn act(
        &mut self,
        actor: &Actor,
        action: ReviewAction,
        note: &str,
        now: OffsetDateTime,
    ) -> Result<ActOutcome, WorkflowError> {
        self.can_decide(actor)?;
        let note = note.trim();
        if action != ReviewAction::Approve && note.is_empty() {
            return Err(WorkflowError::NoteRequired);
        }
        let i = self.current_index().expect("checked by can_decide");
        let step = &mut self.steps[i];
        step.decided_by = Some(actor.username.to_owned());
        step.decided_at = Some(now);
        let (outcome, timeline) = match action {
            ReviewAction::Approve => {
                step.outcome = Some(StepOutcome::Approved);
                match self.steps.get_mut(i + 1) {
                    Some(next) => {
                        next.since = Some(now);
                        (ActOutcome::NextStep, TimelineAction::Approved)
                    }
                    None => {
                        self.status = RequestStatus::Approved;
                        (ActOutcome::FinalApproval, TimelineAction::Approved)
                    }
                }
            }
            ReviewAction::Reject => {
                step.outcome = Some(StepOutcome::Rejected);
                self.status = RequestStatus::Rejected;
                (ActOutcome::Rejected, TimelineAction::Rejected)
            }
            ReviewAction::Return => {
                step.outcome = Some(StepOutcome::Returned);
                self.status = RequestStatus::Returned;
                (ActOutcome::Returned, TimelineAction::Returned)
            }
        };
        self.timeline.push(TimelineEvent {
            at: now,
            by: actor.username.to_owned(),
            action: timeline,
            note: note.to_owned(),
        });
        self.touch(now);
        Ok(outcome)
    }

    /// The requester amends a returned request; it starts again from the first step of the
    /// rule it is routed by now (earlier approvals were given on other facts).
    #[allow(clippy::too_many_arguments)]
    pub fn resubmit(
        &mut self,
        actor: &Actor,
        change: Change,
        kind: RequestKind,
        justification: String,
        rule: &MatrixRule,
        matrix_version: u32,
        evidence: Evidence,
        now: OffsetDateTime,
    ) -> Result<(), WorkflowError> {
        if actor.username != self.requester {
            return Err(WorkflowError::NotRequester);
        }
        if self.status != RequestStatus::Returned {
            return Err(WorkflowError::NotReturned);
        }
        self.change = change;
        self.kind = kind;
        self.justification = justification;
        self.rule = rule.name.clone();
        self.matrix_version = matrix_version;
        self.evidence = evidence;
        self.steps = rule.steps.iter().map(Step::new).collect();
        if let Some(first) = self.steps.first_mut() {
            first.since = Some(now);
        }
        self.status = RequestStatus::Pending;
        self.timeline.push(TimelineEvent {
            at: now,
            by: actor.username.to_owned(),
            action: TimelineAction::Resubmitted,
            note: String::new(),
        });
        self.touch(now);
        Ok(())
    }

    /// The requester withdraws an open request.
    pub fn withdraw(&mut self, actor: &Actor, now: OffsetDateTime) -> Result<(), WorkflowError> {
        if actor.username != self.requester {
            return Err(WorkflowError::NotRequester);
        }
        if !self.status.is_open() {
            return Err(WorkflowError::Closed);
        }
        if let Some(i) = self.current_index() {
            self.steps.truncate(i);
        }
        self.status = RequestStatus::Withdrawn;
        self.timeline.push(TimelineEvent {
            at: now,
            by: actor.username.to_owned(),
            action: TimelineAction::Withdrawn,
            note: String::new(),
        });
        self.touch(now);
        Ok(())
    }

    /// After the final approval, the credit file had changed since the request was filed and
    /// the matrix now routes it by a rule with roles that have not approved yet: those steps
    /// are added and the request waits again instead of being applied.
    pub fn reroute(&mut self, rule: &MatrixRule, why: &str, now: OffsetDateTime) -> bool {
        let approved: Vec<Role> = self
            .steps
            .iter()
            .filter(|s| s.outcome == Some(StepOutcome::Approved))
            .map(|s| s.role)
            .collect();
        let missing: Vec<&StepSpec> = rule
            .steps
            .iter()
            .filter(|s| !approved.contains(&s.role))
            .collect();
        if missing.is_empty() {
            return false;
        }
        let start = self.steps.len();
        self.steps.extend(missing.into_iter().map(Step::new));
        self.steps[start].since = Some(now);
        self.status = RequestStatus::Pending;
        self.rule = rule.name.clone();
        self.timeline.push(TimelineEvent {
            at: now,
            by: "credence".into(),
            action: TimelineAction::Rechecked,
            note: why.to_owned(),
        });
        true
    }

    /// The final approval was given, but the credit file changed so that the request can no
    /// longer be applied as asked (for example the customer was blacklisted meanwhile): it
    /// goes back to the requester with the reason.
    pub fn bounce(&mut self, why: &str, now: OffsetDateTime) {
        if let Some(last) = self.steps.iter_mut().rev().find(|s| s.outcome.is_some()) {
            last.outcome = Some(StepOutcome::Returned);
        }
        self.status = RequestStatus::Returned;
        self.timeline.push(TimelineEvent {
            at: now,
            by: "credence".into(),
            action: TimelineAction::Rechecked,
            note: why.to_owned(),
        });
    }

    /// Records that the change was written to the credit file.
    pub fn applied(&mut self, by: &str, note: &str, now: OffsetDateTime) {
        self.timeline.push(TimelineEvent {
            at: now,
            by: by.to_owned(),
            action: TimelineAction::Applied,
            note: note.to_owned(),
        });
        self.updated_at = now;
    }

    fn touch(&mut self, now: OffsetDateTime) {
        self.updated_at = now;
        self.version += 1;
    }

    /// Whether the requester has news they have not looked at.
    pub fn moved_for_requester(&self) -> bool {
        self.version > self.requester_seen
    }

    pub fn summary(&self, now: OffsetDateTime) -> RequestSummary {
        let step = self.current_step();
        RequestSummary {
            id: self.id.clone(),
            subject: self.subject.clone(),
            customer_name: self.customer_name.clone(),
            kind: self.kind,
            amount: self.change.amount().or(self.evidence.order_amount),
            status: self.status,
            requester: self.requester.clone(),
            waiting_for: step.map(|s| s.role),
            since: step.and_then(|s| s.since),
            due: step.and_then(Step::due),
            overdue: step.is_some_and(|s| s.overdue(now)),
            updated_at: self.updated_at,
            moved: self.moved_for_requester(),
        }
    }
}
