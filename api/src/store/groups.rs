//! Customer groups: one `GROUP` item per group with its name, shared limit, the exposure its
//! members add (kept by each member's credit write, `credit.rs`), the members it was given
//! and a version. A change of the group is one transaction conditioned on the version read,
//! with its audit entry and any alerts it raises.
//!
//! Items written before the version and the member list existed read as version 0 and no
//! members; the first guarded write over version 0 requires the version to be absent.

use super::codec::{attr, exact_decimal, n, s};
use super::{Store, StoreError, keys};
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use credence_shared::watch::Alert;
use credence_shared::workflow::AuditEntry;
use credence_shared::{Currency, CustomerId, Money, TenantId};
use rust_decimal::Decimal;

/// DynamoDB's limit on the items of one transaction.
const MAX_TRANSACTION: usize = 100;

/// A group as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    pub name: String,
    pub limit: Money,
    /// What the members' exposure adds up to, in the limit's currency.
    pub exposure: Decimal,
    /// The customers added to the group (by `PUT /v1/groups/{group}`).
    pub members: Vec<CustomerId>,
    pub version: u64,
}

/// A change of a group's name and limit, written over `seen` (`None`: a new group).
pub struct GroupWrite<'a> {
    pub name: &'a str,
    pub limit: Money,
    pub seen: Option<u64>,
    pub audit: &'a AuditEntry,
    /// Alerts the change raises, each over the version it replaces.
    pub alerts: &'a [(Alert, Option<u64>)],
}

impl Store {
    /// The group's name, limit, exposure, members and version.
    pub async fn get_group(
        &self,
        tenant: &TenantId,
        group: &str,
    ) -> Result<Option<GroupRecord>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::group_pk(tenant, group)))
            .key(keys::SK, s(keys::GROUP_SK))
            .consistent_read(true)
            .send()
            .await?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        let number = |name: &str| -> Result<Decimal, StoreError> {
            item.get(name)
                .and_then(|v| v.as_n().ok())
                .and_then(|v| exact_decimal(v))
                .ok_or_else(|| StoreError::Corrupt(format!("group {group} without {name}")))
        };
        let currency = Currency::parse(attr(&item, "currency")?)
            .map_err(|_| StoreError::Corrupt(format!("group {group} currency")))?;
        let members = match item.get("members") {
            None => Vec::new(),
            Some(v) => v
                .as_ss()
                .map_err(|_| StoreError::Corrupt(format!("group {group} members")))?
                .iter()
                .map(|m| CustomerId::parse(m))
                .collect::<Result<_, _>>()
                .map_err(|_| StoreError::Corrupt(format!("group {group} member id")))?,
        };
        let version = match item.get("version") {
            None => 0,
            Some(v) => v
                .as_n()
                .ok()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| StoreError::Corrupt(format!("group {group} version")))?,
        };
        Ok(Some(GroupRecord {
            name: attr(&item, "name")?.to_owned(),
            limit: Money::new(number("limitAmount")?, currency),
            exposure: number("exposure")?,
            members,
            version,
        }))
    }

    /// Creates a group or sets its name and limit, guarded by the version read, with the
    /// audit entry and the alerts in the same transaction (alerts beyond one transaction's
    /// room follow in further ones). A changed version is [`StoreError::ConditionFailed`].
    pub async fn put_group(
        &self,
        tenant: &TenantId,
        group: &str,
        write: GroupWrite<'_>,
    ) -> Result<(), StoreError> {
        let mut items = vec![
            self.group_limit_write(tenant, group, write.name, write.limit, write.seen)?,
            self.audit_write(tenant, write.audit)?,
        ];
        let mut alerts = self.watch_writes();
        for (alert, expected) in write.alerts {
            alerts.alert(tenant, alert, *expected)?;
        }
        let mut alerts = alerts.into_items();
        let later = alerts.split_off(alerts.len().min(MAX_TRANSACTION - items.len()));
        items.extend(alerts);
        self.transact(items).await?;
        for chunk in later.chunks(MAX_TRANSACTION) {
            self.transact(chunk.to_vec()).await?;
        }
        Ok(())
    }

    /// Creates a group (`seen` `None`) or sets its name and limit over version `seen`, for a
    /// transaction ([`Store::put_group`], or an approved group-limit request's).
    pub fn group_limit_write(
        &self,
        tenant: &TenantId,
        group: &str,
        name: &str,
        limit: Money,
        seen: Option<u64>,
    ) -> Result<TransactWriteItem, StoreError> {
        let (condition, next) = match seen {
            None => ("attribute_not_exists(PK)", 1),
            Some(0) => ("attribute_exists(PK) AND attribute_not_exists(version)", 1),
            Some(v) => ("version = :seen", v + 1),
        };
        let mut update = Update::builder()
            .table_name(self.table())
            .key(keys::PK, s(keys::group_pk(tenant, group)))
            .key(keys::SK, s(keys::GROUP_SK))
            .update_expression(
                "SET #name = :name, limitAmount = :l, currency = :c, entity = :ent, \
                 version = :next ADD exposure :zero",
            )
            .condition_expression(condition)
            .expression_attribute_names("#name", "name")
            .expression_attribute_values(":name", s(name))
            .expression_attribute_values(":l", n(limit.amount))
            .expression_attribute_values(":c", s(limit.currency.to_string()))
            .expression_attribute_values(":ent", s("group"))
            .expression_attribute_values(":next", n(next))
            .expression_attribute_values(":zero", n(0));
        if let Some(v) = seen.filter(|v| *v > 0) {
            update = update.expression_attribute_values(":seen", n(v));
        }
        let update = update.build().map_err(|e| StoreError::Other(e.into()))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Records `id` as a member of `group` (idempotent: the member list is a set).
    pub async fn add_group_member(
        &self,
        tenant: &TenantId,
        group: &str,
        id: &CustomerId,
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::group_pk(tenant, group)))
            .key(keys::SK, s(keys::GROUP_SK))
            .update_expression("ADD members :m")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":m", AttributeValue::Ss(vec![id.to_string()]))
            .send()
            .await?;
        Ok(())
    }
}
