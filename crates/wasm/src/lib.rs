//! `aliyun-es-https` for JavaScript: the synchronous steps the package's JS driver performs.
//!
//! Everything that decides lives in `aliyun-es-https-core` (validation, endpoints, signing,
//! parsing, the call's and the ensure's state machines, fleet plans and journals). This crate
//! reads options from JS, keeps calls and ensures under way in tables named by handles, reads
//! the clock, draws random nonces, and turns results and errors into JS values. It never
//! awaits: the driver (`pkg-template/driver.js`, `fleet.js`) sends with `fetch` (or the
//! package's Node transport), runs the timers and listens to signals, reporting each outcome
//! back — so a call crosses into the wasm a few times and no Rust future awaits a JS promise.
//!
//! - [`client`]: client configurations (a JS `Client` holds one's handle), `configure`, the
//!   default client; `handles`: the tables of what the JS holds by number;
//! - `steps`: one call as steps (start, sign, answer, failure, wait, finish) and fleet pacing;
//! - `ensure`: `ensureHttps` as steps, each look and change a call (fleet mode's changes too;
//!   its journal, plans and records are a wasm of their own, `crates/fleet`);
//! - [`sign_request`]: `signOpenHttps`, a signed request without sending it;
//! - `config`, `credentials`: reading options and credentials from JS;
//! - `random`: nonces and clientTokens from `crypto.getRandomValues`;
//! - `errors`, `js`: JS errors and small JS helpers.

// The shipped wasm links no std: no std panic and formatting machinery. Natively the crate is
// empty.
#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]
#![deny(missing_docs)]
#![allow(clippy::result_large_err)]

#[cfg(target_arch = "wasm32")]
extern crate alloc;

/// What std's prelude would give every module.
#[cfg(target_arch = "wasm32")]
mod prelude {
    pub use aliyun_es_https_core::cat;
    pub use alloc::string::String;
    pub use alloc::vec::Vec;
}

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
mod config;
#[cfg(target_arch = "wasm32")]
mod credentials;
#[cfg(target_arch = "wasm32")]
mod ensure;
#[cfg(target_arch = "wasm32")]
mod errors;
#[cfg(target_arch = "wasm32")]
mod handles;
#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(target_arch = "wasm32")]
mod random;
#[cfg(target_arch = "wasm32")]
pub mod sign_request;
#[cfg(target_arch = "wasm32")]
mod steps;

#[cfg(target_arch = "wasm32")]
pub use client::{configure, configured};
#[cfg(target_arch = "wasm32")]
pub use sign_request::sign_open_https;

/// The option and result types of the JS surface, for the generated `.d.ts`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("types.d.ts");

/// State of the one wasm thread: a static that is `Sync` because nothing else can reach it.
#[cfg(target_arch = "wasm32")]
struct OneThread<T>(T);

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("built for one thread: OneThread state would be shared between threads");

// SAFETY: without the `atomics` target feature a wasm instance runs on exactly one thread, so a
// `OneThread` is never reached from two threads.
#[cfg(target_arch = "wasm32")]
unsafe impl<T> Sync for OneThread<T> {}

#[cfg(target_arch = "wasm32")]
impl<T> core::ops::Deref for OneThread<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The package's allocator (crates/heap: size classes, each a free list) instead of std's
/// dlmalloc: a call's few dozen short-lived texts cost a handful of instructions each, and the
/// wasm is several KB smaller.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: aliyun_es_https_heap::Heap<aliyun_es_https_heap::WasmMemory> =
    aliyun_es_https_heap::Heap::new(aliyun_es_https_heap::WasmMemory);

/// Without std the wasm brings its own panic handler: trap at once, as std's
/// `panic = "abort"` would, without formatting a message nobody can read. Tests link std and
/// use its handler.
#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
