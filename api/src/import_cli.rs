//! `credence-import`: the command-line importer an ERP's nightly job runs. It reads a file
//! with the same shared reader as the browser (`credence_shared::import::file`), maps its
//! columns (given, remembered for this header layout, or guessed), and posts it to
//! `POST /v1/imports/{kind}` in batches of 500 with a bearer token, like the import screen:
//! every row is idempotent by its key, and the run id is the file's SHA-256 and the day, so
//! the same file again the same day resumes its run in the history without counting a batch
//! twice, and a crashed job simply runs again.

use anyhow::{Context, Result, anyhow, bail};
use credence_shared::import::{
    batch::{
        Batch, BatchCounts, BatchResult, BatchRow, RowOutcome, RunInfo, SavedMapping, layout_of,
        sha256_of,
    },
    cells::DayOrder,
    columns::{ImportKind, guess, missing},
    file::{Sheet, TextEncoding, read_from},
    keep::{Keep, mapped_names},
    plan,
    rows::RowIssue,
};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What the command was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The API's base URL (`https://credit.example.com`).
    pub api: String,
    /// A bearer token (a machine user's), or `None` to sign in with `credentials`.
    pub token: Option<String>,
    pub credentials: Option<(String, String)>,
    pub kind: ImportKind,
    pub file: PathBuf,
    /// The field of each column, in order (`-` to skip one); `None` to use the mapping
    /// remembered for this header layout, or the guess.
    pub mapping: Option<Vec<Option<String>>>,
    pub dry_run: bool,
    pub day_order: DayOrder,
    pub encoding: Option<TextEncoding>,
    /// Where to write the rows in error (CSV with a BOM); none: they are printed.
    pub errors: Option<PathBuf>,
    /// Today as `YYYYMMDD`, part of the run id.
    pub day: String,
}

/// What the import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub counts: BatchCounts,
    pub rows: usize,
    pub batches: usize,
    pub seconds: u64,
    /// Line and problems of each row in error.
    pub failures: Vec<(u32, Vec<RowIssue>)>,
}

const USAGE: &str = "usage: credence-import --api URL --kind KIND --file PATH \
[--token TOKEN | --username U --password P] [--mapping f1,f2,-,...] [--dry-run] \
[--month-first] [--encoding utf8|gb18030] [--errors OUT.csv]
  KIND: customers, open_items, ledger, exchange_rates, signals
  the token may also come from CREDENCE_TOKEN";

/// Reads the command line (without the program name).
pub fn parse_args(args: &[String], day: String) -> Result<Options> {
    let mut it = args.iter();
    let mut api = None;
    let mut token = std::env::var("CREDENCE_TOKEN").ok();
    let (mut username, mut password) = (None, None);
    let mut kind = None;
    let mut file = None;
    let mut mapping = None;
    let mut dry_run = false;
    let mut day_order = DayOrder::DayFirst;
    let mut encoding = None;
    let mut errors = None;
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| anyhow!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--api" => api = Some(value()?),
            "--token" => token = Some(value()?),
            "--username" => username = Some(value()?),
            "--password" => password = Some(value()?),
            "--kind" => {
                let k = value()?;
                kind = Some(ImportKind::parse(&k).ok_or_else(|| {
                    anyhow!(
                        "unknown kind {k}
{USAGE}"
                    )
                })?);
            }
            "--file" => file = Some(PathBuf::from(value()?)),
            "--mapping" => {
                mapping = Some(
                    value()?
                        .split(',')
                        .map(|f| {
                            let f = f.trim();
                            (!f.is_empty() && f != "-").then(|| f.to_owned())
                        })
                        .collect(),
                );
            }
            "--dry-run" => dry_run = true,
            "--month-first" => day_order = DayOrder::MonthFirst,
            "--encoding" => {
                encoding = Some(match value()?.as_str() {
                    "utf8" | "utf-8" => TextEncoding::Utf8,
                    "gbk" | "gb18030" => TextEncoding::Gb18030,
                    other => bail!("unknown encoding {other}: utf8 or gb18030"),
                });
            }
            "--errors" => errors = Some(PathBuf::from(value()?)),
            "--help" | "-h" => bail!("{USAGE}"),
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    let credentials = username.zip(password);
    if token.is_none() && credentials.is_none() {
        bail!("give --token (or CREDENCE_TOKEN), or --username and --password\n{USAGE}");
    }
    Ok(Options {
        api: api
            .ok_or_else(|| anyhow!("--api is required\n{USAGE}"))?
            .trim_end_matches('/')
            .to_owned(),
        token,
        credentials,
        kind: kind.ok_or_else(|| anyhow!("--kind is required\n{USAGE}"))?,
        file: file.ok_or_else(|| anyhow!("--file is required\n{USAGE}"))?,
        mapping,
        dry_run,
        day_order,
        encoding,
        errors,
        day,
    })
}

