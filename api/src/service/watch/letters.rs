//! Letters to customers: a dunning step that asks for one (or a collector) writes it as
//! *pending* (an outbox, in the same transaction as the step); the delivery worker
//! ([`send_letters_due`]) lays it out, renders and keeps its PDF, sends it through the
//! deployment's [`Mailer`](crate::mail::Mailer) and marks it sent with a line in the
//! customer's activity — in one guarded write, so a concurrent worker's attempt stands.
//! A letter for a customer without an e-mail address is kept to print and post.

use credence_shared::dto::FieldError;
use credence_shared::engine::open_items::OpenInvoice;
use credence_shared::report::{Addressee, Lang};
use credence_shared::watch::{
    Activity, ActivityDetail, ActivityKind, DunningLadder, DunningSummary, Letter, LetterKind,
    LetterSettings, LetterStatus, NewLetter, backoff_seconds, looks_like_email,
};
use credence_shared::{Currency, CustomerId, TenantId};
use time::{Duration, OffsetDateTime};
use tracing::instrument;

use super::{parse_customer, unique};
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::mail::Mail;
use crate::service::{Ctx, tenant};
use crate::store::StoreError;

/// The most letters one tenant sends per run (the rest wait for the next run).
pub const LETTERS_PER_RUN: usize = 25;

/// The most attempts of one letter before it is marked failed.
pub const MAX_LETTER_ATTEMPTS: u32 = 6;

fn new_letter(
    id: &CustomerId,
    kind: LetterKind,
    items: (&[OpenInvoice], Currency),
    lang: Lang,
    now: OffsetDateTime,
    by: &str,
) -> Letter {
    let letter_id = format!("L{}{}", now.unix_timestamp(), unique());
    Letter::pending(letter_id, id.clone(), kind, lang, items, by, now)
}

/// The letter today's dunning steps ask for, pending (`None`: no step asks for one, or
/// nothing is left to ask for).
pub(super) fn from_dunning(
    id: &CustomerId,
    (invoices, currency): (&[OpenInvoice], Currency),
    summary: &DunningSummary,
    ladder: &DunningLadder,
    now: OffsetDateTime,
) -> Option<Letter> {
    let kind = summary.letter()?;
    let mut letter = new_letter(
        id,
        kind,
        (invoices, currency),
        ladder.letters.lang,
        now,
        "system",
    );
    letter.step = Some(summary.strongest);
    (!letter.lines.is_empty()).then_some(letter)
}

/// `POST /v1/customers/{id}/letters`: a statement or reminder sent by hand, now (the
/// delivery worker retries it if the mail service fails). Sent again with its key, it
/// answers the letter made the first time and `false`.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn send_letter(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    body: NewLetter,
) -> Result<(Letter, bool), ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::SendLetters)?;
    body.validate().map_err(ApiError::Validation)?;
    let key = body.idempotency_key.trim();
    if let Some(seen) = ctx.store.letter_by_key(&who.tenant, &id, key).await? {
        return Ok((seen, false));
    }
    let record = ctx.store.get_credit(&who.tenant, &id).await?;
    let Some(record) = record else {
        return Err(ApiError::field(
            "kind",
            credence_shared::messages::code::CUSTOMER_NO_ACCOUNT,
            "the customer has no account yet",
        ));
    };
    let ladder = tenant::document::<DunningLadder>(ctx.store, &who.tenant).await?;
    let state = &record.state;
    let mut letter = new_letter(
        &id,
        body.kind,
        (&state.open_items.invoices, state.currency),
        ladder.letters.lang,
        ctx.clock.now(),
        &who.username,
    );
    if letter.lines.is_empty() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "kind",
            credence_shared::messages::code::NOT_APPLICABLE,
            match body.kind {
                LetterKind::Statement => "the customer has no open invoices",
                LetterKind::Reminder => "the customer has no overdue invoices",
            },
        )]));
    }
    letter.to = body.to.iter().map(|t| t.trim().to_owned()).collect();
    let mut writes = ctx.store.watch_writes();
    writes.new_letter(&who.tenant, &letter, key)?;
    match writes.commit().await {
        Ok(_) => {}
        Err(StoreError::ConditionFailed) => {
            let seen = ctx.store.letter_by_key(&who.tenant, &id, key).await?;
            return seen.map(|l| (l, false)).ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("letter key {key} failed its condition"))
            });
        }
        Err(e) => return Err(e.into()),
    }
    let sent = send_one(ctx, &who.tenant, &ladder.letters, letter.clone()).await?;
    Ok((sent.unwrap_or(letter), true))
}

