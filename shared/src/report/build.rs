//! [`document`]: a [`CreditReport`] laid out in one language.

use super::doc::{Block, Chart, Column, Doc, Fact, Section, Series, Table, Tone};
use super::words::Words;
use super::{Behaviour, CreditReport, Decision, Lang, MonthFigures};
use crate::{Money, engine::quantity::Share, money::format_money, watch::SignalStatus};
use rust_decimal::Decimal;
use time::{Date, UtcOffset};

/// At most this many rows of each list (orders, alerts, activity, signals, decisions,
/// history) are printed; the report says when there are more.
pub const ROWS_PER_LIST: usize = 25;

/// Lays `report` out in `lang`, with times shown at `offset` (the reader's time zone).
pub fn document(report: &CreditReport, lang: Lang, offset: UtcOffset) -> Doc {
    let w = Words::new(lang, offset);
    let c = &report.customer;
    let mut subtitle = vec![format!("{} {}", w.t("客户编号", "Customer no."), c.number)];
    if let Some(usci) = &c.usci {
        subtitle.push(format!("{} {usci}", w.t("统一社会信用代码", "USCI")));
    }
    subtitle.push(format!("{} {}", w.t("数据截至", "As of"), report.as_of));
    subtitle.push(format!(
        "{} {} · {}",
        w.t("生成于", "Generated"),
        w.time(report.generated_at),
        report.generated_by
    ));
    let notice = report.snapshot.as_ref().map(|s| {
        let amount = s
            .amount
            .map(|a| format!(" {}", format_money(&a)))
            .unwrap_or_default();
        match lang {
            Lang::ZhCn => format!(
                "本报告是审批时的存档：申请 {}（{}{}）由 {} 于 {} 批准，报告内容为批准时审批人看到的信用档案。",
                s.request_id,
                w.kind(s.kind),
                amount,
                s.approved_by,
                w.time(s.approved_at)
            ),
            Lang::En => format!(
                "Snapshot kept with a decision: request {} ({}{}) approved by {} at {}. It shows the credit file as the approvers saw it.",
                s.request_id,
                w.kind(s.kind),
                amount,
                s.approved_by,
                w.time(s.approved_at)
            ),
        }
    });
    let sections = vec![
        identity(&w, report),
        score(&w, report),
        limit(&w, report),
        aging(&w, report),
        behaviour(&w, report),
        history(&w, report),
        orders(&w, report),
        alerts(&w, report),
        activity(&w, report),
        signals(&w, report),
        decisions(&w, report),
    ];
    Doc {
        lang,
        title: format!("{} · {}", w.t("信用报告", "Credit report"), c.name),
        subtitle: subtitle.join(" · "),
        notice,
        sections,
        footer: format!(
            "Credence · {} · {} · {}",
            c.name,
            report.as_of,
            w.t("内部资料，注意保密", "Confidential")
        ),
    }
}

fn fact(label: String, value: String) -> Fact {
    Fact {
        label,
        value,
        tone: Tone::Plain,
    }
}

fn toned(label: String, value: String, bad: bool) -> Fact {
    Fact {
        label,
        value,
        tone: if bad { Tone::Bad } else { Tone::Plain },
    }
}

fn percent(value: Decimal) -> String {
    format!(
        "{}%",
        (value * Decimal::ONE_HUNDRED).round_dp(1).normalize()
    )
}

fn share(value: Share) -> String {
    percent(value.value())
}

fn opt_percent(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".to_owned(), percent)
}

