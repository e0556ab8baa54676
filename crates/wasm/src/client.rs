//! `Client`, `configure` and `openHttps`: validate the arguments, then run the core's call
//! state machine ([`aliyun_es_https_core::call`]) — sending, waiting, stopping as it says.

use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::RefCell;

use aliyun_es_https_core::call::{Call, Step, Success};
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::operation::Request;
use aliyun_es_https_core::response::Response;
use aliyun_es_https_core::signing::{self, SignatureVersion};
use js_sys::{Date, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::config::{self, ClientState};
use crate::credentials::{self, NoCredentials};
use crate::timer::{self, Trigger};
use crate::{errors, fetch, js, random, OneThread};

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

/// The client set by `configure`, used by the top-level `openHttps`.
static DEFAULT: OneThread<RefCell<Option<Rc<ClientState>>>> = OneThread(RefCell::new(None));

/// Sets the client that the top-level `openHttps` uses. Throws an `OpenHttpsError` when the
/// configuration cannot work (the previous default is then kept).
#[wasm_bindgen]
pub fn configure(
    #[wasm_bindgen(unchecked_param_type = "ClientConfig")] config: JsValue,
) -> Result<(), JsValue> {
    let state = ClientState::from_js(&config).map_err(|e| errors::to_js(&e, None))?;
    *DEFAULT.borrow_mut() = Some(Rc::new(state));
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
    let configured = DEFAULT.borrow().clone();
    future_to_promise(async move {
        let state = match configured {
            Some(state) => state,
            None => Rc::new(ClientState::from_js(&JsValue::UNDEFINED).map_err(|mut e| {
                if e.code == codes::MISSING_CREDENTIALS || e.code == codes::MISSING_REGION {
                    e.message = credentials::MISSING.into();
                }
                errors::to_js(&e, None)
            })?),
        };
        call(&state, instance_id, client_token, options).await
    })
}

/// One OpenHttps call: check the arguments, run it, shape the answer.
async fn call(
    state: &ClientState,
    instance_id: JsValue,
    client_token: Option<JsValue>,
    options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let (request, token, signal) = prepare(&instance_id, client_token.as_ref(), options.as_ref())
        .map_err(|e| errors::to_js(&e, None))?;
    let success = run(state, &request, signal.as_ref())
        .await
        .map_err(|e| errors::to_js(&e, Some(&token)))?;
    let result = matches!(success.response, Response::Accepted { result: true, .. });
    Ok(js::object(&[
        ("result", JsValue::from_bool(result)),
        (
            "requestId",
            JsValue::from_str(success.response.request_id()),
        ),
        ("clientToken", JsValue::from_str(&token)),
        ("attempts", JsValue::from(success.attempts)),
    ]))
}

/// Runs `request` to the end: performs each step the core's [`Call`] asks for.
pub(crate) async fn run(
    state: &ClientState,
    request: &Request,
    signal: Option<&JsValue>,
) -> Result<Success, Error> {
    // Before asking for credentials: a provider may be a round trip to a backend.
    if state.signature_version == SignatureVersion::V1 && fetch::drops_date_header() {
        return Err(config::v1_in_browser_error());
    }
    let abort = signal.map(Trigger::on_abort);
    let shape = request.operation().shape;
    let mut call = Call::new(
        shape,
        state.policy,
        state.clock_offset_ms.get(),
        Date::now(),
    );
    let mut step = call.resume(Date::now());
    loop {
        step = match step {
            Step::Send { timeout_ms } => {
                attempt(state, request, &mut call, timeout_ms, abort.as_ref()).await
            }
            Step::Wait { ms } => match timer::sleep(ms, abort.as_ref()).await {
                true => call.resume(Date::now()),
                false => call.on_abort(),
            },
            Step::Done(success) => {
                state.clock_offset_ms.set(call.clock_offset_ms());
                return Ok(success);
            }
            Step::Fail(err) => {
                state.clock_offset_ms.set(call.clock_offset_ms());
                return Err(err);
            }
        };
    }
}

/// One attempt within `timeout_ms`: credentials, a fresh nonce and date, the request, the
/// whole answer. Returns the call's next step.
async fn attempt(
    state: &ClientState,
    request: &Request,
    call: &mut Call,
    timeout_ms: f64,
    abort: Option<&Trigger>,
) -> Step {
    if abort.is_some_and(Trigger::fired) {
        return call.on_abort();
    }
    // One timer bounds the whole attempt, the wait for credentials included.
    let timer = Trigger::after(timeout_ms);
    let credentials = match state.credentials(&timer, abort).await {
        Ok(c) => c,
        Err(NoCredentials::Aborted) => return call.on_abort(),
        Err(NoCredentials::Failed(e)) => return call.on_failure(e, Date::now(), random::unit()),
        Err(NoCredentials::TimedOut) => {
            let msg = cat!(
                "the credentials function gave no answer within ",
                timeout_ms as u64,
                " ms"
            );
            return call.on_failure(Error::timeout(msg), Date::now(), random::unit());
        }
    };
    let nonce = match random::nonce() {
        Ok(n) => n,
        Err(e) => return call.on_failure(e, Date::now(), random::unit()),
    };
    let now = Date::now() + call.clock_offset_ms();
    let signed = signing::sign(
        request,
        &state.endpoint,
        &credentials,
        state.signature_version,
        now as i64,
        &nonce,
    );
    match fetch::send(state.fetch.as_ref(), &signed, &timer, timeout_ms, abort).await {
        Ok(answer) => call.on_answer(&answer, &signed, &credentials, Date::now(), random::unit()),
        Err(e) if e.code == codes::ABORTED => call.on_abort(),
        Err(e) => call.on_failure(e, Date::now(), random::unit()),
    }
}

/// Checks a call's arguments: the instance id, the clientToken (the caller's, or a new UUID)
/// and the options' `signal`.
fn prepare(
    instance_id: &JsValue,
    client_token: Option<&JsValue>,
    options: Option<&JsValue>,
) -> Result<(Request, String, Option<JsValue>), Error> {
    let id = config::instance_id_arg(instance_id)?;
    let token = config::client_token_arg(client_token.unwrap_or(&JsValue::UNDEFINED))?;
    let request = Request::open_https(&id, Some(&token))?;
    let signal = config::call_options(options)?;
    Ok((request, token, signal))
}
