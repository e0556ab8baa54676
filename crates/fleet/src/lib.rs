//! Fleet mode's decisions on text, for `pkg-template/fleet.js`: the journal of an earlier
//! run, each instance's plan and the journal's records, all the core's
//! ([`aliyun_es_https_core::fleet`]). A wasm of its own, beside the package's main one
//! (`crates/wasm`), so that only a page that runs fleet mode downloads it: the browser entry
//! fetches it with `fleet.js` on the first `ensureHttpsAll`, and Node loads it then too. Each
//! instance's change is an ensure and each request is paced by the run's rate limiter: those
//! run in the main wasm, with the calls (`crates/wasm/src/ensure.rs`, `steps.rs`).
//!
//! Pure functions of their arguments: no handles, no JS values, no clock.

// The shipped wasm links no std. Natively the crate is empty.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![deny(missing_docs)]

#[cfg(target_arch = "wasm32")]
extern crate alloc;

#[cfg(target_arch = "wasm32")]
mod exports;

/// The package's allocator, as in the main wasm (crates/heap).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: aliyun_es_https_heap::Heap<aliyun_es_https_heap::WasmMemory> =
    aliyun_es_https_heap::Heap::new(aliyun_es_https_heap::WasmMemory);

/// Trap at once, as the main wasm does (no message nobody can read).
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