fn identity(w: &Words, r: &CreditReport) -> Section {
    let c = &r.customer;
    let mut facts = vec![
        fact(w.t("名称", "Name"), c.name.clone()),
        fact(
            w.t("英文名称", "English name"),
            c.name_en.clone().unwrap_or_else(|| w.none()),
        ),
        fact(w.t("客户编号", "Customer no."), c.number.clone()),
        fact(
            w.t("统一社会信用代码", "USCI"),
            c.usci
                .as_ref()
                .map_or_else(|| w.none(), ToString::to_string),
        ),
        fact(w.t("国家/地区", "Country"), c.country.clone()),
        fact(
            w.t("成立日期", "Founded"),
            c.founded.map_or_else(|| w.none(), |d| d.to_string()),
        ),
        fact(
            w.t("负责销售", "Sales owner"),
            c.owner
                .as_ref()
                .map_or_else(|| w.none(), ToString::to_string),
        ),
    ];
    if let Some(m) = &c.master {
        if let Some(industry) = &m.industry {
            facts.push(fact(w.t("行业", "Industry"), industry.clone()));
        }
        if let Some(capital) = &m.registered_capital {
            facts.push(fact(
                w.t("注册资本", "Registered capital"),
                w.money(capital),
            ));
        }
        if let Some(address) = &m.address {
            facts.push(fact(w.t("地址", "Address"), address.clone()));
        }
    }
    if let Some(g) = &r.group {
        facts.push(fact(w.t("所属集团", "Group"), g.name.clone()));
    }
    Section {
        title: w.t("基本信息", "Identity and profile"),
        blocks: vec![Block::Facts(facts)],
    }
}

fn score(w: &Words, r: &CreditReport) -> Section {
    let a = &r.assessment;
    let mut blocks = vec![Block::Facts(vec![
        fact(w.t("评分", "Score"), a.score.round_dp(0).to_string()),
        toned(
            w.t("等级", "Grade"),
            a.grade.to_string(),
            a.grade != a.score_grade,
        ),
        fact(
            w.t("评分对应等级", "Grade from the score"),
            a.score_grade.to_string(),
        ),
        fact(w.t("违约概率（12个月）", "PD (12 months)"), share(a.pd)),
        fact(
            w.t("评分模型", "Model"),
            format!("{} v{}", a.model_id, a.model_version),
        ),
        fact(w.t("评估日期", "Assessed on"), a.as_of.to_string()),
    ])];
    if !a.knocked_out.is_empty() {
        let texts: Vec<String> = a
            .knocked_out
            .iter()
            .map(|k| match w.lang {
                Lang::ZhCn => k.text.zh_cn.to_string(),
                Lang::En => k.text.en.to_string(),
            })
            .collect();
        blocks.push(Block::Text(format!(
            "{}：{}",
            w.t("否决规则", "Knock-outs"),
            texts.join("；")
        )));
    }
    blocks.push(Block::Table(Table {
        columns: vec![
            Column::text(w.t("主要原因", "Main reasons"), 6),
            Column::number(w.t("数值", "Value"), 2),
            Column::number(w.t("分值", "Points"), 2),
        ],
        rows: a
            .reasons
            .iter()
            .map(|reason| {
                vec![
                    match w.lang {
                        Lang::ZhCn => reason.text.zh_cn.to_string(),
                        Lang::En => reason.text.en.to_string(),
                    },
                    reason
                        .value
                        .map_or_else(|| w.none(), |v| v.round_dp(2).normalize().to_string()),
                    format!("{:+}", reason.points.round_dp(0)),
                ]
            })
            .collect(),
        empty: w.t("没有记录原因。", "No reasons recorded."),
    }));
    Section {
        title: w.t("评分与等级", "Score and grade"),
        blocks,
    }
}

