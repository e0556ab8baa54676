//! Every fault a network and a gateway produce, injected by the emulator (an instance id
//! `es-fault-<fault>-<uuid>` selects it), against the real client in Node and in headless
//! Chromium: either retried to success with the change applied exactly once, or a typed
//! error with nothing applied — never a false success. Each test prints one row of the
//! table `fault | outcome | attempts | applied`.

use super::common::*;
use crate::Client;
use js_sys::{Date, Function, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

/// Calls `es-fault-<fault>-<uuid>` with a fixed clientToken and checks the outcome, the number
/// of attempts the client reports and the emulator saw, and how often the change was applied.
async fn case(
    fault: &str,
    extra: &str,
    want: Result<(), &str>,
    want_attempts: u32,
    want_applied: f64,
) -> JsValue {
    let id = unique_id(&format!("es-fault-{fault}-"));
    let started = Date::now();
    let outcome = call(&client(extra), &id, Some("fault-token")).await;
    let elapsed = Date::now() - started;
    let (shown, attempts) = match (&outcome, want) {
        (Ok(r), Ok(())) => {
            assert_eq!(get(r, "result"), JsValue::TRUE, "{fault}");
            assert_eq!(text(r, "clientToken"), "fault-token");
            (
                "success".to_string(),
                get(r, "attempts").as_f64().unwrap() as u32,
            )
        }
        (Err(e), Err(code)) => {
            assert_error(e, code);
            assert_eq!(text(e, "clientToken"), "fault-token");
            let list = js_sys::Array::from(&get(e, "attempts"));
            if list.length() > 1 {
                assert!(text(e, "message").contains(&format!("{} attempts: ", list.length())));
            }
            (format!("{code} (error)"), list.length())
        }
        (Ok(_), Err(code)) => panic!("{fault}: succeeded, expected {code}"),
        (Err(e), Ok(())) => panic!(
            "{fault}: failed with {}: {}",
            text(e, "code"),
            text(e, "message")
        ),
    };
    assert_eq!(
        attempts, want_attempts,
        "{fault}: attempts reported by the client"
    );
    assert_eq!(
        super::common::attempts(&id).await,
        f64::from(want_attempts),
        "{fault}: attempts seen by the emulator"
    );
    assert_eq!(applied(&id).await, want_applied, "{fault}: times applied");
    console_log!("| {fault} | {shown} | {attempts} | {want_applied} | {elapsed:.0} ms |");
    outcome.unwrap_or_else(|e| e)
}

#[wasm_bindgen_test]
async fn service_unavailable_twice_then_success() {
    case("503x2", "", Ok(()), 3, 1.0).await;
}

#[wasm_bindgen_test]
async fn service_unavailable_beyond_max_attempts_is_an_error_listing_each_attempt() {
    let e = case("503x5", "", Err("ServiceUnavailable"), 3, 0.0).await;
    let list = js_sys::Array::from(&get(&e, "attempts"));
    for a in list.iter() {
        assert!(a
            .as_string()
            .unwrap()
            .starts_with("ServiceUnavailable (HTTP 503, RequestId "));
    }
    assert_eq!(get(&e, "httpStatus").as_f64(), Some(503.0));
    assert_eq!(get(&e, "retryable"), JsValue::TRUE);
}

#[wasm_bindgen_test]
async fn internal_error_then_success() {
    case("500x1", "", Ok(()), 2, 1.0).await;
}

#[wasm_bindgen_test]
async fn throttled_waits_for_x_acs_retry_after() {
    let started = Date::now();
    case("throttlex1", "", Ok(()), 2, 1.0).await;
    assert!(
        Date::now() - started >= 120.0,
        "waited at least x-acs-retry-after: 120 ms"
    );
}

#[wasm_bindgen_test]
async fn http_429_waits_for_retry_after() {
    let started = Date::now();
    case("429x1", "", Ok(()), 2, 1.0).await;
    assert!(
        Date::now() - started >= 1000.0,
        "waited at least Retry-After: 1 s"
    );
}

#[wasm_bindgen_test]
async fn an_html_page_with_200_is_an_error_not_a_success_and_not_retried() {
    let e = case("html200x1", "", Err("MalformedResponse"), 1, 0.0).await;
    assert_eq!(get(&e, "httpStatus").as_f64(), Some(200.0));
    assert_eq!(get(&e, "retryable"), JsValue::FALSE);
}

#[wasm_bindgen_test]
async fn a_bad_gateway_page_is_retried() {
    case("html502x1", "", Ok(()), 2, 1.0).await;
}

#[wasm_bindgen_test]
async fn an_empty_answer_is_retried() {
    case("emptyx1", "", Ok(()), 2, 1.0).await;
}

#[wasm_bindgen_test]
async fn a_truncated_success_is_retried_and_replayed_not_applied_twice() {
    case("truncatedx1", "", Ok(()), 2, 1.0).await;
}

#[wasm_bindgen_test]
async fn a_hang_times_out_and_is_retried() {
    case("hangx1", r#","timeoutMs":300"#, Ok(()), 2, 1.0).await;
}

#[wasm_bindgen_test]
async fn a_hang_after_applying_is_retried_and_replayed() {
    case("hangafterx1", r#","timeoutMs":300"#, Ok(()), 2, 1.0).await;
}

#[wasm_bindgen_test]
async fn a_dropped_connection_is_retried() {
    case("dropx1", "", Ok(()), 2, 1.0).await;
}

#[wasm_bindgen_test]
async fn a_connection_dropped_after_applying_is_retried_and_replayed() {
    case("dropafterx1", "", Ok(()), 2, 1.0).await;
}

#[wasm_bindgen_test]
async fn unavailable_after_applying_is_retried_and_replayed() {
    case("503afterx1", "", Ok(()), 2, 1.0).await;
}

#[wasm_bindgen_test]
async fn a_server_that_never_answers_is_a_timeout_within_the_configured_time() {
    let started = Date::now();
    let e = case(
        "hangx9",
        r#","timeoutMs":300,"maxAttempts":1"#,
        Err("Timeout"),
        1,
        0.0,
    )
    .await;
    let elapsed = Date::now() - started;
    assert!(
        (300.0..1500.0).contains(&elapsed),
        "timed out after {elapsed} ms"
    );
    assert_eq!(get(&e, "retryable"), JsValue::TRUE);
}

#[wasm_bindgen_test]
async fn the_deadline_bounds_the_whole_call() {
    // 250 ms attempts inside a 600 ms deadline: two or three attempts, depending on the random
    // backoff between them (a wait that would end past the deadline is not taken), and the
    // call ends with a Timeout no later than the deadline (plus timer slack).
    let id = unique_id("es-fault-hangx9-");
    let started = Date::now();
    let e = call(&client(r#","timeoutMs":250,"deadlineMs":600"#), &id, None)
        .await
        .unwrap_err();
    let elapsed = Date::now() - started;
    assert_error(&e, "Timeout");
    let attempts = js_sys::Array::from(&get(&e, "attempts")).length();
    assert!((2..=3).contains(&attempts), "{attempts} attempts");
    assert!(
        (500.0..1500.0).contains(&elapsed),
        "gave up after {elapsed} ms"
    );
    assert_eq!(applied(&id).await, 0.0);
    console_log!(
        "| hangx9 + deadlineMs 600 | Timeout (error) | {attempts} | 0 | {elapsed:.0} ms |"
    );
}

#[wasm_bindgen_test]
async fn a_skewed_server_clock_is_learnt_once_and_kept() {
    let id = unique_id("es-fault-skew-");
    let c = client("");
    let r = call(&c, &id, None).await.unwrap();
    assert_eq!(
        get(&r, "attempts").as_f64(),
        Some(2.0),
        "one failed attempt, then corrected"
    );
    // The client now signs with the server's clock: the next call needs one attempt.
    let again = call(&c, &id, None).await.unwrap();
    assert_eq!(get(&again, "attempts").as_f64(), Some(1.0));
    assert_eq!(
        applied(&id).await,
        2.0,
        "two calls with two tokens, each applied once"
    );
    console_log!("| skew | success | 2, then 1 | 1 per call |");
    // maxAttempts 1 still allows the clock correction's resend — the documented exception —
    // and `attempts` says that two requests were sent.
    let id = unique_id("es-fault-skew-");
    let one = client(r#","maxAttempts":1"#);
    let r = call(&one, &id, None).await.unwrap();
    assert_eq!(get(&r, "attempts").as_f64(), Some(2.0));
    assert_eq!(applied(&id).await, 1.0);
}

#[wasm_bindgen_test]
async fn a_server_asking_to_wait_an_hour_is_not_obeyed() {
    for (name, value) in [("retry-after", "3600"), ("x-acs-retry-after", "86400000")] {
        let fetch = Function::new_no_args(&format!(
            "return () => Promise.resolve(new Response(JSON.stringify({{ RequestId: 'R', Code: 'Throttling.User', \
             Message: 'Request was denied due to user flow control.' }}), {{ status: 400, headers: {{ '{name}': '{value}' }} }}))"
        ))
        .call0(&JsValue::NULL)
        .unwrap();
        let cfg = config("");
        Reflect::set(&cfg, &"fetch".into(), &fetch).unwrap();
        let started = Date::now();
        let e = call(&Client::new(cfg).unwrap(), "es-cn-1", Some("t"))
            .await
            .unwrap_err();
        assert_error(&e, "Throttling.User");
        assert!(Date::now() - started < 1_000.0, "{name}: failed at once");
        assert!(
            text(&e, "message").contains("asked to wait"),
            "{}",
            text(&e, "message")
        );
        console_log!("| {name}: {value} | Throttling.User at once | 1 | 0 |");
    }
}

#[wasm_bindgen_test]
async fn an_abort_signal_cancels_at_once_and_applies_nothing() {
    let id = unique_id("es-fault-hangx9-");
    let c = client(r#","timeoutMs":5000"#);
    let controller = Reflect::construct(
        &get(&js_sys::global(), "AbortController").into(),
        &js_sys::Array::new(),
    )
    .unwrap();
    let options = js_sys::Object::new();
    Reflect::set(&options, &"signal".into(), &get(&controller, "signal")).unwrap();
    let pending = JsFuture::from(c.open_https(id.clone().into(), None, Some(options.into())));
    let abort: js_sys::Function = get(&controller, "abort").into();
    let timer = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout: js_sys::Function = get(&js_sys::global(), "setTimeout").into();
        set_timeout
            .call2(&JsValue::NULL, &resolve, &JsValue::from(150))
            .unwrap();
    });
    let started = Date::now();
    JsFuture::from(timer).await.unwrap();
    abort.call0(&controller).unwrap();
    let e = pending.await.unwrap_err();
    let elapsed = Date::now() - started;
    assert_error(&e, "Aborted");
    assert_eq!(get(&e, "retryable"), JsValue::FALSE);
    assert!(
        elapsed < 1000.0,
        "aborted after {elapsed} ms, not at the 5 s timeout"
    );
    assert_eq!(applied(&id).await, 0.0);

    // An already aborted signal: nothing is sent at all.
    let id = unique_id("es-active-");
    let signal = js_sys::Reflect::apply(
        &get(&get(&js_sys::global(), "AbortSignal"), "abort").into(),
        &get(&js_sys::global(), "AbortSignal"),
        &js_sys::Array::new(),
    )
    .unwrap();
    let options = js_sys::Object::new();
    Reflect::set(&options, &"signal".into(), &signal).unwrap();
    let e = JsFuture::from(c.open_https(id.clone().into(), None, Some(options.into())))
        .await
        .unwrap_err();
    assert_error(&e, "Aborted");
    assert_eq!(super::common::attempts(&id).await, 0.0);
}

#[wasm_bindgen_test]
async fn a_non_retryable_error_is_not_retried() {
    let c: Client = client("");
    let id = unique_id("es-cn-missing-");
    let e = call(&c, &id, None).await.unwrap_err();
    assert_error(&e, "InstanceNotFound");
    assert_eq!(js_sys::Array::from(&get(&e, "attempts")).length(), 1);
    assert!(
        !text(&e, "message").contains("attempts:"),
        "the service's message is unchanged"
    );
}
