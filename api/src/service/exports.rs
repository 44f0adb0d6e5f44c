//! `GET /v1/exports/{what}`: the lists people take into Excel — customers with their credit
//! figures, the portfolio's aging by customer, one customer's open items, the worklist,
//! alerts and the KPI table — as [`Table`]s, each read through the service that shows the
//! list on screen, so an export shows exactly what its reader may see there (a sales rep's
//! customers export is their own customers; aging and KPIs need the portfolio right).

use super::Ctx;
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    export::{Cell, Table},
    service::{credit, watch},
};
use credence_shared::{Money, dto::CustomerSummary, messages::code};
use serde::Deserialize;

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Customers,
    Aging,
    OpenItems,
    Worklist,
    Alerts,
    Kpis,
}

/// The query of an export.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
    /// The header's language: `zh` (default) or `en`.
    pub lang: Option<String>,
    /// The customer of an open-items export.
    pub customer: Option<String>,
}

/// Most customers one export reads (the Lambda's answer stays under its 6 MB).
const MAX_CUSTOMERS: usize = 50_000;

fn headers(zh: bool, pairs: &[(&str, &str)]) -> Vec<String> {
    pairs
        .iter()
        .map(|(c, e)| if zh { *c } else { *e }.to_owned())
        .collect()
}

fn amount(m: &Money) -> Cell {
    Cell::Amount(m.amount)
}

/// Builds the table of `kind` as `who` may see it.
pub async fn table(
    ctx: &Ctx<'_>,
    who: &Principal,
    kind: ExportKind,
    query: &ExportQuery,
) -> Result<Table, ApiError> {
    let zh = !matches!(query.lang.as_deref(), Some("en"));
    match kind {
        ExportKind::Customers => customers(ctx, who, zh).await,
        ExportKind::Aging => aging(ctx, who, zh).await,
        ExportKind::OpenItems => open_items(ctx, who, zh, query.customer.as_deref()).await,
        ExportKind::Worklist => worklist(ctx, who, zh).await,
        ExportKind::Alerts => alerts(ctx, who, zh).await,
        ExportKind::Kpis => kpis(ctx, who, zh).await,
    }
}

async fn customers(ctx: &Ctx<'_>, who: &Principal, zh: bool) -> Result<Table, ApiError> {
    policy::require(who, Action::ReadCustomers)?;
    let keep = |c: &CustomerSummary| !c.archived && policy::may_see_customer(who, c.owner.as_ref());
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = ctx
            .store
            .list_customers(&who.tenant, cursor.as_deref(), 500, &keep)
            .await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(next) if all.len() < MAX_CUSTOMERS => cursor = Some(next),
            _ => break,
        }
    }
    let rows = all
        .iter()
        .map(|c| {
            vec![
                Cell::text(&c.number),
                Cell::text(&c.name),
                Cell::text(c.name_en.clone().unwrap_or_default()),
                Cell::text(c.grade.map(|g| g.to_string()).unwrap_or_default()),
                Cell::text(c.credit_limit.currency.to_string()),
                amount(&c.credit_limit),
                amount(&c.exposure),
                amount(&c.available),
                amount(&c.overdue),
                Cell::Int(i64::from(c.oldest_overdue_days)),
                Cell::Int(i64::from(c.terms_days)),
                Cell::text(if c.on_hold { "Y" } else { "" }),
                Cell::text(if c.blacklisted { "Y" } else { "" }),
                Cell::text(
                    c.owner
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                ),
            ]
        })
        .collect();
    Ok(Table {
        sheet: if zh { "客户" } else { "Customers" }.into(),
        headers: headers(
            zh,
            &[
                ("客户编号", "Customer number"),
                ("客户名称", "Name"),
                ("英文名称", "English name"),
                ("信用等级", "Grade"),
                ("币种", "Currency"),
                ("信用额度", "Credit limit"),
                ("占用", "Exposure"),
                ("可用额度", "Available"),
                ("逾期", "Overdue"),
                ("最长逾期天数", "Oldest overdue days"),
                ("账期", "Terms (days)"),
                ("冻结", "On hold"),
                ("黑名单", "Blacklisted"),
                ("业务员", "Owner"),
            ],
        ),
        rows,
    })
}

async fn aging(ctx: &Ctx<'_>, who: &Principal, zh: bool) -> Result<Table, ApiError> {
    let aging = watch::aging_of_all(ctx, who).await?;
    let order = ["current", "1-30", "31-60", "61-90", "90+"];
    let rows = aging
        .customers
        .iter()
        .map(|c| {
            let mut row = vec![
                Cell::text(c.customer_id.to_string()),
                Cell::text(&c.name),
                Cell::text(aging.currency.to_string()),
            ];
            for b in order {
                let sum = c.buckets.iter().find(|x| x.bucket == b);
                row.push(sum.map_or(Cell::Empty, |s| amount(&s.amount)));
            }
            row.push(amount(&c.overdue));
            row.push(Cell::Int(i64::from(c.oldest_overdue_days)));
            row
        })
        .collect();
    Ok(Table {
        sheet: if zh { "账龄" } else { "Aging" }.into(),
        headers: headers(
            zh,
            &[
                ("客户编号", "Customer"),
                ("客户名称", "Name"),
                ("币种", "Currency"),
                ("未到期", "Current"),
                ("逾期1-30天", "1-30"),
                ("逾期31-60天", "31-60"),
                ("逾期61-90天", "61-90"),
                ("逾期90天以上", "90+"),
                ("逾期合计", "Overdue"),
                ("最长逾期天数", "Oldest overdue days"),
            ],
        ),
        rows,
    })
}

