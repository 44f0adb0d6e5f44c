//! The engine's test vectors in a real browser (headless Chromium through
//! wasm-bindgen-test): the same cases must give the same bytes as natively.
#![cfg(target_arch = "wasm32")]

mod common;
use common::vectors;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_vector_gives_the_expected_answer_byte_for_byte_in_the_browser() {
    let actual = vectors::answers();
    if let Some(diff) = vectors::first_difference(&actual, vectors::EXPECTED) {
        panic!("the engine's answers in the browser differ from vectors/expected.json at {diff}");
    }
}
