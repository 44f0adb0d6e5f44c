//! Dated exchange rates: a tenant's rate of a pair on a day, and the latest one on or before
//! a day (what an amount in another currency is converted with).

use super::codec::{decode, json, s};
use super::{Item, Store, StoreError, keys};
use credence_shared::{Currency, TenantId, money::FxRate};
use time::Date;

impl Store {
    /// Records a dated exchange rate (replaces the rate of the same pair and day).
    pub async fn put_fx_rate(&self, tenant: &TenantId, rate: &FxRate) -> Result<(), StoreError> {
        let mut item = Item::new();
        item.insert(keys::PK.into(), s(keys::fx_pk(tenant)));
        item.insert(
            keys::SK.into(),
            s(keys::fx_sk(
                &rate.from().to_string(),
                &rate.to().to_string(),
                &rate.date().to_string(),
            )),
        );
        item.insert("entity".into(), s("fx_rate"));
        item.insert("rate".into(), s(json(rate)?));
        self.client
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .send()
            .await?;
        Ok(())
    }

    /// The latest rate from `from` to `to` dated on or before `date`.
    pub async fn fx_rate_on(
        &self,
        tenant: &TenantId,
        from: Currency,
        to: Currency,
        date: Date,
    ) -> Result<Option<FxRate>, StoreError> {
        let (f, t) = (from.to_string(), to.to_string());
        let out = self
            .client
            .query()
            .table_name(self.table())
            .key_condition_expression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_names("#sk", keys::SK)
            .expression_attribute_values(":pk", s(keys::fx_pk(tenant)))
            .expression_attribute_values(":lo", s(keys::fx_sk(&f, &t, "")))
            .expression_attribute_values(":hi", s(keys::fx_sk(&f, &t, &date.to_string())))
            .scan_index_forward(false)
            .limit(1)
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .first()
            .map(|item| decode(item, "rate", "exchange rate"))
            .transpose()
    }
}
