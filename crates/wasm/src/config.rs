//! Reading `ClientConfig` from JS, with a typed error naming every bad option.

use crate::prelude::*;
use core::cell::Cell;

use js_sys::{Function, Object};
use wasm_bindgen::{JsCast, JsValue};

use super::credentials::CredentialSource;
use super::js;
use crate::endpoint::{proxy_base, Endpoint, Network};
use crate::error::{codes, Error};
use crate::retry::{RetryPolicy, MAX_ATTEMPTS_LIMIT};
use crate::signing::{Credentials, SignatureVersion, SignedRequest};

/// The options `Client` and `signOpenHttps` share: credentials and where to send and sign.
pub(super) const SHARED_OPTIONS: [&str; 6] = [
    "credentials",
    "regionId",
    "endpoint",
    "network",
    "signatureVersion",
    "proxyUrl",
];

/// The options only a `Client` has.
const CLIENT_OPTIONS: [&str; 4] = ["fetch", "maxAttempts", "timeoutMs", "deadlineMs"];

/// Default time for one attempt (request and whole answer).
pub const DEFAULT_TIMEOUT_MS: f64 = 10_000.0;

/// A validated client configuration.
pub struct ClientState {
    /// Where the request is signed for (its `host`).
    pub endpoint: Endpoint,
    pub signature_version: SignatureVersion,
    pub fetch: Option<Function>,
    pub retry: RetryPolicy,
    /// Time for one attempt.
    pub timeout_ms: f64,
    /// Time for the whole call, retries included.
    pub deadline_ms: Option<f64>,
    /// Added to `Date.now()` when signing: learnt from the server after a clock-skew error.
    pub clock_offset_ms: Cell<f64>,
    /// Where the request is sent instead of the endpoint, when a proxy forwards it.
    proxy: Option<String>,
    credentials: CredentialSource,
}

impl ClientState {
    /// Validates a `ClientConfig` (`undefined` = everything from the environment).
    pub fn from_js(config: &JsValue) -> Result<ClientState, Error> {
        let is_object = config.is_object() && !config.is_function();
        if !(is_object || config.is_null_or_undefined()) {
            let msg = "the configuration must be an object such as { regionId, credentials }";
            return Err(Error::invalid(codes::INVALID_CONFIG, "config", msg));
        }
        if is_object {
            reject_unknown_keys(config, &[&SHARED_OPTIONS, &CLIENT_OPTIONS])?;
        }

        // Credentials first: with nothing configured, "no credentials" is the useful message.
        let credentials = CredentialSource::from_option(js::get(config, "credentials"))?;
        let Target {
            endpoint,
            signature_version,
            proxy,
        } = target_from_js(config)?;

        let fetch = match js::get(config, "fetch") {
            v if v.is_null_or_undefined() => None,
            v => Some(v.dyn_into::<Function>().map_err(|_| {
                let msg = "fetch must be a function like the global fetch";
                Error::invalid(codes::INVALID_CONFIG, "fetch", msg)
            })?),
        };
        let max_attempts =
            number_option(config, "maxAttempts", 1.0, f64::from(MAX_ATTEMPTS_LIMIT))?;
        if max_attempts.is_some_and(|n| n != n as u32 as f64) {
            let msg = "maxAttempts must be a whole number";
            return Err(Error::invalid(codes::INVALID_CONFIG, "maxAttempts", msg));
        }
        let retry = RetryPolicy {
            max_attempts: max_attempts.map_or(RetryPolicy::default().max_attempts, |n| n as u32),
            ..RetryPolicy::default()
        };
        let timeout_ms =
            number_option(config, "timeoutMs", 1.0, MAX_WAIT_MS)?.unwrap_or(DEFAULT_TIMEOUT_MS);
        let deadline_ms = number_option(config, "deadlineMs", 1.0, MAX_WAIT_MS)?;
        Ok(ClientState {
            endpoint,
            signature_version,
            fetch,
            retry,
            timeout_ms,
            deadline_ms,
            clock_offset_ms: Cell::new(0.0),
            proxy,
            credentials,
        })
    }