fn limit(w: &Words, r: &CreditReport) -> Section {
    let (f, e) = (&r.file, &r.exposure);
    let utilisation = (!f.limit.amount.is_zero()).then(|| e.exposure.amount / f.limit.amount);
    let over = e.available.amount.is_sign_negative() && !e.available.amount.is_zero();
    let mut facts = vec![
        fact(w.t("信用额度", "Credit limit"), w.money(&f.limit)),
        fact(
            w.t("额度有效期至", "Limit valid until"),
            f.limit_expires.map_or_else(|| w.none(), |d| d.to_string()),
        ),
        fact(
            w.t("建议额度", "Recommended limit"),
            w.money(&r.recommended_limit),
        ),
        fact(w.t("账期", "Payment terms"), w.days(f.terms_days)),
        fact(w.t("预付款比例", "Prepayment"), share(f.prepayment_share)),
        toned(w.t("信用冻结", "On hold"), w.yes_no(f.on_hold), f.on_hold),
        toned(
            w.t("黑名单", "Blacklisted"),
            w.yes_no(f.blacklisted),
            f.blacklisted,
        ),
        fact(
            w.t("复审到期", "Review due"),
            f.review_due.map_or_else(|| w.none(), |d| d.to_string()),
        ),
        toned(w.t("占用", "Exposure"), w.money(&e.exposure), over),
        toned(w.t("可用额度", "Available"), w.money(&e.available), over),
        toned(
            w.t("额度使用率", "Utilisation"),
            opt_percent(utilisation),
            over,
        ),
        fact(
            w.t("应收账款", "Open receivables"),
            w.money(&e.open_receivables),
        ),
        fact(w.t("未发货订单", "Open orders"), w.money(&e.open_orders)),
        fact(
            w.t("已发货未开票", "Shipped, not invoiced"),
            w.money(&e.shipped_not_invoiced),
        ),
        fact(
            w.t("未核销收款", "Unapplied credit"),
            w.money(&e.unapplied_credit),
        ),
    ];
    if let Some(g) = &r.group {
        let group_over = g.available.amount.is_sign_negative() && !g.available.amount.is_zero();
        facts.push(fact(w.t("集团额度", "Group limit"), w.money(&g.limit)));
        facts.push(toned(
            w.t("集团占用", "Group exposure"),
            w.money(&g.exposure),
            group_over,
        ));
    }
    Section {
        title: w.t("额度、条件与占用", "Limit, terms and exposure"),
        blocks: vec![Block::Facts(facts)],
    }
}

fn aging(w: &Words, r: &CreditReport) -> Section {
    let e = &r.exposure;
    let a = &e.aging;
    let total = a.current.amount
        + a.days_1_30.amount
        + a.days_31_60.amount
        + a.days_61_90.amount
        + a.days_over_90.amount;
    let row = |name: String, m: &Money| {
        let part = if total.is_zero() {
            w.none()
        } else {
            percent(m.amount / total)
        };
        vec![name, w.money(m), part]
    };
    Section {
        title: w.t("账龄", "Aging"),
        blocks: vec![
            Block::Facts(vec![
                toned(
                    w.t("逾期金额", "Overdue"),
                    w.money(&e.overdue),
                    !e.overdue.amount.is_zero(),
                ),
                toned(
                    w.t("最长逾期", "Oldest overdue"),
                    w.days(e.oldest_overdue_days),
                    e.oldest_overdue_days > 0,
                ),
            ]),
            Block::Table(Table {
                columns: vec![
                    Column::text(w.t("账龄段", "Bucket"), 4),
                    Column::number(w.t("金额", "Amount"), 4),
                    Column::number(w.t("占比", "Share"), 2),
                ],
                rows: vec![
                    row(w.t("未到期", "Not yet due"), &a.current),
                    row(w.t("逾期 1–30 天", "1–30 days overdue"), &a.days_1_30),
                    row(w.t("逾期 31–60 天", "31–60 days overdue"), &a.days_31_60),
                    row(w.t("逾期 61–90 天", "61–90 days overdue"), &a.days_61_90),
                    row(
                        w.t("逾期 90 天以上", "Over 90 days overdue"),
                        &a.days_over_90,
                    ),
                ],
                empty: String::new(),
            }),
        ],
    }
}

fn behaviour(w: &Words, r: &CreditReport) -> Section {
    let title = w.t("付款表现", "Payment behaviour");
    let mut blocks = Vec::new();
    match &r.behaviour {
        None => blocks.push(w.not_allowed()),
        Some(b) => blocks.push(Block::Facts(behaviour_facts(w, b))),
    }
    let labels: Vec<String> = r.months.iter().map(|m| month_label(m.month_end)).collect();
    if r.months.iter().any(|m| m.score.is_some()) {
        blocks.push(Block::Chart(Chart {
            title: w.t("评分趋势（月末）", "Score at each month-end"),
            labels: labels.clone(),
            series: vec![Series {
                name: w.t("评分", "Score"),
                values: r.months.iter().map(|m| m.score).collect(),
            }],
        }));
    }
    if r.months.iter().any(|m| m.paydex.is_some()) {
        blocks.push(Block::Chart(Chart {
            title: w.t(
                "付款指数趋势（月末，80 = 按时付款）",
                "Payment index at each month-end (80 = pays on time)",
            ),
            labels,
            series: vec![Series {
                name: w.t("付款指数", "Payment index"),
                values: r
                    .months
                    .iter()
                    .map(|m| m.paydex.map(Decimal::from))
                    .collect(),
            }],
        }));
    }
    blocks.push(Block::Table(months_table(w, &r.months)));
    Section { title, blocks }
}

