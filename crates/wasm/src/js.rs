//! Small helpers over `js_sys::Reflect` that never throw into Rust.

use crate::prelude::*;
use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// `target[key]`, or `undefined` when `target` is not an object or the getter throws.
pub fn get(target: &JsValue, key: &'static str) -> JsValue {
    try_get(target, key).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key]` (`undefined` when `target` is not an object), or what its getter threw.
pub fn try_get(target: &JsValue, key: &'static str) -> Result<JsValue, JsValue> {
    if !target.is_object() && !target.is_function() {
        return Ok(JsValue::UNDEFINED);
    }
    Reflect::get(target, &JsValue::from_str(key))
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
