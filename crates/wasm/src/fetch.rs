//! One attempt over HTTP: send a signed request with `fetch` (the caller's, the package's
//! Node transport, or the global one) and read the whole answer, racing the attempt's timer
//! and the caller's signal at every step.

use crate::prelude::*;
use core::cell::RefCell;

use aliyun_es_https_core::call::Answer;
use aliyun_es_https_core::error::Error;
use aliyun_es_https_core::signing::SignedRequest;
use aliyun_es_https_core::text::find;
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;

use crate::js;
use crate::timer::{race, Race, Trigger};
use crate::OneThread;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, bound directly: there is no `window` in Node or workers.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &JsValue) -> Result<JsValue, JsValue>;

    /// What `fetch` resolves to: read through typed getters, each guarded (a replacement
    /// `fetch` may resolve to anything).
    type FetchResponse;
    #[wasm_bindgen(method, getter, catch)]
    fn status(this: &FetchResponse) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn headers(this: &FetchResponse) -> Result<JsValue, JsValue>;

    /// `AbortController`, when the runtime has one.
    #[wasm_bindgen(js_name = AbortController)]
    type AbortController;
    #[wasm_bindgen(constructor, js_class = "AbortController", catch)]
    fn new() -> Result<AbortController, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> JsValue;
    #[wasm_bindgen(method)]
    fn abort(this: &AbortController);
}

/// The runtime's own transport, when its entry file installs one (Node: keep-alive
/// `node:http`, faster than Node's fetch); else the global `fetch`. A client's `fetch` option
/// wins over both.
static DEFAULT_FETCH: OneThread<RefCell<Option<Function>>> = OneThread(RefCell::new(None));

/// Installs the default transport (called once by the Node entry; not public API).
#[wasm_bindgen(js_name = __setDefaultFetch, skip_typescript)]
pub fn set_default_fetch(transport: JsValue) {
    *DEFAULT_FETCH.borrow_mut() = transport.dyn_into::<Function>().ok();
}

