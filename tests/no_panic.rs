//! Properties: whatever a caller or a server sends, the core answers with a value or a typed
//! error and never panics (a panic aborts the wasm instance). Native only (proptest).
#![cfg(not(target_arch = "wasm32"))]

use aliyun_es_https::signing::{self, v1, v3, Credentials, SignatureVersion};
use aliyun_es_https::{json, response, validate, Endpoint, Network, OpenHttpsRequest};
use proptest::prelude::*;

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
        let _ = v1::authorization(&sts, &id, &secret);
        let c = v3::canonical_request(&method, &path, &refs(&query), &refs(&headers), "h");
        let auth = v3::authorization(&c, &id, &secret);
        prop_assert!(auth.starts_with("ACS3-HMAC-SHA256 Credential="));
    }

    #[test]
    fn response_parsing_never_panics_and_never_invents_success(status in any::<u16>(), body in any::<String>()) {
        if let Ok(ok) = response::parse(status, &body) {
            prop_assert!((200..300).contains(&status));
            prop_assert!(body.contains("Result"));
            let _ = ok;
        }
    }

    #[test]
    fn json_like_bodies_never_panic(body in r#"[\[\]{}",:\\ uetrn0-9.eE+-]{0,64}"#) {
        let _ = json::parse(&body);
        let _ = response::parse(200, &body);
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
        if let (Ok(req), Ok(creds)) = (OpenHttpsRequest::new(&s, Some(&t)), Credentials::new("id", "secret", Some(&t))) {
            let ep = Endpoint::parse("127.0.0.1:8080").unwrap();
            let signed = signing::sign(&req, &ep, &creds, SignatureVersion::V1, ms, "n");
            prop_assert!(signed.url.starts_with("https://127.0.0.1:8080/openapi/instances/"));
        }
    }
}
