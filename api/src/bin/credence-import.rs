//! `credence-import`: imports a file (XLSX, XLS or CSV) through the API, for an ERP's
//! nightly job. See `credence_api::import_cli` for what it does; `--help` for the options.
//! Exit status: 0 when every row went in (or was unchanged), 2 when some rows are in error
//! (written to `--errors`), 1 when the import could not run.

use credence_api::import_cli::{parse_args, run};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let today = time::OffsetDateTime::now_utc().date();
    let day = format!(
        "{:04}{:02}{:02}",
        today.year(),
        u8::from(today.month()),
        today.day()
    );
    let options = match parse_args(&args, day) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    match run(&options).await {
        Ok(summary) => {
            let c = summary.counts;
            println!(
                "{}{} rows in {} batches, {} s: {} created, {} updated, {} unchanged, {} in error",
                if options.dry_run { "dry run: " } else { "" },
                summary.rows,
                summary.batches,
                summary.seconds,
                c.created,
                c.updated,
                c.unchanged,
                c.errors
            );
            if options.errors.is_none() {
                for (line, issues) in summary.failures.iter().take(20) {
                    let said: Vec<String> = issues
                        .iter()
                        .map(|i| format!("{}: {}", i.field, i.message))
                        .collect();
                    println!("  line {line}: {}", said.join("; "));
                }
            }
            std::process::exit(if c.errors > 0 { 2 } else { 0 });
        }
        Err(e) => {
            eprintln!("credence-import: {e:#}");
            std::process::exit(1);
        }
    }
}
