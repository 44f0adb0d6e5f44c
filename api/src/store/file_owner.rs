//! The customer's owner, copied onto its credit file: a sales rep may only see their own
//! customers, so a rep's order check would otherwise read the profile beside the file. With
//! the copy it reads the file alone, one `GetItem`.
//!
//! The profile stays the record of who owns the customer; the copy follows it, always in the
//! same transaction:
//! - a new customer's profile and first file are written together (onboarding, seeding);
//! - a master update (an edit, a reassignment) sets the copy beside the profile, or checks
//!   that the customer still has no file;
//! - a credit-file write puts back the copy it read, on condition that it is unchanged; a
//!   file without a copy (a first file, or one written before the copy existed) takes the
//!   profile's owner as its writer read it, on condition that the profile still names it.
//!
//! A file without a copy ([`FileOwner::Unknown`]) is read with its profile, as before.

use super::codec::s;
use super::{Item, Store, StoreError, keys};
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, TransactWriteItem, Update};
use credence_shared::{CustomerId, TenantId, UserId};

/// The attribute of the owner on the `CREDIT` item (as on the `PROFILE` item).
pub const OWNER_ATTR: &str = "owner";

/// The expression attribute name and value the conditions below use.
pub(super) const NAME: &str = "#ow";
pub(super) const VALUE: &str = ":ow";

/// Who owns the customer, as its credit file says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FileOwner {
    /// The file carries no copy: its profile decides.
    #[default]
    Unknown,
    /// The customer's owner (`None`: nobody's).
    Known(Option<UserId>),
}

impl FileOwner {
    pub(super) fn of_item(item: &Item) -> Result<Self, StoreError> {
        match item.get(OWNER_ATTR) {
            None => Ok(Self::Unknown),
            Some(AttributeValue::Null(_)) => Ok(Self::Known(None)),
            Some(AttributeValue::S(owner)) => UserId::parse(owner)
                .map(|u| Self::Known(Some(u)))
                .map_err(|_| StoreError::Corrupt(format!("credit file owner {owner:?}"))),
            Some(_) => Err(StoreError::Corrupt(
                "credit file owner of another type".into(),
            )),
        }
    }

    /// Writes the copy into a `CREDIT` item (nothing while it is unknown).
    pub(super) fn put_into(&self, item: &mut Item) {
        if let Self::Known(owner) = self {
            item.insert(OWNER_ATTR.into(), value(owner.as_ref()));
        }
    }

    /// The condition that a `CREDIT` item still carries this copy, with the value it
    /// compares (named [`NAME`] and [`VALUE`]).
    pub(super) fn unchanged(&self) -> (&'static str, Option<AttributeValue>) {
        match self {
            Self::Unknown => ("attribute_not_exists(#ow)", None),
            Self::Known(None) => ("attribute_type(#ow, :ow)", Some(s("NULL"))),
            Self::Known(Some(owner)) => ("#ow = :ow", Some(s(owner.as_str()))),
        }
    }
}

/// The condition that a `PROFILE` item still names `owner` (a profile without one has no
/// attribute, or a null), with the value it compares.
pub(super) fn profile_names(owner: Option<&UserId>) -> (&'static str, AttributeValue) {
    match owner {
        None => (
            "(attribute_not_exists(#ow) OR attribute_type(#ow, :ow))",
            s("NULL"),
        ),
        Some(owner) => ("#ow = :ow", s(owner.as_str())),
    }
}

/// The stored form of an owner.
fn value(owner: Option<&UserId>) -> AttributeValue {
    match owner {
        Some(owner) => s(owner.as_str()),
        None => AttributeValue::Null(true),
    }
}

impl Store {
    /// Whether the customer has a credit file (strongly consistent; its key alone is read).
    pub(super) async fn has_credit(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
    ) -> Result<bool, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::customer_pk(tenant, id)))
            .key(keys::SK, s(keys::CREDIT_SK))
            .projection_expression("PK")
            .consistent_read(true)
            .send()
            .await?;
        Ok(out.item.is_some())
    }

    /// The item of a master update's transaction that keeps the file's copy with the
    /// profile: `owner` set on the file when it has one (`exists`, as read), else the check
    /// that it still has none. Either fails when a file appeared or went meanwhile.
    pub(super) fn owner_copy(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        owner: Option<&UserId>,
        exists: bool,
    ) -> Result<TransactWriteItem, StoreError> {
        let pk = s(keys::customer_pk(tenant, id));
        let sk = s(keys::CREDIT_SK);
        let built = if exists {
            let update = Update::builder()
                .table_name(self.table())
                .key(keys::PK, pk)
                .key(keys::SK, sk)
                .update_expression("SET #ow = :ow")
                .condition_expression("attribute_exists(PK)")
                .expression_attribute_names(NAME, OWNER_ATTR)
                .expression_attribute_values(VALUE, value(owner))
                .build()
                .map_err(|e| StoreError::Other(e.into()))?;
            TransactWriteItem::builder().update(update).build()
        } else {
            let check = ConditionCheck::builder()
                .table_name(self.table())
                .key(keys::PK, pk)
                .key(keys::SK, sk)
                .condition_expression("attribute_not_exists(PK)")
                .build()
                .map_err(|e| StoreError::Other(e.into()))?;
            TransactWriteItem::builder().condition_check(check).build()
        };
        Ok(built)
    }
}
