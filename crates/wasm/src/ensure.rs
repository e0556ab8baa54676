//! `ensureHttps`, and the loop that performs the core's [`Ensure`] machine — each step a
//! whole call — shared with fleet mode.

use crate::prelude::*;

use aliyun_es_https_core::ensure::{Ensure, EnsureStep, Ensured};
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::json::ObjectWriter;
use aliyun_es_https_core::operation::Request;
use aliyun_es_https_core::response::{Instance, Response};
use js_sys::{Date, Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::call::{run, Pace};
use crate::client::{promise, State};
use crate::config::{self, ClientState, EnsureArgs};
use crate::js;
use crate::timer::{self, Trigger};

/// How one ensure's steps are run.
pub(crate) struct Driver<'a> {
    pub state: &'a ClientState,
    pub describe: Request,
    pub open: Request,
    /// Given to every request, which it aborts at once (`ensureHttps`); `None` in fleet mode,
    /// where a request in flight is let finish.
    pub signal: Option<&'a JsValue>,
    /// Ends a wait early, and the loop before its next step.
    pub stop: Option<&'a Trigger>,
    /// Fleet mode: the run's pace.
    pub pace: Option<Pace<'a>>,
    /// Called after every look at the instance and every OpenHttps answer, and at the end.
    pub progress: &'a dyn Fn(&Ensure),
    /// Called before each OpenHttps; a Promise it returns is awaited (fleet mode writes the
    /// clientToken to the journal first). An error stops the ensure.
    pub before_open: &'a dyn Fn() -> Result<Option<Promise>, Error>,
}

/// How an ensure ended.
pub(crate) enum Ended {
    /// HTTPS is on (or, without waiting, the change was accepted).
    Done(Ensured),
    /// It failed.
    Failed(Error),
    /// `stop` fired.
    Stopped,
}

impl Driver<'_> {
    /// Runs `ensure` from `step` to the end.
    pub async fn drive(&self, ensure: &mut Ensure, mut step: EnsureStep) -> Ended {
        let stopped = || self.stop.is_some_and(Trigger::fired);
        loop {
            let mut looked = true;
            step = match step {
                _ if stopped() => return Ended::Stopped,
                EnsureStep::Describe => {
                    match describe_once(self.state, &self.describe, self.signal, self.pace).await {
                        Ok((instance, _)) => ensure.on_described(&instance, Date::now()),
                        Err(e) if e.code == codes::ABORTED => return Ended::Stopped,
                        Err(e) => ensure.on_error(e, Date::now()),
                    }
                }
                EnsureStep::Open => {
                    match (self.before_open)() {
                        Ok(Some(p)) => {
                            if let Err(e) = JsFuture::from(p).await {
                                let msg =
                                    cat!("the journal could not be written: ", js::describe(&e));
                                return Ended::Failed(Error::invalid(
                                    codes::INVALID_ARGUMENT,
                                    "journal",
                                    msg,
                                ));
                            }
                        }
                        Ok(None) => {}
                        Err(e) => return Ended::Failed(e),
                    }
                    match run(self.state, &self.open, self.signal, self.pace).await {
                        Ok(success) => {
                            let accepted =
                                matches!(success.response, Response::Accepted { result: true, .. });
                            ensure.on_opened(accepted, success.response.request_id(), Date::now())
                        }
                        Err(e) if e.code == codes::ABORTED => return Ended::Stopped,
                        Err(e) => ensure.on_error(e, Date::now()),
                    }
                }
                EnsureStep::Wait { ms } => {
                    looked = false;
                    if !timer::sleep(ms, self.stop).await {
                        return Ended::Stopped;
                    }
                    ensure.resume(Date::now())
                }
                EnsureStep::Done(done) => {
                    (self.progress)(ensure);
                    return Ended::Done(done);
                }
                EnsureStep::Fail(err) => return Ended::Failed(err),
            };
            if looked && !matches!(step, EnsureStep::Done(_) | EnsureStep::Fail(_)) {
                (self.progress)(ensure);
            }
        }
    }
}

