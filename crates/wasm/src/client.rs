//! `Client`, `configure` and the calls — `openHttps`, `closeHttps`, `describeInstance`,
//! `listInstances`, `instances`, `ensureHttps` — on a client or on the default one: validate
//! the arguments, then run the core's state machines ([`aliyun_es_https_core::call`],
//! [`aliyun_es_https_core::ensure`]), sending, waiting and stopping as they say.

use crate::prelude::*;
use alloc::boxed::Box;
use alloc::rc::Rc;
use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;

use aliyun_es_https_core::call::{Call, Step, Success};
use aliyun_es_https_core::ensure::{Ensure, EnsureStep, Ensured};
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::json::ObjectWriter;
use aliyun_es_https_core::operation::{next_page, Request};
use aliyun_es_https_core::response::{Instance, Response};
use aliyun_es_https_core::signing::{self, SignatureVersion};
use js_sys::{Date, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::config::{self, ClientState, EnsureArgs, ListArgs};
use crate::credentials::{self, NoCredentials};
use crate::timer::{self, Trigger};
use crate::{errors, fetch, js, random, OneThread};

/// A configured connection to the Elasticsearch API. Construction validates the
/// configuration and throws an `OpenHttpsError` when something is wrong; nothing is sent
/// until a call.
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

    /// Turns on HTTPS for `instanceId` (one OpenHttps call: accepted is not yet on — see
    /// `ensureHttps`). `clientToken` (1–64 printable ASCII characters) makes the call
    /// idempotent; when omitted a UUID is generated and returned. Rejects with an
    /// `OpenHttpsError`.
    #[wasm_bindgen(js_name = openHttps, unchecked_return_type = "Promise<OpenHttpsResult>")]
    pub fn open_https(
        &self,
        #[wasm_bindgen(js_name = instanceId, unchecked_param_type = "string")] instance_id: JsValue,
        #[wasm_bindgen(js_name = clientToken, unchecked_optional_param_type = "string")]
        client_token: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let state = Ok(self.state.clone());
        change(
            state,
            Request::open_https,
            instance_id,
            client_token,
            options,
        )
    }

    /// Turns off HTTPS for `instanceId` (one CloseHttps call), like `openHttps`.
    #[wasm_bindgen(js_name = closeHttps, unchecked_return_type = "Promise<OpenHttpsResult>")]
    pub fn close_https(
        &self,
        #[wasm_bindgen(js_name = instanceId, unchecked_param_type = "string")] instance_id: JsValue,
        #[wasm_bindgen(js_name = clientToken, unchecked_optional_param_type = "string")]
        client_token: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let state = Ok(self.state.clone());
        change(
            state,
            Request::close_https,
            instance_id,
            client_token,
            options,
        )
    }

    /// The instance's current state (DescribeInstance): `status`, `protocol` and more.
    #[wasm_bindgen(js_name = describeInstance, unchecked_return_type = "Promise<Instance>")]
    pub fn describe_instance(
        &self,
        #[wasm_bindgen(js_name = instanceId, unchecked_param_type = "string")] instance_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        describe(Ok(self.state.clone()), instance_id, options)
    }

    /// One page of the account's instances in this region (ListInstance).
    #[wasm_bindgen(js_name = listInstances, unchecked_return_type = "Promise<InstancePage>")]
    pub fn list_instances(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListInstancesQuery")] query: Option<
            JsValue,
        >,
    ) -> Promise {
        list(Ok(self.state.clone()), query)
    }

    /// Every instance, page after page, in the service's order: `for await (const i of
    /// client.instances({ description: "prod" }))`. Each page is one ListInstance call.
    #[wasm_bindgen(unchecked_return_type = "AsyncIterableIterator<Instance>")]
    pub fn instances(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "InstancesQuery")] query: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        InstanceIterator::start(Ok(self.state.clone()), query)
    }

    /// Makes sure HTTPS is on: looks at the instance, sends OpenHttps only if needed (one
    /// clientToken for every attempt), and waits until it is active and serves HTTPS.
    #[wasm_bindgen(js_name = ensureHttps, unchecked_return_type = "Promise<EnsureHttpsResult>")]
    pub fn ensure_https(
        &self,
        #[wasm_bindgen(js_name = instanceId, unchecked_param_type = "string")] instance_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "EnsureHttpsOptions")] options: Option<
            JsValue,
        >,
    ) -> Promise {
        ensure(Ok(self.state.clone()), instance_id, options)
    }
}

