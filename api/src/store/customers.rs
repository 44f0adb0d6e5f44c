//! Customer profiles with their credit summary, the by-name listing and the search index.

use super::codec::{from_item, to_item, with_exact_numbers};
use super::{Item, Store, StoreError, decode_cursor, encode_cursor, keys, resumed};
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use credence_shared::{
    Currency, CustomerId, Grade, Money, TenantId, Usci, UserId,
    customer::MasterRecord,
    dto::{CustomerPage, CustomerSummary},
    search,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What is written for a customer (profile + current credit summary).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRecord {
    pub id: CustomerId,
    pub number: String,
    pub name: String,
    pub name_en: Option<String>,
    pub usci: Option<Usci>,
    pub country: String,
    pub industry: String,
    pub owner: Option<UserId>,
    pub grade: Option<Grade>,
    pub credit_limit: Money,
    pub exposure: Money,
    pub overdue: Money,
    pub oldest_overdue_days: u32,
    pub terms_days: u32,
    pub on_hold: bool,
    pub blacklisted: bool,
    pub founded: Option<time::Date>,
    pub archived: bool,
    /// The master record the tenant keeps (absent for customers made before the master).
    pub master: Option<MasterRecord>,
}

impl CustomerRecord {
    /// Takes the figures a credit file's summary gives lists and search (grade, limit,
    /// exposure, overdue, terms, hold).
    pub fn take_summary(&mut self, summary: &super::credit::SummaryUpdate) {
        self.grade = Some(summary.grade);
        self.credit_limit = summary.credit_limit;
        self.exposure = summary.exposure;
        self.overdue = summary.overdue;
        self.oldest_overdue_days = summary.oldest_overdue_days;
        self.terms_days = summary.terms_days;
        self.on_hold = summary.on_hold;
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CustomerItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    #[serde(rename = "GSI1PK")]
    gsi1pk: String,
    #[serde(rename = "GSI1SK")]
    gsi1sk: String,
    entity: String,
    id: String,
    number: String,
    name: String,
    name_en: Option<String>,
    usci: Option<String>,
    country: String,
    industry: String,
    owner: Option<String>,
    grade: Option<Grade>,
    currency: String,
    credit_limit: Decimal,
    exposure: Decimal,
    overdue: Decimal,
    oldest_overdue_days: u32,
    terms_days: u32,
    on_hold: bool,
    blacklisted: bool,
    /// Optimistic-concurrency version; every guarded update bumps it.
    version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    founded: Option<String>,
    /// `archived`, or absent for an active customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    /// The master record as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    master: Option<String>,
}

impl CustomerItem {
    fn from_record(tenant: &TenantId, c: &CustomerRecord) -> Self {
        Self {
            pk: keys::customer_pk(tenant, &c.id),
            sk: keys::PROFILE_SK.to_owned(),
            gsi1pk: keys::customers_gsi1pk(tenant),
            gsi1sk: keys::customers_gsi1sk(&search::normalise(&c.name), &c.id),
            entity: "customer".into(),
            id: c.id.to_string(),
            number: c.number.clone(),
            name: c.name.clone(),
            name_en: c.name_en.clone(),
            usci: c.usci.as_ref().map(|u| u.to_string()),
            country: c.country.clone(),
            industry: c.industry.clone(),
            owner: c.owner.as_ref().map(|o| o.to_string()),
            grade: c.grade,
            currency: c.credit_limit.currency.to_string(),
            credit_limit: c.credit_limit.amount,
            exposure: c.exposure.amount,
            overdue: c.overdue.amount,
            oldest_overdue_days: c.oldest_overdue_days,
            terms_days: c.terms_days,
            on_hold: c.on_hold,
            blacklisted: c.blacklisted,
            version: 1,
            founded: c.founded.map(|d| d.to_string()),
            status: c.archived.then(|| "archived".to_owned()),
            master: c
                .master
                .as_ref()
                .and_then(|m| serde_json::to_string(m).ok()),
        }
    }

    fn into_summary(self) -> Result<CustomerSummary, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("customer {}: {what}", self.id));
        let currency = Currency::parse(&self.currency).map_err(|_| corrupt("currency"))?;
        let money = |amount| Money::new(amount, currency);
        Ok(CustomerSummary {
            id: CustomerId::parse(&self.id).map_err(|_| corrupt("id"))?,
            usci: match &self.usci {
                Some(code) => Some(Usci::parse(code).map_err(|_| corrupt("usci"))?),
                None => None,
            },
            owner: match &self.owner {
                Some(o) => Some(UserId::parse(o).map_err(|_| corrupt("owner"))?),
                None => None,
            },
            // Saturating: one huge stored limit must not break the customer list.
            available: money(self.credit_limit.saturating_sub(self.exposure)),
            credit_limit: money(self.credit_limit),
            exposure: money(self.exposure),
            overdue: money(self.overdue),
            number: self.number,
            name: self.name,
            name_en: self.name_en,
            country: self.country,
            grade: self.grade,
            oldest_overdue_days: self.oldest_overdue_days,
            terms_days: self.terms_days,
            on_hold: self.on_hold,
            blacklisted: self.blacklisted,
            founded: match &self.founded {
                Some(d) => Some(
                    time::Date::parse(d, &time::format_description::well_known::Iso8601::DATE)
                        .map_err(|_| corrupt("founded"))?,
                ),
                None => None,
            },
            version: self.version,
            archived: self.status.as_deref() == Some("archived"),
            master: match &self.master {
                Some(json) => Some(serde_json::from_str(json).map_err(|_| corrupt("master"))?),
                None => None,
            },
        })
    }
}

