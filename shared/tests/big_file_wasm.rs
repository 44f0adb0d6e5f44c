//! Wasm memory for reading a big XLSX as the browser does (the picked file copied into wasm
//! memory, read keeping the seven columns an import maps), in headless Chromium. A
//! measurement, not part of the suite: compiled only with `--cfg credence_big_file` and the
//! workbook `cargo bench -p credence-api --bench big_file` writes:
//!
//! ```text
//! CREDENCE_BIG_FILE=$PWD/target/tmp/ledger-1000000.xlsx RUSTFLAGS="--cfg credence_big_file" \
//!   CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=~/.cargo/bin/wasm-bindgen-test-runner \
//!   CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=600 \
//!   cargo test --release -p credence-shared --features files \
//!   --target wasm32-unknown-unknown --test big_file_wasm -- --nocapture
//! ```
//!
//! It prints the wasm memory the read grew by (the file's copy included).
#![cfg(all(target_arch = "wasm32", credence_big_file))]

use credence_shared::import::file::read_file_keeping;
use credence_shared::import::keep::{Keep, mapped_names};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

static FILE: &[u8] = include_bytes!(env!("CREDENCE_BIG_FILE"));

#[wasm_bindgen_test]
fn reading_a_big_workbook_keeping_the_mapped_columns_grows_wasm_memory_by() {
    let before = core::arch::wasm32::memory_size(0) * 65536;
    // The browser copies the picked file into wasm memory, as `imports.rs` does.
    let bytes = FILE.to_vec();
    let fields = [
        "customer",
        "",
        "type",
        "document",
        "date",
        "due",
        "amount",
        "currency",
        "applies_to",
    ];
    let mapping: Vec<Option<String>> = fields
        .iter()
        .map(|m| (!m.is_empty()).then(|| (*m).to_owned()))
        .collect();
    let mapped = |h: &[String]| mapped_names(h, &mapping);
    let keep = Keep {
        columns: Some(&mapped),
        lines: None,
    };
    let sheet = read_file_keeping(&bytes, None, keep).unwrap();
    let grown = core::arch::wasm32::memory_size(0) * 65536 - before;
    console_log!(
        "{} rows of a {:.1} MB workbook: wasm memory grew by {} MB",
        sheet.rows.len(),
        bytes.len() as f64 / 1e6,
        grown / 1_000_000
    );
    assert!(!sheet.rows.is_empty());
}
