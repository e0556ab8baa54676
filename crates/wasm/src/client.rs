//! The JavaScript surface: `Client`, `openHttps` and `configure`.
//!
//! This is the only code that knows JS. It reads the clock and the random source, calls
//! `fetch`, and converts results and errors; everything else is the pure core.

mod config;
mod credentials;
mod errors;
mod fetch;
mod js;
mod presign;
mod timer;

use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::RefCell;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::error::{codes, Error, ErrorKind};
use crate::request::OpenHttpsRequest;
use crate::signing::{self, SignatureVersion};
use crate::{random, response, retry};
use config::ClientState;
use js_sys::Date;
pub use presign::sign_open_https;
use timer::Trigger;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
declare global {
  interface SymbolConstructor {
    /**
     * wasm-bindgen gives `Client` a `[Symbol.dispose]()` (for `using`); declared here as
     * `@types/node` does, so projects whose `lib` predates ES2025 still type-check.
     */
    readonly dispose: unique symbol;
  }
}

/** An Alibaba Cloud access key, optionally with an STS security token. */
export interface Credentials {
  /** The AccessKey ID (for STS credentials, the temporary `STS.…` id). */
  accessKeyId: string;
  /** The AccessKey secret. Never appears in errors, logs or `Debug` output. */
  accessKeySecret: string;
  /** The STS security token, for temporary credentials. */
  securityToken?: string;
  /**
   * When temporary credentials expire (ISO 8601 string such as STS's `Expiration`, a `Date`,
   * or milliseconds since 1970). Used only for credentials returned by a
   * {@link CredentialsProvider}: they are reused until 5 minutes before this time.
   */
  expiration?: string | number | Date;
}

/**
 * A function that returns credentials (or a Promise of them), e.g. short-lived STS
 * credentials fetched from your backend. Called on the first call; its answer is reused until
 * 5 minutes before its `expiration` (without `expiration`: called again for every call).
 * Concurrent calls share one pending invocation.
 */
export type CredentialsProvider = () => Credentials | Promise<Credentials>;

/** The answer a `fetch` replacement must give: a status and the body as text. */
export interface FetchResponse {
  /** The HTTP status code. */
  status: number;
  /** Reads the whole body as text. */
  text(): Promise<string>;
}

/**
 * A `fetch`-compatible function: called with the URL and `{ method, headers, signal }`;
 * `signal` aborts the request when an attempt times out or the caller aborts.
 */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; signal?: AbortSignal },
) => Promise<FetchResponse>;

/** How to reach and sign for the service. */
export interface ClientConfig {
  /**
   * The access key, or a function returning it. Omitted: in Node, from
   * `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
   * `ALIBABA_CLOUD_SECURITY_TOKEN`.
   */
  credentials?: Credentials | CredentialsProvider;
  /** The region, e.g. `"cn-hangzhou"`. Omitted: in Node, `ALIBABA_CLOUD_REGION_ID`. */
  regionId?: string;
  /** `host`, `host:port` or `http(s)://host[:port]`; wins over `regionId` and `network`. */
  endpoint?: string;
  /** `"public"` (default) or `"vpc"` (`elasticsearch-vpc.<region>.aliyuncs.com`). */
  network?: "public" | "vpc";
  /** `"v3"` (default, ACS3-HMAC-SHA256) or `"v1"` (ROA HMAC-SHA1; not from a browser). */
  signatureVersion?: "v3" | "v1";
  /**
   * Send the request here instead of to the endpoint, still signed for the endpoint's host:
   * `http(s)://host[:port][/path]`, or a path such as `"/aliyun"` on the page's own origin.
   * The proxy must forward method, path after this prefix, query, headers and body unchanged,
   * with `Host` set to the endpoint's host (e.g. `elasticsearch.cn-hangzhou.aliyuncs.com`).
   */
  proxyUrl?: string;
  /** Replaces the global `fetch`. It receives `init.signal` and should honour it. */
  fetch?: FetchLike;
  /**
   * Attempts in all, 1–10 (default 3). Network errors, timeouts, cut-short answers, HTTP 5xx,
   * `Throttling*`, `ServiceUnavailable` and `InternalError` are retried with exponential
   * backoff and full jitter, waiting at least what `x-acs-retry-after` / `Retry-After` ask;
   * every attempt reuses the call's clientToken, so the change is applied at most once.
   */
  maxAttempts?: number;
  /** Time for one attempt, request and whole answer, in ms (default 10000). */
  timeoutMs?: number;
  /** Time for the whole call, retries and waits included, in ms (default: no limit). */
  deadlineMs?: number;
}