/// The summary's amounts, read exactly (and saturating) rather than through `f64`.
const AMOUNTS: [&str; 3] = ["creditLimit", "exposure", "overdue"];

/// A customer as a list shows it: without its master record.
fn listed(mut c: CustomerSummary) -> CustomerSummary {
    c.master = None;
    c
}

pub(super) fn summary_of(item: Item) -> Result<CustomerSummary, StoreError> {
    from_item::<CustomerItem>(with_exact_numbers(item, &AMOUNTS))?.into_summary()
}

/// Most search-index items read per page while collecting hits.
const SEARCH_PAGE: i32 = 100;

/// Customers one list read asks for (at least; more when the page is larger).
const LIST_READ: u32 = 100;

/// Most queries one page of customers makes before answering with what it found (a page
/// may then be short; its cursor still moves on).
const MAX_READS: usize = 10;

/// Which customers a list or search returns (the caller's visibility rule).
pub type Keep<'a> = dyn Fn(&CustomerSummary) -> bool + Send + Sync + 'a;

/// The primary and GSI1 key of a customer item: a list cursor that resumes after it.
fn index_key(item: &Item) -> Item {
    [keys::PK, keys::SK, keys::GSI1PK, keys::GSI1SK]
        .into_iter()
        .filter_map(|k| item.get(k).map(|v| (k.to_owned(), v.clone())))
        .collect()
}

/// A customer's profile item followed by its search-index items.
pub(crate) fn customer_items(
    tenant: &TenantId,
    c: &CustomerRecord,
) -> Result<Vec<Item>, StoreError> {
    let mut items = vec![to_item(&CustomerItem::from_record(tenant, c))?];
    let terms = search::index_terms(
        &c.name,
        c.name_en.as_deref(),
        &c.number,
        c.usci.as_ref().map(Usci::as_str),
    );
    for term in terms {
        let mut item = Item::new();
        item.insert(keys::PK.into(), AttributeValue::S(keys::search_pk(tenant)));
        item.insert(
            keys::SK.into(),
            AttributeValue::S(keys::search_sk(&term, &c.id)),
        );
        items.push(item);
    }
    Ok(items)
}

/// The guard item of `usci`: it names the customer that holds the code in the tenant.
pub(crate) fn usci_guard_item(tenant: &TenantId, usci: &Usci, id: &CustomerId) -> Item {
    let mut item = Item::new();
    item.insert(
        keys::PK.into(),
        AttributeValue::S(keys::usci_guard_pk(tenant, usci.as_str())),
    );
    item.insert(
        keys::SK.into(),
        AttributeValue::S(keys::USCI_GUARD_SK.to_owned()),
    );
    item.insert("customer_id".into(), AttributeValue::S(id.to_string()));
    item
}

