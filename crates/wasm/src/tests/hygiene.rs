//! Secret hygiene: every error path, driven for real (emulator, a misbehaving proxy, the
//! network, timeouts, aborts, bad input), and no error field, message, stack or JSON form
//! may contain the access key secret, the STS token or a signature that was sent.
//! Runs in Node and in headless Chromium.

use super::common::*;
use crate::Client;
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const SECRET: &str = "stssecret";
const TOKEN: &str = "ststoken";

/// A fetch that remembers every signature it sends, then behaves like `body` says: forward to
/// the real fetch, or answer with a page echoing the request's secrets back.
fn recording_fetch(signatures: &Array, behaviour: &str) -> Function {
    let body = format!(
        "const a = init.headers.authorization; this.push(a.includes('Signature=') ? a.split('Signature=')[1] : a.split(':')[1]);\n{behaviour}"
    );
    Function::new_with_args("url, init", &body).bind0(signatures)
}

fn sts_client(
    endpoint: &str,
    secret: &str,
    token: &str,
    fetch: Option<&Function>,
    extra: &str,
) -> Result<Client, JsValue> {
    let cfg = js(&format!(
        r#"{{"endpoint":"{endpoint}","credentials":{{"accessKeyId":"STS.testid","accessKeySecret":"{secret}","securityToken":"{token}"}}{extra}}}"#
    ));
    if let Some(f) = fetch {
        Reflect::set(&cfg, &"fetch".into(), f).unwrap();
    }
    Client::new(cfg)
}

/// Every text reachable from the error: own properties (arrays joined), stack, JSON form.
fn all_text(e: &JsValue) -> String {
    let mut out = String::new();
    for name in Object::get_own_property_names(e.unchecked_ref::<Object>()).iter() {
        let v = Reflect::get(e, &name).unwrap();
        let s: String = if let Some(s) = v.as_string() {
            s
        } else if Array::is_array(&v) {
            Array::from(&v).join("\n").into()
        } else {
            js_sys::JSON::stringify(&v)
                .map(String::from)
                .unwrap_or_default()
        };
        out.push_str(&format!("{}={s}\n", name.as_string().unwrap_or_default()));
    }
    out.push_str(
        &js_sys::JSON::stringify(e)
            .map(String::from)
            .unwrap_or_default(),
    );
    out
}

fn assert_clean(what: &str, e: &JsValue, forbidden: &[String]) {
    assert!(e.is_instance_of::<js_sys::Error>(), "{what}: not an Error");
    let text = all_text(e);
    for f in forbidden {
        assert!(!text.contains(f.as_str()), "{what}: leaks {f:?} in\n{text}");
    }
}

#[wasm_bindgen_test]
async fn no_error_path_leaks_the_secret_the_token_or_a_signature() {
    let signatures = Array::new();
    let forward = recording_fetch(&signatures, "return fetch(url, init);");
    let mut errors: Vec<(String, JsValue)> = Vec::new();
    let mut run = |what: &str, e: JsValue| errors.push((what.to_string(), e));

    // The service's errors, the real signature sent each time.
    let c = sts_client(EMULATOR, SECRET, TOKEN, Some(&forward), "").unwrap();
    run(
        "InstanceNotFound",
        call(&c, "es-cn-nothere", None).await.unwrap_err(),
    );
    run(
        "InstanceActivating",
        call(&c, "es-activating-h", None).await.unwrap_err(),
    );
    let c = sts_client(EMULATOR, "WrongSecret-123", TOKEN, Some(&forward), "").unwrap();
    let e = call(&c, &active_id(), None).await.unwrap_err();
    assert_error(&e, "SignatureDoesNotMatch");
    assert!(text(&e, "serverStringToSign").contains("x-acs-security-token:<redacted>"));
    assert!(text(&e, "stringToSign").contains("x-acs-security-token:<redacted>"));
    run("SignatureDoesNotMatch", e);
    let c = sts_client(EMULATOR, SECRET, "WrongToken-999", Some(&forward), "").unwrap();
    run(
        "wrong token",
        call(&c, &active_id(), None).await.unwrap_err(),
    );

    // A proxy that echoes our headers back, as an HTML page and as a JSON error.
    let echo_html = recording_fetch(
        &signatures,
        "return new Response('<html>' + init.headers.authorization + ' ' + init.headers['x-acs-security-token'] + '</html>', { status: 200 });",
    );
    let c = sts_client(EMULATOR, SECRET, TOKEN, Some(&echo_html), "").unwrap();
    run(
        "echoing HTML page",
        call(&c, "es-1", None).await.unwrap_err(),
    );
    let echo_json = recording_fetch(
        &signatures,
        "const t = init.headers['x-acs-security-token'] + ' ' + init.headers.authorization; \
         return new Response(JSON.stringify({ Code: 'Weird', Message: t, RequestId: t, HostId: t, Recommend: t }), { status: 400 });",
    );
    let c = sts_client(EMULATOR, SECRET, TOKEN, Some(&echo_json), "").unwrap();
    run(
        "echoing JSON error",
        call(&c, "es-1", None).await.unwrap_err(),
    );

    // No answer: refused connection (retried), a hang (timeout), an abort.
    let c = sts_client("http://127.0.0.1:1", SECRET, TOKEN, Some(&forward), "").unwrap();
    run("NetworkError", call(&c, "es-1", None).await.unwrap_err());
    let c = sts_client(
        EMULATOR,
        SECRET,
        TOKEN,
        Some(&forward),
        r#","timeoutMs":200,"maxAttempts":1"#,
    )
    .unwrap();
    run(
        "Timeout",
        call(&c, &unique_id("es-fault-hangx9-"), None)
            .await
            .unwrap_err(),
    );

    // Bad input that contains the secret or the token: refused without repeating it.
    run(
        "secret with a space",
        sts_client(EMULATOR, " stssecret", TOKEN, None, "")
            .err()
            .unwrap(),
    );
    run(
        "token with a newline",
        sts_client(EMULATOR, SECRET, "ststoken\\n", None, "")
            .err()
            .unwrap(),
    );

    let mut forbidden = vec![
        SECRET.to_string(),
        TOKEN.to_string(),
        "WrongSecret-123".into(),
        "WrongToken-999".into(),
    ];
    forbidden.extend(signatures.iter().filter_map(|s| s.as_string()));
    assert!(signatures.length() >= 8, "signatures were recorded");
    for (what, e) in &errors {
        assert_clean(what, e, &forbidden);
    }
    assert_eq!(errors.len(), 10);
}

