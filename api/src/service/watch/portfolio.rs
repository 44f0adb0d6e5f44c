//! The portfolio: aging by days past due and the KPIs, both read from the watched
//! customers' watch states (GSI1) in the reporting currency.

use std::collections::BTreeMap;

use credence_shared::watch::{
    AgingBucket, CustomerAging, KpiInput, Kpis, PortfolioAging, RuleCount,
};
use credence_shared::{Currency, Money, TenantId};
use rust_decimal::Decimal;

use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::service::Ctx;
use crate::store::Store;
use crate::store::watch::{KpiSnapshot, WatchState};
use tracing::instrument;

/// Every watched customer of the tenant (GSI1), and the reporting currency (the most
/// common account currency).
async fn watched(
    store: &Store,
    tenant: &TenantId,
) -> Result<(Vec<WatchState>, Currency), ApiError> {
    let states = store.watched(tenant).await?;
    let mut counts: BTreeMap<Currency, usize> = BTreeMap::new();
    for s in &states {
        *counts.entry(s.watch.currency).or_default() += 1;
    }
    let currency = counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(c, _)| c)
        .unwrap_or_else(|| Currency::parse("CNY").expect("a currency"));
    Ok((states, currency))
}

/// `GET /v1/aging`: the portfolio by days past due (customers in the reporting currency).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn portfolio_aging(ctx: &Ctx<'_>, who: &Principal) -> Result<PortfolioAging, ApiError> {
    let mut aging = aging_of_all(ctx, who).await?;
    aging.customers.truncate(50);
    Ok(aging)
}

/// The portfolio's aging with every customer that has something overdue, most overdue
/// first (the export's; the page shows the first 50).
pub async fn aging_of_all(ctx: &Ctx<'_>, who: &Principal) -> Result<PortfolioAging, ApiError> {
    let store = ctx.store;
    policy::require(who, Action::ReadKpis)?;
    let (states, currency) = watched(store, &who.tenant).await?;
    let mut sums: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut customers = Vec::new();
    let order = ["current", "1-30", "31-60", "61-90", "90+"];
    for s in states.iter().filter(|s| s.watch.currency == currency) {
        for b in &s.aging {
            *sums.entry(b.bucket.clone()).or_default() += b.amount.amount;
        }
        if !s.watch.overdue.amount.is_zero() {
            customers.push(CustomerAging {
                customer_id: s.customer_id.clone(),
                name: s.name.clone(),
                overdue: s.watch.overdue,
                oldest_overdue_days: s.watch.oldest_overdue_days,
                buckets: s.aging.clone(),
            });
        }
    }
    customers.sort_by_key(|c| std::cmp::Reverse(c.overdue.amount));
    Ok(PortfolioAging {
        currency,
        buckets: order
            .iter()
            .map(|b| AgingBucket {
                bucket: (*b).to_owned(),
                amount: Money::new(sums.get(*b).copied().unwrap_or_default(), currency),
            })
            .collect(),
        customers,
    })
}

/// `GET /v1/kpis`: computed from the watched customers; the first read of a day keeps a
/// snapshot, and grade drift is measured against the newest snapshot before today.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn kpis(ctx: &Ctx<'_>, who: &Principal) -> Result<Kpis, ApiError> {
    policy::require(who, Action::ReadKpis)?;
    let store = ctx.store;
    let today = ctx.clock.today();
    let (states, currency) = watched(store, &who.tenant).await?;
    let inputs: Vec<KpiInput> = states
        .iter()
        .filter(|s| s.watch.currency == currency)
        .map(|s| KpiInput {
            customer_id: s.customer_id.clone(),
            name: s.name.clone(),
            grade: Some(s.watch.grade),
            receivables: s.watch.figures.receivables,
            overdue: s.watch.overdue.amount,
            exposure: s.watch.exposure.amount,
            limit: s.watch.limit.amount,
            sales_12m: s.watch.figures.sales_12m,
            write_offs_12m: s.watch.figures.written_off_12m,
        })
        .collect();
    let other = states.len() - inputs.len();
    let snapshots = store.kpi_snapshots(&who.tenant, 2).await?;
    let previous = snapshots.iter().find(|s| s.date < today);
    let open = store.alerts(&who.tenant, true, false, 5000).await?;
    let mut by_rule: BTreeMap<String, RuleCount> = BTreeMap::new();
    for a in open {
        by_rule
            .entry(a.rule_id.clone())
            .or_insert_with(|| RuleCount {
                rule_id: a.rule_id.clone(),
                rule_name: a.rule_name.clone(),
                open: 0,
            })
            .open += 1;
    }
    let mut alerts_by_rule: Vec<RuleCount> = by_rule.into_values().collect();
    alerts_by_rule.sort_by(|a, b| b.open.cmp(&a.open).then(a.rule_id.cmp(&b.rule_id)));
    let kpis = Kpis::compute(
        today,
        currency,
        &inputs,
        other as u32,
        previous.map(|p| p.kpis.grades.as_slice()),
        alerts_by_rule,
    );
    if snapshots.first().is_none_or(|s| s.date < today) {
        let snapshot = KpiSnapshot {
            date: today,
            kpis: kpis.clone(),
        };
        // Two first reads of the day race harmlessly: one snapshot stays.
        store.put_kpi_snapshot(&who.tenant, &snapshot).await?;
    }
    Ok(kpis)
}
