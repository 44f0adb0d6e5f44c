//! The report's words, in Chinese and English, and how it writes times, days and money.

use super::Lang;
use super::doc::Block;
use crate::{
    Money, Role,
    money::format_money,
    orders::OrderStatus,
    watch::{ActivityKind, AlertStatus, Severity, SignalKind},
    workflow::{RequestKind, RequestStatus, StepOutcome},
};
use rust_decimal::Decimal;
use time::{OffsetDateTime, UtcOffset};

/// The report's words and formats in one language.
pub(super) struct Words {
    pub(super) lang: Lang,
    offset: UtcOffset,
}

impl Words {
    pub(super) fn new(lang: Lang, offset: UtcOffset) -> Self {
        Words { lang, offset }
    }

    pub(super) fn t(&self, zh: &str, en: &str) -> String {
        match self.lang {
            Lang::ZhCn => zh.to_owned(),
            Lang::En => en.to_owned(),
        }
    }

    pub(super) fn time(&self, at: OffsetDateTime) -> String {
        let local = at.to_offset(self.offset);
        let (h, m, _) = self.offset.as_hms();
        let zone = if h == 0 && m == 0 {
            "UTC".to_owned()
        } else {
            format!("UTC{:+03}:{:02}", h, m.abs())
        };
        format!(
            "{} {:02}:{:02} {zone}",
            local.date(),
            local.hour(),
            local.minute()
        )
    }

    pub(super) fn yes_no(&self, yes: bool) -> String {
        if yes {
            self.t("是", "yes")
        } else {
            self.t("否", "no")
        }
    }

    pub(super) fn none(&self) -> String {
        "—".to_owned()
    }

    pub(super) fn days(&self, days: impl std::fmt::Display) -> String {
        match self.lang {
            Lang::ZhCn => format!("{days} 天"),
            Lang::En => format!("{days} days"),
        }
    }

    pub(super) fn opt_days(&self, days: Option<Decimal>) -> String {
        days.map_or_else(|| self.none(), |d| self.days(d.round_dp(1).normalize()))
    }

    pub(super) fn not_allowed(&self) -> Block {
        Block::Text(self.t(
            "你的角色无权查看此部分。",
            "Your role may not see this part.",
        ))
    }

    pub(super) fn more(&self, shown: usize, total: usize) -> Option<Block> {
        (total > shown).then(|| {
            Block::Text(match self.lang {
                Lang::ZhCn => format!("仅列出最近 {shown} 条，共 {total} 条。"),
                Lang::En => format!("The latest {shown} of {total} are listed."),
            })
        })
    }

    pub(super) fn kind(&self, kind: RequestKind) -> String {
        let (zh, en) = match kind {
            RequestKind::NewCreditLine => ("新授信", "New credit line"),
            RequestKind::LimitIncrease => ("提高额度", "Limit increase"),
            RequestKind::LimitDecrease => ("降低额度", "Limit decrease"),
            RequestKind::TemporaryLimit => ("临时额度", "Temporary limit"),
            RequestKind::TermsChange => ("变更账期", "Terms change"),
            RequestKind::HoldRelease => ("解除冻结", "Hold release"),
            RequestKind::BlockedOrderRelease => ("放行订单", "Blocked order release"),
            RequestKind::BlockedOrderReject => ("拒绝订单", "Blocked order rejection"),
            RequestKind::BlacklistAdd => ("列入黑名单", "Blacklist"),
            RequestKind::BlacklistRemove => ("移出黑名单", "Blacklist removal"),
            RequestKind::PrepaymentLift => ("取消预付款", "Prepayment lift"),
            RequestKind::CreditReview => ("信用复审", "Credit review"),
            RequestKind::ModelPromotion => ("模型上线", "Model promotion"),
        };
        self.t(zh, en)
    }

    pub(super) fn status(&self, status: RequestStatus) -> String {
        let (zh, en) = match status {
            RequestStatus::Pending => ("审批中", "pending"),
            RequestStatus::Returned => ("已退回", "returned"),
            RequestStatus::Approved => ("已批准", "approved"),
            RequestStatus::Rejected => ("已拒绝", "rejected"),
            RequestStatus::Withdrawn => ("已撤回", "withdrawn"),
        };
        self.t(zh, en)
    }

