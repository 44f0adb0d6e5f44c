//! File imports, the part both sides run: reading cells as people write them ([`cells`])
//! and guessing which column holds which field from its header, in Chinese or English
//! ([`columns`]). The browser reads a dropped file with these and shows every row's errors
//! at once; the server reads each batch again with the same code before it writes.

pub mod batch;
pub mod cells;
pub mod columns;
pub mod events;
#[cfg(feature = "files")]
pub mod file;
#[cfg(feature = "files")]
pub mod keep;
pub mod plan;
pub mod rows;
