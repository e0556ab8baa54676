//! Reading `ClientConfig` and call arguments from JS, with a typed error naming every bad
//! option.

use crate::prelude::*;
use core::cell::Cell;

use aliyun_es_https_core::call::{CallPolicy, DEFAULT_TIMEOUT_MS};
use aliyun_es_https_core::endpoint::{Endpoint, Network};
use aliyun_es_https_core::ensure::EnsureOptions;
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::operation::MAX_PAGE_SIZE;
use aliyun_es_https_core::retry::{RetryPolicy, MAX_ATTEMPTS_LIMIT};
use aliyun_es_https_core::signing::SignatureVersion;
use aliyun_es_https_core::validate;
use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};

use crate::credentials::CredentialSource;
use crate::js;
use crate::random;

/// The options `Client` and `signOpenHttps` share: credentials and where to send and sign.
pub(crate) const SHARED_OPTIONS: [&str; 6] = [
    "credentials",
    "regionId",
    "endpoint",
    "network",
    "signatureVersion",
    "proxyUrl",
];

/// The options only a `Client` has.
const CLIENT_OPTIONS: [&str; 4] = ["fetch", "maxAttempts", "timeoutMs", "deadlineMs"];

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
        let credentials = CredentialSource::from_option(option(config, "credentials")?)?;
        let (endpoint, signature_version) = target_from_js(config)?;

        let fetch = match option(config, "fetch")? {
            v if v.is_null_or_undefined() => None,
            v => Some(v.dyn_into::<Function>().map_err(|_| {
                let msg = "fetch must be a function like the global fetch";
                Error::invalid(codes::INVALID_CONFIG, "fetch", msg)
            })?),
        };
        let max_attempts = number_option(
            config,
            "maxAttempts",
            1.0,
            f64::from(MAX_ATTEMPTS_LIMIT),
            codes::INVALID_CONFIG,
        )?;
        if max_attempts.is_some_and(|n| n != n as u32 as f64) {
            let msg = "maxAttempts must be a whole number";
            return Err(Error::invalid(codes::INVALID_CONFIG, "maxAttempts", msg));
        }
        let retry = RetryPolicy {
            max_attempts: max_attempts.map_or(RetryPolicy::default().max_attempts, |n| n as u32),
            ..RetryPolicy::default()
        };
        let timeout_ms =
            number_option(config, "timeoutMs", 1.0, MAX_WAIT_MS, codes::INVALID_CONFIG)?
                .unwrap_or(DEFAULT_TIMEOUT_MS);
        let deadline_ms = number_option(
            config,
            "deadlineMs",
            1.0,
            MAX_WAIT_MS,
            codes::INVALID_CONFIG,
        )?;
        Ok(ClientState {
            endpoint,
            signature_version,
            fetch,
            policy: CallPolicy {
                retry,
                timeout_ms,
                deadline_ms,
            },
            clock_offset_ms: Cell::new(0.0),
            credentials,
        })
    }
}

/// Reads `regionId` (else, without `endpoint`, `ALIBABA_CLOUD_REGION_ID`), `network`,
/// `endpoint`, `proxyUrl` and `signatureVersion` of a config-like object: where requests are
/// signed for and sent, and how they are signed.
pub(crate) fn target_from_js(config: &JsValue) -> Result<(Endpoint, SignatureVersion), Error> {
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
    let mut endpoint = Endpoint::resolve(region.as_deref(), network, endpoint.as_deref())?;
    if let Some(proxy) = string_option(config, "proxyUrl", codes::INVALID_CONFIG)? {
        // A path is resolved against the page's origin: where there is none (Node, a worker
        // without one), every call would fail as a NetworkError instead of saying why.
        if proxy.starts_with('/') && js::get(&js_sys::global(), "location").is_undefined() {
            let msg = "proxyUrl is a path (\"/aliyun\"), which needs a page origin; here there \
                       is none: give the whole URL, e.g. \"http://127.0.0.1:8080/aliyun\"";
            return Err(Error::invalid(codes::INVALID_CONFIG, "proxyUrl", msg));
        }
        endpoint = endpoint.with_proxy(&proxy)?;
    }
    Ok((endpoint, signature_version))
}

