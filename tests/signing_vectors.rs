//! Every case of the shared signing vectors (computed by Alibaba's official Node SDK code):
//! V1 string-to-sign, then the exact Authorization value for V1 and V3.
//!
//! Reads the file named by `SIGNING_VECTORS`, else `tests/vectors/signing.json` in
//! the repository. Fails when a case fails or when the file holds no case. Native only: it
//! reads a file.
#![cfg(not(target_arch = "wasm32"))]

use aliyun_es_https::signing::{v1, v3};
use serde_json::Value;

fn pairs(v: &Value, field: &str) -> Vec<(String, String)> {
    v[field]
        .as_object()
        .unwrap_or_else(|| panic!("`{field}` must be an object"))
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string values").to_string()))
        .collect()
}

fn refs(p: &[(String, String)]) -> Vec<(&str, &str)> {
    p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[test]
fn signing_vectors() {
    let path = std::env::var("SIGNING_VECTORS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/vectors/signing.json"
        )
        .into()
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let cases: Vec<Value> = serde_json::from_str(&text).expect("vectors are a JSON array");
    assert!(!cases.is_empty(), "{path} holds no signing vector");

    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let s = |f: &str| {
            case[f]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: `{f}` missing"))
        };
        let (method, pathname, id, secret) = (
            s("method"),
            s("pathname"),
            s("accessKeyId"),
            s("accessKeySecret"),
        );
        let query = pairs(case, "query");
        let headers = pairs(case, "headers");
        let authorization = match s("signatureVersion") {
            "v1" => {
                let sts = v1::string_to_sign(method, pathname, &refs(&query), &refs(&headers));
                if sts != s("expectedStringToSign") {
                    failures.push(format!(
                        "{name}: string-to-sign\n got {sts:?}\nwant {:?}",
                        s("expectedStringToSign")
                    ));
                }
                v1::authorization(&sts, id, secret)
            }
            "v3" => {
                let body = case["body"].as_str().unwrap_or("");
                let canonical = v3::canonical_request(
                    method,
                    pathname,
                    &refs(&query),
                    &refs(&headers),
                    &v3::payload_hash(body.as_bytes()),
                );
                v3::authorization(&canonical, id, secret)
            }
            other => panic!("{name}: unknown signatureVersion {other:?}"),
        };
        if authorization != s("expectedAuthorization") {
            failures.push(format!(
                "{name}: authorization\n got {authorization}\nwant {}",
                s("expectedAuthorization")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    println!("{} signing vectors passed", cases.len());
}
