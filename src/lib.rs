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

#![deny(missing_docs)]
// `Error` keeps the service's fields as plain `Option<String>`s (144 bytes). Errors are the
// rare path of a call that waits on the network; readable fields beat boxing here.
#![allow(clippy::result_large_err)]

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
