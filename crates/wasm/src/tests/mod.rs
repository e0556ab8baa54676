//! The wasm tests, run by wasm-bindgen-test in Node and in headless Chromium against the
//! emulator (`EMULATOR_URL`, set by scripts/test.sh when building them). They are unit tests
//! of this crate because the crate is only a cdylib (see Cargo.toml), and they use only its
//! public JS surface.

mod api;
mod common;
mod faults;
mod hygiene;
