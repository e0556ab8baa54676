//! The JSON texts between the wasm and the package's JS: results out, packed arguments in.

use wasm_bindgen::JsValue;

/// The value of a JSON text we wrote (valid by construction: only a replaced `JSON.parse`
/// could refuse it, and then the value is `undefined`).
pub fn from_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::UNDEFINED)
}

pub use aliyun_es_https_core::json::unpack;
