//! Our `Error` → a real JS `Error` (`instanceof Error`, a stack) with fields.

use aliyun_es_https_core::error::Error;
use wasm_bindgen::JsValue;

use crate::js;

/// The `name` of every error we reject with; the variant is in `code`.
pub const ERROR_NAME: &str = "OpenHttpsError";

/// Builds the JS error: `name`, `message`, `code`, `retryable`, and `httpStatus`,
/// `requestId`, `hostId`, `recommend`, `field`, `clientToken` where known.
pub fn to_js(err: &Error, client_token: Option<&str>) -> JsValue {
    let e = js_sys::Error::new(&err.message);
    e.set_name(ERROR_NAME);
    let e: JsValue = e.into();
    js::set(&e, "code", &JsValue::from_str(&err.code));
    js::set(&e, "retryable", &JsValue::from_bool(err.retryable()));
    let optional = [
        ("requestId", err.request_id.as_deref()),
        ("hostId", err.host_id.as_deref()),
        ("recommend", err.recommend.as_deref()),
        ("field", err.field),
        ("clientToken", client_token),
        ("stringToSign", err.string_to_sign.as_deref()),
        ("serverStringToSign", err.server_string_to_sign.as_deref()),
    ];
    for (key, value) in optional {
        if let Some(v) = value {
            js::set(&e, key, &JsValue::from_str(v));
        }
    }
    if !err.attempts.is_empty() {
        let list: js_sys::Array = err.attempts.iter().map(|a| JsValue::from_str(a)).collect();
        js::set(&e, "attempts", &list);
    }
    if let Some(status) = err.http_status {
        js::set(&e, "httpStatus", &JsValue::from(status));
    }
    e
}
