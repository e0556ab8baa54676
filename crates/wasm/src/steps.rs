//! One call as synchronous steps for the package's JS driver (`pkg-template/driver.js`),
//! which performs them: the core's [`Call`] decides, the driver sends, waits and stops.
//!
//! A call lives in a table here and is named by a handle (`u32`) until [`finish`] or
//! [`drop_call`]. Every transition returns the call's next step as one number, so that the
//! driver's hot path crosses into the wasm a few times per call and allocates nothing for it:
//!
//! | number `x`  | step                                                      |
//! |-------------|-----------------------------------------------------------|
//! | `x >= 0`    | send, within `x` ms: [`sign`], then `fetch`, then [`answer`] or [`failed`] |
//! | `x <= -3`   | wait `-x - 3` ms, then [`wake`] (or [`abort`])            |
//! | `-1`        | done: [`finish`] resolves                                 |
//! | `-2`        | failed: [`finish`] throws the `OpenHttpsError`            |

use crate::prelude::*;
use alloc::rc::Rc;

use aliyun_es_https_core::call::{Answer, Call, Step, Success};
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::fleet::RateLimiter;
use aliyun_es_https_core::json::ObjectWriter;
use aliyun_es_https_core::operation::{next_page, Request, MAX_PAGE_SIZE};
use aliyun_es_https_core::response::Response;
use aliyun_es_https_core::signing::{self, Credentials, SignatureVersion, SignedRequest};
use aliyun_es_https_core::text::find;
use aliyun_es_https_core::validate;
use js_sys::Date;
use wasm_bindgen::prelude::*;

use crate::client;
use crate::config::{self, ClientState};
use crate::handles::Handles;
use crate::sign_request::write_wire;
use crate::{credentials, errors, js, random, OneThread};

/// Step numbers (see the module docs).
pub(crate) const DONE: f64 = -1.0;
pub(crate) const FAIL: f64 = -2.0;

/// A call's step as a number.
fn code(step: &Step) -> f64 {
    match step {
        Step::Send { timeout_ms } => timeout_ms.max(0.0),
        Step::Wait { ms } => -ms.max(0.0) - 3.0,
        Step::Done(_) => DONE,
        Step::Fail(_) => FAIL,
    }
}

/// What a call returns when it succeeds.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Output {
    /// OpenHttps / CloseHttps: `{ result, requestId, clientToken, attempts }`.
    Change,
    /// DescribeInstance: the instance.
    Instance,
    /// ListInstance: `{ instances, total, requestId }` for a page of `size` from `page`.
    Page { page: u32, size: u32 },
    /// ListInstance for a walk: `{ instances, next }` (`next`: the next page, or null).
    Walk { page: u32, size: u32 },
}

/// One call under way.
pub(crate) struct Job {
    pub state: Rc<ClientState>,
    request: Request,
    call: Call,
    step: Step,
    output: Output,
    /// The request and credentials of the attempt in flight.
    sent: Option<(SignedRequest, Rc<Credentials>)>,
}

impl Job {
    /// A call of `request` on `state`, at its first step.
    pub fn new(state: Rc<ClientState>, request: Request, output: Output) -> Result<Job, Error> {
        // Before asking for credentials: a provider may be a round trip to a backend.
        if state.signature_version == SignatureVersion::V1 && state.dates_dropped {
            return Err(config::v1_in_browser_error());
        }
        let shape = request.operation().shape;
        let now = Date::now();
        let mut call = Call::new(shape, state.policy, state.clock_offset_ms.get(), now);
        let step = call.resume(now);
        Ok(Job {
            state,
            request,
            call,
            step,
            output,
            sent: None,
        })
    }

    /// The call's outcome, leaving the client what it learnt about the server's clock.
    pub fn outcome(self) -> Result<(Success, Request), Error> {
        self.state.clock_offset_ms.set(self.call.clock_offset_ms());
        match self.step {
            Step::Done(success) => Ok((success, self.request)),
            Step::Fail(err) => Err(err),
            // Not finished: only a driver bug gets here.
            _ => Err(Error::aborted()),
        }
    }
}

/// Calls under way.
pub(crate) static JOBS: OneThread<Handles<Job>> = OneThread(Handles::new());

/// Runs `f` on the call `handle` and returns its next step (a failed step for a stale handle).
fn with(handle: u32, f: impl FnOnce(&mut Job) -> Step) -> f64 {
    JOBS.with(handle, |job| {
        job.step = f(job);
        code(&job.step)
    })
    .unwrap_or(FAIL)
}

/// Throws `err` as an `OpenHttpsError`.
fn thrown(err: Error) -> JsValue {
    errors::to_js(&err, None)
}

