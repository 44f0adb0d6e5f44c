//! `/imports`: bring a file in. The user picks the kind and the file; the browser reads it
//! (XLSX, XLS, CSV in UTF-8 or GBK) with the shared reader, guesses each column from its
//! header (or takes the mapping this header layout was last committed with), shows every
//! row's problems at once as the file is read, dry-runs it against the server, offers the
//! error file, and commits it in batches of up to 500 (a customer's ledger rows together,
//! oldest first: `plan`) with a progress bar. Progress is kept in localStorage by the file's
//! SHA-256: after a reload or a dropped network, picking the same file again goes on from
//! the next batch (every row is idempotent, so a batch sent twice changes nothing).

use std::sync::Arc;

use credence_shared::import::{
    batch::{Batch, BatchCounts, BatchRow, ImportRun, RowOutcome, RunInfo, layout_of, sha256_hex},
    cells::DayOrder,
    columns::{ImportKind, guess, missing},
    events::read_row,
    file::{FileFormat, Sheet, SheetRow, TextEncoding, read_file_keeping},
    keep::{Keep, holds, mapped_names},
    plan,
    rows::{ReadOptions, RowIssue},
};
use leptos::prelude::*;

use super::import_progress::{Progress, save_progress, saved_progress, unfinished};
use crate::api;
use crate::components::download::{download, download_bytes};
use crate::components::notice::ErrorNotice;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::session::use_session;

/// The kinds a user can import here (outcomes are the scoring lab's: risk and admins; the
/// server refuses anyone else by role, like every kind).
const KINDS: [ImportKind; 6] = [
    ImportKind::Customers,
    ImportKind::OpenItems,
    ImportKind::Ledger,
    ImportKind::ExchangeRates,
    ImportKind::Signals,
    ImportKind::Outcomes,
];

fn kind_key(kind: ImportKind) -> String {
    kind.as_str().to_owned()
}

fn kind_label(kind: ImportKind, zh: bool) -> &'static str {
    match (kind, zh) {
        (ImportKind::Customers, true) => "客户主数据（含额度）",
        (ImportKind::Customers, false) => "Customers (with credit lines)",
        (ImportKind::OpenItems, true) => "未清发票（切换日）",
        (ImportKind::OpenItems, false) => "Open items (cut-over)",
        (ImportKind::Ledger, true) => "往来明细（订单、发票、收款、红字…）",
        (ImportKind::Ledger, false) => "Ledger history (orders, invoices, payments, credit notes…)",
        (ImportKind::ExchangeRates, true) => "汇率",
        (ImportKind::ExchangeRates, false) => "Exchange rates",
        (ImportKind::Signals, true) => "外部信号（诉讼、被执行…）",
        (ImportKind::Signals, false) => "External signals (lawsuits, enforcement…)",
        (ImportKind::Outcomes, true) => "好坏结果（评分卡实验室）",
        (ImportKind::Outcomes, false) => "Outcomes (for the scoring lab)",
    }
}

/// A field's name for the mapping screen (the template's header too).
fn field_label(key: &str, zh: bool) -> String {
    credence_shared::import::columns::label(key, zh).to_owned()
}

/// A row problem in the reader's language: its code worded like a form's field error, with
/// the reader's exact detail after it in Chinese (which amount, which invoice); the detail
/// alone when the code has no wording that stands without parameters.
fn worded(issue: &RowIssue, locale: Locale) -> String {
    match crate::components::messages::word_code(locale, &issue.code, &Default::default()) {
        Some(w) if !w.contains('{') && locale == Locale::zh_CN => {
            format!("{w}（{}）", issue.message)
        }
        Some(w) if !w.contains('{') => w,
        _ => issue.message.clone(),
    }
}