/// Sends the tenant's letters that are due (at most [`LETTERS_PER_RUN`]). Runs in the
/// delivery worker. Returns how many went out (sent, or kept to post).
#[instrument(level = "debug", skip_all, fields(tenant = %tenant))]
pub async fn send_letters_due(ctx: &Ctx<'_>, tenant: &TenantId) -> Result<u32, ApiError> {
    let pending = ctx.store.pending_letters(tenant, ctx.clock.now()).await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let ladder = tenant::document::<DunningLadder>(ctx.store, tenant).await?;
    let mut done = 0;
    for (_, letter) in pending.into_iter().take(LETTERS_PER_RUN) {
        if letter.status != LetterStatus::Pending {
            continue;
        }
        if let Some(l) = send_one(ctx, tenant, &ladder.letters, letter).await?
            && l.status != LetterStatus::Pending
        {
            done += 1;
        }
    }
    Ok(done)
}

/// One attempt at `letter`: the PDF made and kept, the mail sent, the letter rewritten
/// (with an activity line once it is settled). `None` when a concurrent attempt won.
async fn send_one(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    settings: &LetterSettings,
    mut letter: Letter,
) -> Result<Option<Letter>, ApiError> {
    let now = ctx.clock.now();
    let customer = ctx
        .store
        .get_customer(tenant, &letter.customer_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let master = customer.master.as_ref();
    let contacts: Vec<(String, String)> = master
        .map(|m| {
            m.contacts
                .iter()
                .filter(|c| looks_like_email(c.email.trim()))
                .map(|c| (c.name.clone(), c.email.trim().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let to: Vec<String> = if letter.to.is_empty() {
        contacts.iter().map(|(_, e)| e.clone()).collect()
    } else {
        letter.to.clone()
    };
    let addressee = Addressee {
        name: customer.name.clone(),
        number: customer.number.clone(),
        address: master.and_then(|m| m.address.clone()),
        attention: contacts
            .iter()
            .find(|(_, e)| to.first() == Some(e))
            .map(|(n, _)| n.clone()),
    };
    let doc = credence_shared::report::letter(&letter, &addressee, settings);
    let title = doc.title.clone();
    letter.attempts += 1;
    let expected = letter.version;
    letter.version += 1;
    let made = tokio::task::spawn_blocking(move || crate::pdf::pdf(&doc))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let outcome: Result<Option<String>, (String, bool)> = match made {
        Err(e) => Err((e.to_string(), true)),
        Ok(pdf) => {
            letter.pdf_bytes = pdf.len() as u32;
            ctx.store
                .put_letter_pdf(tenant, &letter.customer_id, &letter.id, &pdf)
                .await?;
            if to.is_empty() {
                Ok(None)
            } else {
                let mail = Mail {
                    id: letter.id.clone(),
                    to: to.clone(),
                    reply_to: (!settings.reply_to.is_empty()).then(|| settings.reply_to.clone()),
                    from_name: settings.sender.clone(),
                    subject: format!("{title} · {} · {}", customer.name, letter.id),
                    text: body_text(&letter, &customer.name, settings),
                    attachment: Some((format!("{}.pdf", letter.id), pdf)),
                };
                match ctx.egress.mailer().send(&mail).await {
                    Ok(message_id) => Ok(Some(message_id)),
                    Err(e) => Err((e.to_string(), e.retryable())),
                }
            }
        }
    };
    match outcome {
        Ok(message_id) => {
            letter.status = if message_id.is_some() {
                LetterStatus::Sent
            } else {
                LetterStatus::NoAddress
            };
            letter.message_id = message_id;
            letter.error = None;
            letter.sent_at = Some(now);
            letter.to = to;
        }
        Err((error, retry)) => {
            letter.error = Some(error);
            if retry && letter.attempts < MAX_LETTER_ATTEMPTS {
                letter.next_attempt_at = now
                    .checked_add(Duration::seconds(backoff_seconds(letter.attempts as usize)))
                    .unwrap_or(now);
            } else {
                letter.status = LetterStatus::Failed;
            }
        }
    }
    let mut writes = ctx.store.watch_writes();
    writes.letter(tenant, &letter, Some(expected))?;
    if letter.status != LetterStatus::Pending {
        writes.activity(tenant, &letter.customer_id, &activity_of(&letter, now))?;
    }
    match writes.commit().await {
        Ok(_) => Ok(Some(letter)),
        Err(StoreError::ConditionFailed) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The mail's text: the letter in a few lines (the PDF is the letter).
fn body_text(letter: &Letter, name: &str, settings: &LetterSettings) -> String {
    let total = credence_shared::money::format_money(&letter.total);
    let sender = if settings.sender.is_empty() {
        String::new()
    } else {
        format!("\n\n{}", settings.sender)
    };
    match (letter.lang, letter.kind) {
        (Lang::ZhCn, LetterKind::Statement) => format!(
            "{name}：\n\n附件是截至 {} 的对账单（{} 张未结发票，应付合计 {total}），请核对。{sender}",
            letter.date,
            letter.lines.len()
        ),
        (Lang::ZhCn, LetterKind::Reminder) => format!(
            "{name}：\n\n截至 {}，{} 张发票已逾期，合计 {total}，明细见附件。请尽快安排付款；如已付款，请告知付款日期。{sender}",
            letter.date,
            letter.lines.len()
        ),
        (Lang::En, LetterKind::Statement) => format!(
            "Dear {name},\n\nAttached is your statement of account as of {} ({} open invoices, {total} due). Please check it against your records.{sender}",
            letter.date,
            letter.lines.len()
        ),
        (Lang::En, LetterKind::Reminder) => format!(
            "Dear {name},\n\nAs of {}, {} invoices totalling {total} are past due; the attached letter lists them. Please arrange payment promptly, or tell us when you paid.{sender}",
            letter.date,
            letter.lines.len()
        ),
    }
}

fn activity_of(letter: &Letter, now: OffsetDateTime) -> Activity {
    let what = letter.kind.as_str();
    let text = match letter.status {
        LetterStatus::Sent => format!(
            "{what} letter {} sent to {}",
            letter.id,
            letter.to.join(", ")
        ),
        LetterStatus::NoAddress => {
            format!(
                "{what} letter {} kept to post: no e-mail address",
                letter.id
            )
        }
        _ => format!(
            "{what} letter {} not sent: {}",
            letter.id,
            letter.error.as_deref().unwrap_or("")
        ),
    };
    Activity {
        at: now,
        kind: ActivityKind::Letter,
        by: letter.by.clone(),
        text,
        detail: ActivityDetail {
            amount: Some(letter.total),
            count: Some(letter.lines.len() as u32),
            letter: Some(letter.kind),
            letter_status: Some(letter.status),
            reference: Some(letter.id.clone()),
            owner: (!letter.to.is_empty()).then(|| letter.to.join(", ")),
            action: letter.step,
            ..ActivityDetail::default()
        },
    }
}

/// Letters list invoices: for people who work collections and see invoice detail.
async fn may_read(ctx: &Ctx<'_>, who: &Principal, id: &CustomerId) -> Result<(), ApiError> {
    crate::service::customers::visible_customer(ctx, who, id).await?;
    policy::require(who, Action::WorkCollections)?;
    policy::require(who, Action::SeeInvoiceDetail)
}

/// `GET /v1/customers/{id}/letters`: the customer's letters, newest first.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn letters(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
) -> Result<Vec<Letter>, ApiError> {
    let id = parse_customer(raw_id)?;
    may_read(ctx, who, &id).await?;
    Ok(ctx.store.customer_letters(&who.tenant, &id, 100).await?)
}

/// `GET /v1/customers/{id}/letters/{letter}/pdf`: the PDF as it was sent.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn letter_pdf(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    letter: &str,
) -> Result<Vec<u8>, ApiError> {
    let id = parse_customer(raw_id)?;
    may_read(ctx, who, &id).await?;
    ctx.store
        .letter_pdf(&who.tenant, &id, letter)
        .await?
        .ok_or(ApiError::NotFound)
}
