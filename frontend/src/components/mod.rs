//! Pieces the pages share: the app frame and navigation, money, customer cards, notices,
//! the order check, check findings in words, the history chart, bar charts and the scoring lab's charts, the
//! rendering below the fold a task later (`later`), the
//! workflow pieces (form helpers, labels, request lists, the request form, the audit list),
//! and the early-warning and collections pieces (alert and task lines, a customer's
//! collections, and activity lines and task reasons worded in the reader's language), and
//! field errors and problems worded from their codes (`messages`).

pub mod audit_list;
pub mod bar_chart;
pub mod case_words;
pub mod collections;
pub mod customer_card;
pub mod disputes;
pub mod doc_editor;
pub mod download;
pub mod finding;
pub mod form;
pub mod history_chart;
pub mod lab_charts;
pub mod labels;
pub mod later;
pub mod layout;
pub mod letters;
pub mod messages;
pub mod mfa;
pub mod money;
pub mod notice;
pub mod offline;
pub mod order_check;
pub mod orders;
pub mod people;
pub mod request_form;
pub mod request_list;
pub mod table;
pub mod task_forms;
pub mod watch;
pub mod what_if;
pub mod wording;
