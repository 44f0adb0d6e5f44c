//! Workflow writes described in domain terms ([`WorkflowWrite`]): a service says what a
//! change writes — a request's state, audit entries, blacklist entries, an alert, a group's
//! limit, an application, a review date, an engine version and its pointer, a re-grade, a
//! challenger — and the store builds the transaction items, so they land in one
//! transaction with each other or with a credit file.

use super::workflow::OnboardConflict;
use super::{Store, StoreError};
use aws_sdk_dynamodb::types::TransactWriteItem;
use credence_shared::workflow::{AuditEntry, BlacklistEntry, CreditRequest};
use credence_shared::{CustomerId, TenantId};
use serde::Serialize;

/// One item a workflow change writes, described in domain terms: services say what to write,
/// the store builds the transaction items ([`Store::commit_workflow`],
/// [`Store::write_credit_with`], [`Store::onboard_with`]).
#[derive(Debug, Clone)]
pub enum WorkflowWrite {
    /// A request's state: new when `expected` is `None`, else only over version `expected`.
    Request {
        request: CreditRequest,
        expected: Option<u64>,
    },
    /// The marker of the idempotency key a customer's request was filed under (new: a
    /// second filing under the key fails).
    RequestKey {
        customer: CustomerId,
        key: String,
        request_id: String,
    },
    /// An append-only audit entry.
    Audit(AuditEntry),
    /// A new blacklist entry under its key (fails if the key is taken).
    BlacklistPut(BlacklistEntry),
    /// Removes the blacklist entry under a key.
    BlacklistDelete(String),
    /// Removes the blacklist entry under a key that must still be there (it was read).
    BlacklistTake(String),
    /// An alert over the version it replaces (`None`: a new one).
    Alert {
        alert: credence_shared::watch::Alert,
        expected: Option<u64>,
    },
    /// A blocked order's new state (a release or a rejection) over the version read.
    Order {
        order: Box<credence_shared::orders::BlockedOrder>,
        seen: u64,
    },
    /// A group's new limit (and name) over the group version that was read.
    GroupLimit {
        group: String,
        name: String,
        limit: credence_shared::Money,
        seen: u64,
    },
    /// The application a customer was onboarded with.
    Application {
        customer: CustomerId,
        application: StoredApplication,
    },
    /// The customer's next credit review in the review queue (`None`: out of it).
    ReviewDue {
        customer: CustomerId,
        due: Option<time::Date>,
    },
    /// A newly published engine version (it must not exist yet).
    EngineVersion(Box<credence_shared::workflow::EngineVersion>),
    /// The engine pointer moved to `version`, over the pointer as read.
    EnginePointer {
        version: u32,
        read: Option<super::documents::EngineInForceAt>,
    },
    /// A fresh re-grade job over the one read (`replaces` 0: none yet).
    Regrade {
        job: credence_shared::credit::RegradeJob,
        replaces: u64,
    },
    /// The challenger over the version read.
    Challenger {
        challenger: Box<credence_shared::lab::challenger::Challenger>,
        replaces: u64,
    },
}

/// The application as filed, kept with the customer.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct StoredApplication {
    pub application: credence_shared::workflow::Application,
    pub submitted_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: time::OffsetDateTime,
}

impl Store {
    /// The transaction items for `writes`, in their order.
    fn workflow_items(
        &self,
        tenant: &TenantId,
        writes: Vec<WorkflowWrite>,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        writes
            .into_iter()
            .map(|w| match w {
                WorkflowWrite::Request { request, expected } => {
                    self.request_write(tenant, &request, expected)
                }
                WorkflowWrite::RequestKey {
                    customer,
                    key,
                    request_id,
                } => self.request_key_put(tenant, &customer, &key, &request_id),
                WorkflowWrite::Audit(entry) => self.audit_write(tenant, &entry),
                WorkflowWrite::BlacklistPut(entry) => self.blacklist_put(tenant, &entry),
                WorkflowWrite::BlacklistDelete(key) => self.blacklist_delete(tenant, &key, false),
                WorkflowWrite::BlacklistTake(key) => self.blacklist_delete(tenant, &key, true),
                WorkflowWrite::Alert { alert, expected } => {
                    let mut one = self.watch_writes();
                    one.alert(tenant, &alert, expected)?;
                    one.into_items()
                        .pop()
                        .ok_or_else(|| StoreError::Corrupt("an alert write without an item".into()))
                }
                WorkflowWrite::Order { order, seen } => self.order_put(tenant, &order, seen),
                WorkflowWrite::GroupLimit {
                    group,
                    name,
                    limit,
                    seen,
                } => self.group_limit_write(tenant, &group, &name, limit, Some(seen)),
                WorkflowWrite::Application {
                    customer,
                    application,
                } => self.application_put(tenant, &customer, &application),
                WorkflowWrite::ReviewDue { customer, due } => {
                    self.review_write(tenant, &customer, due)
                }
                WorkflowWrite::EngineVersion(version) => {
                    self.engine_version_write(tenant, &version)
                }
                WorkflowWrite::EnginePointer { version, read } => {
                    self.engine_pointer_write(tenant, version, read)
                }
                WorkflowWrite::Regrade { job, replaces } => {
                    self.regrade_job_write(tenant, &job, replaces)
                }
                WorkflowWrite::Challenger {
                    challenger,
                    replaces,
                } => self.challenger_write(tenant, &challenger, replaces),
            })
            .collect()
    }

    /// Writes `writes` as one transaction. A failed condition is
    /// [`StoreError::ConditionFailed`].
    pub async fn commit_workflow(
        &self,
        tenant: &TenantId,
        writes: Vec<WorkflowWrite>,
    ) -> Result<(), StoreError> {
        let items = self.workflow_items(tenant, writes)?;
        self.transact(items).await
    }

    /// [`Store::write_credit`] with `writes` in the same transaction (after `write.extra`); a
    /// failed condition on one of them is [`WriteConflict::Stale`](super::credit::WriteConflict).
    pub async fn write_credit_with(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        mut write: super::credit::CreditWrite,
        writes: Vec<WorkflowWrite>,
        now: &str,
    ) -> Result<u64, super::credit::WriteConflict> {
        write.extra.extend(self.workflow_items(tenant, writes)?);
        self.write_credit(tenant, id, &write, now).await
    }

    /// [`Store::onboard`] with `writes` (the application, the request, the audit entries).
    pub async fn onboard_with(
        &self,
        tenant: &TenantId,
        customer: &super::customers::CustomerRecord,
        state: &super::credit::CreditState,
        writes: Vec<WorkflowWrite>,
    ) -> Result<(), OnboardConflict> {
        let extra = self.workflow_items(tenant, writes)?;
        self.onboard(tenant, customer, state, extra).await
    }
}
