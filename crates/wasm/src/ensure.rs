//! `ensureHttps` as synchronous steps for the package's JS driver: the core's [`Ensure`]
//! decides (look, open, wait, done), the driver runs each look and each OpenHttps as a call
//! ([`crate::steps`]) and feeds its outcome back. Fleet mode runs one per instance.
//!
//! Step numbers: `x >= 0` wait `x` ms, then [`wake`]; `-1` done and `-2` failed: [`finish`];
//! `-3` look (DescribeInstance) and `-4` open (OpenHttps): [`call`], run it, then [`feed`];
//! `-5` stopped: the caller's signal ended a call.

use crate::prelude::*;
use alloc::rc::Rc;

use aliyun_es_https_core::ensure::{Ensure, EnsureOptions, EnsureStep};
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::json::ObjectWriter;
use aliyun_es_https_core::operation::Request;
use aliyun_es_https_core::response::{Instance, Response};
use js_sys::Date;
use wasm_bindgen::prelude::*;

use crate::client;
use crate::config::ClientState;
use crate::handles::Handles;
use crate::steps::{self, Job, Output, DONE, FAIL};
use crate::{errors, js, random, OneThread};

const LOOK: f64 = -3.0;
const OPEN: f64 = -4.0;
const STOPPED: f64 = -5.0;

/// One ensure under way.
struct Run {
    state: Rc<ClientState>,
    instance_id: String,
    client_token: String,
    ensure: Ensure,
    step: EnsureStep,
    stopped: bool,
}

impl Run {
    fn new(
        state: Rc<ClientState>,
        id: String,
        token: String,
        ensure: Ensure,
        step: EnsureStep,
    ) -> Run {
        Run {
            state,
            instance_id: id,
            client_token: token,
            ensure,
            step,
            stopped: false,
        }
    }

    /// The step as a number (see the module docs).
    fn code(&self) -> f64 {
        match &self.step {
            _ if self.stopped => STOPPED,
            EnsureStep::Wait { ms } => ms.max(0.0),
            EnsureStep::Done(_) => DONE,
            EnsureStep::Fail(_) => FAIL,
            EnsureStep::Describe => LOOK,
            EnsureStep::Open => OPEN,
        }
    }
}

/// Ensures under way.
static RUNS: OneThread<Handles<Run>> = OneThread(Handles::new());

/// Runs `f` on the ensure `handle`; its next step (failed for a stale handle).
fn with(handle: u32, f: impl FnOnce(&mut Run) -> Option<EnsureStep>) -> f64 {
    RUNS.with(handle, |run| {
        if let Some(step) = f(run) {
            run.step = step;
        }
        run.code()
    })
    .unwrap_or(FAIL)
}

/// Starts `ensureHttps` on `client` with the options `options.js` read: `texts` packs
/// `[instanceId, clientToken]` ([`js::unpack`]; no clientToken: a new UUID); `wait` is 0
/// (false), 1 (true) or 2 (not given); the times are 0 when not given. Returns its handle.
/// Throws an `OpenHttpsError` for bad values, before anything is sent.
#[wasm_bindgen(js_name = __ensure, skip_typescript)]
pub fn start(
    client: u32,
    texts: &str,
    wait: u32,
    wait_timeout_ms: f64,
    poll_interval_ms: f64,
) -> Result<u32, JsValue> {
    let thrown = |e: Error| errors::to_js(&e, None);
    let state = client::state(client).map_err(thrown)?;
    let mut texts = js::unpack(texts);
    let instance_id = texts.next().flatten().unwrap_or_default();
    let client_token = match texts.next().flatten() {
        Some(t) => t,
        None => random::uuid_v4().map_err(thrown)?,
    };
    Request::open_https(&instance_id, Some(&client_token)).map_err(thrown)?;
    let defaults = EnsureOptions::default();
    let or = |n: f64, default| if n > 0.0 { n } else { default };
    let options = EnsureOptions {
        wait: if wait > 1 { defaults.wait } else { wait == 1 },
        wait_timeout_ms: or(wait_timeout_ms, defaults.wait_timeout_ms),
        poll_interval_ms: or(poll_interval_ms, defaults.poll_interval_ms),
    };
    let mut ensure = Ensure::new(options, Date::now());
    let step = ensure.start();
    Ok(RUNS.insert(Run::new(state, instance_id, client_token, ensure, step)))
}

/// Fleet mode: an ensure starting from the plan's look at the instance. `texts` packs
/// `[instanceId, clientToken, status, protocol]` ([`js::unpack`]).
#[wasm_bindgen(js_name = __ensureFrom, skip_typescript)]
pub fn start_from(
    client: u32,
    texts: &str,
    wait_timeout_ms: f64,
    poll_interval_ms: f64,
    have_client_node: Option<bool>,
) -> u32 {
    // A stale client: 0, which every other step treats as a failed ensure.
    let Ok(state) = client::state(client) else {
        return 0;
    };
    let mut texts = js::unpack(texts);
    let mut text = || texts.next().flatten().unwrap_or_default();
    let (instance_id, client_token, status, protocol) = (text(), text(), text(), text());
    let options = EnsureOptions {
        wait_timeout_ms,
        poll_interval_ms,
        ..EnsureOptions::default()
    };
    let mut ensure = Ensure::new(options, Date::now());
    let _ = ensure.start();
    let seen = Instance {
        instance_id: instance_id.clone(),
        status,
        protocol,
        description: None,
        es_version: None,
        have_client_node,
    };
    let step = ensure.on_described(&seen, Date::now());
    RUNS.insert(Run::new(state, instance_id, client_token, ensure, step))
}