/// What a row's problems say, each after the column it is in.
fn said(issues: &[RowIssue], headers: &[String], locale: Locale) -> String {
    let zh = locale == Locale::zh_CN;
    issues
        .iter()
        .map(|i| {
            let column = i
                .column
                .and_then(|c| headers.get(c).cloned())
                .unwrap_or_else(|| field_label(&i.field, zh));
            format!("{column}: {}", worded(i, locale))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The rows in error, read here and refused by the server, once per line (in file order).
fn all_failures(local: Vec<Failure>, server: Vec<Failure>) -> Vec<Failure> {
    let mut all = local;
    all.extend(server);
    all.sort_by_key(|f| f.line);
    all.dedup_by_key(|f| f.line);
    all
}

/// A file read in the browser.
struct Loaded {
    name: String,
    sha: String,
    sheet: Sheet,
}

/// One row's problems, for the list and the error file (which reads the row again, whole:
/// a file with every row in error is not held twice).
#[derive(Clone, PartialEq)]
struct Failure {
    line: u32,
    issues: Vec<RowIssue>,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The error file: the original header and rows with an error column, as CSV with a BOM
/// (Excel opens it in the reader's language); cells that start like a formula neutralised.
fn error_file(whole: &Sheet, failures: &[Failure], locale: Locale) -> String {
    let zh = locale == Locale::zh_CN;
    let headers = &whole.headers;
    let quote = |c: &str| {
        let c = credence_shared::export::safe_cell(c);
        format!("\"{}\"", c.replace('"', "\"\""))
    };
    let mut out = String::from("\u{feff}");
    let mut head: Vec<String> = vec![quote(if zh { "行号" } else { "Line" })];
    head.extend(headers.iter().map(|h| quote(h)));
    head.push(quote(if zh { "错误" } else { "Errors" }));
    out.push_str(&head.join(","));
    out.push_str("\r\n");
    for f in failures {
        let mut row = vec![f.line.to_string()];
        if let Ok(at) = whole.rows.binary_search_by_key(&f.line, |r| r.line) {
            row.extend(whole.rows[at].cells.iter().map(quote));
        }
        row.push(quote(&said(&f.issues, headers, locale)));
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[component]
pub fn ImportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let zh = move || i18n.get_locale() == Locale::zh_CN;
    let kind = RwSignal::new(ImportKind::Customers);
    let day_order = RwSignal::new(DayOrder::DayFirst);
    let encoding = RwSignal::new(None::<TextEncoding>);
    let bytes = StoredValue::new(None::<(String, Vec<u8>)>);
    let loaded = RwSignal::new(None::<Arc<Loaded>>);
    let file_error = RwSignal::new(None::<String>);
    let mapping = RwSignal::new(Vec::<Option<&'static str>>::new());
    let dry = RwSignal::new(None::<BatchCounts>);
    let server_failures = RwSignal::new(Vec::<Failure>::new());
    let progress = RwSignal::new(None::<Progress>);
    // When this page started committing, and how many rows were done then (a resumed import
    // counts its speed from here).
    let started = StoredValue::new((0.0_f64, 0u32));
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<api::ApiError>);
    let history = LocalResource::new(move || api::import_runs(session));

    // Reads the picked bytes again keeping the columns `map` reads, when the sheet read
    // does not hold one of them (the user or the saved mapping chose another column).
    let hold = move |map: &[Option<&'static str>]| {
        let Some(file) = loaded.get_untracked() else {
            return;
        };
        if holds(file.sheet.kept.as_deref(), &file.sheet.headers, map) {
            return;
        }
        let names = mapped_names(&file.sheet.headers, map);
        let mapped = |_: &[String]| names.clone();
        let keep = Keep {
            columns: Some(&mapped),
            lines: None,
        };
        // Read where the bytes are: a 100 MB file is not copied to be read.
        let read = bytes.with_value(|b| {
            b.as_ref()
                .map(|(_, data)| read_file_keeping(data, encoding.get_untracked(), keep))
        });
        if let Some(Ok(sheet)) = read {
            loaded.set(Some(Arc::new(Loaded {
                name: file.name.clone(),
                sha: file.sha.clone(),
                sheet,
            })));
        }
    };
    // Reads the picked bytes (again when the encoding is changed by hand), keeping of a big
    // file the columns the guessed mapping reads.
    let read = move || {
        let guessed =
            |headers: &[String]| mapped_names(headers, &guess(kind.get_untracked(), headers));
        let keep = Keep {
            columns: Some(&guessed),
            lines: None,
        };
        let read = bytes.with_value(|b| {
            b.as_ref().map(|(name, data)| {
                let sheet = read_file_keeping(data, encoding.get_untracked(), keep);
                (name.clone(), sheet.map(|s| (s, sha256_hex(data))))
            })
        });
        let Some((name, read)) = read else {
            return;
        };
        dry.set(None);
        server_failures.set(Vec::new());
        match read {
            Err(e) => {
                file_error.set(Some(e.to_string()));
                loaded.set(None);
            }
            Ok((sheet, sha)) => {
                file_error.set(None);
                let layout = layout_of(kind.get_untracked(), &sheet.headers);
                mapping.set(guess(kind.get_untracked(), &sheet.headers));
                progress
                    .set(saved_progress(&sha).filter(|p| p.kind == kind_key(kind.get_untracked())));
                loaded.set(Some(Arc::new(Loaded { name, sha, sheet })));
                leptos::task::spawn_local(async move {
                    if let Ok(Some(saved)) = api::import_mapping(session, &layout).await
                        && saved.kind == kind.get_untracked()
                    {
                        let fields = kind.get_untracked().fields();
                        let map: Vec<Option<&'static str>> = saved
                            .mapping
                            .iter()
                            .map(|m| {
                                m.as_deref()
                                    .and_then(|k| fields.iter().find(|f| f.key == k))
                                    .map(|f| f.key)
                            })
                            .collect();
                        hold(&map);
                        mapping.set(map);
                    }
                });
            }
        }
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(file) = crate::components::form::picked_file(&ev) else {
            return;
        };
        let name = file.name();
        leptos::task::spawn_local(async move {
            match crate::components::form::file_bytes(&file).await {
                Some(data) => {
                    bytes.set_value(Some((name, data)));
                    read();
                }
                None => file_error.set(Some("the file could not be read".into())),
            }
        });
    };

    let options = move || ReadOptions {
        day_order: day_order.get(),
        currency: credence_shared::Currency::parse("CNY").expect("CNY is a currency"),
        today: crate::components::form::today(),
    };
    // Every row read in the browser with the current mapping: the instant check.
    let local = Memo::new(move |_| {
        let Some(file) = loaded.get() else {
            return (0usize, Vec::<Failure>::new());
        };
        let map = mapping.get();
        let opts = options();
        let mut ok = 0;
        let mut failures = Vec::new();
        for row in &file.sheet.rows {
            let issues = if row.problems.is_empty() {
                match read_row(kind.get(), &map, &row.cells, &opts) {
                    Ok(_) => {
                        ok += 1;
                        continue;
                    }
                    Err(issues) => issues,
                }
            } else {
                row.problems.clone()
            };
            failures.push(Failure {
                line: row.line,
                issues,
            });
        }
        (ok, failures)
    });
    let missing_fields = move || missing(kind.get(), &mapping.get());
    // Rows the file itself shows a problem in (a formula, a merged cell): never sent.
    let file_problems = move || {
        loaded.with(|f| {
            f.as_ref().map_or(0, |f| {
                f.sheet
                    .rows
                    .iter()
                    .filter(|r| !r.problems.is_empty())
                    .count() as u32
            })
        })
    };

    // The batches the server gets: all rows but those whose file shows a problem, in the
    // order and batches `plan` gives (a customer's ledger rows together, oldest first), as
    // positions in the sheet: a batch's wire rows are made only when it is sent.
    let sendable = move |file: &Loaded| -> Vec<Vec<usize>> {
        let ok: Vec<usize> = (0..file.sheet.rows.len())
            .filter(|&i| file.sheet.rows[i].problems.is_empty())
            .collect();
        let rows: Vec<&SheetRow> = ok.iter().map(|&i| &file.sheet.rows[i]).collect();
        let mapping: Vec<Option<String>> = mapping
            .get_untracked()
            .iter()
            .map(|m| m.map(str::to_owned))
            .collect();
        plan::batches(
            kind.get_untracked(),
            &mapping,
            day_order.get_untracked(),
            &rows,
        )
        .into_iter()
        .map(|b| b.into_iter().map(|j| ok[j]).collect())
        .collect()
    };
    let wire = |file: &Loaded, positions: &[usize]| -> Vec<BatchRow> {
        positions
            .iter()
            .map(|&i| BatchRow {
                line: file.sheet.rows[i].line,
                cells: file.sheet.rows[i].cells.to_vec(),
            })
            .collect()
    };
    let batch_of = move |rows: &[BatchRow], dry_run: bool, run: Option<RunInfo>| Batch {
        dry_run,
        mapping: mapping
            .get_untracked()
            .iter()
            .map(|m| m.map(str::to_owned))
            .collect(),
        day_order: day_order.get_untracked(),
        currency: None,
        run,
        rows: rows.to_vec(),
    };
    let collect = move |rows: &[BatchRow],
                        results: &[credence_shared::import::batch::RowResult]| {
        let failed: Vec<Failure> = results
            .iter()
            .zip(rows)
            .filter(|(r, _)| r.outcome == RowOutcome::Error)
            .map(|(r, row)| Failure {
                line: row.line,
                issues: r.issues.clone(),
            })
            .collect();
        server_failures.update(|all| all.extend(failed));
    };

    let dry_run = move |_| {
        let Some(file) = loaded.get_untracked() else {
            return;
        };
        busy.set(true);
        failure.set(None);
        server_failures.set(Vec::new());
        leptos::task::spawn_local(async move {
            let batches = sendable(&file);
            let mut counts = BatchCounts::default();
            for positions in &batches {
                let chunk = wire(&file, positions);
                match api::import_batch(
                    session,
                    kind.get_untracked(),
                    &batch_of(&chunk, true, None),
                )
                .await
                {
                    Ok(result) => {
                        counts.merge(&result.counts);
                        collect(&chunk, &result.results);
                    }
                    Err(e) => {
                        failure.set(Some(e));
                        break;
                    }
                }
            }
            dry.set(Some(counts));
            busy.set(false);
        });
    };

    let commit = move |_| {
        let Some(file) = loaded.get_untracked() else {
            return;
        };
        busy.set(true);
        failure.set(None);
        server_failures.set(Vec::new());
        started.set_value((
            now_ms(),
            progress.get_untracked().map_or(0, |p| p.rows_done),
        ));
        leptos::task::spawn_local(async move {
            let planned = sendable(&file);
            let rows_total: usize = planned.iter().map(Vec::len).sum();
            let batches = planned.len() as u32;
            let unfinished = progress
                .get_untracked()
                .filter(|p| p.next_batch < p.batches);
            let mut p = unfinished.unwrap_or_else(|| Progress {
                run: format!("{}-{}", &file.sha[..16], now_ms() as u64),
                kind: kind_key(kind.get_untracked()),
                file_name: file.name.clone(),
                ..Progress::default()
            });
            p.batches = batches;
            let layout = layout_of(kind.get_untracked(), &file.sheet.headers);
            for (n, positions) in planned.iter().enumerate().skip(p.next_batch as usize) {
                let chunk = wire(&file, positions);
                let run = RunInfo {
                    id: p.run.clone(),
                    file_name: file.name.chars().take(255).collect(),
                    sha256: file.sha.clone(),
                    layout: layout.clone(),
                    batch: n as u32,
                    rows_total: rows_total as u32,
                };
                match api::import_batch(
                    session,
                    kind.get_untracked(),
                    &batch_of(&chunk, false, Some(run)),
                )
                .await
                {
                    Ok(result) => {
                        p.counts.merge(&result.counts);
                        p.rows_done += chunk.len() as u32;
                        p.next_batch = n as u32 + 1;
                        collect(&chunk, &result.results);
                        save_progress(&file.sha, &p);
                        progress.set(Some(p.clone()));
                    }
                    Err(e) => {
                        failure.set(Some(e));
                        break;
                    }
                }
            }
            busy.set(false);
            history.refetch();
        });
    };

    let download_errors = move |_| {
        let Some(file) = loaded.get_untracked() else {
            return;
        };
        let all = all_failures(local.get_untracked().1, server_failures.get_untracked());
        // The rows in error read again, whole.
        let lines: std::collections::BTreeSet<u32> = all.iter().map(|f| f.line).collect();
        let keep = Keep {
            columns: None,
            lines: Some(&lines),
        };
        let read = bytes.with_value(|b| {
            b.as_ref()
                .map(|(_, data)| read_file_keeping(data, encoding.get_untracked(), keep))
        });
        let Some(Ok(whole)) = read else {
            return;
        };
        let name = format!("{}.errors.csv", file.name);
        download(
            &name,
            &error_file(&whole, &all, i18n.get_locale_untracked()),
        );
    };

    view! {
        <div class="page page-imports">
            <h1 class="page-title">{t!(i18n, imports_title)}</h1>
            {unfinished().into_iter().map(|p| {
                let kind = KINDS.iter().find(|k| kind_key(**k) == p.kind).copied();
                view! {
                    <p class="notice" data-testid="import-unfinished">
                        {t!(i18n, imports_unfinished)} " " <strong>{p.file_name.clone()}</strong>
                        {kind.map(|k| format!(" · {}", kind_label(k, zh())))}
                        {format!(" · {}/{}", p.next_batch, p.batches)}
                    </p>
                }
            }).collect_view()}
            <section class="card section form import-pick">
                <div class="field">
                    <label for="import-kind">{t!(i18n, imports_kind)}</label>
                    <select id="import-kind" data-testid="import-kind"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(k) = KINDS.iter().find(|k| kind_key(**k) == v) {
                                kind.set(*k);
                                read();
                            }
                        }>
                        {KINDS.iter().map(|k| {
                            let key = kind_key(*k);
                            let k = *k;
                            view! { <option value=key selected=move || kind.get() == k>{move || kind_label(k, zh())}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="button" class="button button-ghost" data-testid="import-template"
                    on:click=move |_| {
                        let key = kind_key(kind.get_untracked());
                        let lang = if zh() { "zh" } else { "en" };
                        leptos::task::spawn_local(async move {
                            match api::import_template(session, &key, lang).await {
                                Ok(bytes) => download_bytes(
                                    &format!("credence-{key}-template.xlsx"),
                                    &bytes,
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                ),
                                Err(e) => failure.set(Some(e)),
                            }
                        });
                    }>{t!(i18n, imports_template)}</button>
                <div class="field">
                    <label for="import-file">{t!(i18n, imports_file)}</label>
                    <input id="import-file" data-testid="import-file" type="file"
                        accept=".xlsx,.xls,.csv,.txt" on:change=on_file />
                    <p class="muted">{t!(i18n, imports_file_hint)}</p>
                    {move || file_error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="import-file-error">{e}</p> })}
                </div>
                <div class="field">
                    <label for="import-encoding">{t!(i18n, imports_encoding)}</label>
                    <select id="import-encoding" data-testid="import-encoding"
                        on:change=move |ev| {
                            encoding.set(match event_target_value(&ev).as_str() {
                                "utf8" => Some(TextEncoding::Utf8),
                                "gb18030" => Some(TextEncoding::Gb18030),
                                _ => None,
                            });
                            read();
                        }>
                        <option value="auto">{t!(i18n, imports_encoding_auto)}</option>
                        <option value="utf8">"UTF-8"</option>
                        <option value="gb18030">"GBK / GB18030"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="import-day-order">{t!(i18n, imports_day_order)}</label>
                    <select id="import-day-order" on:change=move |ev| {
                        day_order.set(if event_target_value(&ev) == "month" { DayOrder::MonthFirst } else { DayOrder::DayFirst });
                    }>
                        <option value="day">"05.01.2026 = 2026-01-05"</option>
                        <option value="month">"01.05.2026 = 2026-01-05"</option>
                    </select>
                </div>
            </section>
            {move || loaded.get().map(|file| {
                let headers = file.sheet.headers.clone();
                let samples: Vec<Vec<String>> = file.sheet.rows.iter().take(3).map(|r| r.cells.to_vec()).collect();
                let format = match file.sheet.format {
                    FileFormat::Xlsx => "XLSX".to_owned(),
                    FileFormat::Xls => "XLS".to_owned(),
                    FileFormat::Csv { encoding, delimiter } => format!(
                        "CSV · {} · {}",
                        match encoding { TextEncoding::Utf8 => "UTF-8", TextEncoding::Utf8Bom => "UTF-8 BOM", TextEncoding::Gb18030 => "GBK/GB18030" },
                        match delimiter { '\t' => "Tab".to_owned(), d => d.to_string() },
                    ),
                };
                view! {
                    <section class="card section import-mapping" data-testid="import-mapping">
                        <h2>{t!(i18n, imports_mapping)}</h2>
                        <p class="muted" data-testid="import-file-facts">
                            {file.name.clone()} " · " {format} " · " {file.sheet.rows.len().to_string()} " " {t!(i18n, imports_rows)}
                        </p>
                        <div class="table-scroll">
                            <table class="table">
                                <thead><tr>
                                    <th>{t!(i18n, imports_column)}</th>
                                    <th>{t!(i18n, imports_field)}</th>
                                    <th class="sample">{t!(i18n, imports_sample)}</th>
                                </tr></thead>
                                <tbody>
                                    {headers.iter().enumerate().map(|(i, h)| {
                                        let sample = samples.iter().filter_map(|r| r.get(i).cloned()).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" · ");
                                        view! {
                                            <tr>
                                                <td>{h.clone()}<small class="sample-inline muted">{sample.clone()}</small></td>
                                                <td>
                                                    <select data-testid=format!("map-{i}") aria-label=h.clone()
                                                        on:change=move |ev| {
                                                            let v = event_target_value(&ev);
                                                            let key = kind.get_untracked().fields().iter().find(|f| f.key == v).map(|f| f.key);
                                                            let mut m = mapping.get_untracked();
                                                            if key.is_some() {
                                                                for other in m.iter_mut() { if *other == key { *other = None; } }
                                                            }
                                                            if let Some(slot) = m.get_mut(i) { *slot = key; }
                                                            hold(&m);
                                                            mapping.set(m);
                                                        }>
                                                        <option value="" selected=move || mapping.with(|m| m.get(i).copied().flatten().is_none())>{move || if zh() { "— 不导入 —" } else { "— skip —" }}</option>
                                                        {move || kind.get().fields().iter().map(|f| {
                                                            let key = f.key;
                                                            let required = if f.required { " *" } else { "" };
                                                            view! { <option value=key selected=move || mapping.with(|m| m.get(i).copied().flatten() == Some(key))>{field_label(key, zh())}{required}</option> }
                                                        }).collect_view()}
                                                    </select>
                                                </td>
                                                <td class="muted sample">{sample}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {move || {
                            let gone = missing_fields();
                            (!gone.is_empty()).then(|| view! {
                                <p class="field-error" role="alert" data-testid="import-missing">
                                    {t!(i18n, imports_missing)} " " {gone.iter().map(|k| field_label(k, zh())).collect::<Vec<_>>().join("、")}
                                </p>
                            })
                        }}
                    </section>
                    <section class="card section import-check" data-testid="import-check">
                        <h2>{t!(i18n, imports_check)}</h2>
                        <p data-testid="import-local">
                            {move || { let (ok, bad) = local.get(); format!("{} {ok} · {} {}", t_string!(i18n, imports_readable), t_string!(i18n, imports_errors), bad.len()) }}
                        </p>
                        <ul class="import-errors" data-testid="import-error-list">
                            {move || {
                                let headers = loaded.get().map(|f| f.sheet.headers.clone()).unwrap_or_default();
                                let locale = i18n.get_locale();
                                all_failures(local.get().1, server_failures.get()).into_iter().take(20).map(|f| {
                                    let text = said(&f.issues, &headers, locale);
                                    view! { <li><span class="mono">{format!("#{}", f.line)}</span> " " {text}</li> }
                                }).collect_view()
                            }}
                        </ul>
                        {move || dry.get().map(|c| view! {
                            <p class="import-dry" data-testid="import-dry">
                                {t!(i18n, imports_dry_result)} " "
                                {format!("{} {} · {} {} · {} {} · {} {}",
                                    t_string!(i18n, imports_created), c.created,
                                    t_string!(i18n, imports_updated), c.updated,
                                    t_string!(i18n, imports_unchanged), c.unchanged,
                                    t_string!(i18n, imports_errors), c.errors + file_problems())}
                            </p>
                        })}
                        <div class="actions">
                            <button type="button" class="button" data-testid="import-dry-run"
                                disabled=move || busy.get() || !missing_fields().is_empty()
                                on:click=dry_run>{t!(i18n, imports_dry_run)}</button>
                            <button type="button" class="button button-ghost" data-testid="import-error-file"
                                on:click=download_errors>{t!(i18n, imports_error_file)}</button>
                            <button type="button" class="button button-primary" data-testid="import-commit"
                                disabled=move || busy.get() || !missing_fields().is_empty()
                                on:click=commit>
                                {move || if progress.with(|p| p.as_ref().is_some_and(|p| p.next_batch > 0 && p.next_batch < p.batches)) {
                                    t_string!(i18n, imports_resume)
                                } else {
                                    t_string!(i18n, imports_commit)
                                }}
                            </button>
                        </div>
                        {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
                        {move || progress.get().map(|p| {
                            let total = p.batches.max(1);
                            let share = p.next_batch.min(total) * 100 / total;
                            let (since, rows_before) = started.get_value();
                            let elapsed = ((now_ms() - since) / 1000.0).max(0.001);
                            let rate = (p.rows_done.saturating_sub(rows_before) as f64 / elapsed).round();
                            let left_rows = file.sheet.rows.len().saturating_sub(p.rows_done as usize) as f64;
                            let left = if rate > 0.0 { (left_rows / rate).ceil() } else { 0.0 };
                            view! {
                                <div class="import-progress" data-testid="import-progress">
                                    <progress max="100" value=share.to_string()></progress>
                                    <p>
                                        {format!("{} {} · {rate} {} · {left} s", p.rows_done, t_string!(i18n, imports_rows), t_string!(i18n, imports_rows_per_second))}
                                    </p>
                                    <p data-testid="import-counts">
                                        {format!("{} {} · {} {} · {} {} · {} {}",
                                            t_string!(i18n, imports_created), p.counts.created,
                                            t_string!(i18n, imports_updated), p.counts.updated,
                                            t_string!(i18n, imports_unchanged), p.counts.unchanged,
                                            t_string!(i18n, imports_errors), p.counts.errors)}
                                    </p>
                                    {(p.next_batch >= p.batches && p.counts.created + p.counts.updated == 0).then(|| view! {
                                        <p class="notice" data-testid="import-nothing-changed">{t!(i18n, imports_nothing_changed)}</p>
                                    })}
                                </div>
                            }
                        })}
                    </section>
                }
            })}
            <section class="card section import-history">
                <h2>{t!(i18n, imports_history)}</h2>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match history.await {
                            Ok(runs) => view! { <History runs /> }.into_any(),
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

#[component]
fn History(runs: Vec<ImportRun>) -> impl IntoView {
    let i18n = use_i18n();
    let zh = move || i18n.get_locale() == Locale::zh_CN;
    view! {
        <ul class="import-runs" data-testid="import-history">
            {runs.into_iter().map(|r| {
                let c = r.counts;
                view! {
                    <li>
                        <strong>{r.file_name.clone()}</strong> " · " {kind_label(r.kind, zh())} " · " {r.started_by.clone()} " · "
                        <span class="mono">{r.started_at.chars().take(16).collect::<String>()}</span>
                        <br />
                        <span class="muted">
                            {format!("{} {} · {} {} · {} {} · {} {} · SHA-256 {}…",
                                t_string!(i18n, imports_created), c.created,
                                t_string!(i18n, imports_updated), c.updated,
                                t_string!(i18n, imports_unchanged), c.unchanged,
                                t_string!(i18n, imports_errors), c.errors,
                                &r.sha256[..12.min(r.sha256.len())])}
                        </span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