/// A misspelt option (`regionID`) would otherwise be ignored silently.
pub(crate) fn reject_unknown_keys(
    object: &JsValue,
    known: &[&[&'static str]],
) -> Result<(), Error> {
    reject_unknown(object, known, codes::INVALID_CONFIG, "config")
}

/// [`reject_unknown_keys`] with the error's code and field.
fn reject_unknown(
    object: &JsValue,
    known: &[&[&'static str]],
    code: &str,
    field: &'static str,
) -> Result<(), Error> {
    let known = || known.iter().flat_map(|group| group.iter().copied());
    let keys = js::own_keys(object).map_err(|e| {
        let msg = cat!("listing the options threw: ", js::describe(&e));
        Error::invalid(code, field, msg)
    })?;
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
            return Err(Error::invalid(code, field, msg));
        }
    }
    Ok(())
}

/// The `instanceId` argument of a call: a string (checked by the request).
pub(crate) fn instance_id_arg(value: &JsValue) -> Result<String, Error> {
    value.as_string().ok_or_else(|| {
        let msg = "instanceId must be a string such as \"es-cn-n6w1o1x0w001c\"";
        Error::invalid(codes::INVALID_INSTANCE_ID, "instanceId", msg)
    })
}

/// The `clientToken` argument of a call or of `signOpenHttps`: a string (checked by the
/// request), or `undefined`/`null` for a new UUID. Anything else is refused, never ignored.
pub(crate) fn client_token_arg(value: &JsValue) -> Result<String, Error> {
    if let Some(token) = value.as_string() {
        Ok(token)
    } else if value.is_null_or_undefined() {
        random::uuid_v4()
    } else {
        let msg = "clientToken must be a string of 1 to 64 printable ASCII characters, or omitted";
        Err(Error::invalid(
            codes::INVALID_CLIENT_TOKEN,
            "clientToken",
            msg,
        ))
    }
}

/// A call's options object (`{ signal }`): `undefined`, or an object without unknown keys
/// whose `signal` is an `AbortSignal`. Returns the signal.
pub(crate) fn call_options(options: Option<&JsValue>) -> Result<Option<JsValue>, Error> {
    match options.filter(|o| !o.is_null_or_undefined()) {
        None => Ok(None),
        Some(options) => call_options_of(options, &["signal"]),
    }
}

/// Checks that `options` is a plain object with only `keys`, and reads its `signal`.
fn call_options_of(options: &JsValue, keys: &[&'static str]) -> Result<Option<JsValue>, Error> {
    if !options.is_object() || js_sys::Array::is_array(options) {
        let msg = "the options must be an object such as { signal }";
        return Err(Error::invalid(codes::INVALID_ARGUMENT, "options", msg));
    }
    reject_unknown(options, &[keys], codes::INVALID_ARGUMENT, "options")?;
    let bad_signal = || {
        let msg =
            "signal must be an AbortSignal (e.g. AbortSignal.timeout(5000) or controller.signal)";
        Error::invalid(codes::INVALID_ARGUMENT, "signal", msg)
    };
    // A getter that throws must not leave the call uncancellable without a word.
    let signal = js::try_get(options, "signal").map_err(|_| bad_signal())?;
    if signal.is_null_or_undefined() {
        Ok(None)
    } else if js::get(&signal, "addEventListener").is_function() {
        Ok(Some(signal))
    } else {
        Err(bad_signal())
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

/// `object[key]` of an options object; a getter (or proxy trap) that throws is an
/// `InvalidConfig` naming the option, never a raw exception or a silently missing value.
pub(crate) fn option(object: &JsValue, key: &'static str) -> Result<JsValue, Error> {
    js::try_get(object, key).map_err(|e| {
        let msg = cat!("reading the option ", key, " threw: ", js::describe(&e));
        Error::invalid(codes::INVALID_CONFIG, key, msg)
    })
}

/// Longest `timeoutMs` / `deadlineMs` accepted: one hour (and what `setTimeout` can hold).
const MAX_WAIT_MS: f64 = 3_600_000.0;

/// An optional number option within `min..=max`; anything else is an error with `code`.
pub(crate) fn number_option(
    config: &JsValue,
    key: &'static str,
    min: f64,
    max: f64,
    code: &str,
) -> Result<Option<f64>, Error> {
    match option(config, key)? {
        v if v.is_null_or_undefined() => Ok(None),
        v => match v.as_f64() {
            Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(Error::invalid(
                code,
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
pub(crate) fn string_option(
    config: &JsValue,
    key: &'static str,
    code: &str,
) -> Result<Option<String>, Error> {
    match option(config, key)? {
        v if v.is_null_or_undefined() => Ok(None),
        v => v
            .as_string()
            .map(Some)
            .ok_or_else(|| Error::invalid(code, key, cat!(key, " must be a string"))),
    }
}

/// The query of `listInstances` (`with_page`) or `instances`.
#[derive(Clone)]
pub(crate) struct ListArgs {
    /// The page to fetch (from 1).
    pub page: u32,
    /// Instances per page, 1–100.
    pub size: u32,
    /// Only instances whose description contains this.
    pub description: Option<String>,
    /// Only instances whose id matches this.
    pub instance_id: Option<String>,
    /// Cancels the calls.
    pub signal: Option<JsValue>,
}

impl ListArgs {
    /// Reads `{ description?, instanceId?, page?, size?, signal? }` (`page` only `with_page`).
    pub fn from_js(query: Option<&JsValue>, with_page: bool) -> Result<ListArgs, Error> {
        let query = query.filter(|q| !q.is_null_or_undefined());
        let mut args = ListArgs {
            page: 1,
            // One call per 10 instances is the API's default page; walking all of them, the
            // largest page makes the fewest calls.
            size: if with_page { 10 } else { MAX_PAGE_SIZE },
            description: None,
            instance_id: None,
            signal: None,
        };
        let Some(query) = query else {
            return Ok(args);
        };
        let keys: &[&str] = if with_page {
            &["description", "instanceId", "page", "size", "signal"]
        } else {
            &["description", "instanceId", "size", "signal"]
        };
        args.signal = call_options_of(query, keys)?;
        let code = codes::INVALID_ARGUMENT;
        args.description = string_option(query, "description", code)?;
        args.instance_id = string_option(query, "instanceId", code)?;
        if let Some(page) = number_option(query, "page", 1.0, f64::from(u32::MAX >> 1), code)? {
            args.page = validate::whole_number("page", page, 1, u32::MAX >> 1)?;
        }
        if let Some(size) = number_option(query, "size", 1.0, f64::from(MAX_PAGE_SIZE), code)? {
            args.size = validate::whole_number("size", size, 1, MAX_PAGE_SIZE)?;
        }
        Ok(args)
    }
}

/// The options of `ensureHttps`.
pub(crate) struct EnsureArgs {
    /// The clientToken of every OpenHttps of this ensure (the caller's, or a new UUID).
    pub client_token: String,
    /// Waiting and polling.
    pub options: EnsureOptions,
    /// Called at each change of phase, status or protocol.
    pub on_progress: Option<Function>,
    /// Cancels the ensure.
    pub signal: Option<JsValue>,
}

/// Longest `waitTimeoutMs`: a day (real activations take minutes; providers wait hours).
const MAX_ENSURE_WAIT_MS: f64 = 86_400_000.0;

impl EnsureArgs {
    /// Reads `{ clientToken?, wait?, waitTimeoutMs?, pollIntervalMs?, onProgress?, signal? }`.
    pub fn from_js(options: Option<&JsValue>) -> Result<EnsureArgs, Error> {
        let options = options.filter(|o| !o.is_null_or_undefined());
        let keys = [
            "clientToken",
            "wait",
            "waitTimeoutMs",
            "pollIntervalMs",
            "onProgress",
            "signal",
        ];
        let mut args = EnsureArgs {
            client_token: String::new(),
            options: EnsureOptions::default(),
            on_progress: None,
            signal: None,
        };
        let Some(options) = options else {
            args.client_token = client_token_arg(&JsValue::UNDEFINED)?;
            return Ok(args);
        };
        args.signal = call_options_of(options, &keys)?;
        args.client_token = client_token_arg(&option(options, "clientToken")?)?;
        match option(options, "wait")? {
            v if v.is_null_or_undefined() => {}
            v => {
                args.options.wait = v.as_bool().ok_or_else(|| {
                    Error::invalid(
                        codes::INVALID_ARGUMENT,
                        "wait",
                        "wait must be true or false",
                    )
                })?
            }
        }
        if let Some(ms) = number_option(
            options,
            "waitTimeoutMs",
            1.0,
            MAX_ENSURE_WAIT_MS,
            codes::INVALID_ARGUMENT,
        )? {
            args.options.wait_timeout_ms = ms;
        }
        if let Some(ms) = number_option(
            options,
            "pollIntervalMs",
            1.0,
            MAX_WAIT_MS,
            codes::INVALID_ARGUMENT,
        )? {
            args.options.poll_interval_ms = ms;
        }
        args.on_progress = match option(options, "onProgress")? {
            v if v.is_null_or_undefined() => None,
            v => Some(v.dyn_into::<Function>().map_err(|_| {
                let msg = "onProgress must be a function";
                Error::invalid(codes::INVALID_ARGUMENT, "onProgress", msg)
            })?),
        };
        Ok(args)
    }
}

/// The target and options of `ensureHttpsAll`.
pub(crate) struct FleetArgs {
    /// The given instance ids (deduplicated, in order); `None`: every instance listed.
    pub instance_ids: Option<Vec<String>>,
    /// With no ids: only instances whose description contains this.
    pub description: Option<String>,
    /// Instances changed at once.
    pub concurrency: u32,
    /// Most requests per second, for every request of the run.
    pub max_rps: Option<f64>,
    /// Plan only.
    pub dry_run: bool,
    /// Waiting and polling of each instance.
    pub ensure: EnsureOptions,
    /// Called with each event.
    pub on_event: Option<Function>,
    /// Stops the run: no new instance starts; each one in flight ends after its request.
    pub signal: Option<JsValue>,
    /// `journal.load()` and `journal.append(line)`.
    pub journal: Option<(Function, Function)>,
    /// Asked after the plan, before any change: go on?
    pub confirm: Option<Function>,
}

/// Most instances changed at once.
const MAX_CONCURRENCY: f64 = 64.0;

impl FleetArgs {
    /// Reads `target` (`{ instanceIds?, description? }`) and `options`.
    pub fn from_js(
        target: Option<&JsValue>,
        options: Option<&JsValue>,
    ) -> Result<FleetArgs, Error> {
        let arg = codes::INVALID_ARGUMENT;
        let mut args = FleetArgs {
            instance_ids: None,
            description: None,
            concurrency: 4,
            max_rps: None,
            dry_run: false,
            ensure: EnsureOptions::default(),
            on_event: None,
            signal: None,
            journal: None,
            confirm: None,
        };
        if let Some(target) = target.filter(|t| !t.is_null_or_undefined()) {
            if !target.is_object() || js_sys::Array::is_array(target) {
                let msg = "the target must be an object such as { instanceIds } or { description }";
                return Err(Error::invalid(arg, "target", msg));
            }
            reject_unknown(target, &[&["instanceIds", "description"]], arg, "target")?;
            args.description = string_option(target, "description", arg)?;
            let ids = option(target, "instanceIds")?;
            if !ids.is_null_or_undefined() {
                let Some(list) = ids.dyn_ref::<js_sys::Array>() else {
                    let msg = "instanceIds must be an array of instance ids";
                    return Err(Error::invalid(arg, "instanceIds", msg));
                };
                let mut seen: Vec<String> = Vec::new();
                for id in list.iter() {
                    let id = instance_id_arg(&id)?;
                    validate::instance_id(&id)?;
                    if !seen.contains(&id) {
                        seen.push(id);
                    }
                }
                args.instance_ids = Some(seen);
            }
        }
        let Some(options) = options.filter(|o| !o.is_null_or_undefined()) else {
            return Ok(args);
        };
        let keys = [
            "concurrency",
            "maxRps",
            "dryRun",
            "pollIntervalMs",
            "waitTimeoutMs",
            "onEvent",
            "signal",
            "journal",
            "confirm",
        ];
        args.signal = call_options_of(options, &keys)?;
        if let Some(n) = number_option(options, "concurrency", 1.0, MAX_CONCURRENCY, arg)? {
            args.concurrency = validate::whole_number("concurrency", n, 1, MAX_CONCURRENCY as u32)?;
        }
        args.max_rps = number_option(options, "maxRps", 1.0, 10_000.0, arg)?;
        args.dry_run = match option(options, "dryRun")? {
            v if v.is_null_or_undefined() => false,
            v => v
                .as_bool()
                .ok_or_else(|| Error::invalid(arg, "dryRun", "dryRun must be true or false"))?,
        };
        if let Some(ms) = number_option(options, "waitTimeoutMs", 1.0, MAX_ENSURE_WAIT_MS, arg)? {
            args.ensure.wait_timeout_ms = ms;
        }
        if let Some(ms) = number_option(options, "pollIntervalMs", 1.0, MAX_WAIT_MS, arg)? {
            args.ensure.poll_interval_ms = ms;
        }
        args.on_event = match option(options, "onEvent")? {
            v if v.is_null_or_undefined() => None,
            v => Some(
                v.dyn_into::<Function>()
                    .map_err(|_| Error::invalid(arg, "onEvent", "onEvent must be a function"))?,
            ),
        };
        args.confirm = match option(options, "confirm")? {
            v if v.is_null_or_undefined() => None,
            v => Some(
                v.dyn_into::<Function>()
                    .map_err(|_| Error::invalid(arg, "confirm", "confirm must be a function"))?,
            ),
        };
        let journal = option(options, "journal")?;
        if !journal.is_null_or_undefined() {
            let bad = || {
                let msg = "journal must be { load(): lines, append(line) }: load returns the \
                           earlier lines (an array, a text, or a Promise of either)";
                Error::invalid(arg, "journal", msg)
            };
            let f = |key| option(&journal, key).map(|v| v.dyn_into::<Function>().ok());
            match (f("load")?, f("append")?) {
                (Some(load), Some(append)) => args.journal = Some((load, append)),
                _ => return Err(bad()),
            }
        }
        Ok(args)
    }
}
