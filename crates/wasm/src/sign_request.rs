//! `signOpenHttps`: the signed request without sending it — for another HTTP client, `curl`,
//! or measuring the signer. Synchronous: credentials are given as values.

use crate::prelude::*;
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::operation::Request;
use aliyun_es_https_core::{json, signing, validate};
use js_sys::Date;
use wasm_bindgen::prelude::*;

use crate::config::{
    client_token_arg, number_option, option, reject_unknown_keys, string_option, target_from_js,
    SHARED_OPTIONS,
};
use crate::{credentials, errors, js, random};

/// The fields only `signOpenHttps` has (beside the options it shares with `Client`).
const FIELDS: [&str; 4] = ["instanceId", "clientToken", "timestamp", "nonce"];

/// Signs an OpenHttps request without sending it. Returns `{ method, url, headers,
/// clientToken }`: send `method` to `url` with exactly `headers` (the `Host` is the URL's).
/// The clientToken is generated when none is given. Throws an `OpenHttpsError` on bad input.
#[wasm_bindgen(js_name = signOpenHttps, unchecked_return_type = "SignedOpenHttpsRequest")]
pub fn sign_open_https(
    #[wasm_bindgen(unchecked_param_type = "SignOpenHttpsRequest")] request: JsValue,
) -> Result<JsValue, JsValue> {
    presign(&request).map_err(|e| errors::to_js(&e, None))
}

fn presign(input: &JsValue) -> Result<JsValue, Error> {
    if !input.is_object() {
        let msg = "signOpenHttps takes an object such as { instanceId, credentials, regionId }";
        return Err(Error::invalid(codes::INVALID_CONFIG, "config", msg));
    }
    reject_unknown_keys(input, &[&FIELDS, &SHARED_OPTIONS])?;
    let Some(instance_id) = string_option(input, "instanceId", codes::INVALID_INSTANCE_ID)? else {
        let msg = "instanceId is required, e.g. \"es-cn-n6w1o1x0w001c\"";
        return Err(Error::invalid(
            codes::INVALID_INSTANCE_ID,
            "instanceId",
            msg,
        ));
    };
    let token = client_token_arg(&option(input, "clientToken")?)?;
    let request = Request::open_https(&instance_id, Some(&token))?;
    let creds = option(input, "credentials")?;
    if creds.is_null_or_undefined() {
        let msg = "credentials { accessKeyId, accessKeySecret } are required";
        return Err(Error::invalid(
            codes::MISSING_CREDENTIALS,
            "credentials",
            msg,
        ));
    }
    let (credentials, _) = credentials::from_js(&creds)?;
    let (endpoint, version) = target_from_js(input)?;
    // From 1970 to the last instant a Date can hold (8.64e15 ms).
    let timestamp = number_option(input, "timestamp", 0.0, 8.64e15, codes::INVALID_CONFIG)?
        .unwrap_or_else(Date::now);
    let nonce = match string_option(input, "nonce", codes::INVALID_CONFIG)? {
        Some(n) => {
            validate::nonce(&n)?;
            n
        }
        None => random::nonce()?,
    };

    let signed = signing::sign(
        &request,
        &endpoint,
        &credentials,
        version,
        timestamp as i64,
        &nonce,
    );
    let url = signed.url;
    // `{ method, url, headers, clientToken }` as one JSON text for JSON.parse: crossing into
    // JS once beats a dozen strings, each decoded on its own, and a dozen property writes
    // (a third of the time of a signature in Node went there).
    let mut out = String::with_capacity(1024);
    let field = |out: &mut String, name: &str, value: &str| {
        json::write_string(out, name);
        out.push(':');
        json::write_string(out, value);
    };
    out.push('{');
    field(&mut out, "method", signed.method);
    out.push(',');
    field(&mut out, "url", &url);
    out.push_str(",\"headers\":{");
    for (i, (name, value)) in signed.headers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(&mut out, name, value);
    }
    out.push_str("},");
    field(&mut out, "clientToken", &token);
    out.push('}');
    // Valid JSON by construction: only a replaced `JSON.parse` can refuse it.
    js_sys::JSON::parse(&out).map_err(|e| {
        let msg = cat!(
            "JSON.parse failed on the signed request: ",
            js::describe(&e)
        );
        Error::invalid(codes::UNSUPPORTED_RUNTIME, "JSON", msg)
    })
}
