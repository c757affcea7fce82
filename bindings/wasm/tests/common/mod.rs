//! Shared by the test files: the fixture schemas (typed serde) and, in the browser and Node
//! suites, small helpers to read JavaScript results.

#![allow(dead_code)]

pub mod fixtures;

#[cfg(target_arch = "wasm32")]
pub mod js;
