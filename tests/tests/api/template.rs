//! One definition of the table: the SAM template must describe exactly the table the
//! code creates locally, and the deployed function must not get local-only powers.

use credence_api::store::schema::table_def;
use serde_yaml::Value;
use std::collections::BTreeSet;

fn template() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../infra/template.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap())
        .expect("template parses as plain YAML")
}

fn key_schema(v: &Value) -> (String, String) {
    let mut hash = String::new();
    let mut range = String::new();
    for k in v.as_sequence().unwrap() {
        let name = k["AttributeName"].as_str().unwrap().to_owned();
        match k["KeyType"].as_str().unwrap() {
            "HASH" => hash = name,
            "RANGE" => range = name,
            other => panic!("key type {other}"),
        }
    }
    (hash, range)
}

#[test]
fn the_sam_table_matches_the_table_the_code_creates() {
    let t = template();
    let def = table_def();

    let table = &t["Resources"]["CredenceTable"];
    let props = &table["Properties"];

    assert_eq!(table["Type"], "AWS::DynamoDB::Table");
    assert_eq!(props["BillingMode"], def.billing_mode);
    let attributes: BTreeSet<(String, String)> = props["AttributeDefinitions"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["AttributeName"].as_str().unwrap().to_owned(),
                a["AttributeType"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = def
        .attributes
        .iter()
        .map(|a| (a.to_string(), "S".to_owned()))
        .collect();
    assert_eq!(attributes, expected);
    assert_eq!(
        key_schema(&props["KeySchema"]),
        (def.hash.to_owned(), def.range.to_owned())
    );
    let indexes: BTreeSet<(String, String, String)> = props["GlobalSecondaryIndexes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|i| {
            assert_eq!(i["Projection"]["ProjectionType"], "ALL");
            let (h, r) = key_schema(&i["KeySchema"]);
            (i["IndexName"].as_str().unwrap().to_owned(), h, r)
        })
        .collect();
    let expected: BTreeSet<(String, String, String)> = def
        .indexes
        .iter()
        .map(|i| (i.name.to_owned(), i.hash.to_owned(), i.range.to_owned()))
        .collect();
    assert_eq!(indexes, expected);
    assert_eq!(
        props["StreamSpecification"]["StreamViewType"],
        def.stream_view
    );
    assert_eq!(
        props["TimeToLiveSpecification"]["AttributeName"],
        def.ttl_attribute
    );
    assert_eq!(props["TimeToLiveSpecification"]["Enabled"], true);
    assert_eq!(
        props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        true
    );
}

#[test]
fn the_deployed_api_function_has_no_local_issuer_and_cannot_scan() {
    let t = template();
    let resources = t["Resources"].as_mapping().unwrap();

    let functions: Vec<&Value> = resources
        .values()
        .filter(|r| r["Type"] == "AWS::Serverless::Function")
        .collect();
    assert!(!functions.is_empty());
    for f in functions {
        let env = &f["Properties"]["Environment"]["Variables"];
        if let Some(vars) = env.as_mapping() {
            assert!(
                !vars
                    .keys()
                    .any(|k| k.as_str().unwrap().starts_with("LOCAL_ISSUER"))
            );
        }
        let text = serde_yaml::to_string(&f["Properties"]["Policies"]).unwrap();
        assert!(
            !text.contains("dynamodb:Scan"),
            "a function may scan: {text}"
        );
        assert!(
            !text.contains("dynamodb:*"),
            "a function has every DynamoDB action"
        );
    }
}

#[test]
fn cognito_has_a_group_for_every_role() {
    let t = template();
    let resources = t["Resources"].as_mapping().unwrap();

    let groups: BTreeSet<String> = resources
        .values()
        .filter(|r| r["Type"] == "AWS::Cognito::UserPoolGroup")
        .map(|g| g["Properties"]["GroupName"].as_str().unwrap().to_owned())
        .collect();

    let roles: BTreeSet<String> = credence_shared::Role::ALL
        .iter()
        .map(|r| r.as_str().to_owned())
        .collect();
    assert_eq!(groups, roles);
}

#[test]
fn cognito_signs_the_app_in_by_code_and_pkce_and_machines_by_the_api_scopes() {
    // Arrange
    let t = template();
    let resources = t["Resources"].as_mapping().unwrap();
    let of_type =
        |kind: &str| -> Vec<&Value> { resources.values().filter(|r| r["Type"] == kind).collect() };

    // Act
    let domains = of_type("AWS::Cognito::UserPoolDomain");
    let client = &t["Resources"]["UserPoolClient"]["Properties"];
    let servers = of_type("AWS::Cognito::UserPoolResourceServer");

    // Assert
    assert_eq!(domains.len(), 1, "a managed-login domain");
    assert_eq!(
        client["AllowedOAuthFlows"],
        serde_yaml::from_str::<Value>("[code]").unwrap()
    );
    assert_eq!(client["AllowedOAuthFlowsUserPoolClient"], Value::Bool(true));
    assert_eq!(
        client["GenerateSecret"],
        Value::Bool(false),
        "a public client"
    );
    assert!(client["AccessTokenValidity"].as_u64().unwrap() <= 15);
    assert_eq!(client["TokenValidityUnits"]["AccessToken"], "minutes");
    let callback = serde_yaml::to_string(&client["CallbackURLs"]).unwrap();
    assert!(callback.contains("/signin/callback"), "{callback}");
    assert_eq!(servers.len(), 1);
    let server = &servers[0]["Properties"];
    let scopes: BTreeSet<String> = server["Scopes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}/{}",
                server["Identifier"].as_str().unwrap(),
                s["ScopeName"].as_str().unwrap()
            )
        })
        .collect();
    let policy: BTreeSet<String> = credence_api::auth::policy::Scope::ALL
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    assert_eq!(
        scopes, policy,
        "the template's scopes are the ones the policy maps"
    );
}

