//! The demo tenant's workflow: its user directory, approval matrix, custom application fields,
//! a blacklist and a few requests in flight (one waiting, one past its SLA, one returned), all
//! made through the same services as the app, so they carry audit entries like real ones.

use super::generate::DemoCustomer;
use crate::egress::Egress;
use crate::{
    auth::Principal,
    clock::Clock,
    service::{
        Ctx,
        people::{self, People},
        tenant::{self, Engines},
        workflow,
    },
    store::Store,
};
use anyhow::Context;
use credence_shared::{
    Grade, Money, Role, TenantId, UserId,
    workflow::{
        ApprovalMatrix, BlacklistAdd, Change, FieldDef, FieldKind, FieldSet, NewRequest,
        ReviewAction, ReviewRequest, UserUpdate, Versioned,
    },
};
use rust_decimal::Decimal;
use time::Duration;

fn principal(tenant: &TenantId, role: Role) -> Principal {
    Principal {
        user_id: UserId::parse(role.as_str()).expect("valid user id"),
        username: role.as_str().to_owned(),
        tenant: tenant.clone(),
        roles: vec![role],
        scopes: Vec::new(),
        withheld: Vec::new(),
    }
}

/// The custom fields the demo tenant added to its credit application.
pub fn demo_fields() -> FieldSet {
    let field = |key: &str, label: &str, en: &str, kind, required, visible_to| FieldDef {
        key: key.into(),
        label: label.into(),
        label_en: Some(en.into()),
        kind,
        required,
        visible_to,
    };
    FieldSet {
        version: 0,
        fields: vec![
            field("bank", "开户银行", "Bank", FieldKind::Text, true, vec![]),
            field(
                "channel",
                "销售渠道",
                "Sales channel",
                FieldKind::Choice {
                    options: vec!["直销".into(), "经销商".into(), "电商平台".into()],
                },
                true,
                vec![],
            ),
            field(
                "guarantee",
                "是否提供担保",
                "Guarantee offered",
                FieldKind::YesNo,
                false,
                vec![],
            ),
            field(
                "deposit",
                "保证金",
                "Security deposit",
                FieldKind::Money,
                false,
                vec![],
            ),
            field(
                "site_visit",
                "实地拜访日期",
                "Site visit date",
                FieldKind::Date,
                false,
                vec![Role::Risk, Role::Approver, Role::Admin],
            ),
        ],
    }
}

pub async fn seed_workflow(
    store: &Store,
    tenant: &TenantId,
    customers: &[DemoCustomer],
) -> anyhow::Result<()> {
    let clock = Clock::system();
    let admin = principal(tenant, Role::Admin);
    let engines = Engines::default();
    // The demo tenant saves no webhook, so production's rule serves.
    let egress = Egress::public()?;
    let ctx = Ctx {
        store,
        engines: &engines,
        clock: &clock,
        egress: &egress,
    };
    for role in Role::ALL {
        people::put_user(
            &People {
                store,
                clock: &clock,
                directory: None,
                verifier: None,
            },
            &admin,
            role.as_str(),
            UserUpdate {
                version: 0,
                display_name: format!("Demo {role}"),
                roles: vec![role],
                active: true,
                email: None,
                reason: "demo tenant set-up".into(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("seeding user {role}: {e}"))?;
    }
    tenant::put_document(
        &ctx,
        &admin,
        Versioned {
            replaces: 0,
            reason: "demo tenant set-up".into(),
            document: ApprovalMatrix::default_matrix(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("seeding the matrix: {e}"))?;
    tenant::put_document(
        &ctx,
        &admin,
        Versioned {
            replaces: 0,
            reason: "demo tenant set-up".into(),
            document: demo_fields(),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("seeding the custom fields: {e}"))?;

    let risk = principal(tenant, Role::Risk);
    let sales = principal(tenant, Role::Sales);
    for (name, reason) in [
        ("福州恒信贸易有限公司", "列入失信被执行人名单"),
        (
            "Eastern Star Components Ltd.",
            "unpaid debts with two suppliers",
        ),
    ] {
        workflow::add_to_blacklist(
            &ctx,
            &risk,
            BlacklistAdd {
                customer_id: None,
                usci: None,
                name: Some(name.into()),
                reason: reason.into(),
                source: "court enforcement list".into(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("seeding the blacklist: {e}"))?;
    }

    // Requests in flight, filed by the sales rep on their own good customers.
    let mut own = customers.iter().filter(|c| {
        c.owner.as_ref().is_some_and(|o| o.as_str() == "sales")
            && !c.on_hold
            && !c.blacklisted
            && c.grade <= Grade::C
            && !c.credit_limit.amount.is_zero()
    });
    let mut file = |at: Clock| {
        let customer = own.next().cloned();
        async move {
            let c = customer.context("not enough demo customers for the requests")?;
            anyhow::Ok((c, at))
        }
    };
    // 1. A limit increase waiting for risk (filed an hour ago).
    let (c, at) = file(Clock::fixed(clock.now() - Duration::hours(1))).await?;
    let bigger = round_10k(c.credit_limit.amount * Decimal::new(13, 1));
    workflow::file(
        &Ctx { clock: &at, ..ctx },
        &sales,
        c.id.as_str(),
        NewRequest {
            change: Change::Limit {
                limit: Money::new(bigger, c.credit_limit.currency),
            },
            justification: "客户新开两家门店，月采购量预计增加三成".into(),
            idempotency_key: None,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("seeding a request: {e}"))?;
    // 2. A temporary limit past the risk step's SLA (filed 30 hours ago).
    let (c, at) = file(Clock::fixed(clock.now() - Duration::hours(30))).await?;
    let until = clock.today() + Duration::days(45);
    workflow::file(
        &Ctx { clock: &at, ..ctx },
        &sales,
        c.id.as_str(),
        NewRequest {
            change: Change::TemporaryLimit {
                limit: Money::new(
                    round_10k(c.credit_limit.amount * Decimal::new(15, 1)),
                    c.credit_limit.currency,
                ),
                until,
            },
            justification: "双十一备货，需临时额度".into(),
            idempotency_key: None,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("seeding a request: {e}"))?;
    // 3. A terms change risk returned for more information.
    let (c, at) = file(Clock::fixed(clock.now() - Duration::hours(20))).await?;
    let (filed, _) = workflow::file(
        &Ctx { clock: &at, ..ctx },
        &sales,
        c.id.as_str(),
        NewRequest {
            change: Change::TermsChange {
                terms_days: u16::try_from(c.terms_days + 30).unwrap_or(90).min(180),
            },
            justification: "客户要求延长账期以匹配其下游回款周期".into(),
            idempotency_key: None,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("seeding a request: {e}"))?;
    let later = Clock::fixed(clock.now() - Duration::hours(4));
    workflow::review(
        &Ctx {
            clock: &later,
            ..ctx
        },
        &risk,
        workflow::Home::Customer(c.id.as_str()),
        &filed.id,
        ReviewRequest {
            action: ReviewAction::Return,
            note: "请补充客户最近一年的财务报表和下游回款数据".into(),
            version: filed.version,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("seeding a returned request: {e}"))?;
    Ok(())
}

/// Rounded up to whole ten thousands, as people ask for limits.
fn round_10k(amount: Decimal) -> Decimal {
    let step = Decimal::from(10_000);
    (amount / step).ceil() * step
}
