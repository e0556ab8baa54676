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

use aliyun_es_https_core::call::Success;
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::json::ObjectWriter;
use aliyun_es_https_core::operation::{next_page, Request};
use aliyun_es_https_core::response::{Instance, Response};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::call::{run, Pace};
use crate::config::{self, ClientState, ListArgs};
use crate::credentials;
use crate::ensure::{describe_once, ensure_https};
use crate::{errors, js, OneThread};

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
        ensure_https(Ok(self.state.clone()), instance_id, options)
    }
}

#[wasm_bindgen]
impl Client {
    /// Fleet mode: makes sure HTTPS is on for every instance of `target` — the given
    /// `instanceIds`, or every instance (whose description contains `description`) — with
    /// `concurrency` changes at once, one rate limit for every request, a journal that makes
    /// a crashed run resumable without applying anything twice, and events as it goes.
    #[wasm_bindgen(js_name = ensureHttpsAll, unchecked_return_type = "Promise<FleetResult>")]
    pub fn ensure_https_all(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "FleetTarget")] target: Option<JsValue>,
        #[wasm_bindgen(unchecked_optional_param_type = "FleetOptions")] options: Option<JsValue>,
    ) -> Promise {
        crate::fleet::ensure_https_all(Ok(self.state.clone()), target, options)
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
pub(crate) type State = Result<Rc<ClientState>, Error>;

/// Runs `work` as a Promise that rejects with an `OpenHttpsError` carrying `token`, if any.
/// Every call goes through here with a boxed future, so the Promise machinery is compiled once
/// (monomorphised per future type, it costs a few KB of wasm each).
pub(crate) fn promise(
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
        let success = run(&*state?, &request, signal.as_ref(), None).await?;
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
        let (instance, request_id) =
            describe_once(&*state?, &request, signal.as_ref(), None).await?;
        Ok(js::from_json(&instance.to_json(Some(&request_id))))
    })
}

/// ListInstance: one page.
fn list(state: State, query: Option<JsValue>) -> Promise {
    promise(None, async move {
        let args = ListArgs::from_js(query.as_ref(), true)?;
        let (instances, total, request_id) = list_page(&*state?, &args, args.page, None).await?;
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

/// One ListInstance page (`pace`: fleet mode's).
pub(crate) async fn list_page(
    state: &ClientState,
    args: &ListArgs,
    page: u32,
    pace: Option<Pace<'_>>,
) -> Result<(Vec<Instance>, Option<u64>, String), Error> {
    let request = Request::list_instances(
        page,
        args.size,
        args.description.as_deref(),
        args.instance_id.as_deref(),
    )?;
    match run(state, &request, args.signal.as_ref(), pace)
        .await?
        .response
    {
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
    /// The next instance: `{ value, done: false }`, or `{ done: true }` after the last. Rejects with an `OpenHttpsError` when a page cannot be read.
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
            let fetched = list_page(&*state?, &args, page, None).await;
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
