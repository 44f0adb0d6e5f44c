//! [`letter`]: a statement or a payment reminder laid out as a [`Doc`], so the server prints
//! it with the credit report's PDF engine (same fonts, same tables).

use super::Lang;
use super::doc::{Block, Column, Doc, Fact, Section, Table, Tone};
use super::words::Words;
use crate::watch::{Letter, LetterKind, LetterSettings};
use time::UtcOffset;

/// Who a letter goes to, as the customer master has it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Addressee {
    pub name: String,
    pub number: String,
    pub address: Option<String>,
    /// The contact it is for, if one was chosen.
    pub attention: Option<String>,
}

/// `letter` laid out in its own language for `to`, from the tenant's `settings`.
pub fn letter(letter: &Letter, to: &Addressee, settings: &LetterSettings) -> Doc {
    let w = Words::new(letter.lang, UtcOffset::UTC);
    let zh = letter.lang == Lang::ZhCn;
    let title = match letter.kind {
        LetterKind::Statement => w.t("对账单", "Statement of account"),
        LetterKind::Reminder => w.t("付款提醒函", "Payment reminder"),
    };
    let mut head = vec![format!("{}{}", w.t("致：", "To: "), to.name)];
    head.push(format!("{} {}", w.t("客户编号", "Customer no."), to.number));
    head.push(format!("{} {}", w.t("日期", "Date"), letter.date));
    head.push(format!("{} {}", w.t("函号", "Reference"), letter.id));
    let mut facts = vec![Fact {
        label: w.t("致", "To"),
        value: to.name.clone(),
        tone: Tone::Plain,
    }];
    if let Some(attention) = &to.attention {
        facts.push(plain(w.t("联系人", "Attention"), attention.clone()));
    }
    if let Some(address) = &to.address {
        facts.push(plain(w.t("地址", "Address"), address.clone()));
    }
    if !settings.sender.is_empty() {
        facts.push(plain(w.t("发函单位", "From"), settings.sender.clone()));
    }
    let overdue = letter.lines.iter().filter(|l| l.days > 0).count();
    facts.push(Fact {
        label: match letter.kind {
            LetterKind::Statement => w.t("应付合计", "Total due"),
            LetterKind::Reminder => w.t("逾期应付合计", "Overdue total"),
        },
        value: w.money(&letter.total),
        tone: if overdue > 0 { Tone::Bad } else { Tone::Plain },
    });
    let opening = match (letter.kind, zh) {
        (LetterKind::Statement, true) => format!(
            "截至 {}，贵司在我司的未结发票如下。请核对；如有不符，请于收到后七日内与我们联系。",
            letter.date
        ),
        (LetterKind::Statement, false) => format!(
            "These are your open invoices with us as of {}. Please check them and tell us within seven days of receiving this statement if anything does not agree with your records.",
            letter.date
        ),
        (LetterKind::Reminder, true) => format!(
            "截至 {}，以下发票已超过付款期限，合计 {}。请尽快安排付款；如已付款，请忽略本函并告知付款日期。",
            letter.date,
            w.money(&letter.total)
        ),
        (LetterKind::Reminder, false) => format!(
            "As of {}, the invoices below are past their due date, {} in all. Please arrange payment promptly; if you have paid already, please disregard this letter and tell us the payment date.",
            letter.date,
            w.money(&letter.total)
        ),
    };
    let rows = letter
        .lines
        .iter()
        .map(|l| {
            vec![
                l.invoice.clone(),
                l.issued.to_string(),
                l.due.to_string(),
                w.money(&l.amount),
                w.money(&l.open),
                if l.disputed.amount.is_zero() {
                    w.none()
                } else {
                    w.money(&l.disputed)
                },
                if l.days > 0 {
                    w.days(l.days)
                } else {
                    w.t("未到期", "not yet due")
                },
            ]
        })
        .collect();
    let items = Table {
        columns: vec![
            Column::text(w.t("发票号", "Invoice"), 3),
            Column::text(w.t("开票日", "Issued"), 2),
            Column::text(w.t("到期日", "Due"), 2),
            Column::number(w.t("发票金额", "Amount"), 3),
            Column::number(w.t("未付金额", "Open"), 3),
            Column::number(w.t("争议中", "Disputed"), 2),
            Column::number(w.t("逾期", "Overdue"), 2),
        ],
        rows,
        empty: w.t("没有未结发票。", "No open invoices."),
    };
    let mut closing = Vec::new();
    if letter.lines.iter().any(|l| !l.disputed.amount.is_zero()) {
        closing.push(Block::Text(w.t(
            "争议中的金额在争议解决前不在催收之列，未计入合计。",
            "Amounts in dispute are not asked for until the dispute is settled and are left out of the total.",
        )));
    }
    if !settings.payment_details.is_empty() {
        closing.push(Block::Facts(vec![plain(
            w.t("付款账户", "Pay to"),
            settings.payment_details.clone(),
        )]));
    }
    let mut contact = Vec::new();
    if !settings.phone.is_empty() {
        contact.push(format!("{} {}", w.t("电话", "Phone"), settings.phone));
    }
    if !settings.reply_to.is_empty() {
        contact.push(format!("{} {}", w.t("邮箱", "E-mail"), settings.reply_to));
    }
    if !contact.is_empty() {
        closing.push(Block::Text(format!(
            "{}{}",
            w.t("如有疑问，请联系我们：", "Questions? Contact us: "),
            contact.join(" · ")
        )));
    }
    let mut sections = vec![
        Section {
            title: w.t("概要", "Summary"),
            blocks: vec![Block::Facts(facts), Block::Text(opening)],
        },
        Section {
            title: match letter.kind {
                LetterKind::Statement => w.t("未结发票", "Open invoices"),
                LetterKind::Reminder => w.t("逾期发票", "Overdue invoices"),
            },
            blocks: vec![Block::Table(items)],
        },
    ];
    if !closing.is_empty() {
        sections.push(Section {
            title: w.t("付款方式与联系", "Payment and contact"),
            blocks: closing,
        });
    }
    let footer = if settings.sender.is_empty() {
        format!("{} · {}", title, letter.id)
    } else {
        format!("{} · {} · {}", settings.sender, title, letter.id)
    };
    Doc {
        lang: letter.lang,
        title,
        subtitle: head.join(" · "),
        notice: None,
        sections,
        footer,
    }
}

