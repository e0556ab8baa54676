//! A client's configuration, from the values the package's JS has read out of `ClientConfig`
//! (`pkg-template/options.js` checks their JS types and names): here their meaning is checked
//! — credentials, region, endpoint, proxy — with the core's validation.

use crate::prelude::*;
use core::cell::Cell;

use aliyun_es_https_core::call::{CallPolicy, DEFAULT_TIMEOUT_MS};
use aliyun_es_https_core::endpoint::{Endpoint, Network};
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::retry::RetryPolicy;
use aliyun_es_https_core::signing::SignatureVersion;
use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

use crate::credentials::CredentialSource;

/// A validated client configuration.
pub struct ClientState {
    /// Where the request is signed for (its `host`) and sent (it, or a proxy).
    pub endpoint: Endpoint,
    /// V3 or V1.
    pub signature_version: SignatureVersion,
    /// The `fetch` option, when given.
    pub fetch: Option<Function>,
    /// Attempts, attempt timeout and deadline of every call.
    pub policy: CallPolicy,
    /// Added to `Date.now()` when signing: learnt from the server after a clock-skew error.
    pub clock_offset_ms: Cell<f64>,
    /// Where the credentials come from.
    pub credentials: CredentialSource,
    /// This runtime's `fetch` drops a `Date` request header (a browser's), so V1 calls are
    /// refused before anything is sent; told by the package's JS (`options.js`,
    /// `datesDropped`).
    pub dates_dropped: bool,
}

/// Where requests are signed for and sent, as read from the options: `regionId`, `endpoint`,
/// `network`, `signatureVersion`, `proxyUrl`.
pub struct Target {
    /// `regionId` (or the environment's).
    pub region: Option<String>,
    /// `endpoint`.
    pub endpoint: Option<String>,
    /// `network`: `public` (default) or `vpc`.
    pub network: Option<String>,
    /// `signatureVersion`: `v3` (default) or `v1`.
    pub signature_version: Option<String>,
    /// `proxyUrl`.
    pub proxy_url: Option<String>,
}

impl Target {
    /// Reads `[regionId, endpoint, network, signatureVersion, proxyUrl]` as `options.js`
    /// packs them (a JSON array; `null`: not given).
    pub fn unpack(packed: &str) -> Target {
        let mut next = crate::js::unpack(packed);
        let mut take = || next.next().flatten();
        Target {
            region: take(),
            endpoint: take(),
            network: take(),
            signature_version: take(),
            proxy_url: take(),
        }
    }

    /// Where to sign for and send, and how to sign.
    pub fn resolve(&self) -> Result<(Endpoint, SignatureVersion), Error> {
        let network = match &self.network {
            Some(n) => Network::parse(n)?,
            None => Network::Public,
        };
        let signature_version = match &self.signature_version {
            Some(v) => SignatureVersion::parse(v)?,
            None => SignatureVersion::V3,
        };
        let mut endpoint =
            Endpoint::resolve(self.region.as_deref(), network, self.endpoint.as_deref())?;
        if let Some(proxy) = &self.proxy_url {
            endpoint = endpoint.with_proxy(proxy)?;
        }
        Ok((endpoint, signature_version))
    }
}

impl ClientState {
    /// Validates a configuration: the credentials (packed, or a `provider` function), where to
    /// send, the `fetch` function, and the call policy's numbers (already in range).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        credentials: &str,
        provider: JsValue,
        target: &Target,
        fetch: JsValue,
        max_attempts: Option<f64>,
        timeout_ms: Option<f64>,
        deadline_ms: Option<f64>,
        dates_dropped: bool,
    ) -> Result<ClientState, Error> {
        // Credentials first: with nothing configured, "no credentials" is the useful message.
        let credentials = CredentialSource::from_option(credentials, provider)?;
        let (endpoint, signature_version) = target.resolve()?;
        let retry = RetryPolicy {
            max_attempts: max_attempts.map_or(RetryPolicy::default().max_attempts, |n| n as u32),
            ..RetryPolicy::default()
        };
        Ok(ClientState {
            endpoint,
            signature_version,
            fetch: fetch.dyn_into::<Function>().ok(),
            policy: CallPolicy {
                retry,
                timeout_ms: timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
                deadline_ms,
            },
            clock_offset_ms: Cell::new(0.0),
            credentials,
            dates_dropped,
        })
    }
}

/// V1 signs the `Date` header, which browsers silently drop from `fetch`: say so instead of
/// letting the gateway answer a puzzling `SignatureDoesNotMatch`.
pub fn v1_in_browser_error() -> Error {
    Error::invalid(
        codes::UNSUPPORTED_RUNTIME,
        "signatureVersion",
        "signatureVersion \"v1\" signs the Date header, which a browser's fetch never sends (a \
         forbidden header name); use \"v3\" (the default), which signs x-acs-date instead. A \
         proxy cannot add Date afterwards: it would have to be the exact value that was signed",
    )
}
