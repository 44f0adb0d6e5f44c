//! Pieces the pages share: the app frame and navigation, money, customer cards, notices,
//! the order check, check findings in words and the history chart.

pub mod customer_card;
pub mod finding;
pub mod history_chart;
pub mod layout;
pub mod money;
pub mod notice;
pub mod order_check;
