//! The pure core of `aliyun-es-https`: everything that decides, nothing that does I/O.
//!
//! It validates input, resolves the endpoint, builds an API operation's request, signs it
//! (V3 `ACS3-HMAC-SHA256` or V1 ROA `HMAC-SHA1`), parses the answer, and decides what a call
//! does next — send, wait, succeed or fail — from what happened and the time. The clock, the
//! random source and HTTP belong to the caller (the `aliyun-es-https` wasm crate), so all of
//! it is tested natively with fixed times and nonces.
//!
//! One call, step by step:
//! 1. [`operation::Request`] builds a validated request of one [`operation::Operation`];
//! 2. [`endpoint::Endpoint::resolve`] picks the host from region, network or endpoint;
//! 3. [`call::Call`] says when to send and with how much time;
//! 4. [`signing::sign`] returns the URL and headers to send, given a time and a nonce;
//! 5. [`call::Call::on_answer`] parses the answer ([`response::parse`]) and says what next.

#![no_std]
#![deny(missing_docs)]
// `Error` keeps the service's fields as plain `Option<String>`s. Errors are the rare path of a
// call that waits on the network; readable fields beat boxing here.
#![allow(clippy::result_large_err)]

extern crate alloc;
#[cfg(test)]
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

#[macro_use]
pub mod text;

pub mod call;
pub mod credentials;
pub mod endpoint;
pub mod ensure;
pub mod error;
pub mod fleet;
pub mod json;
pub mod operation;
pub mod redact;
pub mod response;
pub mod retry;
pub mod signing;
pub mod time;
pub mod validate;

pub use call::{Answer, Call, CallPolicy, Step};
pub use endpoint::{Endpoint, Network};
pub use error::{Error, ErrorKind};
pub use operation::{Operation, Request};
pub use response::Response;
pub use signing::{Credentials, SignatureVersion, SignedRequest};