async fn open_items(
    ctx: &Ctx<'_>,
    who: &Principal,
    zh: bool,
    customer: Option<&str>,
) -> Result<Table, ApiError> {
    let Some(customer) = customer.filter(|c| !c.trim().is_empty()) else {
        return Err(ApiError::field(
            "customer",
            code::REQUIRED,
            "name the customer whose open items to export",
        ));
    };
    policy::require(who, Action::SeeInvoiceDetail)?;
    let view = credit::view(ctx, who, customer).await?;
    let items = &view.open_items;
    let rows = items
        .invoices
        .iter()
        .map(|i| {
            vec![
                Cell::text(i.invoice.as_str()),
                Cell::text(i.order.as_ref().map(|o| o.to_string()).unwrap_or_default()),
                Cell::Date(i.issued),
                Cell::Date(i.due),
                Cell::text(items.currency.to_string()),
                amount(&i.amount),
                amount(&i.open),
                amount(&i.disputed),
                Cell::Int(
                    credence_shared::engine::calendar::days_between(i.due, items.as_of).max(0),
                ),
            ]
        })
        .collect();
    Ok(Table {
        sheet: if zh { "未清发票" } else { "Open items" }.into(),
        headers: headers(
            zh,
            &[
                ("发票号", "Invoice"),
                ("订单号", "Order"),
                ("开票日期", "Issued"),
                ("到期日", "Due"),
                ("币种", "Currency"),
                ("发票金额", "Amount"),
                ("未收金额", "Open"),
                ("争议金额", "Disputed"),
                ("逾期天数", "Days late"),
            ],
        ),
        rows,
    })
}

async fn worklist(ctx: &Ctx<'_>, who: &Principal, zh: bool) -> Result<Table, ApiError> {
    let list = watch::worklist(ctx, who, watch::WorklistQuery { assignee: None }).await?;
    let rows = list
        .items
        .iter()
        .map(|t| {
            vec![
                Cell::text(t.customer_id.to_string()),
                Cell::text(&t.customer_name),
                Cell::text(serde_plain(&t.action)),
                Cell::text(&t.reason),
                Cell::text(t.overdue.currency.to_string()),
                amount(&t.overdue),
                Cell::Int(i64::from(t.days_late)),
                Cell::Amount(t.priority),
                Cell::Date(t.created_at.date()),
            ]
        })
        .collect();
    Ok(Table {
        sheet: if zh { "催收任务" } else { "Worklist" }.into(),
        headers: headers(
            zh,
            &[
                ("客户编号", "Customer"),
                ("客户名称", "Name"),
                ("动作", "Action"),
                ("原因", "Reason"),
                ("币种", "Currency"),
                ("逾期金额", "Overdue"),
                ("逾期天数", "Days late"),
                ("优先级", "Priority"),
                ("创建日期", "Created"),
            ],
        ),
        rows,
    })
}

async fn alerts(ctx: &Ctx<'_>, who: &Principal, zh: bool) -> Result<Table, ApiError> {
    let list = watch::alerts(
        ctx,
        who,
        watch::AlertQuery {
            status: None,
            mine: None,
        },
    )
    .await?;
    let rows = list
        .items
        .iter()
        .map(|a| {
            vec![
                Cell::text(a.customer_id.to_string()),
                Cell::text(&a.customer_name),
                Cell::text(&a.rule_name),
                Cell::text(serde_plain(&a.severity)),
                Cell::text(serde_plain(&a.status)),
                Cell::Date(a.opened_at.date()),
                Cell::text(a.owner.clone().unwrap_or_default()),
            ]
        })
        .collect();
    Ok(Table {
        sheet: if zh { "预警" } else { "Alerts" }.into(),
        headers: headers(
            zh,
            &[
                ("客户编号", "Customer"),
                ("客户名称", "Name"),
                ("规则", "Rule"),
                ("严重程度", "Severity"),
                ("状态", "Status"),
                ("触发日期", "Opened"),
                ("业务员", "Owner"),
            ],
        ),
        rows,
    })
}

async fn kpis(ctx: &Ctx<'_>, who: &Principal, zh: bool) -> Result<Table, ApiError> {
    let k = watch::kpis(ctx, who).await?;
    let label = |c: &str, e: &str| Cell::text(if zh { c } else { e });
    let optional = |d: Option<rust_decimal::Decimal>| d.map_or(Cell::Empty, Cell::Amount);
    let mut rows = vec![
        vec![
            label("客户数", "Customers"),
            Cell::Int(i64::from(k.customers)),
        ],
        vec![label("应收账款", "Receivables"), amount(&k.receivables)],
        vec![label("逾期", "Overdue"), amount(&k.overdue)],
        vec![
            label("逾期占比", "Overdue share"),
            Cell::Share(k.overdue_share),
        ],
        vec![label("DSO（天）", "DSO (days)"), optional(k.dso)],
        vec![label("应收周转率", "AR turnover"), optional(k.ar_turnover)],
        vec![
            label("坏账率", "Bad-debt rate"),
            k.bad_debt_rate.map_or(Cell::Empty, Cell::Share),
        ],
    ];
    for g in &k.grades {
        rows.push(vec![
            Cell::text(format!("{} {}", if zh { "等级" } else { "Grade" }, g.grade)),
            Cell::Int(i64::from(g.customers)),
        ]);
    }
    Ok(Table {
        sheet: "KPI".into(),
        headers: headers(
            zh,
            &[
                (
                    &format!("指标（截至 {}，{}）", k.as_of, k.currency),
                    &format!("Figure (as of {}, {})", k.as_of, k.currency),
                ),
                ("数值", "Value"),
            ],
        ),
        rows,
    })
}

/// An enum's wire name (`high`, `call`).
fn serde_plain<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