/// The client set by `configure`, used by the top-level functions.
static DEFAULT: OneThread<RefCell<Option<Rc<ClientState>>>> = OneThread(RefCell::new(None));

/// Sets the client that the top-level functions use. Throws an `OpenHttpsError` when the
/// configuration cannot work (the previous default is then kept).
#[wasm_bindgen]
pub fn configure(
    #[wasm_bindgen(unchecked_param_type = "ClientConfig")] config: JsValue,
) -> Result<(), JsValue> {
    let state = ClientState::from_js(&config).map_err(|e| errors::to_js(&e, None))?;
    *DEFAULT.borrow_mut() = Some(Rc::new(state));
    Ok(())
}

/// The client set by `configure`, or else (in Node) one built from the `ALIBABA_CLOUD_*`
/// environment variables.
fn default_state() -> Result<Rc<ClientState>, Error> {
    if let Some(state) = DEFAULT.borrow().clone() {
        return Ok(state);
    }
    ClientState::from_js(&JsValue::UNDEFINED)
        .map(Rc::new)
        .map_err(|mut e| {
            if e.code == codes::MISSING_CREDENTIALS || e.code == codes::MISSING_REGION {
                e.message = credentials::MISSING.into();
            }
            e
        })
}

/// The client the top-level functions use: the one set by `configure`, or else (in Node) one
/// built from the environment. Not public API: the package's entry files define the
/// top-level functions (`openHttps`, `ensureHttps`…) on it (`pkg-template/top-level.js`), so
/// each exists once, as the method of `Client`.
#[wasm_bindgen(js_name = __defaultClient, skip_typescript)]
pub fn default_client() -> Result<Client, JsValue> {
    default_state()
        .map(|state| Client { state })
        .map_err(|e| errors::to_js(&e, None))
}

/// A client, or why there is none.
type State = Result<Rc<ClientState>, Error>;

/// Runs `work` as a Promise that rejects with an `OpenHttpsError` carrying `token`, if any.
/// Every call goes through here with a boxed future, so the Promise machinery is compiled once
/// (monomorphised per future type, it costs a few KB of wasm each).
fn promise(
    token: Option<String>,
    work: impl Future<Output = Result<JsValue, Error>> + 'static,
) -> Promise {
    let work: Pin<Box<dyn Future<Output = Result<JsValue, Error>>>> = Box::pin(work);
    future_to_promise(async move { work.await.map_err(|e| errors::to_js(&e, token.as_deref())) })
}

/// OpenHttps or CloseHttps: one call that changes the instance.
fn change(
    state: State,
    build: fn(&str, Option<&str>) -> Result<Request, Error>,
    instance_id: JsValue,
    client_token: Option<JsValue>,
    options: Option<JsValue>,
) -> Promise {
    let prepared = (|| {
        let id = config::instance_id_arg(&instance_id)?;
        let token = config::client_token_arg(client_token.as_ref().unwrap_or(&JsValue::UNDEFINED))?;
        let request = build(&id, Some(&token))?;
        Ok((request, token, config::call_options(options.as_ref())?))
    })();
    let token = prepared.as_ref().ok().map(|(_, t, _)| t.clone());
    promise(token.clone(), async move {
        let (request, token, signal) = prepared?;
        let success = run(&*state?, &request, signal.as_ref()).await?;
        Ok(accepted(&success, &token))
    })
}

/// `{ result, requestId, clientToken, attempts }`.
fn accepted(success: &Success, token: &str) -> JsValue {
    let result = matches!(success.response, Response::Accepted { result: true, .. });
    js::from_json(
        &ObjectWriter::new()
            .boolean("result", result)
            .string("requestId", success.response.request_id())
            .string("clientToken", token)
            .number("attempts", success.attempts.into())
            .finish(),
    )
}

/// DescribeInstance.
fn describe(state: State, instance_id: JsValue, options: Option<JsValue>) -> Promise {
    promise(None, async move {
        let id = config::instance_id_arg(&instance_id)?;
        let request = Request::describe_instance(&id)?;
        let signal = config::call_options(options.as_ref())?;
        let (instance, request_id) = describe_once(&*state?, &request, signal.as_ref()).await?;
        Ok(js::from_json(&instance.to_json(Some(&request_id))))
    })
}