/// Starts a call on `client` and returns its handle; throws an `OpenHttpsError` for bad
/// arguments, before anything is sent. `op`: 0 OpenHttps and 1 CloseHttps (`id`, `token`: a
/// new UUID when `None`), 2 DescribeInstance (`id`), 3 ListInstance and 4 a page of a walk
/// (`page`, `size`, `description`, `id`: the instanceId filter). The JS types were checked by
/// `options.js`; the values are checked here.
#[wasm_bindgen(js_name = __call, skip_typescript)]
pub fn start(
    client: u32,
    op: u32,
    id: Option<String>,
    token: Option<String>,
    page: f64,
    size: f64,
    description: Option<String>,
) -> Result<u32, JsValue> {
    let id = id.unwrap_or_default();
    let (request, output) = match op {
        0 | 1 => {
            let token = match token {
                Some(t) => t,
                None => random::uuid_v4().map_err(thrown)?,
            };
            let build = if op == 0 {
                Request::open_https
            } else {
                Request::close_https
            };
            (build(&id, Some(&token)).map_err(thrown)?, Output::Change)
        }
        2 => (
            Request::describe_instance(&id).map_err(thrown)?,
            Output::Instance,
        ),
        _ => {
            let page = validate::whole_number("page", page, 1, u32::MAX >> 1).map_err(thrown)?;
            let size = validate::whole_number("size", size, 1, MAX_PAGE_SIZE).map_err(thrown)?;
            let filter = Some(id.as_str()).filter(|i| !i.is_empty());
            let request = Request::list_instances(page, size, description.as_deref(), filter)
                .map_err(thrown)?;
            let output = if op == 3 {
                Output::Page { page, size }
            } else {
                Output::Walk { page, size }
            };
            (request, output)
        }
    };
    let token = request.client_token().map(String::from);
    let job = client::state(client)
        .and_then(|state| Job::new(state, request, output))
        .map_err(|e| errors::to_js(&e, token.as_deref()))?;
    Ok(JOBS.insert(job))
}

/// Checks an instance id's form (fleet mode checks every given id before anything is sent).
#[wasm_bindgen(js_name = __checkInstanceId, skip_typescript)]
pub fn check_instance_id(id: String) -> Result<(), JsValue> {
    validate::instance_id(&id).map_err(thrown)
}

/// The call's current step.
#[wasm_bindgen(js_name = __state, skip_typescript)]
pub fn state(handle: u32) -> f64 {
    JOBS.with(handle, |job| code(&job.step)).unwrap_or(FAIL)
}

/// Signs the attempt and returns the request as `method \n url \n name \n value …`, or:
/// `"?"` — the credentials function must be asked (`__credentials`) and its answer passed
/// as `credentials` and `expiration` (packed by `options.js`, `credentialsOf`), with the
/// Promise it came from as `pending`; `""` — the attempt failed
/// (no usable credentials, no randomness): `__state` tells what next.
#[wasm_bindgen(js_name = __sign, skip_typescript)]
pub fn sign(
    handle: u32,
    credentials: Option<String>,
    expiration: Option<f64>,
    pending: JsValue,
) -> String {
    let mut out = String::new();
    with(handle, |job| {
        let step = core::mem::replace(&mut job.step, Step::Wait { ms: 0.0 });
        let credentials = if pending.is_undefined() {
            match job.state.credentials.current() {
                Some(c) => c,
                None => {
                    out.push('?');
                    return step;
                }
            }
        } else {
            let packed = credentials.as_deref().unwrap_or_default();
            match job.state.credentials.accept(packed, expiration, &pending) {
                Ok(c) => c,
                Err(e) => return job.call.on_failure(e, Date::now(), random::unit()),
            }
        };
        let nonce = match random::nonce() {
            Ok(n) => n,
            Err(e) => return job.call.on_failure(e, Date::now(), random::unit()),
        };
        let now = Date::now() + job.call.clock_offset_ms();
        let state = &job.state;
        let signed = signing::sign(
            &job.request,
            &state.endpoint,
            &credentials,
            state.signature_version,
            now as i64,
            &nonce,
        );
        write_wire(&mut out, &signed);
        job.sent = Some((signed, credentials));
        step
    });
    out
}

/// The credentials function's answer for the call's client, shared by concurrent calls.
#[wasm_bindgen(js_name = __credentials, skip_typescript)]
pub fn credentials(handle: u32) -> JsValue {
    match JOBS.with(handle, |job| job.state.clone()) {
        Some(state) => state.credentials.invoke().into(),
        None => JsValue::UNDEFINED,
    }
}

