//! Letters to customers (an outbox: pending ones are listed by their next attempt) and
//! dispute cases, both under the customer.

use aws_sdk_dynamodb::types::AttributeValue;
use credence_shared::watch::{DisputeCase, Letter, LetterStatus};
use credence_shared::{CustomerId, TenantId};
use time::OffsetDateTime;

use super::codec::{decode, stamp, version_of};
use super::watch::{DocKeys, WatchWrites};
use super::{Store, StoreError, keys};

impl WatchWrites<'_> {
    /// A letter (its own `version`) over `expected`; while pending it is listed by when its
    /// next attempt is due.
    pub fn letter(
        &mut self,
        tenant: &TenantId,
        letter: &Letter,
        expected: Option<u64>,
    ) -> Result<(), StoreError> {
        let mut at = DocKeys::new(
            keys::customer_pk(tenant, &letter.customer_id),
            keys::letter_sk(&letter.id),
        );
        if letter.status == LetterStatus::Pending {
            at = at.gsi1(
                keys::letters_pending_gsi1pk(tenant),
                format!("{}#{}", stamp(letter.next_attempt_at), letter.id),
            );
        }
        self.push(at, "letter", letter.version, expected, letter)
    }

    /// A letter sent by hand and the marker of its idempotency key, both conditioned on not
    /// existing ([`StoreError::ConditionFailed`] when the key was used).
    pub fn new_letter(
        &mut self,
        tenant: &TenantId,
        letter: &Letter,
        key: &str,
    ) -> Result<(), StoreError> {
        self.letter(tenant, letter, None)?;
        let at = DocKeys::new(
            keys::customer_pk(tenant, &letter.customer_id),
            keys::letter_key_sk(key),
        );
        self.push(at, "letter_key", 1, None, &letter.id)
    }

    /// A dispute's case over `expected` (`None`: the case is new).
    pub fn dispute_case(
        &mut self,
        tenant: &TenantId,
        case: &DisputeCase,
        expected: Option<u64>,
    ) -> Result<(), StoreError> {
        let at = DocKeys::new(
            keys::customer_pk(tenant, &case.customer_id),
            keys::dispute_sk(&case.id),
        );
        self.push(at, "dispute", case.version, expected, case)
    }
}

impl Store {
    /// Letters whose next attempt is due at or before `now` (at most 50), with versions.
    pub async fn pending_letters(
        &self,
        tenant: &TenantId,
        now: OffsetDateTime,
    ) -> Result<Vec<(u64, Letter)>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(self.table())
            .index_name(keys::GSI1)
            .key_condition_expression("#pk = :pk AND #sk <= :now")
            .expression_attribute_names("#pk", keys::GSI1PK)
            .expression_attribute_names("#sk", keys::GSI1SK)
            .expression_attribute_values(
                ":pk",
                AttributeValue::S(keys::letters_pending_gsi1pk(tenant)),
            )
            .expression_attribute_values(":now", AttributeValue::S(format!("{}~", stamp(now))))
            .limit(50)
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .iter()
            .map(|i| Ok((version_of(i)?, decode(i, "doc", "letter")?)))
            .collect()
    }

    /// A customer's letters, newest first.
    pub async fn customer_letters(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        max: usize,
    ) -> Result<Vec<Letter>, StoreError> {
        self.doc_query(
            &keys::customer_pk(tenant, id),
            keys::LETTER_PREFIX,
            true,
            max,
        )
        .await
    }

    /// One letter of a customer.
    pub async fn letter(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        letter: &str,
    ) -> Result<Option<Letter>, StoreError> {
        Ok(self
            .doc_get::<Letter>(&keys::customer_pk(tenant, id), &keys::letter_sk(letter))
            .await?
            .map(|(_, l)| l))
    }

    /// The letter a hand-sent request with `key` made, if one did.
    pub async fn letter_by_key(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        key: &str,
    ) -> Result<Option<Letter>, StoreError> {
        let pk = keys::customer_pk(tenant, id);
        let Some((_, letter_id)) = self
            .doc_get::<String>(&pk, &keys::letter_key_sk(key))
            .await?
        else {
            return Ok(None);
        };
        self.letter(tenant, id, &letter_id)
            .await?
            .map(Some)
            .ok_or_else(|| {
                StoreError::Corrupt(format!("letter key {key} names no letter {letter_id}"))
            })
    }

    /// Keeps the PDF of a letter as made (written again, it replaces itself).
    pub async fn put_letter_pdf(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        letter: &str,
        pdf: &[u8],
    ) -> Result<(), StoreError> {
        self.put_report_snapshot(tenant, id, &keys::letter_pdf_name(letter), pdf)
            .await
    }

    /// The PDF of a letter, if it was made.
    pub async fn letter_pdf(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        letter: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.report_snapshot(tenant, id, &keys::letter_pdf_name(letter))
            .await
    }

    /// A customer's dispute cases (the people's side of its disputes).
    pub async fn dispute_cases(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
    ) -> Result<Vec<DisputeCase>, StoreError> {
        self.doc_query(
            &keys::customer_pk(tenant, id),
            keys::DISPUTE_PREFIX,
            false,
            1000,
        )
        .await
    }
}
