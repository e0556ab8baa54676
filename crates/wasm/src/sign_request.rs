//! `signOpenHttps`: the signed request without sending it — for another HTTP client, `curl`,
//! or measuring the signer. Synchronous: the package's JS reads the input object
//! (`pkg-template/options.js`, `signArgs`), makes a client configuration of its target and
//! credentials (the same checks as `new Client`), and signs here with that client's endpoint,
//! signature version and credentials.

use crate::prelude::*;
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::operation::Request;
use aliyun_es_https_core::signing::{self, SignedRequest};
use aliyun_es_https_core::validate;
use js_sys::Date;
use wasm_bindgen::prelude::*;

use crate::client;
use crate::{errors, random};

/// Signs an OpenHttps of `id` on `client` without sending it: `clientToken \n method \n url
/// \n name \n value …`. The clientToken and nonce are made when `None`, the timestamp is now
/// when `None`. Throws an `OpenHttpsError` on bad input or a credentials function (there is
/// no answer to wait for here).
#[wasm_bindgen(js_name = __signOpenHttps, skip_typescript)]
pub fn sign_open_https(
    client: u32,
    id: String,
    token: Option<String>,
    timestamp: Option<f64>,
    nonce: Option<String>,
) -> Result<String, JsValue> {
    presign(client, &id, token, timestamp, nonce).map_err(|e| errors::to_js(&e, None))
}

fn presign(
    client: u32,
    id: &str,
    token: Option<String>,
    timestamp: Option<f64>,
    nonce: Option<String>,
) -> Result<String, Error> {
    let token = match token {
        Some(t) => t,
        None => random::uuid_v4()?,
    };
    let request = Request::open_https(id, Some(&token))?;
    let state = client::state(client)?;
    let Some(credentials) = state.credentials.static_values() else {
        let msg = "signOpenHttps signs at once: credentials must be values { accessKeyId, \
                   accessKeySecret }, not a function";
        return Err(Error::invalid(
            codes::MISSING_CREDENTIALS,
            "credentials",
            msg,
        ));
    };
    let nonce = match nonce {
        Some(n) => {
            validate::nonce(&n)?;
            n
        }
        None => random::nonce()?,
    };
    let timestamp = timestamp.unwrap_or_else(Date::now);
    let signed = signing::sign(
        &request,
        &state.endpoint,
        credentials,
        state.signature_version,
        timestamp as i64,
        &nonce,
    );
    let mut out = token;
    out.push('\n');
    write_wire(&mut out, &signed);
    Ok(out)
}

/// Appends `signed` as `method \n url \n name \n value …`: how the driver receives a request
/// to send (`__sign`) and `signOpenHttps` its result. Names and values have no line breaks.
pub(crate) fn write_wire(out: &mut String, signed: &SignedRequest) {
    out.reserve(1024);
    out.push_str(signed.method);
    out.push('\n');
    out.push_str(&signed.url);
    for (name, value) in &signed.headers {
        out.push('\n');
        out.push_str(name);
        out.push('\n');
        out.push_str(value);
    }
}
