//! Timers and cancellation for one call, built from promises whose `resolve` function is the
//! callback itself (`setTimeout(resolve, ms)`, `signal.addEventListener('abort', resolve)`):
//! no Rust closure is handed to JS, so nothing can be called after it is dropped, and every
//! promise is settled on drop so nothing stays pending or keeps Node alive.

use core::future::{poll_fn, Future};
use core::pin::{pin, Pin};
use core::task::Poll;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::js;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Something that happens once: a timer firing or an `AbortSignal` aborting.
pub struct Trigger {
    fired: JsFuture,
    resolve: Function,
    source: Source,
}

enum Source {
    Timer(JsValue),
    Abort(JsValue),
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
        let id = set_timeout(&resolve, ms.clamp(0.0, 2_147_483_647.0));
        Trigger {
            fired: JsFuture::from(promise),
            resolve,
            source: Source::Timer(id),
        }
    }

    /// Fires when `signal` aborts (an `AbortSignal`, or anything with `addEventListener`).
    pub fn on_abort(signal: &JsValue) -> Trigger {
        let (promise, resolve) = deferred();
        let args = js_sys::Array::of2(&"abort".into(), &resolve);
        if let Ok(add) = js::get(signal, "addEventListener").dyn_into::<Function>() {
            let _ = add.apply(signal, &args);
        }
        Trigger {
            fired: JsFuture::from(promise),
            resolve,
            source: Source::Abort(signal.clone()),
        }
    }
}

impl Drop for Trigger {
    fn drop(&mut self) {
        match &self.source {
            Source::Timer(id) => clear_timeout(id),
            Source::Abort(signal) => {
                let args = js_sys::Array::of2(&"abort".into(), &self.resolve);
                if let Ok(remove) = js::get(signal, "removeEventListener").dyn_into::<Function>() {
                    let _ = remove.apply(signal, &args);
                }
            }
        }
        // Settle the promise so the future's callbacks run and free themselves.
        let _ = self.resolve.call0(&JsValue::UNDEFINED);
    }
}

/// How a race ended.
pub enum Race<T> {
    /// The work finished first.
    Done(T),
    /// The timer fired first.
    TimedOut,
    /// The caller aborted first.
    Aborted,
}

/// Runs `work` until it finishes, `timer` fires or `abort` fires, whichever is first.
pub async fn race<T>(
    work: impl Future<Output = T>,
    timer: &mut Trigger,
    abort: Option<&mut Trigger>,
) -> Race<T> {
    let mut work = pin!(work);
    let mut abort = abort;
    poll_fn(|cx| {
        if let Some(a) = abort.as_deref_mut() {
            if Pin::new(&mut a.fired).poll(cx).is_ready() {
                return Poll::Ready(Race::Aborted);
            }
        }
        if let Poll::Ready(v) = work.as_mut().poll(cx) {
            return Poll::Ready(Race::Done(v));
        }
        if Pin::new(&mut timer.fired).poll(cx).is_ready() {
            return Poll::Ready(Race::TimedOut);
        }
        Poll::Pending
    })
    .await
}

/// Waits `ms`, or less if `abort` fires (then `false`).
pub async fn sleep(ms: f64, abort: Option<&mut Trigger>) -> bool {
    let mut timer = Trigger::after(ms);
    !matches!(
        race(core::future::pending::<()>(), &mut timer, abort).await,
        Race::Aborted
    )
}
