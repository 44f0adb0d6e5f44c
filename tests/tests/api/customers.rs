//! Customer search and reads, and tenant isolation.

use crate::helpers::*;

#[tokio::test]
async fn part_of_a_chinese_name_finds_the_customer() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);

    let page = sales.get("/v1/customers?q=%E6%81%92%E9%80%9A").await; // 恒通

    page.assert_status(200);
    let items = page.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], "C1");
    assert_eq!(items[0]["available"]["amount"], "380000");
    assert_eq!(items[0]["credit_limit"]["currency"], "CNY");
}

#[tokio::test]
async fn an_english_word_in_any_case_the_credit_code_and_the_number_find_customers() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);

    let by_word = sales.get("/v1/customers?q=TRADING").await;
    let by_code = sales.get("/v1/customers?q=91350100").await;
    let by_number = sales.get("/v1/customers?q=KH-C3").await;

    assert_eq!(by_word.body["items"][0]["id"], "C2");
    assert_eq!(by_code.body["items"][0]["id"], "C1");
    assert_eq!(by_number.body["items"][0]["id"], "C3");
}

#[tokio::test]
async fn listing_without_a_query_pages_through_customers_by_name() {
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);

    let first = risk.get("/v1/customers?limit=2").await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = risk
        .get(&format!("/v1/customers?limit=2&cursor={cursor}"))
        .await;

    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let second_items = second.body["items"].as_array().unwrap();
    assert_eq!(second_items.len(), 2);
    let mut all: Vec<String> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second_items)
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    all.sort();
    assert_eq!(all, ["C1", "C2", "C3", "C4"]);
}

#[tokio::test]
async fn a_sales_rep_lists_and_finds_only_their_own_customers() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);

    let listed = sales.get("/v1/customers?limit=50").await;
    let found = sales.get("/v1/customers?q=广州").await;
    let read = sales.get("/v1/customers/C4").await;

    let ids: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(!ids.contains(&"C4"));
    assert_eq!(found.body["items"].as_array().unwrap().len(), 0);
    assert_eq!(read.status, 403);
}

#[tokio::test]
async fn search_pages_do_not_repeat_customers() {
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);

    // "kh" starts every customer number (KH-C1, KH-C2).
    let first = risk.get("/v1/customers?q=kh&limit=1").await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = risk
        .get(&format!("/v1/customers?q=kh&limit=1&cursor={cursor}"))
        .await;

    assert_ne!(first.body["items"][0]["id"], second.body["items"][0]["id"]);
}

#[tokio::test]
async fn a_customer_is_read_by_id() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);

    let customer = sales.get("/v1/customers/C2").await;

    assert_eq!(customer.status, 200);
    assert_eq!(customer.body["name"], "上海博远贸易有限公司");
    assert_eq!(customer.body["grade"], "B");
}

#[tokio::test]
async fn another_tenants_customer_is_not_found_rather_than_forbidden() {
    let app = spawn_app().await;
    let intruder = app.intruder();

    let response = intruder.get("/v1/customers/C1").await;

    response.problem(404);
}

#[tokio::test]
async fn another_tenant_sees_none_of_this_tenants_customers_in_lists_or_search() {
    let app = spawn_app().await;
    let intruder = app.intruder();

    let list = intruder.get("/v1/customers").await;
    let search = intruder.get("/v1/customers?q=%E6%81%92%E9%80%9A").await;

    let ids: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["C9"]);
    assert!(search.body["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_cursor_from_another_tenant_is_rejected_as_malformed() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let intruder = app.intruder();
    let first = sales.get("/v1/customers?limit=1").await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();

    let response = intruder
        .get(&format!("/v1/customers?cursor={cursor}"))
        .await;

    response.problem(400);
    assert_eq!(response.problem_field(), "cursor");
}

#[tokio::test]
async fn every_stored_key_of_a_tenant_starts_with_that_tenant() {
    let app = spawn_app().await;

    // A test-only Scan of the test's own table: request paths never scan.
    let out = app
        .store
        .raw_client()
        .scan()
        .table_name(app.store.table())
        .send()
        .await
        .unwrap();

    let items = out.items();
    assert!(items.len() > 10);
    for item in items {
        let pk = item["PK"].as_s().unwrap();
        assert!(
            pk.starts_with("T#alpha#") || pk.starts_with("T#beta#"),
            "{pk}"
        );
    }
}

#[tokio::test]
async fn a_sales_reps_pages_are_full_until_the_last_and_skip_other_reps_customers() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);

    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut path = "/v1/customers?limit=2".to_owned();
    for _ in 0..5 {
        let page = sales.get(&path).await;
        page.assert_status(200);
        pages.push(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned())
                .collect(),
        );
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/customers?limit=2&cursor={cursor}"),
            None => break,
        }
    }

    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes[0], 2, "the first page is full: {pages:?}");
    assert!(
        sizes.iter().all(|&n| n <= 2),
        "no page overshoots: {pages:?}"
    );
    let mut all: Vec<String> = pages.concat();
    all.sort();
    assert_eq!(all, ["C1", "C2", "C3"]);
}