/// One DescribeInstance call: the instance and the RequestId.
pub(crate) async fn describe_once(
    state: &ClientState,
    request: &Request,
    signal: Option<&JsValue>,
    pace: Option<Pace<'_>>,
) -> Result<(Instance, String), Error> {
    match run(state, request, signal, pace).await?.response {
        Response::Instance {
            instance,
            request_id,
        } => Ok((instance, request_id)),
        // The call parses by the operation's shape, so nothing else arrives here.
        _ => Err(Error::malformed(
            200,
            "DescribeInstance answered without an instance",
        )),
    }
}

/// `ensureHttps`.
pub(crate) fn ensure_https(
    state: State,
    instance_id: JsValue,
    options: Option<JsValue>,
) -> Promise {
    let prepared = (|| {
        let id = config::instance_id_arg(&instance_id)?;
        let args = EnsureArgs::from_js(options.as_ref())?;
        let describe = Request::describe_instance(&id)?;
        let open = Request::open_https(&id, Some(&args.client_token))?;
        Ok((id, args, describe, open))
    })();
    let token = prepared
        .as_ref()
        .ok()
        .map(|(_, a, _, _)| a.client_token.clone());
    promise(token, async move {
        let (id, args, describe, open) = prepared?;
        let state = state?;
        let abort = args.signal.as_ref().map(Trigger::on_abort);
        let progress = |ensure: &Ensure| {
            if let Some(f) = &args.on_progress {
                report(f, &id, ensure);
            }
        };
        let driver = Driver {
            state: &state,
            describe,
            open,
            signal: args.signal.as_ref(),
            stop: abort.as_ref(),
            pace: None,
            progress: &progress,
            before_open: &|| Ok(None),
        };
        let mut ensure = Ensure::new(args.options, Date::now());
        let step = ensure.start();
        progress(&ensure);
        match driver.drive(&mut ensure, step).await {
            Ended::Done(done) => {
                let elapsed = ensure.elapsed_ms(Date::now());
                Ok(ensured(&id, &args.client_token, &done, elapsed))
            }
            Ended::Failed(err) => Err(err),
            Ended::Stopped => Err(Error::aborted()),
        }
    })
}

/// Calls `onProgress` with `{ instanceId, phase, status?, protocol?, elapsedMs }`. What the
/// callback throws is ignored: a progress display must not stop the change.
pub(crate) fn report(on_progress: &Function, instance_id: &str, ensure: &Ensure) {
    let event = progress_json(instance_id, ensure, None);
    js::call_ignoring(on_progress, &js::from_json(&event));
}

/// `{ [type,] instanceId, phase, status?, protocol?, elapsedMs }`.
pub(crate) fn progress_json(instance_id: &str, ensure: &Ensure, kind: Option<&str>) -> String {
    let (status, protocol) = ensure.last_seen();
    let mut w = ObjectWriter::new();
    w.optional("type", kind)
        .string("instanceId", instance_id)
        .string("phase", ensure.phase().name())
        .optional("status", status)
        .optional("protocol", protocol)
        .number("elapsedMs", ensure.elapsed_ms(Date::now()) as u64)
        .finish()
}

/// `{ instanceId, changed, status, protocol, clientToken, requestId?, elapsedMs, polls }`.
fn ensured(instance_id: &str, token: &str, done: &Ensured, elapsed_ms: f64) -> JsValue {
    js::from_json(
        &ObjectWriter::new()
            .string("instanceId", instance_id)
            .boolean("changed", done.changed)
            .string("status", &done.status)
            .string("protocol", &done.protocol)
            .string("clientToken", token)
            .optional("requestId", done.request_id.as_deref())
            .number("elapsedMs", elapsed_ms as u64)
            .number("polls", done.polls.into())
            .finish(),
    )
}
