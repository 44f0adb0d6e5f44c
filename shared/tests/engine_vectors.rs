//! The engine's test vectors, natively: `vectors/cases.json` through the whole engine must
//! give `vectors/expected.json` byte for byte. The browser runs the same check
//! (`engine_vectors_wasm.rs`). After a deliberate change, rewrite the expected answers with
//! `CREDENCE_BLESS_VECTORS=1 cargo test -p credence-shared --test engine_vectors` and review
//! the diff.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::vectors;

#[test]
fn every_vector_gives_the_expected_answer_byte_for_byte() {
    // Arrange & Act
    let actual = vectors::answers();
    if std::env::var_os("CREDENCE_BLESS_VECTORS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/expected.json");
        std::fs::write(path, &actual).expect("write vectors/expected.json");
        return;
    }
    // Assert
    if let Some(diff) = vectors::first_difference(&actual, vectors::EXPECTED) {
        panic!("the engine's answers differ from vectors/expected.json at {diff}");
    }
}

#[test]
fn the_same_inputs_give_the_same_answers_every_time() {
    assert_eq!(vectors::answers(), vectors::answers());
}
