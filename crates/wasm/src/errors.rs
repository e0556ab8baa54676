//! Our `Error` → a real JS `Error` (`instanceof Error`, a stack) with fields.

use crate::prelude::*;
use aliyun_es_https_core::error::Error;
use aliyun_es_https_core::json::{self, ObjectWriter};
use wasm_bindgen::{JsCast, JsValue};

use crate::js;

/// The `name` of every error we reject with; the variant is in `code`.
pub const ERROR_NAME: &str = "OpenHttpsError";

/// Builds the JS error: `name`, `message`, `code`, `retryable`, and `httpStatus`,
/// `requestId`, `hostId`, `recommend`, `field`, `clientToken` where known.
pub fn to_js(err: &Error, client_token: Option<&str>) -> JsValue {
    // The fields as one JSON text, copied onto the Error at once: one crossing, not one per
    // field.
    let mut fields = ObjectWriter::new();
    fields
        .string("name", ERROR_NAME)
        .string("code", &err.code)
        .boolean("retryable", err.retryable())
        .optional("requestId", err.request_id.as_deref())
        .optional("hostId", err.host_id.as_deref())
        .optional("recommend", err.recommend.as_deref())
        .optional("field", err.field)
        .optional("clientToken", client_token)
        .optional("stringToSign", err.string_to_sign.as_deref())
        .optional("serverStringToSign", err.server_string_to_sign.as_deref());
    if !err.attempts.is_empty() {
        let mut list = String::from("[");
        for (i, attempt) in err.attempts.iter().enumerate() {
            if i > 0 {
                list.push(',');
            }
            json::write_string(&mut list, attempt);
        }
        list.push(']');
        fields.raw("attempts", &list);
    }
    if let Some(status) = err.http_status {
        fields.number("httpStatus", status.into());
    }
    let e = js_sys::Error::new(&err.message);
    js_sys::Object::assign(&e, &js::from_json(&fields.finish()).unchecked_into()).into()
}