/// One DescribeInstance call: the instance and the RequestId.
async fn describe_once(
    state: &ClientState,
    request: &Request,
    signal: Option<&JsValue>,
) -> Result<(Instance, String), Error> {
    match run(state, request, signal).await?.response {
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

/// ListInstance: one page.
fn list(state: State, query: Option<JsValue>) -> Promise {
    promise(None, async move {
        let args = ListArgs::from_js(query.as_ref(), true)?;
        let (instances, total, request_id) = list_page(&*state?, &args, args.page).await?;
        // Without a total in the answer: what this page shows.
        let seen = u64::from(args.page - 1) * u64::from(args.size) + instances.len() as u64;
        let mut items = String::from("[");
        for (i, instance) in instances.iter().enumerate() {
            if i > 0 {
                items.push(',');
            }
            items.push_str(&instance.to_json(None));
        }
        items.push(']');
        Ok(js::from_json(
            &ObjectWriter::new()
                .raw("instances", &items)
                .number("total", total.unwrap_or(seen))
                .string("requestId", &request_id)
                .finish(),
        ))
    })
}

/// One ListInstance page.
async fn list_page(
    state: &ClientState,
    args: &ListArgs,
    page: u32,
) -> Result<(Vec<Instance>, Option<u64>, String), Error> {
    let request = Request::list_instances(
        page,
        args.size,
        args.description.as_deref(),
        args.instance_id.as_deref(),
    )?;
    match run(state, &request, args.signal.as_ref()).await?.response {
        Response::Instances {
            instances,
            total,
            request_id,
        } => Ok((instances, total, request_id)),
        _ => Err(Error::malformed(
            200,
            "ListInstance answered without a list",
        )),
    }
}

/// What `instances()` returns: an async iterator over every page, one ListInstance call per
/// page, fetched when the previous one is used up. Not part of the typings: it is typed as
/// `AsyncIterableIterator<Instance>`.
#[wasm_bindgen(skip_typescript)]
pub struct InstanceIterator {
    inner: Rc<RefCell<Pages>>,
}

/// The pages an [`InstanceIterator`] walks.
struct Pages {
    state: State,
    args: ListArgs,
    /// The next page to fetch; `None` after the last.
    next: Option<u32>,
    /// Instances of the current page not handed out yet, last first.
    buffered: Vec<Instance>,
    /// The last `next()` in flight: a new one waits for it, so pages come in order.
    tail: Option<Promise>,
}

impl InstanceIterator {
    fn start(state: State, query: Option<JsValue>) -> Result<JsValue, JsValue> {
        let args = ListArgs::from_js(query.as_ref(), false).map_err(|e| errors::to_js(&e, None))?;
        let iterator: JsValue = InstanceIterator {
            inner: Rc::new(RefCell::new(Pages {
                state,
                args,
                next: Some(1),
                buffered: Vec::new(),
                tail: None,
            })),
        }
        .into();
        // `it[Symbol.asyncIterator]()` must return `it`: `Object.prototype.valueOf` does
        // exactly that, with no function built from source (which a strict CSP forbids).
        let value_of = js::get(&js::get(&js_sys::global(), "Object"), "prototype");
        let value_of = js::get(&value_of, "valueOf");
        let _ = js_sys::Reflect::set(&iterator, &js_sys::Symbol::async_iterator(), &value_of);
        Ok(iterator)
    }
}

#[wasm_bindgen]
impl InstanceIterator {
    /// The next instance: `{ value, done: false }`, or `{ value: undefined, done: true }`
    /// after the last. Rejects with an `OpenHttpsError` when a page cannot be read.
    pub fn next(&self) -> Promise {
        let inner = self.inner.clone();
        let previous = inner.borrow_mut().tail.take();
        let promise = promise(None, async move {
            if let Some(p) = previous {
                // Its outcome was the earlier caller's; this one only waits its turn.
                let _ = JsFuture::from(p).await;
            }
            Pages::next(&inner).await
        });
        self.inner.borrow_mut().tail = Some(promise.clone());
        promise
    }

    /// Stops early (`break` in `for await`): no further page is fetched.
    #[wasm_bindgen(js_name = return)]
    pub fn finish(&self) -> Promise {
        let mut pages = self.inner.borrow_mut();
        pages.next = None;
        pages.buffered.clear();
        Promise::resolve(&iterator_result(None))
    }
}

impl Pages {
    async fn next(inner: &Rc<RefCell<Pages>>) -> Result<JsValue, Error> {
        loop {
            let page = {
                let mut pages = inner.borrow_mut();
                if let Some(instance) = pages.buffered.pop() {
                    return Ok(iterator_result(Some(&instance)));
                }
                match pages.next {
                    Some(page) => page,
                    None => return Ok(iterator_result(None)),
                }
            };
            let (state, args) = {
                let pages = inner.borrow();
                (pages.state.clone(), pages.args.clone())
            };
            let fetched = list_page(&*state?, &args, page).await;
            let mut pages = inner.borrow_mut();
            let (mut instances, total, _) = match fetched {
                Ok(page) => page,
                Err(e) => {
                    pages.next = None;
                    return Err(e);
                }
            };
            if pages.next != Some(page) {
                return Ok(iterator_result(None)); // finished while the page was on its way
            }
            pages.next = next_page(page, args.size, instances.len(), total);
            instances.reverse();
            pages.buffered = instances;
        }
    }
}

/// `{ value, done }`.
fn iterator_result(instance: Option<&Instance>) -> JsValue {
    let mut w = ObjectWriter::new();
    if let Some(i) = instance {
        w.raw("value", &i.to_json(None));
    }
    js::from_json(&w.boolean("done", instance.is_none()).finish())
}

/// ensureHttps: runs the core's [`Ensure`] machine, each step a whole call.
fn ensure(state: State, instance_id: JsValue, options: Option<JsValue>) -> Promise {
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
        let signal = args.signal.as_ref();
        let abort = signal.map(Trigger::on_abort);
        let mut ensure = Ensure::new(args.options, Date::now());
        let mut step = ensure.start();
        let progress = |ensure: &Ensure| {
            if let Some(f) = &args.on_progress {
                report(f, &id, ensure);
            }
        };
        progress(&ensure);
        loop {
            // Report after every look at the instance and every OpenHttps answer (so
            // `elapsedMs` moves at each poll), not after a wait; `done` is reported last.
            let mut looked = true;
            step = match step {
                EnsureStep::Describe => match describe_once(&state, &describe, signal).await {
                    Ok((instance, _)) => ensure.on_described(&instance, Date::now()),
                    Err(e) if e.code == codes::ABORTED => return Err(e),
                    Err(e) => ensure.on_error(e, Date::now()),
                },
                EnsureStep::Open => match run(&state, &open, signal).await {
                    Ok(success) => {
                        let result =
                            matches!(success.response, Response::Accepted { result: true, .. });
                        ensure.on_opened(result, success.response.request_id(), Date::now())
                    }
                    Err(e) if e.code == codes::ABORTED => return Err(e),
                    Err(e) => ensure.on_error(e, Date::now()),
                },
                EnsureStep::Wait { ms } => {
                    looked = false;
                    if !timer::sleep(ms, abort.as_ref()).await {
                        return Err(Error::aborted());
                    }
                    ensure.resume(Date::now())
                }
                EnsureStep::Done(done) => {
                    progress(&ensure);
                    let elapsed = ensure.elapsed_ms(Date::now());
                    return Ok(ensured(&id, &args.client_token, &done, elapsed));
                }
                EnsureStep::Fail(err) => return Err(err),
            };
            if looked && !matches!(step, EnsureStep::Done(_) | EnsureStep::Fail(_)) {
                progress(&ensure);
            }
        }
    })
}

/// Calls `onProgress` with `{ instanceId, phase, status?, protocol?, elapsedMs }`. What the
/// callback throws is ignored: a progress display must not stop the change.
fn report(on_progress: &Function, instance_id: &str, ensure: &Ensure) {
    let (status, protocol) = ensure.last_seen();
    let event = ObjectWriter::new()
        .string("instanceId", instance_id)
        .string("phase", ensure.phase().name())
        .optional("status", status)
        .optional("protocol", protocol)
        .number("elapsedMs", ensure.elapsed_ms(Date::now()) as u64)
        .finish();
    let _ = on_progress.call1(&JsValue::UNDEFINED, &js::from_json(&event));
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

/// Runs `request` to the end: performs each step the core's [`Call`] asks for.
///
/// Boxed: every operation and ensure step awaits this one future, and as a plain `async fn`
/// its whole state machine would be compiled into each caller's (about 15 KB of wasm each).
pub(crate) fn run<'a>(
    state: &'a ClientState,
    request: &'a Request,
    signal: Option<&'a JsValue>,
) -> Pin<Box<dyn Future<Output = Result<Success, Error>> + 'a>> {
    Box::pin(run_call(state, request, signal))
}

async fn run_call(
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
