//! Where an import's commit is, kept in this browser's localStorage under the file's SHA-256:
//! after a reload, a closed tab or a dropped network, picking the same file again goes on
//! from the next batch.

use credence_shared::import::batch::BatchCounts;

/// Where a commit is: kept in localStorage under the file's SHA-256.
#[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Progress {
    pub(super) run: String,
    pub(super) kind: String,
    #[serde(default)]
    pub(super) file_name: String,
    pub(super) next_batch: u32,
    pub(super) batches: u32,
    pub(super) rows_done: u32,
    pub(super) counts: BatchCounts,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn progress_key(sha: &str) -> String {
    format!("credence.import.{sha}")
}

pub(super) fn saved_progress(sha: &str) -> Option<Progress> {
    let raw = storage()?.get_item(&progress_key(sha)).ok().flatten()?;
    serde_json::from_str(&raw).ok()
}

/// Imports this browser started and did not finish: their file names and kinds.
pub(super) fn unfinished() -> Vec<Progress> {
    let Some(s) = storage() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in 0..s.length().unwrap_or(0) {
        let Some(key) = s.key(i).ok().flatten() else {
            continue;
        };
        if !key.starts_with("credence.import.") {
            continue;
        }
        if let Some(p) = s
            .get_item(&key)
            .ok()
            .flatten()
            .and_then(|raw| serde_json::from_str::<Progress>(&raw).ok())
            .filter(|p| p.next_batch < p.batches)
        {
            out.push(p);
        }
    }
    out
}

pub(super) fn save_progress(sha: &str, p: &Progress) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(p)) {
        let _ = s.set_item(&progress_key(sha), &text);
    }
}