fn plain(label: String, value: String) -> Fact {
    Fact {
        label,
        value,
        tone: Tone::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ledger::DocRef;
    use crate::engine::open_items::OpenInvoice;
    use crate::{Currency, CustomerId, Money};
    use rust_decimal::Decimal;
    use time::macros::{date, datetime};

    fn reminder(lang: Lang) -> Letter {
        let cny = |n: i64| Money::new(Decimal::from(n), Currency::CNY);
        let invoice = OpenInvoice {
            invoice: DocRef::parse("INV-7").unwrap(),
            order: None,
            issued: date!(2026 - 01 - 02),
            due: date!(2026 - 02 - 01),
            amount: cny(1200),
            open: cny(1000),
            disputed: cny(200),
        };
        Letter::pending(
            "L-1".into(),
            CustomerId::parse("C1").unwrap(),
            LetterKind::Reminder,
            lang,
            (&[invoice], Currency::CNY),
            "system",
            datetime!(2026-03-01 08:00 UTC),
        )
    }

    fn text_of(doc: &Doc) -> String {
        let mut out = vec![doc.title.clone(), doc.subtitle.clone(), doc.footer.clone()];
        for s in &doc.sections {
            out.push(s.title.clone());
            for b in &s.blocks {
                match b {
                    Block::Facts(f) => out.extend(f.iter().map(|f| f.value.clone())),
                    Block::Text(t) => out.push(t.clone()),
                    Block::Table(t) => out.extend(t.rows.iter().flatten().cloned()),
                    Block::Chart(_) => {}
                }
            }
        }
        out.join("\n")
    }

    #[test]
    fn a_reminder_names_the_customer_the_overdue_invoice_and_asks_for_the_undisputed_part() {
        // Arrange
        let to = Addressee {
            name: "华东精密机械有限公司".into(),
            number: "C1".into(),
            ..Addressee::default()
        };
        let settings = LetterSettings {
            sender: "信达贸易".into(),
            payment_details: "工商银行 6222 0000".into(),
            ..LetterSettings::default()
        };

        // Act
        let doc = letter(&reminder(Lang::ZhCn), &to, &settings);
        let text = text_of(&doc);

        // Assert
        assert_eq!(doc.title, "付款提醒函");
        assert!(text.contains("华东精密机械有限公司"), "{text}");
        assert!(text.contains("INV-7"));
        assert!(text.contains("¥800.00"), "{text}");
        assert!(text.contains("争议中的金额"));
        assert!(text.contains("工商银行 6222 0000"));
    }

    #[test]
    fn a_letter_in_english_speaks_english() {
        // Act
        let doc = letter(
            &reminder(Lang::En),
            &Addressee::default(),
            &LetterSettings::default(),
        );

        // Assert
        assert_eq!(doc.title, "Payment reminder");
        assert!(text_of(&doc).contains("past their due date"));
    }
}