fn behaviour_facts(w: &Words, b: &Behaviour) -> Vec<Fact> {
    let slower = b.days_to_pay_trend.is_some_and(|d| d > Decimal::ZERO);
    vec![
        toned(
            w.t("付款指数", "Payment index"),
            b.paydex.map_or_else(|| w.none(), |p| p.to_string()),
            b.paydex.is_some_and(|p| p < 70),
        ),
        toned(
            w.t("平均超期天数", "Days beyond terms"),
            w.opt_days(b.days_beyond_terms),
            b.days_beyond_terms.is_some_and(|d| d > Decimal::ZERO),
        ),
        fact(
            w.t("按时付款占比", "Paid on time"),
            b.on_time_share.map_or_else(|| w.none(), share),
        ),
        fact(
            w.t("12个月最长逾期", "Longest overdue, 12 months"),
            b.max_dpd_12m.map_or_else(|| w.none(), |d| w.days(d)),
        ),
        fact(
            w.t("平均付款天数", "Days to pay"),
            w.opt_days(b.days_to_pay),
        ),
        toned(
            w.t("付款天数变化", "Change in days to pay"),
            b.days_to_pay_trend
                .map_or_else(|| w.none(), |d| format!("{:+}", d.round_dp(1).normalize())),
            slower,
        ),
        fact(w.t("应收周转天数", "DSO"), w.opt_days(b.dso)),
        fact(w.t("退货率", "Return rate"), opt_percent(b.return_rate)),
        fact(w.t("争议率", "Dispute rate"), opt_percent(b.dispute_rate)),
        fact(
            w.t("月均采购", "Average monthly purchases"),
            w.money(&b.average_monthly_purchases),
        ),
        fact(
            w.t("月均订单数", "Orders per month"),
            b.orders_per_month.round_dp(1).normalize().to_string(),
        ),
        fact(
            w.t("合作月数", "Months as a customer"),
            b.tenure_months.map_or_else(|| w.none(), |m| m.to_string()),
        ),
        toned(
            w.t("12个月核销坏账", "Written off, 12 months"),
            format!("{} ({})", w.money(&b.written_off_12m), b.write_offs_12m),
            b.write_offs_12m > 0,
        ),
    ]
}

fn month_label(d: Date) -> String {
    format!("{}-{:02}", d.year(), u8::from(d.month()))
}

fn months_table(w: &Words, months: &[MonthFigures]) -> Table {
    Table {
        columns: vec![
            Column::text(w.t("月份", "Month"), 2),
            Column::number(w.t("评分", "Score"), 2),
            Column::text(w.t("等级", "Grade"), 1),
            Column::number(w.t("付款指数", "Payment index"), 2),
            Column::number(w.t("超期天数", "Days beyond terms"), 2),
            Column::number(w.t("逾期金额", "Overdue"), 3),
        ],
        rows: months
            .iter()
            .rev()
            .map(|m| {
                vec![
                    month_label(m.month_end),
                    m.score
                        .map_or_else(|| w.none(), |s| s.round_dp(0).to_string()),
                    m.grade.map_or_else(|| w.none(), |g| g.to_string()),
                    m.paydex.map_or_else(|| w.none(), |p| p.to_string()),
                    m.days_beyond_terms
                        .map_or_else(|| w.none(), |d| d.round_dp(1).normalize().to_string()),
                    w.opt_money(m.overdue.as_ref()),
                ]
            })
            .collect(),
        empty: w.t("没有历史数据。", "No history yet."),
    }
}