/** What `signOpenHttps` signs: the call, the credentials, and where it goes. */
export interface SignOpenHttpsRequest {
  /** The instance, e.g. `"es-cn-n6w1o1x0w001c"`. */
  instanceId: string;
  /** Makes the call idempotent; generated (and returned) when omitted. */
  clientToken?: string;
  /** The access key (a value, not a function: signing is synchronous). */
  credentials: Credentials;
  /** As in {@link ClientConfig}. */
  regionId?: string;
  /** As in {@link ClientConfig}. */
  endpoint?: string;
  /** As in {@link ClientConfig}. */
  network?: "public" | "vpc";
  /** As in {@link ClientConfig}. */
  signatureVersion?: "v3" | "v1";
  /** As in {@link ClientConfig}: the URL points here, the signature covers the endpoint. */
  proxyUrl?: string;
  /** The signing time in ms since 1970 (default: now). */
  timestamp?: number;
  /** The signature nonce (default: 64 random hex characters); must be unique per request. */
  nonce?: string;
}

/** A signed request, ready to send. */
export interface SignedOpenHttpsRequest {
  /** Always `"POST"`. */
  method: "POST";
  /** Where to send it. */
  url: string;
  /** Exactly the headers to send (lower-case names; `Host` comes from the URL). */
  headers: Record<string, string>;
  /** The clientToken in the URL (the one given, or a generated UUID). */
  clientToken: string;
}

/** Options of one call. */
export interface OpenHttpsOptions {
  /** Cancels the call at once (the request in flight is aborted; no retry follows). */
  signal?: AbortSignal;
}

/** The answer of a successful call. */
export interface OpenHttpsResult {
  /** `true`: HTTPS is on. `false`: the service answered that it did not enable HTTPS. */
  result: boolean;
  /** The service's RequestId, for support tickets. */
  requestId: string;
  /** The clientToken sent (generated when none was given); reuse it to retry safely. */
  clientToken: string;
  /** How many requests the call took (1 unless it retried). */
  attempts: number;
}

/** Every rejection is an `Error` with these fields; `name` is always `"OpenHttpsError"`. */
export interface OpenHttpsError extends Error {
  name: "OpenHttpsError";
  /** The service's Code (`InstanceNotFound`, …) or ours (`InvalidInstanceId`, `NetworkError`, …). */
  code: string;
  /** Whether the same call (same clientToken) may succeed if repeated. */
  retryable: boolean;
  /** The HTTP status, when an answer arrived. */
  httpStatus?: number;
  /** The service's RequestId, when known. */
  requestId?: string;
  /** The service's HostId, when known. */
  hostId?: string;
  /** The service's troubleshooting link, when known. */
  recommend?: string;
  /** For validation errors: the option or argument at fault. */
  field?: string;
  /** The clientToken of the call, when it got that far. */
  clientToken?: string;
  /** Why each attempt failed, in order, when a request was sent (e.g. `"ServiceUnavailable (HTTP 503, RequestId …)"`). */
  attempts?: string[];
  /** For `SignatureDoesNotMatch`: what we signed (V1 string to sign or V3 canonical request; STS token redacted). */
  stringToSign?: string;
  /** For `SignatureDoesNotMatch`: the server's string to sign, when its message shows it. */
  serverStringToSign?: string;
}
"#;

/// A configured connection to the OpenHttps API. Construction validates the configuration
/// and throws an `OpenHttpsError` when something is wrong; nothing is sent until a call.
#[wasm_bindgen]
pub struct Client {
    state: Rc<ClientState>,
}

#[wasm_bindgen]
impl Client {
    /// Creates a client. Throws an `OpenHttpsError` (`MissingCredentials`, `MissingRegion`,
    /// `InvalidEndpoint`, `InvalidConfig`…) when the configuration cannot work.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientConfig")] config: JsValue,
    ) -> Result<Client, JsValue> {
        match ClientState::from_js(&config) {
            Ok(state) => Ok(Client {
                state: Rc::new(state),
            }),
            Err(e) => Err(errors::to_js(&e, None)),
        }
    }

    /// Turns on HTTPS for `instanceId`. `clientToken` (1–64 printable ASCII characters) makes
    /// the call idempotent; when omitted a UUID is generated and returned. Rejects with an
    /// `OpenHttpsError`.
    #[wasm_bindgen(js_name = openHttps, unchecked_return_type = "Promise<OpenHttpsResult>")]
    pub fn open_https(
        &self,
        #[wasm_bindgen(js_name = instanceId, unchecked_param_type = "string")] instance_id: JsValue,
        #[wasm_bindgen(js_name = clientToken, unchecked_optional_param_type = "string")]
        client_token: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "OpenHttpsOptions")] options: Option<
            JsValue,
        >,
    ) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move { call(&state, instance_id, client_token, options).await })
    }
}

