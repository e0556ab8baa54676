//! The JSON texts between the wasm and the package's JS: results out, packed arguments in.

use crate::prelude::*;
use wasm_bindgen::JsValue;

/// The value of a JSON text we wrote (valid by construction: only a replaced `JSON.parse`
/// could refuse it, and then the value is `undefined`).
pub fn from_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::UNDEFINED)
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