/// The answer to the attempt: status, whole body, and the headers the call reads as
/// `date \n x-acs-retry-after \n retry-after`, each empty when absent.
#[wasm_bindgen(js_name = __answer, skip_typescript)]
pub fn answer(handle: u32, status: u16, body: String, headers: &str) -> f64 {
    let mut values = headers
        .split('\n')
        .map(|v| Some(v).filter(|v| !v.is_empty()).map(String::from));
    let mut next = || values.next().flatten();
    let answer = Answer {
        status,
        body,
        date: next(),
        x_acs_retry_after: next(),
        retry_after: next(),
    };
    with(handle, |job| match job.sent.take() {
        Some((signed, credentials)) => {
            job.call
                .on_answer(&answer, &signed, &credentials, Date::now(), random::unit())
        }
        None => job.call.on_abort(),
    })
}

/// Why an attempt ended without a usable answer, for [`failed`] (any other number: `fetch`
/// resolved to something without an HTTP status).
mod why {
    /// The credentials function threw or rejected (`detail`: what).
    pub const CREDENTIALS: u32 = 0;
    /// The credentials function did not answer within the attempt.
    pub const CREDENTIALS_TIMEOUT: u32 = 1;
    /// `fetch` rejected (`detail`: with what).
    pub const NETWORK: u32 = 2;
    /// The attempt's time ran out while sending or reading.
    pub const TIMEOUT: u32 = 3;
    /// The answer is over the cap.
    pub const TOO_LARGE: u32 = 4;
    /// The response has no `text()`.
    pub const NO_TEXT: u32 = 6;
    /// Reading the body failed (`detail`: with what; `status`: the answer's).
    pub const BODY: u32 = 7;
    /// The credentials function's answer is not credentials (`detail`: `[code, field,
    /// message]`, what `options.js` found).
    pub const CREDENTIALS_ANSWER: u32 = 8;
}

/// The attempt ended without a usable answer (see the `why` codes); `detail`, what was thrown
/// or rejected, described by the driver (`describeThrown`); `status` is the answer's HTTP
/// status when there was one; `pending`, the credentials function's Promise when it was that.
#[wasm_bindgen(js_name = __failed, skip_typescript)]
pub fn failed(handle: u32, why: u32, detail: Option<String>, status: u16, pending: JsValue) -> f64 {
    let detail = || detail.clone().unwrap_or_else(|| "unknown error".into());
    with(handle, |job| {
        let timeout_ms = match &job.step {
            Step::Send { timeout_ms } => *timeout_ms,
            _ => job.state.policy.timeout_ms,
        };
        let sent = job.sent.take();
        let target = || {
            let url = sent.as_ref().map_or("", |(s, _)| s.url.as_str());
            // Where it went (not the path: it is always the same).
            match find(url, "/openapi/") {
                Some(0) => String::from("this origin"),
                Some(at) => String::from(&url[..at]),
                None => String::from(url),
            }
        };
        let err = match why {
            why::CREDENTIALS | why::CREDENTIALS_TIMEOUT => {
                job.state.credentials.forget(&pending);
                if why == why::CREDENTIALS {
                    let msg = cat!("the credentials function failed: ", detail());
                    Error::invalid(codes::MISSING_CREDENTIALS, "credentials", msg)
                } else {
                    Error::timeout(cat!(
                        "the credentials function gave no answer within ",
                        timeout_ms as u64,
                        " ms"
                    ))
                }
            }
            why::CREDENTIALS_ANSWER => {
                job.state.credentials.forget(&pending);
                credentials::answer_error(&detail())
            }
            why::NETWORK | why::BODY => {
                let mut err =
                    Error::network(cat!("no HTTP answer from ", target(), ": ", detail()));
                if why == why::BODY {
                    err.http_status = Some(status);
                }
                err
            }
            why::TIMEOUT => {
                Error::timeout(cat!("no complete answer within ", timeout_ms as u64, " ms"))
            }
            why::TOO_LARGE => Error::malformed(status, "answer too large: more than 1 MiB"),
            why::NO_TEXT => Error::malformed(status, "the response has no text() method"),
            _ => Error::network(
                "fetch resolved to something that is not a Response (no HTTP status)",
            ),
        };
        job.call.on_failure(err, Date::now(), random::unit())
    })
}

/// The caller's signal fired (or a fleet run stopped): the call ends as `Aborted`. `pending`:
/// the credentials function's Promise, when the attempt was waiting for it.
#[wasm_bindgen(js_name = __abort, skip_typescript)]
pub fn abort(handle: u32, pending: JsValue) -> f64 {
    with(handle, |job| {
        job.state.credentials.forget(&pending);
        job.call.on_abort()
    })
}

