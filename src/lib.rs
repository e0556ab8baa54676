//! Turn on HTTPS for an Alibaba Cloud Elasticsearch instance with the `OpenHttps` API.
//!
//! The core is pure: it validates input, resolves the endpoint, signs the request
//! (V3 `ACS3-HMAC-SHA256` or V1 ROA `HMAC-SHA1`) and parses the answer, with no I/O, so it
//! compiles and is tested natively. The `wasm` module (wasm32 only) is the thin layer that
//! reads the clock, calls `fetch` and turns results into JS values.
//!
//! One call, step by step:
//! 1. [`request::OpenHttpsRequest::new`] checks the instance id and clientToken;
//! 2. [`endpoint::Endpoint::resolve`] picks the host from region, network or endpoint;
//! 3. [`signing::sign`] returns the URL and headers to send, given a time and a nonce;
//! 4. [`response::parse`] turns the status and body into a result or an [`error::Error`].

#![no_std]
#![deny(missing_docs)]
// `Error` keeps the service's fields as plain `Option<String>`s (144 bytes). Errors are the
// rare path of a call that waits on the network; readable fields beat boxing here.
#![allow(clippy::result_large_err)]

// no_std so that the shipped wasm carries no std panic and formatting machinery (see the
// panic handler below); natively std is still linked, for threads and tests.
extern crate alloc;
#[cfg(any(test, not(target_arch = "wasm32")))]
extern crate std;

/// What std's prelude would give every module.
mod prelude {
    pub use alloc::borrow::ToOwned;
    #[cfg(test)]
    pub use alloc::format;
    pub use alloc::string::{String, ToString};
    #[cfg(test)]
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

/// Declares state private to the current thread, used as `NAME.with(|value| …)`.
///
/// Natively this is std's `thread_local!`. The wasm build has no std and one thread (the
/// `atomics` target feature, which would allow more, is refused below), so it is a plain
/// static there.
macro_rules! per_thread {
    ($(#[$m:meta])* static $name:ident: $t:ty = const $init:block;) => {
        #[cfg(not(target_arch = "wasm32"))]
        std::thread_local! { $(#[$m])* static $name: $t = const $init; }
        #[cfg(target_arch = "wasm32")]
        $(#[$m])*
        static $name: $crate::OneThread<$t> = $crate::OneThread($init);
    };
}

/// A static for single-threaded wasm; see [`per_thread!`].
#[cfg(target_arch = "wasm32")]
struct OneThread<T>(T);

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("built for one thread: per_thread! state would be shared between threads");

// SAFETY: without the `atomics` target feature a wasm instance runs on exactly one thread, so a
// `OneThread` is never reached from two threads.
#[cfg(target_arch = "wasm32")]
unsafe impl<T> Sync for OneThread<T> {}

#[cfg(target_arch = "wasm32")]
impl<T> OneThread<T> {
    /// Runs `f` with the value, as `LocalKey::with` does natively.
    fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}

#[macro_use]
pub mod text;

pub mod endpoint;
pub mod error;
pub mod json;
pub mod random;
pub mod request;
pub mod response;
pub mod retry;
pub mod signing;
pub mod time;
pub mod validate;

#[cfg(target_arch = "wasm32")]
mod wasm;
#[cfg(target_arch = "wasm32")]
pub use wasm::{configure, open_https, sign_open_https, Client};

pub use endpoint::{Endpoint, Network};
pub use error::{Error, ErrorKind};
pub use request::OpenHttpsRequest;
pub use response::OpenHttpsResponse;
pub use signing::{Credentials, SignatureVersion, SignedRequest};

/// talc instead of std's dlmalloc: a drop-in wasm allocator, 6.8 KB (2.5 KB gzip) smaller.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The shipped wasm links no std, so it brings its own panic handler: trap at once, as std's
/// `panic = "abort"` would, without formatting a message nobody can read. `scripts/build.sh`
/// sets `aliyun_es_https_cdylib`; builds that link std (tests) use std's handler instead.
#[cfg(all(target_arch = "wasm32", aliyun_es_https_cdylib))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
