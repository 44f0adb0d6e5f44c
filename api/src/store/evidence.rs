//! A customer's financial statements, one item per period (`FS#{period end}`), versioned:
//! recorded again for the same period, the new figures replace the old ones in the same
//! transaction as the credit file recomputed with them. And the outcomes imported for the
//! scoring lab, one item per customer and day (`OC#{date}`), versioned the same way.

use aws_sdk_dynamodb::types::TransactWriteItem;
use credence_shared::import::batch::RowOutcome;
use credence_shared::lab::ImportedOutcome;
use credence_shared::watch::RecordedStatement;
use credence_shared::{CustomerId, TenantId};
use time::Date;

use super::watch::DocKeys;
use super::{Store, StoreError, keys};

/// Statements as stored: the figures, by whom and when.
pub type StoredStatement = RecordedStatement;

/// Periods kept listed per customer (newest first).
const MAX_LISTED: usize = 40;

/// Outcomes read per customer (oldest first).
const MAX_OUTCOMES: usize = 1_000;

impl Store {
    /// The customer's statements, newest period first.
    pub async fn statements(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
    ) -> Result<Vec<StoredStatement>, StoreError> {
        self.doc_query(
            &keys::customer_pk(tenant, id),
            keys::STATEMENT_PREFIX,
            true,
            MAX_LISTED,
        )
        .await
    }

    /// The statements of one period, with their version.
    pub async fn statement(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        period_end: Date,
    ) -> Result<Option<(u64, StoredStatement)>, StoreError> {
        self.doc_get(
            &keys::customer_pk(tenant, id),
            &keys::statement_sk(period_end),
        )
        .await
    }

    /// The write of a period's statements: new (`expected` `None`) or replacing the version
    /// read.
    pub fn statement_write(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        statement: &StoredStatement,
        expected: Option<u64>,
    ) -> Result<TransactWriteItem, StoreError> {
        self.doc_write(
            DocKeys::new(
                keys::customer_pk(tenant, id),
                keys::statement_sk(statement.statement.period_end),
            ),
            "statement",
            expected.map_or(1, |v| v + 1),
            expected,
            statement,
        )
    }

    /// The customer's imported outcomes, oldest first.
    pub async fn outcomes(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
    ) -> Result<Vec<ImportedOutcome>, StoreError> {
        self.doc_query(
            &keys::customer_pk(tenant, id),
            keys::OUTCOME_PREFIX,
            false,
            MAX_OUTCOMES,
        )
        .await
    }

    /// Keeps an imported outcome (the customer's of that day, replaced); says whether it was
    /// new, changed or the same.
    pub async fn put_outcome(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        outcome: &ImportedOutcome,
    ) -> Result<RowOutcome, StoreError> {
        let (pk, sk) = (
            keys::customer_pk(tenant, id),
            keys::outcome_sk(outcome.date),
        );
        let read = self.doc_get::<ImportedOutcome>(&pk, &sk).await?;
        if read.as_ref().is_some_and(|(_, same)| same == outcome) {
            return Ok(RowOutcome::Unchanged);
        }
        let expected = read.map(|(v, _)| v);
        let write = self.doc_write(
            DocKeys::new(pk, sk),
            "outcome",
            expected.map_or(1, |v| v + 1),
            expected,
            outcome,
        )?;
        self.transact(vec![write]).await?;
        Ok(if expected.is_some() {
            RowOutcome::Updated
        } else {
            RowOutcome::Created
        })
    }
}