/// After a wait: the next step.
#[wasm_bindgen(js_name = __wake, skip_typescript)]
pub fn wake(handle: u32) -> f64 {
    with(handle, |job| job.call.resume(Date::now()))
}

/// Ends the call: its result, or throws its `OpenHttpsError`.
#[wasm_bindgen(js_name = __finish, skip_typescript)]
pub fn finish(handle: u32) -> Result<JsValue, JsValue> {
    let job = JOBS.take(handle).ok_or_else(|| thrown(Error::aborted()))?;
    let output = job.output;
    let token = match output {
        Output::Change => job.request.client_token().map(String::from),
        _ => None,
    };
    let (success, _) = job
        .outcome()
        .map_err(|e| errors::to_js(&e, token.as_deref()))?;
    Ok(js::from_json(&result_json(
        &success,
        output,
        token.as_deref(),
    )))
}

/// Drops a call the driver no longer needs (a stopped walk).
#[wasm_bindgen(js_name = __drop, skip_typescript)]
pub fn drop_call(handle: u32) {
    JOBS.take(handle);
}

/// What a finished call resolves to, as JSON.
fn result_json(success: &Success, output: Output, token: Option<&str>) -> String {
    match (&success.response, output) {
        (
            Response::Instance {
                instance,
                request_id,
            },
            _,
        ) => instance.to_json(Some(request_id)),
        (
            Response::Instances {
                instances,
                total,
                request_id,
            },
            Output::Page { page, size } | Output::Walk { page, size },
        ) => {
            let mut items = String::from("[");
            for (i, instance) in instances.iter().enumerate() {
                if i > 0 {
                    items.push(',');
                }
                items.push_str(&instance.to_json(None));
            }
            items.push(']');
            let mut w = ObjectWriter::new();
            w.raw("instances", &items);
            if matches!(output, Output::Walk { .. }) {
                match next_page(page, size, instances.len(), *total) {
                    Some(next) => w.number("next", next.into()),
                    None => w.raw("next", "null"),
                };
            } else {
                // Without a total in the answer: what this page shows.
                let seen = u64::from(page - 1) * u64::from(size) + instances.len() as u64;
                w.number("total", total.unwrap_or(seen))
                    .string("requestId", request_id);
            }
            w.finish()
        }
        (response, _) => ObjectWriter::new()
            .boolean(
                "result",
                matches!(response, Response::Accepted { result: true, .. }),
            )
            .string("requestId", response.request_id())
            .string("clientToken", token.unwrap_or_default())
            .number("attempts", success.attempts.into())
            .finish(),
    }
}

/// The client's `fetch` option (`undefined`: the package's transport or the global fetch).
#[wasm_bindgen(js_name = __fetch, skip_typescript)]
pub fn client_fetch(client: u32) -> JsValue {
    match client::state(client) {
        Ok(state) => state
            .fetch
            .as_ref()
            .map_or(JsValue::UNDEFINED, |f| f.clone().into()),
        Err(_) => JsValue::UNDEFINED,
    }
}

/// Rate limiters of fleet runs.
static LIMITERS: OneThread<Handles<RateLimiter>> = OneThread(Handles::new());

/// A rate limiter for every request of one fleet run (`maxRps`: its ceiling, 0 for none);
/// returns its handle.
#[wasm_bindgen(js_name = __limiter, skip_typescript)]
pub fn limiter(max_rps: f64) -> u32 {
    LIMITERS.insert(RateLimiter::new(Some(max_rps).filter(|&n| n > 0.0)))
}

/// How long to wait before the next request of the run may leave (the slot is reserved).
#[wasm_bindgen(js_name = __reserve, skip_typescript)]
pub fn reserve(limiter: u32) -> f64 {
    LIMITERS
        .with(limiter, |l| l.reserve(Date::now()))
        .unwrap_or(0.0)
}

/// Tells the run's limiter how the call's last attempt went (throttled or not).
#[wasm_bindgen(js_name = __paced, skip_typescript)]
pub fn paced(handle: u32, limiter: u32) {
    JOBS.with(handle, |job| {
        LIMITERS.with(limiter, |l| match job.call.take_throttled() {
            Some(server_wait) => l.on_throttled(Date::now(), server_wait),
            None if matches!(job.step, Step::Done(_)) => l.on_success(),
            None => {}
        })
    });
}

/// Drops a run's limiter.
#[wasm_bindgen(js_name = __dropLimiter, skip_typescript)]
pub fn drop_limiter(limiter: u32) {
    LIMITERS.take(limiter);
}
