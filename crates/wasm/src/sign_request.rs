//! `signOpenHttps`: the signed request without sending it — for another HTTP client, `curl`,
//! or measuring the signer. Synchronous: credentials are given as values. The package's JS
//! reads the input object (`pkg-template/options.js`, `signArgs`) and passes its values here.

use crate::prelude::*;
use aliyun_es_https_core::error::Error;
use aliyun_es_https_core::operation::Request;
use aliyun_es_https_core::{json, signing, validate};
use js_sys::Date;
use wasm_bindgen::prelude::*;

use crate::config::Target;
use crate::{credentials, errors, random};

/// Signs an OpenHttps request without sending it: `{ method, url, headers, clientToken }` as
/// JSON text (the package's `signOpenHttps` parses it). The clientToken and nonce are made when
/// `None`, the timestamp is now when `None`. Throws an `OpenHttpsError` on bad input.
#[wasm_bindgen(js_name = __signOpenHttps, skip_typescript)]
#[allow(clippy::too_many_arguments)]
pub fn sign_open_https(
    instance_id: String,
    client_token: Option<String>,
    credentials: JsValue,
    region: Option<String>,
    endpoint: Option<String>,
    network: Option<String>,
    signature_version: Option<String>,
    proxy_url: Option<String>,
    timestamp: Option<f64>,
    nonce: Option<String>,
) -> Result<String, JsValue> {
    let target = Target {
        region,
        endpoint,
        network,
        signature_version,
        proxy_url,
    };
    presign(
        &instance_id,
        client_token,
        &credentials,
        &target,
        timestamp,
        nonce,
    )
    .map_err(|e| errors::to_js(&e, None))
}

fn presign(
    instance_id: &str,
    token: Option<String>,
    credentials: &JsValue,
    target: &Target,
    timestamp: Option<f64>,
    nonce: Option<String>,
) -> Result<String, Error> {
    let token = match token {
        Some(t) => t,
        None => random::uuid_v4()?,
    };
    let request = Request::open_https(instance_id, Some(&token))?;
    let (credentials, _) = credentials::from_js(credentials)?;
    let (endpoint, version) = target.resolve()?;
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
        &endpoint,
        &credentials,
        version,
        timestamp as i64,
        &nonce,
    );
    // `{ method, url, headers, clientToken }` as one JSON text for JSON.parse: crossing into
    // JS once beats a dozen strings, each decoded on its own, and a dozen property writes.
    let mut out = String::with_capacity(1024);
    let field = |out: &mut String, name: &str, value: &str| {
        json::write_string(out, name);
        out.push(':');
        json::write_string(out, value);
    };
    out.push('{');
    field(&mut out, "method", signed.method);
    out.push(',');
    field(&mut out, "url", &signed.url);
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
    Ok(out)
}
