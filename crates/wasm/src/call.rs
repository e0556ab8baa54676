//! Running one call: performs each step the core's [`Call`] asks for — credentials, signing,
//! `fetch`, waiting — under the call's deadline, the caller's signal, and (in fleet mode) a
//! rate limiter shared by every request of a run.

use crate::prelude::*;
use alloc::boxed::Box;
use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;

use aliyun_es_https_core::call::{Call, Step, Success};
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::fleet::RateLimiter;
use aliyun_es_https_core::operation::Request;
use aliyun_es_https_core::signing::{self, SignatureVersion};
use js_sys::Date;
use wasm_bindgen::JsValue;

use crate::config::{self, ClientState};
use crate::credentials::NoCredentials;
use crate::timer::{self, Trigger};
use crate::{fetch, random};

/// Fleet mode's pace: the run's rate limiter, and its stop — which ends a wait for a slot
/// (that request was not sent yet), never a request in flight.
#[derive(Clone, Copy)]
pub(crate) struct Pace<'a> {
    pub limiter: &'a RefCell<RateLimiter>,
    pub stop: Option<&'a Trigger>,
}

/// Runs `request` to the end. `signal` aborts it at once; `pace` (fleet mode) spaces its
/// requests with every other request of the run.
///
/// Boxed: every operation and ensure step awaits this one future, and as a plain `async fn`
/// its whole state machine would be compiled into each caller's.
pub(crate) fn run<'a>(
    state: &'a ClientState,
    request: &'a Request,
    signal: Option<&'a JsValue>,
    pace: Option<Pace<'a>>,
) -> Pin<Box<dyn Future<Output = Result<Success, Error>> + 'a>> {
    Box::pin(run_call(state, request, signal, pace))
}

async fn run_call(
    state: &ClientState,
    request: &Request,
    signal: Option<&JsValue>,
    pace: Option<Pace<'_>>,
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
                // The run's pace first: the wait for a slot is not part of the attempt.
                let wait = pace.map_or(0.0, |p| p.limiter.borrow_mut().reserve(Date::now()));
                let stop = pace.and_then(|p| p.stop).or(abort.as_ref());
                if wait > 0.0 && !timer::sleep(wait, stop).await {
                    call.on_abort()
                } else {
                    let next = attempt(state, request, &mut call, timeout_ms, abort.as_ref()).await;
                    if let Some(l) = pace.map(|p| p.limiter) {
                        match call.take_throttled() {
                            Some(server_wait) => {
                                l.borrow_mut().on_throttled(Date::now(), server_wait)
                            }
                            None if matches!(next, Step::Done(_)) => l.borrow_mut().on_success(),
                            None => {}
                        }
                    }
                    next
                }
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