fn history(w: &Words, r: &CreditReport) -> Section {
    let shown = r.history.len().min(ROWS_PER_LIST);
    let mut blocks = vec![Block::Table(Table {
        columns: vec![
            Column::text(w.t("日期", "Date"), 2),
            Column::number(w.t("评分", "Score"), 1),
            Column::text(w.t("等级", "Grade"), 1),
            Column::number(w.t("额度", "Limit"), 3),
            Column::text(w.t("原因", "Why"), 5),
        ],
        rows: r.history[..shown]
            .iter()
            .map(|p| {
                vec![
                    p.date.to_string(),
                    p.score.round_dp(0).to_string(),
                    p.grade.to_string(),
                    w.money(&p.limit),
                    p.reason.clone(),
                ]
            })
            .collect(),
        empty: w.t("近12个月没有变动。", "No changes in the last 12 months."),
    })];
    blocks.extend(w.more(shown, r.history.len()));
    Section {
        title: w.t("评分与额度变动", "Changes of score and limit"),
        blocks,
    }
}

fn orders(w: &Words, r: &CreditReport) -> Section {
    let title = w.t("被拦截的订单与发货", "Blocked orders and shipments");
    let Some(orders) = &r.orders else {
        return Section {
            title,
            blocks: vec![w.not_allowed()],
        };
    };
    let shown = orders.len().min(ROWS_PER_LIST);
    let mut blocks = vec![Block::Table(Table {
        columns: vec![
            Column::text(w.t("下单日期", "Ordered"), 2),
            Column::text(w.t("订单号", "Order"), 2),
            Column::number(w.t("金额", "Amount"), 3),
            Column::text(w.t("状态", "Status"), 2),
            Column::number(w.t("可发货", "May ship"), 3),
            Column::text(w.t("发货", "Shipped"), 3),
        ],
        rows: orders[..shown]
            .iter()
            .map(|o| {
                let shipped = o.shipped.as_ref().map_or_else(
                    || w.none(),
                    |s| {
                        let alarm = if s.alerted { " ⚠" } else { "" };
                        format!("{} {}{alarm}", s.date, w.money(&s.amount))
                    },
                );
                vec![
                    o.date.to_string(),
                    o.order.clone(),
                    w.money(&o.amount),
                    w.order_status(o.status),
                    w.opt_money(o.release.as_ref().map(|r| &r.allowed)),
                    shipped,
                ]
            })
            .collect(),
        empty: w.t(
            "信用检查从未拦截该客户的订单。",
            "The check never blocked an order.",
        ),
    })];
    blocks.extend(w.more(shown, orders.len()));
    Section { title, blocks }
}

fn alerts(w: &Words, r: &CreditReport) -> Section {
    let title = w.t("预警", "Alerts");
    let Some(alerts) = &r.alerts else {
        return Section {
            title,
            blocks: vec![w.not_allowed()],
        };
    };
    let shown = alerts.len().min(ROWS_PER_LIST);
    let mut blocks = vec![Block::Table(Table {
        columns: vec![
            Column::text(w.t("发出", "Opened"), 3),
            Column::text(w.t("级别", "Severity"), 1),
            Column::text(w.t("规则", "Rule"), 5),
            Column::text(w.t("状态", "Status"), 2),
        ],
        rows: alerts[..shown]
            .iter()
            .map(|a| {
                vec![
                    w.time(a.opened_at),
                    w.severity(a.severity),
                    a.rule_name.clone(),
                    w.alert_status(a.status),
                ]
            })
            .collect(),
        empty: w.t("没有预警。", "No alerts."),
    })];
    blocks.extend(w.more(shown, alerts.len()));
    Section { title, blocks }
}

