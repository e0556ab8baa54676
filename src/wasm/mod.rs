//! The JavaScript surface: `Client`, `openHttps` and `configure`.
//!
//! This is the only code that knows JS. It reads the clock and the random source, calls
//! `fetch`, and converts results and errors; everything else is the pure core.

mod config;
mod credentials;
mod errors;
mod fetch;
mod js;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::error::{codes, Error};
use crate::request::OpenHttpsRequest;
use crate::signing::{self, SignatureVersion};
use crate::{random, response};
use config::ClientState;

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

/** A `fetch`-compatible function: called with the URL and `{ method, headers }`. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string> },
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
  /** Replaces the global `fetch`. */
  fetch?: FetchLike;
}

/** The answer of a successful call. */
export interface OpenHttpsResult {
  /** `true`: HTTPS is on. `false`: the service answered that it did not enable HTTPS. */
  result: boolean;
  /** The service's RequestId, for support tickets. */
  requestId: string;
  /** The clientToken sent (generated when none was given); reuse it to retry safely. */
  clientToken: string;
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
    ) -> Promise {
        let state = self.state.clone();
        future_to_promise(async move { call(&state, instance_id, client_token).await })
    }
}

thread_local! {
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
        call(&state, instance_id, client_token).await
    })
}

/// What the top-level `openHttps` says when it has no client and the environment gives none.
const NOT_CONFIGURED: &str = "openHttps() has no client: call configure({ regionId, credentials: \
    { accessKeyId, accessKeySecret } }) first, or (in Node) set ALIBABA_CLOUD_ACCESS_KEY_ID, \
    ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_REGION_ID (plus \
    ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials)";

/// One OpenHttps call: validate, sign, send, parse. Every failure becomes an `OpenHttpsError`.
async fn call(
    state: &ClientState,
    instance_id: JsValue,
    client_token: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let (request, token) =
        prepare(&instance_id, &client_token).map_err(|e| errors::to_js(&e, None))?;
    let with_token = |e: Error| errors::to_js(&e, Some(&token));

    // Before asking for credentials: a provider may be a round trip to a backend.
    if state.signature_version == SignatureVersion::V1
        && state.fetch.is_none()
        && fetch::drops_date_header()
    {
        return Err(with_token(config::v1_in_browser_error()));
    }
    let credentials = state.credentials().await.map_err(with_token)?;
    let nonce = random::nonce().map_err(with_token)?;
    let signed = signing::sign(
        &request,
        &state.endpoint,
        &credentials,
        state.signature_version,
        js_sys::Date::now() as i64,
        &nonce,
    );
    let (status, body) = fetch::send(state.fetch.as_ref(), &state.url(&signed), &signed)
        .await
        .map_err(with_token)?;
    match response::parse(status, &body) {
        Ok(ok) => Ok(js::object(&[
            ("result", JsValue::from_bool(ok.result)),
            ("requestId", JsValue::from_str(&ok.request_id)),
            ("clientToken", JsValue::from_str(&token)),
        ])),
        Err(mut e) => {
            // A gateway's SignatureDoesNotMatch message repeats its string-to-sign, which
            // holds the STS token we sent.
            e.message = credentials.redact(&e.message);
            Err(with_token(e))
        }
    }
}

/// Checks the call's arguments and picks the clientToken (the caller's, or a new UUID).
fn prepare(
    instance_id: &JsValue,
    client_token: &Option<JsValue>,
) -> Result<(OpenHttpsRequest, String), Error> {
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
    Ok((request, token))
}