    pub(super) fn role(&self, role: Role) -> String {
        let (zh, en) = match role {
            Role::Sales => ("销售", "sales"),
            Role::Risk => ("风控", "risk"),
            Role::Finance => ("财务", "finance"),
            Role::Approver => ("审批人", "approver"),
            Role::Admin => ("管理员", "admin"),
            Role::Collector => ("催收", "collector"),
        };
        self.t(zh, en)
    }

    pub(super) fn outcome(&self, outcome: StepOutcome) -> String {
        let (zh, en) = match outcome {
            StepOutcome::Approved => ("批准", "approved"),
            StepOutcome::Rejected => ("拒绝", "rejected"),
            StepOutcome::Returned => ("退回", "returned"),
        };
        self.t(zh, en)
    }

    pub(super) fn order_status(&self, status: OrderStatus) -> String {
        let (zh, en) = match status {
            OrderStatus::Blocked => ("拦截中", "blocked"),
            OrderStatus::Released => ("已放行", "released"),
            OrderStatus::ReleasedByRecheck => ("复核后放行", "released by re-check"),
            OrderStatus::Rejected => ("已拒绝", "rejected"),
        };
        self.t(zh, en)
    }

    pub(super) fn severity(&self, severity: Severity) -> String {
        let (zh, en) = match severity {
            Severity::Low => ("低", "low"),
            Severity::Medium => ("中", "medium"),
            Severity::High => ("高", "high"),
            Severity::Critical => ("严重", "critical"),
        };
        self.t(zh, en)
    }

    pub(super) fn alert_status(&self, status: AlertStatus) -> String {
        let (zh, en) = match status {
            AlertStatus::Open => ("待处理", "open"),
            AlertStatus::Acknowledged => ("已确认", "acknowledged"),
            AlertStatus::Resolved => ("已解决", "resolved"),
        };
        self.t(zh, en)
    }

    pub(super) fn activity(&self, kind: ActivityKind) -> String {
        let (zh, en) = match kind {
            ActivityKind::Note => ("备注", "note"),
            ActivityKind::Promise => ("付款承诺", "promise to pay"),
            ActivityKind::PromiseKept => ("承诺已兑现", "promise kept"),
            ActivityKind::PromiseBroken => ("承诺未兑现", "promise broken"),
            ActivityKind::Dunning => ("催收", "dunning"),
            ActivityKind::TaskOpened => ("新任务", "task opened"),
            ActivityKind::TaskAssigned => ("任务指派", "task assigned"),
            ActivityKind::TaskDone => ("任务完成", "task done"),
            ActivityKind::Alert => ("预警", "alert"),
            ActivityKind::Signal => ("外部信息", "outside signal"),
            ActivityKind::AutoAction => ("自动措施", "automatic action"),
            ActivityKind::Letter => ("信函", "letter"),
            ActivityKind::DisputeOpened => ("争议登记", "dispute opened"),
            ActivityKind::DisputeChanged => ("争议更新", "dispute updated"),
            ActivityKind::DisputeResolved => ("争议解决", "dispute resolved"),
        };
        self.t(zh, en)
    }

    pub(super) fn signal(&self, kind: SignalKind) -> String {
        let (zh, en) = match kind {
            SignalKind::Lawsuit => ("诉讼", "lawsuit"),
            SignalKind::EnforcementList => ("被执行人", "enforcement list"),
            SignalKind::NegativeNews => ("负面新闻", "negative news"),
            SignalKind::Insolvency => ("破产", "insolvency"),
            SignalKind::AbnormalOperation => ("经营异常", "abnormal operation"),
            SignalKind::BureauRating => ("评级", "bureau rating"),
            SignalKind::NothingFound => ("查无记录", "nothing found"),
        };
        self.t(zh, en)
    }

    pub(super) fn money(&self, money: &Money) -> String {
        format_money(money)
    }

    pub(super) fn opt_money(&self, money: Option<&Money>) -> String {
        money.map_or_else(|| self.none(), format_money)
    }
}