fn activity(w: &Words, r: &CreditReport) -> Section {
    let title = w.t("催收记录", "Collections history");
    let Some(activity) = &r.activity else {
        return Section {
            title,
            blocks: vec![w.not_allowed()],
        };
    };
    let shown = activity.len().min(ROWS_PER_LIST);
    let mut blocks = vec![Block::Table(Table {
        columns: vec![
            Column::text(w.t("时间", "When"), 3),
            Column::text(w.t("类型", "What"), 2),
            Column::text(w.t("经办", "By"), 2),
            Column::text(w.t("内容", "Detail"), 6),
        ],
        rows: activity[..shown]
            .iter()
            .map(|a| {
                let amount = a
                    .detail
                    .amount
                    .map(|m| format!(" ({})", w.money(&m)))
                    .unwrap_or_default();
                vec![
                    w.time(a.at),
                    w.activity(a.kind),
                    a.by.clone(),
                    format!("{}{amount}", a.text),
                ]
            })
            .collect(),
        empty: w.t("没有催收记录。", "No collection activity."),
    })];
    blocks.extend(w.more(shown, activity.len()));
    Section { title, blocks }
}

fn signals(w: &Words, r: &CreditReport) -> Section {
    let title = w.t("外部信息", "Outside signals");
    let Some(signals) = &r.signals else {
        return Section {
            title,
            blocks: vec![w.not_allowed()],
        };
    };
    let shown = signals.len().min(ROWS_PER_LIST);
    let mut blocks = vec![Block::Table(Table {
        columns: vec![
            Column::text(w.t("日期", "Date"), 2),
            Column::text(w.t("类型", "Kind"), 2),
            Column::text(w.t("来源", "Source"), 2),
            Column::text(w.t("内容", "What"), 6),
            Column::text(w.t("状态", "Status"), 1),
        ],
        rows: signals[..shown]
            .iter()
            .map(|s| {
                let n = &s.signal;
                let mut what = vec![n.summary.clone()];
                what.extend(n.court.clone());
                what.extend(n.case_number.clone());
                what.extend(n.amount.map(|a| w.money(&a)));
                what.retain(|t| !t.trim().is_empty());
                let status = match n.status {
                    SignalStatus::Open => w.t("未结", "open"),
                    SignalStatus::Closed => w.t("已结", "closed"),
                };
                vec![
                    n.date.to_string(),
                    w.signal(n.kind),
                    n.source.clone(),
                    what.join(" · "),
                    status,
                ]
            })
            .collect(),
        empty: w.t("没有外部信息。", "No outside signals."),
    })];
    blocks.extend(w.more(shown, signals.len()));
    Section { title, blocks }
}

fn decisions(w: &Words, r: &CreditReport) -> Section {
    let title = w.t("决策与审批", "Decisions and approvals");
    let Some(decisions) = &r.decisions else {
        return Section {
            title,
            blocks: vec![w.not_allowed()],
        };
    };
    let shown = decisions.len().min(ROWS_PER_LIST);
    let mut blocks = vec![Block::Table(Table {
        columns: vec![
            Column::text(w.t("提交", "Filed"), 3),
            Column::text(w.t("申请", "Request"), 3),
            Column::text(w.t("状态", "Status"), 1),
            Column::text(w.t("申请人", "By"), 2),
            Column::text(w.t("审批", "Approvals"), 5),
        ],
        rows: decisions[..shown]
            .iter()
            .map(|d| decision_row(w, d))
            .collect(),
        empty: w.t("没有申请记录。", "No requests."),
    })];
    blocks.extend(w.more(shown, decisions.len()));
    Section { title, blocks }
}

fn decision_row(w: &Words, d: &Decision) -> Vec<String> {
    let amount = d
        .amount
        .map(|a| format!(" {}", w.money(&a)))
        .unwrap_or_default();
    let steps: Vec<String> = d
        .steps
        .iter()
        .filter_map(|s| {
            let (by, at, outcome) = (s.decided_by.as_ref()?, s.decided_at?, s.outcome?);
            Some(format!(
                "{} {by} {} {}",
                w.role(s.role),
                w.outcome(outcome),
                w.time(at)
            ))
        })
        .collect();
    vec![
        w.time(d.filed_at),
        format!("{} {}{amount}", d.request_id, w.kind(d.kind)),
        w.status(d.status),
        d.requester.clone(),
        if steps.is_empty() {
            w.none()
        } else {
            steps.join("；")
        },
    ]
}
