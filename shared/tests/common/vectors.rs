//! The test vectors, shared by the native and the browser test: every case runs through
//! [`evaluate`] and the answers are written as pretty JSON, to be compared with
//! `vectors/expected.json` byte for byte.

use credence_shared::engine::{
    Evaluation, Policy, Scenario, ScorecardModel, default_model, default_policy, evaluate,
};
use serde::{Deserialize, Serialize};

pub const CASES: &str = include_str!("../../vectors/cases.json");
pub const EXPECTED: &str = include_str!("../../vectors/expected.json");

/// One case: a scenario, and the model and policy to run it with (the defaults when absent).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[allow(dead_code)]
    description: String,
    #[serde(default)]
    model: Option<ScorecardModel>,
    #[serde(default)]
    policy: Option<Policy>,
    scenario: Scenario,
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Answer {
    Evaluation(Box<Evaluation>),
    Error(String),
}

#[derive(Serialize)]
struct Outcome {
    name: String,
    answer: Answer,
}

/// Every case's answer, as the text `vectors/expected.json` must hold.
pub fn answers() -> String {
    let cases: Vec<Case> = serde_json::from_str(CASES).expect("vectors/cases.json reads");
    let outcomes: Vec<Outcome> = cases
        .into_iter()
        .map(|case| {
            let model = case.model.unwrap_or_else(default_model);
            let policy = case.policy.unwrap_or_else(default_policy);
            let answer = match evaluate(&case.scenario, &model, &policy) {
                Ok(evaluation) => Answer::Evaluation(Box::new(evaluation)),
                Err(error) => Answer::Error(error.to_string()),
            };
            Outcome {
                name: case.name,
                answer,
            }
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&outcomes).expect("answers serialise");
    text.push('\n');
    text
}

/// Where two texts first differ, with some context, for a readable failure.
pub fn first_difference(actual: &str, expected: &str) -> Option<String> {
    let at = actual
        .bytes()
        .zip(expected.bytes())
        .position(|(a, b)| a != b)
        .or_else(|| (actual.len() != expected.len()).then(|| actual.len().min(expected.len())))?;
    let line = actual[..at].matches('\n').count() + 1;
    let context = |s: &str| {
        let start = s[..at.min(s.len())].rfind('\n').map_or(0, |i| i + 1);
        s[start..].lines().next().unwrap_or("").to_owned()
    };
    Some(format!(
        "line {line}:\n  actual:   {}\n  expected: {}",
        context(actual),
        context(expected)
    ))
}
