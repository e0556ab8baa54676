//! Properties: whatever a caller or a server sends, the core answers with a value or a typed
//! error and never panics (a panic aborts the wasm instance), and redaction leaves no secret.

use aliyun_es_https_core::call::{Answer, Call, CallPolicy, Step};
use aliyun_es_https_core::operation::Shape;
use aliyun_es_https_core::redact::{Secrets, REDACTED};
use aliyun_es_https_core::signing::encode::percent_encode;
use aliyun_es_https_core::signing::{self, v1, v3, Credentials, SignatureVersion};
use aliyun_es_https_core::{json, response, validate, Endpoint, Network, Request};
use proptest::prelude::*;

fn shapes() -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Accepted),
        Just(Shape::Instance),
        Just(Shape::InstanceList)
    ]
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((any::<String>(), any::<String>()), 0..6)
}

fn refs(p: &[(String, String)]) -> Vec<(&str, &str)> {
    p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

proptest! {
    #[test]
    fn canonicalisation_and_signing_never_panic(
        method in any::<String>(), path in any::<String>(), query in pairs(), headers in pairs(),
        id in any::<String>(), secret in any::<String>(),
    ) {
        let sts = v1::string_to_sign(&method, &path, &refs(&query), &refs(&headers));
        let _ = v1::authorization(&id, &v1::signature(&sts, &secret));
        let c = v3::canonical_request(&method, &path, &refs(&query), &refs(&headers), "h");
        let auth = v3::authorization(&c, &id, &v3::signature(&c, &secret));
        prop_assert!(auth.starts_with("ACS3-HMAC-SHA256 Credential="));
    }

    #[test]
    fn response_parsing_never_panics_and_never_invents_success(shape in shapes(), status in any::<u16>(), body in any::<String>()) {
        if let Ok(ok) = response::parse(shape, status, &body) {
            prop_assert!((200..300).contains(&status));
            prop_assert!(body.contains("Result") && !ok.request_id().is_empty());
        }
    }

    #[test]
    fn json_like_bodies_never_panic(shape in shapes(), body in r#"[\[\]{}",:\\ uetrn0-9.eE+-]{0,64}"#) {
        let _ = json::parse(&body);
        let _ = response::parse(shape, 200, &body);
    }

    #[test]
    fn redaction_leaves_no_secret_outside_its_markers(
        secrets in prop::collection::vec("[a-z<>ed ]{1,6}", 1..4),
        text in "[a-z<>ed %]{0,40}",
    ) {
        // Build the text from the secrets too, raw and percent-encoded (as a URL or a
        // Recommend link would carry them), so they occur, overlap and touch.
        let encoded: Vec<String> = secrets.iter().map(|s| percent_encode(s)).collect();
        let text = format!("{text}{}{text}{}{}", secrets.join(""), secrets.concat(), encoded.join(" "));
        let redacted = Secrets::new(secrets.iter().map(|s| Some(s.as_str()))).redact(&text);
        let visible = redacted.replace(REDACTED, "\0");
        for s in secrets.iter().chain(&encoded) {
            prop_assert!(!visible.contains(s.as_str()), "{s:?} left in {redacted:?}");
        }
    }

    #[test]
    fn the_call_machine_always_ends(
        answers in prop::collection::vec((any::<u16>(), any::<String>(), prop::option::of("[0-9]{1,9}")), 1..12),
        unit in 0.0f64..1.0,
    ) {
        // Whatever the server answers, a call ends within maxAttempts + 1 requests.
        let creds = Credentials::new("id", "secret", None).unwrap();
        let request = Request::open_https("es-1", Some("t")).unwrap();
        let endpoint = Endpoint::parse("127.0.0.1:1").unwrap();
        let sent = signing::sign(&request, &endpoint, &creds, SignatureVersion::V3, 0, "n");
        let mut call = Call::new(Shape::Accepted, CallPolicy::default(), 0.0, 0.0);
        let mut now = 0.0;
        let mut step = call.resume(now);
        for (status, body, wait) in &answers {
            // 3 attempts, plus at most one resend after a clock correction.
            prop_assert!(call.attempts() <= 4, "{} requests", call.attempts());
            step = match step {
                Step::Send { .. } => {
                    let a = Answer { status: *status, body: body.clone(), x_acs_retry_after: wait.clone(), ..Answer::default() };
                    call.on_answer(&a, &sent, &creds, now, unit)
                }
                Step::Wait { ms } => {
                    prop_assert!((0.0..=30_000.0).contains(&ms), "waits {ms} ms");
                    now += ms;
                    call.resume(now)
                }
                Step::Done(_) | Step::Fail(_) => return Ok(()),
            };
        }
    }

    #[test]
    fn every_input_check_answers(s in any::<String>(), t in any::<String>(), ms in any::<i64>()) {
        let _ = validate::instance_id(&s);
        let _ = validate::client_token(&s);
        let _ = validate::region_id(&s);
        let _ = Endpoint::parse(&s);
        let _ = Endpoint::resolve(Some(&s), Network::Vpc, None);
        let _ = Network::parse(&s);
        let _ = SignatureVersion::parse(&s);
        let _ = validate::nonce(&s);
        let _ = validate::description(&s);
        let _ = Request::list_instances(1, 10, Some(&s), Some(&t));
        if let (Ok(req), Ok(creds)) = (Request::open_https(&s, Some(&t)), Credentials::new("id", "secret", Some(&t))) {
            let ep = Endpoint::parse("127.0.0.1:8080").unwrap();
            let signed = signing::sign(&req, &ep, &creds, SignatureVersion::V1, ms, "n");
            prop_assert!(signed.url.starts_with("https://127.0.0.1:8080/openapi/instances/"));
        }
    }
}
