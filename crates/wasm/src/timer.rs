//! Timers and cancellation for one call, as promises raced against the work with
//! `Promise.race`: one `JsFuture` per step instead of one per source.
//!
//! A trigger's callback is its promise's own `resolve`, bound to a value that identifies the
//! trigger (`setTimeout(resolve.bind(null, resolve), ms)`): no Rust closure is handed to JS,
//! so nothing can be called after it is dropped, and dropping a trigger clears its source and
//! settles its promise, so nothing stays pending or keeps Node alive.

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::js;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Something that happens once: a timer firing or an `AbortSignal` aborting. Its promise
/// then resolves to its `resolve` function, which no other promise can resolve to.
pub struct Trigger {
    promise: Promise,
    resolve: Function,
    source: Source,
}

enum Source {
    /// A `setTimeout` id.
    Timer(JsValue),
    /// The signal and the listener added to it.
    Abort(JsValue, Function),
}

/// A promise and its `resolve` function.
fn deferred() -> (Promise, Function) {
    let mut resolve = None;
    let promise = Promise::new(&mut |res, _rej| resolve = Some(res));
    // The executor runs synchronously inside `new Promise`, so `resolve` is always set here
    // (no `new Function` fallback: pages with a strict CSP forbid it).
    (
        promise,
        resolve.unwrap_or_else(|| JsValue::UNDEFINED.unchecked_into()),
    )
}

impl Trigger {
    /// Fires after `ms` milliseconds.
    pub fn after(ms: f64) -> Trigger {
        let (promise, resolve) = deferred();
        let fire: Function = resolve.bind1(&JsValue::NULL, &resolve).unchecked_into();
        let id = set_timeout(&fire, ms.clamp(0.0, 2_147_483_647.0));
        Trigger {
            promise,
            resolve,
            source: Source::Timer(id),
        }
    }

    /// Fires when `signal` aborts (an `AbortSignal`, or anything with `addEventListener`).
    pub fn on_abort(signal: &JsValue) -> Trigger {
        let (promise, resolve) = deferred();
        let fire: Function = resolve.bind1(&JsValue::NULL, &resolve).unchecked_into();
        listen(signal, "addEventListener", &fire);
        Trigger {
            promise,
            resolve,
            source: Source::Abort(signal.clone(), fire),
        }
    }

    /// Whether it has fired. For an abort trigger, read from the signal itself: the listener
    /// runs only after the current task.
    pub fn fired(&self) -> bool {
        match &self.source {
            Source::Abort(signal, _) => js::get(signal, "aborted").is_truthy(),
            Source::Timer(_) => false,
        }
    }

    /// Whether `value` is what this trigger's promise resolves to when it fires.
    fn fired_with(&self, value: &JsValue) -> bool {
        Object::is(value, &self.resolve)
    }
}

/// `signal[method]('abort', listener)`, ignoring a signal that lacks the method.
fn listen(signal: &JsValue, method: &'static str, listener: &Function) {
    if let Ok(f) = js::get(signal, method).dyn_into::<Function>() {
        let _ = f.call2(signal, &"abort".into(), listener);
    }
}

impl Drop for Trigger {
    fn drop(&mut self) {
        match &self.source {
            Source::Timer(id) => clear_timeout(id),
            Source::Abort(signal, fire) => listen(signal, "removeEventListener", fire),
        }
        // Settle the promise (to a value that is not the tag), so nothing waits on it.
        let _ = self.resolve.call0(&JsValue::UNDEFINED);
    }
}

/// How a race ended.
pub enum Race {
    /// The work resolved first, to this value.
    Done(JsValue),
    /// The work rejected first, with this reason.
    Failed(JsValue),
    /// The timer fired first.
    TimedOut,
    /// The caller aborted first.
    Aborted,
}

/// Waits for `work` (a promise, or a plain value), unless `abort` or `timer` fires first. When
/// several are already settled, an abort wins, then the work, then the timer.
pub async fn race(work: &JsValue, timer: Option<&Trigger>, abort: Option<&Trigger>) -> Race {
    let all = Array::new();
    if let Some(a) = abort {
        all.push(&a.promise);
    }
    all.push(&Promise::resolve(work));
    if let Some(t) = timer {
        all.push(&t.promise);
    }
    match JsFuture::from(Promise::race(&all)).await {
        Ok(v) if abort.is_some_and(|a| a.fired_with(&v)) => Race::Aborted,
        Ok(v) if timer.is_some_and(|t| t.fired_with(&v)) => Race::TimedOut,
        Ok(v) => Race::Done(v),
        Err(e) => Race::Failed(e),
    }
}

/// Waits `ms`, or less if `abort` fires (then `false`).
pub async fn sleep(ms: f64, abort: Option<&Trigger>) -> bool {
    let timer = Trigger::after(ms);
    !matches!(race(&timer.promise, None, abort).await, Race::Aborted)
}
