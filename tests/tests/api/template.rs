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

/// A parameter's default, for a value that is `Ref: Parameter`.
fn default_of(t: &Value, value: &Value) -> f64 {
    let name = value["Ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{value:?} is not a parameter"));
    t["Parameters"][name]["Default"]
        .as_f64()
        .unwrap_or_else(|| panic!("parameter {name} has no number default"))
}

/// The operations the API serves, from the reviewed snapshot of its OpenAPI description
/// (`the_openapi_operations_are_the_documented_list`, in meta.rs).
fn served_operations() -> BTreeSet<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/api/snapshots/api__meta__openapi_operations.snap"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let json = &text[text.find('[').expect("the snapshot holds a JSON list")..];
    serde_json::from_str(json).unwrap()
}

/// An HTTP API event's route key, `METHOD /path`.
fn route_key(event: &Value) -> Option<String> {
    (event["Type"] == "HttpApi").then(|| {
        format!(
            "{} {}",
            event["Properties"]["Method"]
                .as_str()
                .unwrap()
                .to_uppercase(),
            event["Properties"]["Path"].as_str().unwrap()
        )
    })
}

fn routes_of(t: &Value, function: &str) -> BTreeSet<String> {
    t["Resources"][function]["Properties"]["Events"]
        .as_mapping()
        .unwrap_or_else(|| panic!("{function} has no events"))
        .values()
        .filter_map(route_key)
        .collect()
}

#[test]
fn the_office_function_gets_exactly_the_office_routes_and_the_api_function_everything_else() {
    // Arrange
    let t = template();
    let office = credence_api::router::office_operations();

    // Act
    let to_office = routes_of(&t, "OfficeFunction");
    let to_api = routes_of(&t, "ApiFunction");

    // Assert
    assert_eq!(to_office, office);
    assert!(to_api.contains("ANY /{proxy+}"), "{to_api:?}");
    assert_eq!(to_api.intersection(&to_office).count(), 0);
    let office = &t["Resources"]["OfficeFunction"]["Properties"];
    assert_eq!(office["CodeUri"], "../target/lambda/office/");
    assert_eq!(
        office["Environment"]["Variables"]["CREDENCE_REPORT_FONTS"],
        "/opt/fonts"
    );
    assert_eq!(office["Layers"][0]["Ref"], "ReportFontLayer");
}

#[test]
fn the_api_stage_throttles_every_route_and_the_expensive_ones_tighter() {
    // Arrange
    let t = template();
    let api = &t["Resources"]["HttpApi"]["Properties"];
    let events: Vec<&Value> = ["ApiFunction", "OfficeFunction"]
        .iter()
        .flat_map(|f| {
            t["Resources"][f]["Properties"]["Events"]
                .as_mapping()
                .unwrap()
                .values()
        })
        .collect();
    let expensive = [
        "POST /v1/imports/{kind}",
        "GET /v1/exports/{what}",
        "GET /v1/audit/export",
        "POST /v1/lab/sample",
        "POST /v1/lab/fits",
        "POST /v1/lab/challengers/comparison",
        "POST /v1/admin/engine-versions/preview",
        "POST /v1/admin/regrade",
        "POST /v1/watch/run",
    ];
    let credit = [
        "POST /v1/customers/{id}/credit-check",
        "GET /v1/customers/{id}/credit",
    ];

    // Act
    let default = &api["DefaultRouteSettings"];
    let default_rate = default_of(&t, &default["ThrottlingRateLimit"]);
    let default_burst = default_of(&t, &default["ThrottlingBurstLimit"]);
    let per_route = api["RouteSettings"].as_mapping().unwrap();
    let limits = |route: &str| -> (f64, f64) {
        let settings = &per_route
            .get(route)
            .unwrap_or_else(|| panic!("{route} has no throttle of its own"));
        (
            default_of(&t, &settings["ThrottlingRateLimit"]),
            default_of(&t, &settings["ThrottlingBurstLimit"]),
        )
    };
    let routes: BTreeSet<String> = events.into_iter().filter_map(route_key).collect();
    let served = served_operations();

    // Assert
    assert!(default_rate >= 1.0 && default_burst >= default_rate);
    for route in expensive {
        let (rate, burst) = limits(route);
        assert!(rate < default_rate, "{route} is not tighter: {rate}/s");
        assert!(
            burst < default_burst,
            "{route} is not tighter: burst {burst}"
        );
        assert!(
            rate >= 1.0 && burst >= rate,
            "{route}: {rate}/s, burst {burst}"
        );
    }
    for route in credit {
        let (rate, burst) = limits(route);
        assert!(rate >= default_rate, "{route} is tighter: {rate}/s");
        assert!(burst >= default_burst, "{route} is tighter: burst {burst}");
    }
    for route in per_route.keys().map(|k| k.as_str().unwrap()) {
        assert!(
            routes.contains(route),
            "{route} is throttled but is no route of the HTTP API (the stage would not deploy)"
        );
        assert!(
            served.contains(route),
            "{route} is not an operation of the API"
        );
    }
}