/// The ensure's current step.
#[wasm_bindgen(js_name = __ensureState, skip_typescript)]
pub fn state(handle: u32) -> f64 {
    with(handle, |_| None)
}

/// The call of the current step (look or open), as a handle of [`crate::steps`]; 0 when it
/// cannot start (the ensure's next step says why).
#[wasm_bindgen(js_name = __ensureCall, skip_typescript)]
pub fn call(handle: u32) -> u32 {
    let mut job = None;
    with(handle, |run| {
        let id = &run.instance_id;
        let request = match run.step {
            EnsureStep::Open => Request::open_https(id, Some(&run.client_token)),
            _ => Request::describe_instance(id),
        };
        let output = if matches!(run.step, EnsureStep::Open) {
            Output::Change
        } else {
            Output::Instance
        };
        match request.and_then(|r| Job::new(run.state.clone(), r, output)) {
            Ok(j) => {
                job = Some(j);
                None
            }
            Err(e) => Some(run.ensure.on_error(e, Date::now())),
        }
    });
    job.map_or(0, |job| steps::JOBS.insert(job))
}

/// Feeds the outcome of the finished call `call` (from [`call`]) to the ensure; its next step.
#[wasm_bindgen(js_name = __ensureFeed, skip_typescript)]
pub fn feed(handle: u32, call: u32) -> f64 {
    let outcome = steps::JOBS.take(call).map(Job::outcome);
    with(handle, |run| {
        let now = Date::now();
        Some(match outcome {
            Some(Ok((success, _))) => match success.response {
                Response::Instance { instance, .. } => run.ensure.on_described(&instance, now),
                response => {
                    let accepted = matches!(response, Response::Accepted { result: true, .. });
                    run.ensure.on_opened(accepted, response.request_id(), now)
                }
            },
            Some(Err(e)) if e.code == codes::ABORTED => {
                run.stopped = true;
                return None;
            }
            Some(Err(e)) => run.ensure.on_error(e, now),
            None => return None,
        })
    })
}

/// After a wait: the next step.
#[wasm_bindgen(js_name = __ensureWake, skip_typescript)]
pub fn wake(handle: u32) -> f64 {
    with(handle, |run| Some(run.ensure.resume(Date::now())))
}

/// `{ [type,] instanceId, phase, status?, protocol?, elapsedMs }`: the progress event.
#[wasm_bindgen(js_name = __ensureProgress, skip_typescript)]
pub fn progress(handle: u32, kind: Option<String>) -> JsValue {
    let event = RUNS.with(handle, |run| {
        let (status, protocol) = run.ensure.last_seen();
        ObjectWriter::new()
            .optional("type", kind.as_deref())
            .string("instanceId", &run.instance_id)
            .string("phase", run.ensure.phase().name())
            .optional("status", status)
            .optional("protocol", protocol)
            .number("elapsedMs", run.ensure.elapsed_ms(Date::now()) as u64)
            .finish()
    });
    event.map_or(JsValue::UNDEFINED, |json| js::from_json(&json))
}

/// Ends the ensure: `{ instanceId, changed, status, protocol, clientToken, requestId?,
/// elapsedMs, polls }`, or throws its `OpenHttpsError` (`Aborted` when `stopped`).
#[wasm_bindgen(js_name = __ensureFinish, skip_typescript)]
pub fn finish(handle: u32, stopped: bool) -> Result<JsValue, JsValue> {
    let Some(run) = RUNS.take(handle) else {
        return Err(errors::to_js(&Error::aborted(), None));
    };
    let token = Some(run.client_token.as_str());
    let elapsed = run.ensure.elapsed_ms(Date::now()) as u64;
    match run.step {
        _ if stopped || run.stopped => Err(errors::to_js(&Error::aborted(), token)),
        EnsureStep::Done(done) => Ok(js::from_json(
            &ObjectWriter::new()
                .string("instanceId", &run.instance_id)
                .boolean("changed", done.changed)
                .string("status", &done.status)
                .string("protocol", &done.protocol)
                .string("clientToken", &run.client_token)
                .optional("requestId", done.request_id.as_deref())
                .number("elapsedMs", elapsed)
                .number("polls", done.polls.into())
                .finish(),
        )),
        EnsureStep::Fail(err) => Err(errors::to_js(&err, token)),
        _ => Err(errors::to_js(&Error::aborted(), token)),
    }
}
