//! Sending a signed request with `fetch` (global or the caller's) and reading the answer.

use crate::prelude::*;
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;

use super::js;
use super::timer::{race, Race, Trigger};
use crate::error::{codes, Error, ErrorKind};
use crate::signing::encode::find;
use crate::signing::SignedRequest;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, bound directly: there is no `window` in Node or workers.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &JsValue) -> Result<JsValue, JsValue>;
}

per_thread! {
    /// The runtime's own transport, when its entry file installs one (Node: keep-alive
    /// `node:http`, faster than Node's fetch); else the global `fetch`. A client's `fetch`
    /// option wins over both.
    static DEFAULT_FETCH: core::cell::RefCell<Option<Function>> = const { core::cell::RefCell::new(None) };
}

/// Installs the default transport (called once by the Node entry; not public API).
#[wasm_bindgen(js_name = __setDefaultFetch, skip_typescript)]
pub fn set_default_fetch(transport: JsValue) {
    DEFAULT_FETCH.with(|d| *d.borrow_mut() = transport.dyn_into::<Function>().ok());
}

/// An HTTP answer: status, body, and the headers the retry logic reads.
pub struct Answer {
    pub status: u16,
    pub body: String,
    /// `Date`: the server's clock, for correcting ours after `InvalidTimeStamp.Expired`.
    pub date: Option<String>,
    /// `x-acs-retry-after` (milliseconds) and `Retry-After` (seconds or a date).
    pub x_acs_retry_after: Option<String>,
    pub retry_after: Option<String>,
}

/// One attempt: sends `signed` to `url` and reads the whole answer, giving up after
/// `timeout_ms` or when `abort` fires (the fetch is then aborted too, so its connection is
/// released).
pub async fn attempt(
    custom: Option<&Function>,
    url: &str,
    signed: &SignedRequest,
    timeout_ms: f64,
    abort: Option<&Trigger>,
) -> Result<Answer, Error> {
    let controller = js::get(&js_sys::global(), "AbortController")
        .dyn_into::<Function>()
        .ok()
        .and_then(|c| Reflect::construct(&c, &Array::new()).ok());
    let headers = js_sys::Object::new();
    for (name, value) in &signed.headers {
        js::set(&headers, name, &JsValue::from_str(value));
    }
    let init = js::object(&[
        ("method", JsValue::from_str(signed.method)),
        ("headers", headers.into()),
    ]);
    if let Some(c) = &controller {
        js::set(&init, "signal", &js::get(c, "signal"));
    }

    // Name where it went (not the path: it is always the same) and why fetch gave up.
    let target = match find(url, "/openapi/") {
        Some(0) => "this origin",
        Some(at) => &url[..at],
        None => url,
    };
    let network =
        |e: JsValue| Error::network(cat!("no HTTP answer from ", target, ": ", js::describe(&e)));
    // Each step below races the timer and the caller's signal; whichever ends the attempt
    // early also aborts the fetch.
    let timer = Trigger::after(timeout_ms);
    let stopped = |race: Race| {
        if let Some(c) = &controller {
            if let Ok(abort) = js::get(c, "abort").dyn_into::<Function>() {
                let _ = abort.call0(c);
            }
        }
        match race {
            Race::Aborted => aborted(),
            _ => {
                let msg = cat!("no complete answer within ", timeout_ms as u64, " ms");
                Error::new(ErrorKind::Timeout, codes::TIMEOUT, msg)
            }
        }
    };

    let transport = custom
        .cloned()
        .or_else(|| DEFAULT_FETCH.with(|d| d.borrow().clone()));
    let pending = match transport {
        Some(f) => f.call2(&JsValue::UNDEFINED, &JsValue::from_str(url), &init),
        None => global_fetch(url, &init),
    }
    .map_err(network)?;
    // A plain value (from a fetch replacement) counts as resolved.
    let response = match race(&pending, Some(&timer), abort).await {
        Race::Done(r) => r,
        Race::Failed(e) => return Err(network(e)),
        r => return Err(stopped(r)),
    };

    let status = js::get(&response, "status").as_f64().unwrap_or(0.0);
    if !(100.0..=599.0).contains(&status) || status != status as u16 as f64 {
        return Err(Error::network(
            "fetch resolved to something that is not a Response (no HTTP status)",
        ));
    }
    let status = status as u16;
    let text = js::get(&response, "text")
        .dyn_into::<Function>()
        .map_err(|_| Error::malformed(status, "the response has no text() method"))?;
    let body = text.call0(&response).map_err(network)?;
    // A connection dropped while the body streams rejects here: no usable answer, and the
    // change may or may not have been applied — a retry with the same clientToken tells.
    let body = match race(&body, Some(&timer), abort).await {
        Race::Done(b) => b,
        Race::Failed(e) => {
            let mut err = network(e);
            err.http_status = Some(status);
            return Err(err);
        }
        r => return Err(stopped(r)),
    };
    let headers = js::get(&response, "headers");
    let header = |name: &str| -> Option<String> {
        let get = js::get(&headers, "get").dyn_into::<Function>().ok()?;
        get.call1(&headers, &JsValue::from_str(name))
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

/// The error for a call the caller's `AbortSignal` cancelled.
pub fn aborted() -> Error {
    Error::new(
        ErrorKind::Aborted,
        codes::ABORTED,
        "the call was aborted by its AbortSignal",
    )
}

/// Whether this runtime's `fetch` silently drops a `Date` request header, as browsers do
/// (it is a forbidden header name there; Node keeps it). Tested, not guessed from globals.
pub fn drops_date_header() -> bool {
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