#[test]
fn every_cloudfront_path_sends_the_strict_content_security_policy() {
    // Arrange
    let t = template();
    let distribution = &t["Resources"]["Distribution"]["Properties"]["DistributionConfig"];
    let policy = &t["Resources"]["AppHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"];

    // Act
    let csp = policy["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
        .as_str()
        .unwrap_or_default();
    let mut behaviours = vec![&distribution["DefaultCacheBehavior"]];
    behaviours.extend(distribution["CacheBehaviors"].as_sequence().unwrap());

    // Assert
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
    assert_eq!(policy["FrameOptions"]["FrameOption"], "DENY");
    assert!(
        policy["StrictTransportSecurity"]["AccessControlMaxAgeSec"]
            .as_u64()
            .unwrap()
            >= 31_536_000
    );
    for behaviour in behaviours {
        assert_eq!(
            behaviour["ResponseHeadersPolicyId"]["Ref"], "AppHeadersPolicy",
            "{behaviour:?}"
        );
    }
}

#[test]
fn the_stream_function_reports_failed_records_and_dead_letters_what_keeps_failing() {
    let t = template();
    let resources = &t["Resources"];

    let changes = &resources["WatchStreamFunction"]["Properties"]["Events"]["Changes"];
    let props = &changes["Properties"];
    let dlq = &resources["WatchStreamDeadLetterQueue"];
    let alarms: Vec<&Value> = resources
        .as_mapping()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::CloudWatch::Alarm")
        .collect();

    assert_eq!(changes["Type"], "DynamoDB");
    assert_eq!(
        props["FunctionResponseTypes"][0], "ReportBatchItemFailures",
        "the function's partial batch response must be switched on"
    );
    assert_eq!(
        props["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0],
        "WatchStreamDeadLetterQueue"
    );
    assert_eq!(dlq["Type"], "AWS::SQS::Queue");
    let watched: BTreeSet<&str> = alarms
        .iter()
        .map(|a| a["Properties"]["MetricName"].as_str().unwrap())
        .collect();
    assert!(
        watched.contains("ApproximateNumberOfMessagesVisible"),
        "{watched:?}"
    );
    assert!(watched.contains("IteratorAge"), "{watched:?}");
}
