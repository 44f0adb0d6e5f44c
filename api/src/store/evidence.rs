//! A customer's financial statements, one item per period (`FS#{period end}`), versioned:
//! recorded again for the same period, the new figures replace the old ones in the same
//! transaction as the credit file recomputed with them.

use aws_sdk_dynamodb::types::TransactWriteItem;
use credence_shared::watch::RecordedStatement;
use credence_shared::{CustomerId, TenantId};
use time::Date;

use super::watch::DocKeys;
use super::{Store, StoreError, keys};

/// Statements as stored: the figures, by whom and when.
pub type StoredStatement = RecordedStatement;

/// Periods kept listed per customer (newest first).
const MAX_LISTED: usize = 40;

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
}