#[test]
fn the_api_function_may_manage_people_in_its_own_user_pool_and_nowhere_else() {
    // Arrange
    let t = template();
    let statements = t["Resources"]["ApiFunction"]["Properties"]["Policies"][0]["Statement"]
        .as_sequence()
        .unwrap()
        .clone();

    // Act
    let directory = statements
        .iter()
        .find(|s| s["Sid"] == "CredenceUserDirectory")
        .expect("a statement for the user directory");
    let actions: BTreeSet<&str> = directory["Action"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();

    // Assert: what api/src/directory/cognito.rs calls, on the stack's pool only.
    for action in [
        "cognito-idp:AdminCreateUser",
        "cognito-idp:AdminGetUser",
        "cognito-idp:AdminListGroupsForUser",
        "cognito-idp:AdminAddUserToGroup",
        "cognito-idp:AdminRemoveUserFromGroup",
        "cognito-idp:AdminDisableUser",
        "cognito-idp:AdminEnableUser",
        "cognito-idp:AdminUserGlobalSignOut",
        "cognito-idp:AdminSetUserMFAPreference",
    ] {
        assert!(actions.contains(action), "{action} missing");
    }
    assert!(actions.iter().all(|a| !a.contains('*')), "{actions:?}");
    assert_eq!(
        directory["Resource"][0]["Fn::GetAtt"][0], "UserPool",
        "only the stack's own user pool"
    );
}

#[test]
fn the_api_gateway_authorizer_accepts_the_app_and_the_machine_clients_the_operator_names() {
    // Arrange
    let t = template();
    let jwt = &t["Resources"]["HttpApi"]["Properties"]["Auth"]["Authorizers"]["CognitoJwt"]["JwtConfiguration"];

    // Act
    let audience = &jwt["audience"]["Fn::If"];
    let with_machines = serde_yaml::to_string(&audience[1]).unwrap();
    let app_only = &audience[2];

    // Assert
    assert_eq!(audience[0], "HasMachineClients");
    assert!(
        with_machines.contains("${UserPoolClient},${MachineClientIds}"),
        "{with_machines}"
    );
    assert_eq!(app_only[0]["Ref"], "UserPoolClient");
    assert_eq!(t["Parameters"]["MachineClientIds"]["Default"], "");
}

#[test]
fn multi_factor_sign_in_with_an_authenticator_app_is_offered_and_can_be_required() {
    // Arrange
    let t = template();
    let pool = &t["Resources"]["UserPool"]["Properties"];

    // Act
    let modes: Vec<&str> = t["Parameters"]["MfaMode"]["AllowedValues"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();

    // Assert
    assert_eq!(pool["MfaConfiguration"]["Ref"], "MfaMode");
    assert_eq!(modes, ["OPTIONAL", "ON"]);
    assert_eq!(pool["EnabledMfas"][0], "SOFTWARE_TOKEN_MFA");
}
