//! Writing stored items behind the API's back, as a bug of an older version or a manual
//! edit could have left them: a credit file that does not decode, or one holding values the
//! door refuses today. Only for tests of what the code does with such data.

use super::{TestApp, tenant};
use aws_sdk_dynamodb::types::AttributeValue;
use credence_shared::CustomerId;
use serde_json::Value;

fn customer_pk(customer: &str) -> String {
    format!("T#alpha#C#{customer}")
}

impl TestApp {
    /// Replaces the credit file of `customer` (tenant `alpha`) with one that does not decode.
    pub async fn corrupt_credit_file(&self, customer: &str) {
        self.store
            .raw_client()
            .put_item()
            .table_name(self.store.table())
            .item("PK", AttributeValue::S(customer_pk(customer)))
            .item("SK", AttributeValue::S("CREDIT".into()))
            .item("entity", AttributeValue::S("credit".into()))
            .item("version", AttributeValue::N("99".into()))
            .item(
                "state",
                AttributeValue::S("{\"not\": \"a credit file\"".into()),
            )
            .send()
            .await
            .expect("writing a corrupt credit file");
    }

    /// Edits the stored credit state of `customer` (tenant `alpha`) as JSON, keeping its
    /// version; the customer must have a credit file.
    pub async fn edit_credit_state(&self, customer: &str, edit: impl FnOnce(&mut Value)) {
        let client = self.store.raw_client();
        let out = client
            .get_item()
            .table_name(self.store.table())
            .key("PK", AttributeValue::S(customer_pk(customer)))
            .key("SK", AttributeValue::S("CREDIT".into()))
            .consistent_read(true)
            .send()
            .await
            .expect("reading the credit file");
        let mut item = out.item.expect("the customer has a credit file");
        let mut state: Value =
            serde_json::from_str(item["state"].as_s().unwrap()).expect("a credit state");
        edit(&mut state);
        item.insert("state".into(), AttributeValue::S(state.to_string()));
        client
            .put_item()
            .table_name(self.store.table())
            .set_item(Some(item))
            .send()
            .await
            .expect("writing the credit file");
    }

    /// Sets the credit limit in the customer's summary (what the customer list shows).
    pub async fn set_summary_limit(&self, customer: &str, amount: &str) {
        self.store
            .raw_client()
            .update_item()
            .table_name(self.store.table())
            .key("PK", AttributeValue::S(customer_pk(customer)))
            .key("SK", AttributeValue::S("PROFILE".into()))
            .update_expression("SET creditLimit = :l")
            .expression_attribute_values(":l", AttributeValue::N(amount.into()))
            .send()
            .await
            .expect("writing the summary");
    }

    /// The customers of tenant `alpha` the daily pass of `day` would watch (the wake index).
    pub async fn waking_on(&self, day: time::Date) -> Vec<String> {
        let (ids, _) = self
            .store
            .waking(&tenant("alpha"), day)
            .await
            .expect("reading the wake index");
        ids.iter().map(CustomerId::to_string).collect()
    }
}

impl TestApp {
    /// How many items of `customer` (tenant `alpha`) have a sort key starting with `prefix`.
    pub async fn items_under(&self, customer: &str, prefix: &str) -> usize {
        let out = self
            .store
            .raw_client()
            .query()
            .table_name(self.store.table())
            .key_condition_expression("PK = :pk AND begins_with(SK, :p)")
            .expression_attribute_values(":pk", AttributeValue::S(customer_pk(customer)))
            .expression_attribute_values(":p", AttributeValue::S(prefix.into()))
            .select(aws_sdk_dynamodb::types::Select::Count)
            .send()
            .await
            .expect("a count query");
        usize::try_from(out.count).expect("a count")
    }

    /// The idempotency keys of every stored ledger entry of `customer` (tenant `alpha`), in
    /// ledger order: the whole ledger, where the credit view shows only the newest lines.
    pub async fn ledger_keys(&self, customer: &str) -> Vec<String> {
        let id = CustomerId::parse(customer).expect("a customer id");
        self.store
            .get_ledger(&tenant("alpha"), &id)
            .await
            .expect("the stored ledger")
            .into_iter()
            .map(|e| e.idempotency_key)
            .collect()
    }

    /// Deletes the item of `customer` (tenant `alpha`) under sort key `sk`, as a version
    /// that never wrote it would have left the customer.
    pub async fn delete_item(&self, customer: &str, sk: &str) {
        self.store
            .raw_client()
            .delete_item()
            .table_name(self.store.table())
            .key("PK", AttributeValue::S(customer_pk(customer)))
            .key("SK", AttributeValue::S(sk.into()))
            .send()
            .await
            .expect("deleting an item");
    }

    /// Sets the ledger entry count the credit file of `customer` (tenant `alpha`) keeps.
    pub async fn set_ledger_count(&self, customer: &str, entries: u64) {
        self.store
            .raw_client()
            .update_item()
            .table_name(self.store.table())
            .key("PK", AttributeValue::S(customer_pk(customer)))
            .key("SK", AttributeValue::S("CREDIT".into()))
            .update_expression("SET entries = :n")
            .expression_attribute_values(":n", AttributeValue::N(entries.to_string()))
            .send()
            .await
            .expect("writing the ledger count");
    }
}