impl Store {
    /// Bulk-writes new customers with their search terms and code guards (seeding and
    /// imports).
    pub async fn put_new_customers(
        &self,
        tenant: &TenantId,
        customers: &[CustomerRecord],
    ) -> Result<(), StoreError> {
        let mut items = Vec::new();
        for c in customers {
            items.extend(customer_items(tenant, c)?);
            if let Some(usci) = &c.usci {
                items.push(usci_guard_item(tenant, usci, &c.id));
            }
        }
        self.batch_put(items).await
    }

    /// The customer that holds `usci` in the tenant (its guard item), if any.
    pub async fn usci_holder(
        &self,
        tenant: &TenantId,
        usci: &Usci,
    ) -> Result<Option<CustomerId>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .key(
                keys::PK,
                AttributeValue::S(keys::usci_guard_pk(tenant, usci.as_str())),
            )
            .key(keys::SK, AttributeValue::S(keys::USCI_GUARD_SK.to_owned()))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out
            .item
            .as_ref()
            .and_then(|i| i.get("customer_id"))
            .and_then(|v| v.as_s().ok())
            .and_then(|s| CustomerId::parse(s).ok()))
    }

    pub async fn get_customer(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
    ) -> Result<Option<CustomerSummary>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .key(keys::PK, AttributeValue::S(keys::customer_pk(tenant, id)))
            .key(keys::SK, AttributeValue::S(keys::PROFILE_SK.to_owned()))
            .send()
            .await?;
        out.item.map(summary_of).transpose()
    }

    /// Customers in name order, a page at a time: up to `limit` of those `keep` accepts
    /// (a sales rep's own, say). Reads on until the page is full or [`MAX_READS`] queries
    /// were made; the cursor resumes right after the last customer returned.
    pub async fn list_customers(
        &self,
        tenant: &TenantId,
        cursor: Option<&str>,
        limit: u32,
        keep: &Keep<'_>,
    ) -> Result<CustomerPage, StoreError> {
        self.customers_page(tenant, cursor, limit, keep, false)
            .await
    }

    /// Every customer, a page at a time like [`Store::list_customers`], each with its master
    /// record: what the walks that score customers (the what-if, the lab's sample) need for
    /// the profile the engine reads.
    pub async fn walk_customers(
        &self,
        tenant: &TenantId,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<CustomerPage, StoreError> {
        self.customers_page(tenant, cursor, limit, &|_| true, true)
            .await
    }

    async fn customers_page(
        &self,
        tenant: &TenantId,
        cursor: Option<&str>,
        limit: u32,
        keep: &Keep<'_>,
        with_master: bool,
    ) -> Result<CustomerPage, StoreError> {
        let partition = keys::customers_gsi1pk(tenant);
        let mut start = cursor
            .map(|c| {
                decode_cursor(
                    c,
                    &[keys::PK, keys::SK, keys::GSI1PK, keys::GSI1SK],
                    (keys::GSI1PK, &partition),
                    (keys::GSI1SK, &|_| true),
                )
            })
            .transpose()?;
        // Only the first query starts where the client's cursor says.
        let mut from_cursor = start.is_some();
        let mut items = Vec::new();
        let mut last_key: Option<Item> = None;
        for _ in 0..MAX_READS {
            let out = self
                .client
                .query()
                .table_name(self.table())
                .index_name(keys::GSI1)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", keys::GSI1PK)
                .expression_attribute_values(":pk", AttributeValue::S(partition.clone()))
                .set_exclusive_start_key(start.take())
                .limit(limit.max(LIST_READ) as i32)
                .send()
                .await
                .map_err(|e| resumed(e, from_cursor))?;
            from_cursor = false;
            last_key = out.last_evaluated_key;
            for item in out.items.unwrap_or_default() {
                let key = index_key(&item);
                let customer = summary_of(item)?;
                let customer = if with_master {
                    customer
                } else {
                    listed(customer)
                };
                if keep(&customer) {
                    items.push(customer);
                    if items.len() == limit as usize {
                        // Resume right after this customer next time.
                        last_key = Some(key);
                        break;
                    }
                }
            }
            if items.len() == limit as usize || last_key.is_none() {
                break;
            }
            start = last_key.clone();
        }
        Ok(CustomerPage {
            items,
            next_cursor: last_key.as_ref().and_then(encode_cursor),
        })
    }

    /// Customers whose name (any part), code or number starts with `query`
    /// (already normalised with [`search::normalise_query`]): up to `limit` of those `keep`
    /// accepts, in index order, read on like [`Store::list_customers`].
    pub async fn search_customers(
        &self,
        tenant: &TenantId,
        query: &str,
        cursor: Option<&str>,
        limit: u32,
        keep: &Keep<'_>,
    ) -> Result<CustomerPage, StoreError> {
        let partition = keys::search_pk(tenant);
        let in_search = |sk: &str| sk.starts_with(query);
        let mut start = cursor
            .map(|c| {
                decode_cursor(
                    c,
                    &[keys::PK, keys::SK],
                    (keys::PK, &partition),
                    (keys::SK, &in_search),
                )
            })
            .transpose()?;
        // Only the first query starts where the client's cursor says.
        let mut from_cursor = start.is_some();
        let mut seen: Vec<String> = Vec::new();
        let mut items: Vec<CustomerSummary> = Vec::new();
        let mut last_key: Option<Item> = None;
        for _ in 0..MAX_READS {
            let out = self
                .query_sk_prefix(partition.clone(), query)
                .set_exclusive_start_key(start.take())
                .limit(SEARCH_PAGE)
                .send()
                .await
                .map_err(|e| resumed(e, from_cursor))?;
            from_cursor = false;
            last_key = out.last_evaluated_key;
            // The hits of this read that name a customer not seen yet, with their sort keys.
            let mut hits: Vec<(String, String)> = Vec::new();
            for item in out.items.unwrap_or_default() {
                let Some(sk) = item.get(keys::SK).and_then(|v| v.as_s().ok()) else {
                    continue;
                };
                if let Some(id) = keys::customer_of_search_sk(sk)
                    && !seen.iter().any(|known| known == id)
                {
                    seen.push(id.to_owned());
                    hits.push((id.to_owned(), sk.clone()));
                }
            }
            let ids: Vec<String> = hits.iter().map(|(id, _)| id.clone()).collect();
            let found: HashMap<String, CustomerSummary> = self
                .get_customers(tenant, &ids)
                .await?
                .into_iter()
                .map(|c| (c.id.to_string(), c))
                .collect();
            for (id, sk) in hits {
                let Some(customer) = found.get(&id) else {
                    continue;
                };
                if keep(customer) {
                    items.push(listed(customer.clone()));
                    if items.len() == limit as usize {
                        // Resume right after this hit next time.
                        last_key = Some(
                            [
                                (keys::PK.to_owned(), AttributeValue::S(partition.clone())),
                                (keys::SK.to_owned(), AttributeValue::S(sk)),
                            ]
                            .into(),
                        );
                        break;
                    }
                }
            }
            if items.len() == limit as usize || last_key.is_none() {
                break;
            }
            start = last_key.clone();
        }
        Ok(CustomerPage {
            items,
            next_cursor: last_key.as_ref().and_then(encode_cursor),
        })
    }

    pub(crate) async fn get_customers(
        &self,
        tenant: &TenantId,
        ids: &[String],
    ) -> Result<Vec<CustomerSummary>, StoreError> {
        let mut found: HashMap<String, CustomerSummary> = HashMap::new();
        for chunk in ids.chunks(100) {
            let mut keys_and_attrs = KeysAndAttributes::builder();
            for id in chunk {
                let id = CustomerId::parse(id)
                    .map_err(|_| StoreError::Corrupt(format!("search id {id}")))?;
                keys_and_attrs = keys_and_attrs.keys(
                    [
                        (
                            keys::PK.to_owned(),
                            AttributeValue::S(keys::customer_pk(tenant, &id)),
                        ),
                        (
                            keys::SK.to_owned(),
                            AttributeValue::S(keys::PROFILE_SK.to_owned()),
                        ),
                    ]
                    .into(),
                );
            }
            let request = keys_and_attrs
                .build()
                .map_err(|e| StoreError::Other(e.into()))?;
            for item in self.batch_get(request, "batch get").await? {
                let summary = summary_of(item)?;
                found.insert(summary.id.to_string(), summary);
            }
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }
}