per_thread! {
    /// The client set by `configure`, used by the top-level `openHttps`.
    static DEFAULT: RefCell<Option<Rc<ClientState>>> = const { RefCell::new(None) };
}

/// Sets the client that the top-level `openHttps` uses. Throws an `OpenHttpsError` when the
/// configuration cannot work (the previous default is then kept).
#[wasm_bindgen]
pub fn configure(
    #[wasm_bindgen(unchecked_param_type = "ClientConfig")] config: JsValue,
) -> Result<(), JsValue> {
    let state = ClientState::from_js(&config).map_err(|e| errors::to_js(&e, None))?;
    DEFAULT.with(|d| *d.borrow_mut() = Some(Rc::new(state)));
    Ok(())
}

/// Turns on HTTPS for `instanceId` with the client set by `configure`, or else (in Node) one
/// built from the `ALIBABA_CLOUD_*` environment variables. Rejects with an `OpenHttpsError`
/// (`MissingCredentials` says what to set when neither exists).
#[wasm_bindgen(js_name = openHttps, unchecked_return_type = "Promise<OpenHttpsResult>")]
pub fn open_https(
    #[wasm_bindgen(js_name = instanceId, unchecked_param_type = "string")] instance_id: JsValue,
    #[wasm_bindgen(js_name = clientToken, unchecked_optional_param_type = "string")]
    client_token: Option<JsValue>,
    #[wasm_bindgen(unchecked_optional_param_type = "OpenHttpsOptions")] options: Option<JsValue>,
) -> Promise {
    let configured = DEFAULT.with(|d| d.borrow().clone());
    future_to_promise(async move {
        let state = match configured {
            Some(state) => state,
            None => Rc::new(ClientState::from_js(&JsValue::UNDEFINED).map_err(|mut e| {
                if e.code == codes::MISSING_CREDENTIALS || e.code == codes::MISSING_REGION {
                    e.message = NOT_CONFIGURED.into();
                }
                errors::to_js(&e, None)
            })?),
        };
        call(&state, instance_id, client_token, options).await
    })
}

/// What the top-level `openHttps` says when it has no client and the environment gives none.
const NOT_CONFIGURED: &str = "openHttps() has no client: call configure({ regionId, credentials: \
    { accessKeyId, accessKeySecret } }) first, or (in Node) set ALIBABA_CLOUD_ACCESS_KEY_ID, \
    ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_REGION_ID (plus \
    ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials)";