struct Client {
    http: reqwest::Client,
    api: String,
    token: String,
}

impl Client {
    async fn connect(options: &Options) -> Result<Client> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()?;
        let token = match (&options.token, &options.credentials) {
            (Some(t), _) => t.clone(),
            (None, Some((user, password))) => {
                let answer: serde_json::Value = http
                    .post(format!("{}/auth/token", options.api))
                    .json(&serde_json::json!({"username": user, "password": password}))
                    .send()
                    .await?
                    .error_for_status()
                    .context("signing in")?
                    .json()
                    .await?;
                answer["access_token"]
                    .as_str()
                    .ok_or_else(|| anyhow!("no access token in the answer"))?
                    .to_owned()
            }
            (None, None) => bail!("no token"),
        };
        Ok(Client {
            http,
            api: options.api.clone(),
            token,
        })
    }

    async fn saved_mapping(&self, layout: &str) -> Result<Option<SavedMapping>> {
        let response = self
            .http
            .get(format!("{}/v1/imports/mappings/{layout}", self.api))
            .bearer_auth(&self.token)
            .send()
            .await?;
        Ok(response.error_for_status()?.json().await?)
    }

    /// Posts one batch; a dropped connection or a 5xx/429 is tried again (a batch is
    /// idempotent), a refusal is the answer.
    async fn post(&self, kind: ImportKind, batch: &Batch) -> Result<BatchResult> {
        let kind = kind.as_str();
        let mut wait = Duration::from_millis(500);
        for attempt in 1.. {
            let sent = self
                .http
                .post(format!("{}/v1/imports/{kind}", self.api))
                .bearer_auth(&self.token)
                .json(batch)
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() => return Ok(r.json().await?),
                Ok(r) if (r.status().is_server_error() || r.status() == 429) && attempt < 5 => {}
                Ok(r) => {
                    let status = r.status();
                    let body = r.text().await.unwrap_or_default();
                    bail!("the API refused the batch ({status}): {body}");
                }
                Err(e) if attempt < 5 => eprintln!("batch failed ({e}); trying again"),
                Err(e) => return Err(e.into()),
            }
            tokio::time::sleep(wait).await;
            wait *= 2;
        }
        unreachable!("the loop returns")
    }
}

