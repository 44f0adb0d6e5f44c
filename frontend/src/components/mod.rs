//! Pieces the pages share: the app frame and navigation, money, customer cards, notices.

pub mod customer_card;
pub mod layout;
pub mod money;
pub mod notice;