/// One OpenHttps call: validate, then sign, send and parse attempts until one succeeds or
/// retrying must stop. Every attempt gets a fresh nonce and date and the same clientToken.
async fn call(
    state: &ClientState,
    instance_id: JsValue,
    client_token: Option<JsValue>,
    options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let (request, token, signal) =
        prepare(&instance_id, &client_token, &options).map_err(|e| errors::to_js(&e, None))?;
    let fail = |mut e: Error, history: Vec<String>| {
        if history.len() > 1 {
            e.message = cat!(
                e.message,
                " (",
                history.len(),
                " attempts: ",
                history.join("; "),
                ")"
            );
        }
        e.attempts = history;
        errors::to_js(&e, Some(&token))
    };

    // Before asking for credentials: a provider may be a round trip to a backend.
    if state.signature_version == SignatureVersion::V1
        && state.fetch.is_none()
        && fetch::drops_date_header()
    {
        return Err(fail(config::v1_in_browser_error(), Vec::new()));
    }
    let deadline = state.deadline_ms.map(|d| Date::now() + d);
    let abort = signal.as_ref().map(Trigger::on_abort);
    let mut history: Vec<String> = Vec::new();
    let mut clock_corrected = false;
    loop {
        if signal
            .as_ref()
            .is_some_and(|s| js::get(s, "aborted").is_truthy())
        {
            return Err(fail(fetch::aborted(), history));
        }
        let credentials = state
            .credentials()
            .await
            .map_err(|e| fail(e, history.clone()))?;
        let now = Date::now();
        let time_left = deadline.map(|d| d - now);
        if time_left.is_some_and(|t| t <= 0.0) {
            let msg = cat!(
                "the deadline of ",
                state.deadline_ms.unwrap_or(0.0) as u64,
                " ms passed"
            );
            return Err(fail(
                Error::new(ErrorKind::Timeout, codes::TIMEOUT, msg),
                history,
            ));
        }
        let timeout = time_left.map_or(state.timeout_ms, |t| t.min(state.timeout_ms));
        let nonce = random::nonce().map_err(|e| fail(e, history.clone()))?;
        let signed = signing::sign(
            &request,
            &state.endpoint,
            &credentials,
            state.signature_version,
            (now + state.clock_offset_ms.get()) as i64,
            &nonce,
        );
        let outcome = fetch::attempt(
            state.fetch.as_ref(),
            &state.url(&signed),
            &signed,
            timeout,
            abort.as_ref(),
        )
        .await;
        let (mut err, server_wait) = match outcome {
            Ok(answer) => match response::parse(answer.status, &answer.body) {
                Ok(ok) => {
                    return Ok(js::object(&[
                        ("result", JsValue::from_bool(ok.result)),
                        ("requestId", JsValue::from_str(&ok.request_id)),
                        ("clientToken", JsValue::from_str(&token)),
                        ("attempts", JsValue::from(history.len() as u32 + 1)),
                    ]))
                }
                Err(e) => {
                    // Our clock is off: learn the server's from its Date header and try again
                    // at once, once; later calls of this client use the corrected clock.
                    let offset = answer
                        .date
                        .as_deref()
                        .and_then(|d| retry::clock_offset_ms(d, Date::now()));
                    if let (codes::TIME_STAMP_EXPIRED, Some(offset), false) =
                        (e.code.as_str(), offset, clock_corrected)
                    {
                        state.clock_offset_ms.set(offset);
                        clock_corrected = true;
                        history.push(retry::describe_attempt(&e));
                        continue;
                    }
                    let wait = retry::server_wait_ms(
                        answer.x_acs_retry_after.as_deref(),
                        answer.retry_after.as_deref(),
                        Date::now(),
                    );
                    (e, wait)
                }
            },
            Err(e) => (e, None),
        };
        // Ours beside the server's, so the two can be compared.
        if err.code == codes::SIGNATURE_DOES_NOT_MATCH {
            err.string_to_sign = Some(signed.signed_text.clone());
        }
        // A gateway's SignatureDoesNotMatch message repeats its string-to-sign, which holds the
        // STS token we sent; a proxy's error page may echo our headers.
        err.redact_with(|text| signed.redact(&credentials, text));
        history.push(retry::describe_attempt(&err));

        let counted = (history.len() - usize::from(clock_corrected)) as u32;
        let time_left = deadline.map(|d| d - Date::now());
        let Some(delay) =
            state
                .retry
                .next_delay(&err, counted, server_wait, random::unit(), time_left)
        else {
            return Err(fail(err, history));
        };
        if !timer::sleep(delay, abort.as_ref()).await {
            return Err(fail(fetch::aborted(), history));
        }
    }
}

/// Checks the call's arguments, picks the clientToken (the caller's, or a new UUID) and
/// reads the options' `signal`.
fn prepare(
    instance_id: &JsValue,
    client_token: &Option<JsValue>,
    options: &Option<JsValue>,
) -> Result<(OpenHttpsRequest, String, Option<JsValue>), Error> {
    let Some(id) = instance_id.as_string() else {
        let msg = "instanceId must be a string such as \"es-cn-n6w1o1x0w001c\"";
        return Err(Error::invalid(
            codes::INVALID_INSTANCE_ID,
            "instanceId",
            msg,
        ));
    };
    let token = if let Some(t) = client_token.as_ref().and_then(JsValue::as_string) {
        t
    } else if client_token.is_none() {
        random::uuid_v4()?
    } else {
        let msg = "clientToken must be a string of 1 to 64 printable ASCII characters, or omitted";
        return Err(Error::invalid(
            codes::INVALID_CLIENT_TOKEN,
            "clientToken",
            msg,
        ));
    };
    let request = OpenHttpsRequest::new(&id, Some(&token))?;
    let signal = match options.as_ref().map(|o| js::get(o, "signal")) {
        None => None,
        Some(s) if s.is_null_or_undefined() => None,
        Some(s) if js::get(&s, "addEventListener").is_function() => Some(s),
        Some(_) => {
            let msg = "signal must be an AbortSignal (e.g. AbortSignal.timeout(5000) or controller.signal)";
            return Err(Error::invalid(codes::INVALID_CONFIG, "signal", msg));
        }
    };
    Ok((request, token, signal))
}