/// A client whose fetch is `source` (JS: `(url, init) => …`), over the emulator.
fn client_with_fetch(source: &str) -> Client {
    let cfg = config("");
    let f = Function::new_no_args(&format!("return {source}"))
        .call0(&JsValue::NULL)
        .unwrap();
    Reflect::set(&cfg, &"fetch".into(), &f).unwrap();
    Client::new(cfg).unwrap()
}

#[wasm_bindgen_test]
async fn a_request_delivered_twice_is_retried_with_a_fresh_nonce() {
    // As a browser does after a connection reset: the same request (same nonce) is sent again
    // and its answer is the one the page sees — SignatureNonceUsed from the gateway.
    let c = client_with_fetch(
        "((sent = 0) => (u, i) => sent++ === 0 ? fetch(u, i).then(() => fetch(u, i)) : fetch(u, i))()",
    );
    let id = active_id();
    let r = call(&c, &id, Some("nonce-twice")).await.unwrap();
    assert_eq!(get(&r, "result"), JsValue::TRUE);
    assert_eq!(get(&r, "attempts"), JsValue::from(2));
    assert_eq!(
        applied(&id).await,
        1.0,
        "applied once, whatever the resends"
    );
}

#[wasm_bindgen_test]
async fn answers_we_cannot_read_safely_are_malformed() {
    for body in [
        r#"{"Result":true,"Result":false,"RequestId":"R"}"#,
        r#"{"Result":true}"#,
    ] {
        let c = client_with_fetch(&format!(
            "() => Promise.resolve(new Response({}, {{ status: 200 }}))",
            js_sys::JSON::stringify(&body.into())
                .unwrap()
                .as_string()
                .unwrap()
        ));
        let e = call(&c, "es-cn-1", Some("t")).await.unwrap_err();
        assert_error(&e, "MalformedResponse");
    }
}

#[wasm_bindgen_test]
async fn an_echoed_url_encoded_authorization_is_redacted() {
    // A gateway or proxy that puts our Authorization header, URL-encoded, into Recommend.
    let c = client_with_fetch(
        "(u, i) => Promise.resolve(new Response(JSON.stringify({ RequestId: 'R', Code: 'Forbidden', \
         Message: 'no: ' + i.headers.authorization, Recommend: 'https://x/?a=' + encodeURIComponent(i.headers.authorization) }), \
         { status: 403 }))",
    );
    let e = call(&c, "es-cn-1", Some("t")).await.unwrap_err();
    assert_error(&e, "Forbidden");
    let recommend = text(&e, "recommend");
    let message = text(&e, "message");
    assert!(
        recommend.contains("<redacted>") && message.contains("<redacted>"),
        "{recommend} / {message}"
    );
    assert!(
        !recommend.contains("Signature%3D") || recommend.contains("Signature%3D<redacted>"),
        "{recommend}"
    );
}

#[wasm_bindgen_test]
fn sign_open_https_refuses_a_timestamp_before_1970() {
    let e = crate::sign_open_https(js(
        r#"{"instanceId":"es-1","credentials":{"accessKeyId":"a","accessKeySecret":"b"},"regionId":"cn-hangzhou","timestamp":-1}"#,
    ))
    .unwrap_err();
    assert_error(&e, "InvalidConfig");
    assert_eq!(text(&e, "field"), "timestamp");
}