    /// The credentials for one call.
    pub async fn credentials(&self) -> Result<Credentials, Error> {
        self.credentials.get().await
    }

    /// The URL to send `signed` to: the endpoint, or the proxy when one is configured.
    pub fn url(&self, signed: &SignedRequest) -> String {
        match &self.proxy {
            Some(base) => cat!(base, signed.path_and_query),
            None => signed.url.clone(),
        }
    }
}

/// Where requests are signed for and sent, and how they are signed.
pub(super) struct Target {
    pub endpoint: Endpoint,
    pub signature_version: SignatureVersion,
    /// The proxy base URL the request is sent to instead, if any.
    pub proxy: Option<String>,
}

/// Reads `regionId` (else, without `endpoint`, `ALIBABA_CLOUD_REGION_ID`), `network`,
/// `endpoint`, `proxyUrl` and `signatureVersion` of a config-like object.
pub(super) fn target_from_js(config: &JsValue) -> Result<Target, Error> {
    let network = match string_option(config, "network", codes::INVALID_CONFIG)? {
        Some(n) => Network::parse(&n)?,
        None => Network::Public,
    };
    let signature_version = match string_option(config, "signatureVersion", codes::INVALID_CONFIG)?
    {
        Some(v) => SignatureVersion::parse(&v)?,
        None => SignatureVersion::V3,
    };
    let endpoint = string_option(config, "endpoint", codes::INVALID_ENDPOINT)?;
    let region = match string_option(config, "regionId", codes::INVALID_REGION)? {
        Some(r) => Some(r),
        None if endpoint.is_none() => js::env("ALIBABA_CLOUD_REGION_ID"),
        None => None,
    };
    let endpoint = Endpoint::resolve(region.as_deref(), network, endpoint.as_deref())?;
    let proxy = string_option(config, "proxyUrl", codes::INVALID_CONFIG)?
        .map(|p| proxy_base(&p))
        .transpose()?;
    Ok(Target {
        endpoint,
        signature_version,
        proxy,
    })
}

/// A misspelt option (`regionID`) would otherwise be ignored silently.
pub(super) fn reject_unknown_keys(
    object: &JsValue,
    known: &[&[&'static str]],
) -> Result<(), Error> {
    let known = || known.iter().flat_map(|group| group.iter().copied());
    let keys = Object::keys(object.unchecked_ref::<Object>());
    // Fast path (signOpenHttps runs this per call): as many own keys as known keys present
    // means none is unknown, without copying every key's text out of JS.
    let present = known().filter(|k| js::has_own(object, k)).count();
    if present == keys.length() as usize {
        return Ok(());
    }
    for key in keys.iter() {
        let key = key.as_string().unwrap_or_default();
        if !known().any(|k| k == key) {
            let all: Vec<&str> = known().collect();
            let msg = cat!(
                "unknown option \"",
                key,
                "\"; the options are ",
                all.join(", ")
            );
            return Err(Error::invalid(codes::INVALID_CONFIG, "config", msg));
        }
    }
    Ok(())
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

/// Longest `timeoutMs` / `deadlineMs` accepted: one hour (and what `setTimeout` can hold).
const MAX_WAIT_MS: f64 = 3_600_000.0;

/// An optional number option within `min..=max`.
pub(super) fn number_option(
    config: &JsValue,
    key: &'static str,
    min: f64,
    max: f64,
) -> Result<Option<f64>, Error> {
    match js::get(config, key) {
        v if v.is_null_or_undefined() => Ok(None),
        v => match v.as_f64() {
            Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(Error::invalid(
                codes::INVALID_CONFIG,
                key,
                cat!(
                    key,
                    " must be a number from ",
                    min as u64,
                    " to ",
                    max as u64
                ),
            )),
        },
    }
}

/// An optional string option; another type is an error with `code`.
pub(super) fn string_option(
    config: &JsValue,
    key: &'static str,
    code: &str,
) -> Result<Option<String>, Error> {
    match js::get(config, key) {
        v if v.is_null_or_undefined() => Ok(None),
        v => v
            .as_string()
            .map(Some)
            .ok_or_else(|| Error::invalid(code, key, cat!(key, " must be a string"))),
    }
}