/// Sends `signed` and reads the whole answer, giving up when `timer` fires (a `Timeout` after
/// `timeout_ms`) or `abort` does (`Aborted`); either also aborts the fetch, so its connection
/// is released.
pub async fn send(
    custom: Option<&Function>,
    signed: &SignedRequest,
    timer: &Trigger,
    timeout_ms: f64,
    abort: Option<&Trigger>,
) -> Result<Answer, Error> {
    let transport = custom.cloned();
    // The package's own transport (node.cjs) is stopped through the `cancel` it puts on `init`:
    // no AbortController per request for it. Any other fetch gets a signal.
    let own = transport.is_none() && DEFAULT_FETCH.borrow().is_some();
    let controller = if own {
        None
    } else {
        AbortController::new().ok()
    };
    let headers = js_sys::Object::new();
    for (name, value) in &signed.headers {
        js::set(&headers, name, &JsValue::from_str(value));
    }
    let init = js::object(&[
        ("method", JsValue::from_str(signed.method)),
        ("headers", headers.into()),
    ]);
    if let Some(c) = &controller {
        js::set(&init, "signal", &c.signal());
    }

    // Name where it went (not the path: it is always the same) and why fetch gave up.
    let url = signed.url.as_str();
    let target = match find(url, "/openapi/") {
        Some(0) => "this origin",
        Some(at) => &url[..at],
        None => url,
    };
    let network =
        |e: JsValue| Error::network(cat!("no HTTP answer from ", target, ": ", js::describe(&e)));
    let stopped = |race: Race| {
        match &controller {
            Some(c) => c.abort(),
            None => {
                if let Ok(cancel) = js::get(&init, "cancel").dyn_into::<Function>() {
                    let _ = cancel.call0(&JsValue::UNDEFINED);
                }
            }
        }
        match race {
            Race::Aborted => Error::aborted(),
            _ => Error::timeout(cat!("no complete answer within ", timeout_ms as u64, " ms")),
        }
    };

    let transport = transport.or_else(|| DEFAULT_FETCH.borrow().clone());
    let pending = match transport {
        Some(f) => f.call2(&JsValue::UNDEFINED, &JsValue::from_str(url), &init),
        None => global_fetch(url, &init),
    }
    .map_err(network)?;
    // A plain value (from a fetch replacement) counts as resolved.
    let response = match race(&pending, Some(timer), abort).await {
        Race::Done(r) => r,
        Race::Failed(e) => return Err(network(e)),
        r => return Err(stopped(r)),
    };
    let response: &FetchResponse = response.unchecked_ref();

    let status = response
        .status()
        .ok()
        .and_then(|s| s.as_f64())
        .unwrap_or(0.0);
    if !(100.0..=599.0).contains(&status) || status != status as u16 as f64 {
        return Err(Error::network(
            "fetch resolved to something that is not a Response (no HTTP status)",
        ));
    }
    let status = status as u16;
    let text = js::get(response, "text")
        .dyn_into::<Function>()
        .map_err(|_| Error::malformed(status, "the response has no text() method"))?;
    let body = text.call0(response).map_err(network)?;
    // A connection dropped while the body streams rejects here: no usable answer, and the
    // change may or may not have been applied — a retry with the same clientToken tells.
    let body = match race(&body, Some(timer), abort).await {
        Race::Done(b) => b,
        // The Node transport stops reading past its cap (node-transport.cjs).
        Race::Failed(e) if js::get(&e, "code").as_string().as_deref() == Some("AnswerTooLarge") => {
            return Err(too_large(status));
        }
        Race::Failed(e) => {
            let mut err = network(e);
            err.http_status = Some(status);
            return Err(err);
        }
        r => return Err(stopped(r)),
    };
    // The same cap for any other fetch, measured before the text is copied into the wasm.
    if body
        .dyn_ref::<js_sys::JsString>()
        .is_some_and(|b| b.length() as usize > MAX_BODY_CHARS)
    {
        return Err(too_large(status));
    }
    let headers = response.headers().unwrap_or(JsValue::UNDEFINED);
    let get = js::get(&headers, "get").dyn_into::<Function>().ok();
    let header = |name: &str| -> Option<String> {
        get.as_ref()?
            .call1(&headers, &JsValue::from_str(name))
            .ok()?
            .as_string()
    };
    Ok(Answer {
        status,
        body: body.as_string().unwrap_or_default(),
        date: header("date"),
        x_acs_retry_after: header("x-acs-retry-after"),
        retry_after: header("retry-after"),
    })
}

/// Longest answer read, in UTF-16 units (the Node transport caps at 1 MiB of bytes): the API's
/// answers are well under 64 KB.
const MAX_BODY_CHARS: usize = 1024 * 1024;

/// An answer over the cap: not the documented JSON, and not read further.
fn too_large(status: u16) -> Error {
    Error::malformed(status, "answer too large: more than 1 MiB")
}

/// Whether this runtime's `fetch` silently drops a `Date` request header, as browsers do
/// (it is a forbidden header name there; Node keeps it). Tested, not guessed from globals,
/// once: building a `Request` costs more than a whole V1 call otherwise.
pub fn drops_date_header() -> bool {
    static DROPS: OneThread<core::cell::Cell<Option<bool>>> =
        OneThread(core::cell::Cell::new(None));
    let drops = DROPS.get().unwrap_or_else(test_date_header);
    DROPS.set(Some(drops));
    drops
}

fn test_date_header() -> bool {
    let Ok(request) = js::get(&js_sys::global(), "Request").dyn_into::<Function>() else {
        return false;
    };
    let headers = js::object(&[("date", JsValue::from_str("Thu, 01 Jan 1970 00:00:00 GMT"))]);
    let init = js::object(&[("method", JsValue::from_str("POST")), ("headers", headers)]);
    let args = Array::of2(&JsValue::from_str("http://127.0.0.1/"), &init);
    let Ok(req) = Reflect::construct(&request, &args) else {
        return false;
    };
    let req_headers = js::get(&req, "headers");
    match js::get(&req_headers, "has").dyn_into::<Function>() {
        Ok(has) => !has
            .call1(&req_headers, &JsValue::from_str("date"))
            .map(|v| v.is_truthy())
            .unwrap_or(true),
        Err(_) => false,
    }
}
