//! Helpers shared by the wasm test files (each file is its own crate: not every helper is
//! used by every file).
#![allow(dead_code)]

use crate::random::uuid_v4;
use crate::Client;
use js_sys::{Function, Promise, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

pub const EMULATOR: &str = match option_env!("EMULATOR_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:1", // built without the emulator: every call test fails loudly
};

pub fn js(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON")
}

pub fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

pub fn text(v: &JsValue, key: &str) -> String {
    get(v, key)
        .as_string()
        .unwrap_or_else(|| panic!("{key} is not a string"))
}

pub fn config(extra: &str) -> JsValue {
    js(&format!(
        r#"{{"endpoint":"{EMULATOR}","credentials":{{"accessKeyId":"testid","accessKeySecret":"testsecret"}}{extra}}}"#
    ))
}

pub fn client(extra: &str) -> Client {
    Client::new(config(extra))
        .unwrap_or_else(|e| panic!("config rejected: {}", text(&e, "message")))
}

pub fn active_id() -> String {
    unique_id("es-active-")
}

/// `prefix` followed by a fresh UUID, so parallel tests never share an instance.
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}{}", uuid_v4().unwrap().to_ascii_lowercase())
}

pub async fn call(c: &Client, id: &str, token: Option<&str>) -> Result<JsValue, JsValue> {
    JsFuture::from(c.open_https(id.into(), token.map(JsValue::from), None)).await
}

/// `GET <emulator>/__emulator/<path>` as JSON.
pub async fn admin(path: &str) -> JsValue {
    let f = Function::new_with_args("u", "return fetch(u).then((r) => r.json())");
    let p: Promise = f
        .call1(
            &JsValue::NULL,
            &format!("{EMULATOR}/__emulator/{path}").into(),
        )
        .unwrap()
        .unchecked_into();
    JsFuture::from(p).await.unwrap()
}

/// How many times the emulator applied the change to `id`.
pub async fn applied(id: &str) -> f64 {
    get(&admin(&format!("instances/{id}")).await, "applied")
        .as_f64()
        .unwrap()
}

pub fn in_node() -> bool {
    let process = Reflect::get(&js_sys::global(), &"process".into()).unwrap();
    !process.is_undefined() && get(&get(&process, "versions"), "node").is_string()
}

pub fn assert_error(e: &JsValue, code: &str) {
    assert!(e.is_instance_of::<js_sys::Error>(), "rejection is an Error");
    assert_eq!(text(e, "name"), "OpenHttpsError");
    assert_eq!(text(e, "code"), code, "message: {}", text(e, "message"));
}

/// How many attempts of `id` reached the emulator's fault stage.
pub async fn attempts(id: &str) -> f64 {
    get(&admin(&format!("instances/{id}")).await, "attempts")
        .as_f64()
        .unwrap()
}
