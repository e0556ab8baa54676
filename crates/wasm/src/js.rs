//! Small helpers over `js_sys::Reflect` that never throw into Rust.

use crate::prelude::*;
use core::cell::RefCell;

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use crate::OneThread;

/// Property names already turned into JS strings: making one decodes UTF-8 across the wasm
/// boundary, and a call reads and writes the same few dozen names every time.
static KEYS: OneThread<RefCell<Vec<(&'static str, JsValue)>>> = OneThread(RefCell::new(Vec::new()));

/// Runs `f` with `name` as a JS string, cached (up to 96 names; more are made each time).
/// Names are `'static` (literals): then one found by its address is certainly the same text.
fn with_key<R>(name: &'static str, f: impl FnOnce(&JsValue) -> R) -> R {
    let cached = (|| {
        let mut keys = KEYS.borrow_mut();
        let same_literal = |n: &&str| n.len() == name.len() && n.as_ptr() == name.as_ptr();
        let found = keys.iter().position(|(n, _)| same_literal(n));
        // The same text at another address (a literal repeated elsewhere) is the same key.
        let at = match found.or_else(|| keys.iter().position(|(n, _)| *n == name)) {
            Some(at) => at,
            None if keys.len() < 96 => {
                keys.push((name, JsValue::from_str(name)));
                keys.len() - 1
            }
            None => return None,
        };
        // A cheap handle copy; `f` runs outside the borrow, so it may call back into JS freely.
        Some(keys[at].1.clone())
    })();
    match cached {
        Some(key) => f(&key),
        None => f(&JsValue::from_str(name)),
    }
}

/// A plain object with the given properties.
pub fn object(props: &[(&'static str, JsValue)]) -> JsValue {
    let obj = Object::new();
    for (k, v) in props {
        set(&obj, k, v);
    }
    obj.into()
}

/// `target[key] = value`; a failure (frozen object) is ignored: these are our own objects.
pub fn set(target: &JsValue, key: &'static str, value: &JsValue) {
    let _ = with_key(key, |k| Reflect::set(target, k, value));
}

/// `target[key]`, or `undefined` when `target` is not an object or the getter throws.
pub fn get(target: &JsValue, key: &'static str) -> JsValue {
    try_get(target, key).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key]` (`undefined` when `target` is not an object), or what its getter threw.
pub fn try_get(target: &JsValue, key: &'static str) -> Result<JsValue, JsValue> {
    if !target.is_object() && !target.is_function() {
        return Ok(JsValue::UNDEFINED);
    }
    with_key(key, |k| Reflect::get(target, k))
}

/// The value of a JSON text we wrote (valid by construction: only a replaced `JSON.parse`
/// could refuse it, and then the value is `undefined`).
pub fn from_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::UNDEFINED)
}

/// The message of a thrown value: `err.message` (with `err.cause.message`/`code` when there
/// is one, as Node's `fetch failed` hides the reason there), or its string form.
pub fn describe(err: &JsValue) -> String {
    let mut msg = get(err, "message")
        .as_string()
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "unknown error".into());
    let cause = get(err, "cause");
    let detail = get(&cause, "code")
        .as_string()
        .or_else(|| get(&cause, "message").as_string());
    if let Some(detail) = detail {
        msg.push_str(" (");
        msg.push_str(&detail);
        msg.push(')');
    }
    msg
}

/// The strings of a JSON array into which the package's JS packed several optional text
/// arguments (`null`: absent), in order, then `None` for ever. One string crossing instead of
/// one per argument: each costs wasm-bindgen's glue a dozen lines.
pub fn unpack(packed: &str) -> impl Iterator<Item = Option<String>> {
    use aliyun_es_https_core::json::{self, Value};
    let items = match json::parse(packed) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    items
        .into_iter()
        .map(|v| match v {
            Value::String(s) => Some(s),
            _ => None,
        })
        .chain(core::iter::repeat_with(|| None))
}