/// The error file: the original header and rows with the line and an error column, as CSV
/// with a BOM; cells that start like a formula neutralised.
fn error_csv(sheet: &Sheet, failed: &[(u32, Vec<RowIssue>)]) -> Result<Vec<u8>> {
    let headers = &sheet.headers;
    let cells_of = |line: u32| {
        sheet
            .rows
            .binary_search_by_key(&line, |r| r.line)
            .map(|at| sheet.rows[at].cells.to_vec())
            .unwrap_or_default()
    };
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let mut head = vec!["line".to_owned()];
        head.extend(headers.iter().cloned());
        head.push("errors".to_owned());
        w.write_record(credence_shared::export::safe_row(head))?;
        for (line, issues) in failed {
            let cells = cells_of(*line);
            let said: Vec<String> = issues
                .iter()
                .map(|i| {
                    let column = i
                        .column
                        .and_then(|c| headers.get(c).cloned())
                        .unwrap_or_else(|| i.field.clone());
                    format!("{column}: {}", i.message)
                })
                .collect();
            let mut row = vec![line.to_string()];
            row.extend(cells.iter().cloned());
            row.push(said.join("; "));
            w.write_record(credence_shared::export::safe_row(row))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// Runs an import.
pub async fn run(options: &Options) -> Result<Summary> {
    let started = Instant::now();
    // Read from the disk each time, never held whole: the header first, then the file
    // again keeping only the columns the mapping reads (a spreadsheet is unzipped as it is
    // read), and at the end the rows in error, whole.
    let open = || -> Result<std::io::BufReader<std::fs::File>> {
        let file = std::fs::File::open(&options.file)
            .with_context(|| format!("reading {}", options.file.display()))?;
        Ok(std::io::BufReader::new(file))
    };
    let none = BTreeSet::new();
    let headers = read_from(open()?, options.encoding, Keep::header_only(&none))?.headers;
    let client = Client::connect(options).await?;
    let layout = layout_of(options.kind, &headers);
    let mapping: Vec<Option<String>> = match &options.mapping {
        Some(m) => m.clone(),
        None => match client.saved_mapping(&layout).await? {
            Some(saved) if saved.kind == options.kind => saved.mapping,
            _ => guess(options.kind, &headers)
                .into_iter()
                .map(|m| m.map(str::to_owned))
                .collect(),
        },
    };
    let as_keys: Vec<Option<&str>> = mapping.iter().map(|m| m.as_deref()).collect();
    let gone = missing(options.kind, &as_keys);
    if !gone.is_empty() {
        bail!(
            "no column holds {}; the headers are {:?}; give --mapping",
            gone.join(", "),
            headers
        );
    }
    let names = mapped_names(&headers, &mapping);
    let mapped = |_: &[String]| names.clone();
    let sheet = read_from(
        open()?,
        options.encoding,
        Keep {
            columns: Some(&mapped),
            lines: None,
        },
    )?;
    let mut failed: Vec<(u32, Vec<RowIssue>)> = Vec::new();
    let mut rows = Vec::with_capacity(sheet.rows.len());
    for row in sheet.rows {
        if row.problems.is_empty() {
            rows.push(row);
        } else {
            failed.push((row.line, row.problems));
        }
    }
    let sha = sha256_of(open()?)?;
    let file_name = options
        .file
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(255).collect())
        .unwrap_or_else(|| "file".to_owned());
    let mut summary = Summary {
        rows: rows.len() + failed.len(),
        ..Summary::default()
    };
    summary.counts.errors = u32::try_from(failed.len()).unwrap_or(u32::MAX);
    let rows_total = rows.len();
    let batches = plan::batches(options.kind, &mapping, options.day_order, &rows);
    let mut sent = 0;
    for (n, positions) in batches.iter().enumerate() {
        let chunk: Vec<BatchRow> = positions
            .iter()
            .map(|&i| BatchRow {
                line: rows[i].line,
                cells: rows[i].cells.to_vec(),
            })
            .collect();
        let run = (!options.dry_run).then(|| RunInfo {
            id: format!("cli-{}-{}", &sha[..16], options.day),
            file_name: file_name.clone(),
            sha256: sha.clone(),
            layout: layout.clone(),
            batch: u32::try_from(n).unwrap_or(u32::MAX),
            rows_total: u32::try_from(rows_total).unwrap_or(u32::MAX),
        });
        let batch = Batch {
            dry_run: options.dry_run,
            mapping: mapping.clone(),
            day_order: options.day_order,
            currency: None,
            run,
            rows: chunk.clone(),
        };
        let result = client.post(options.kind, &batch).await?;
        summary.counts.merge(&result.counts);
        summary.batches += 1;
        sent += chunk.len();
        for (r, row) in result.results.into_iter().zip(chunk) {
            if r.outcome == RowOutcome::Error {
                failed.push((row.line, r.issues));
            }
        }
        eprintln!(
            "batch {}/{}: {} of {} rows",
            n + 1,
            batches.len(),
            sent,
            rows_total
        );
    }
    failed.sort_by_key(|f| f.0);
    if let Some(path) = &options.errors
        && !failed.is_empty()
    {
        // The rows in error read again, whole.
        let lines: BTreeSet<u32> = failed.iter().map(|f| f.0).collect();
        let whole = read_from(
            open()?,
            options.encoding,
            Keep {
                columns: None,
                lines: Some(&lines),
            },
        )?;
        std::fs::write(path, error_csv(&whole, &failed)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    summary.failures = failed;
    summary.seconds = started.elapsed().as_secs();
    Ok(summary)
}
