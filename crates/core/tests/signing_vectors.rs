//! The signing vectors computed by Alibaba's official Node SDK code (tests/vectors/), checked
//! three ways:
//! 1. every case, step by step: the V1 string to sign, then the exact `Authorization` value
//!    from the canonicalisation functions, for V1 and V3;
//! 2. V3 cases with step files (`tests/vectors/v3-steps/<case>.creq` and `.sts`, as
//!    aws-sigv4's test suite keeps them): the canonical request and the string to sign;
//! 3. cases whose headers are exactly the ones we send: the whole signer — the operation's
//!    request built from the case, signed at the case's date with its nonce — gives the same
//!    `Authorization`.
//!
//! Reads `SIGNING_VECTORS` (one file of this format) when set, else both files in
//! tests/vectors/. Fails when a case fails or when no case was read. Prints
//! `N signing vectors passed`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use aliyun_es_https_core::signing::{sign, v1, v3, SignatureVersion};
use aliyun_es_https_core::{time, Credentials, Endpoint, Request};
use serde_json::Value;

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

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

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// `2026-04-01T08:01:00Z` → ms since 1970, through the RFC 1123 parser.
fn iso_millis(iso: &str) -> i64 {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month: usize = iso[5..7].parse().unwrap();
    let http = format!(
        "Xxx, {} {} {} {} GMT",
        &iso[8..10],
        MONTHS[month - 1],
        &iso[0..4],
        &iso[11..19]
    );
    time::parse_rfc1123(&http).unwrap_or_else(|| panic!("bad x-acs-date {iso}"))
}

/// The operation's request a case describes, when it is one of ours.
fn request_of(case: &Value, query: &[(String, String)]) -> Option<Request> {
    let path = case["pathname"].as_str()?;
    let q = |k: &str| header(query, k);
    let id = |suffix: &str| {
        path.strip_prefix("/openapi/instances/")
            .and_then(|rest| rest.strip_suffix(suffix))
            .filter(|id| !id.contains('/'))
    };
    match (case["method"].as_str()?, path) {
        ("GET", "/openapi/instances") => Request::list_instances(
            q("page")?.parse().ok()?,
            q("size")?.parse().ok()?,
            q("description"),
            q("instanceId"),
        )
        .ok(),
        ("GET", _) => Request::describe_instance(id("")?).ok(),
        ("POST", _) if id("/actions/open-https").is_some() => {
            Request::open_https(id("/actions/open-https")?, q("clientToken")).ok()
        }
        ("POST", _) => Request::close_https(id("/actions/close-https")?, q("clientToken")).ok(),
        _ => None,
    }
}

#[test]
fn signing_vectors() {
    let files: Vec<PathBuf> = match std::env::var("SIGNING_VECTORS") {
        // A relative path is read from the repository root, where the commands are run
        // (cargo runs tests from the crate's folder).
        Ok(file) => vec![Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(file)],
        Err(_) => vec![
            vectors_dir().join("signing.json"),
            vectors_dir().join("signing-operations.json"),
        ],
    };
    let overridden = std::env::var("SIGNING_VECTORS").is_ok();
    let mut cases = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let list: Vec<Value> = serde_json::from_str(&text).expect("vectors are a JSON array");
        assert!(
            !list.is_empty(),
            "{} holds no signing vector",
            path.display()
        );
        cases.extend(list);
    }

    let mut failures = Vec::new();
    let (mut stepped, mut whole) = (0, 0);
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
        let version = s("signatureVersion");
        let authorization = match version {
            "v1" => {
                let sts = v1::string_to_sign(method, pathname, &refs(&query), &refs(&headers));
                if sts != s("expectedStringToSign") {
                    failures.push(format!(
                        "{name}: string-to-sign\n got {sts:?}\nwant {:?}",
                        s("expectedStringToSign")
                    ));
                }
                v1::authorization(id, &v1::signature(&sts, secret))
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
                let steps = vectors_dir().join("v3-steps").join(name);
                match std::fs::read_to_string(steps.with_extension("creq")) {
                    Ok(creq) => {
                        let sts = std::fs::read_to_string(steps.with_extension("sts"))
                            .unwrap_or_else(|e| panic!("{name}: .creq without .sts: {e}"));
                        if canonical.text != creq {
                            failures.push(format!(
                                "{name}: canonical request\n got {:?}\nwant {creq:?}",
                                canonical.text
                            ));
                        }
                        if v3::string_to_sign(&canonical) != sts {
                            failures.push(format!("{name}: string to sign differs from .sts"));
                        }
                        stepped += 1;
                    }
                    Err(_) if overridden => {}
                    Err(_) => failures.push(format!("{name}: no v3-steps/{name}.creq")),
                }
                v3::authorization(&canonical, id, &v3::signature(&canonical, secret))
            }
            other => panic!("{name}: unknown signatureVersion {other:?}"),
        };
        if authorization != s("expectedAuthorization") {
            failures.push(format!(
                "{name}: authorization\n got {authorization}\nwant {}",
                s("expectedAuthorization")
            ));
        }

        // The whole signer, when the case's headers are exactly what we send.
        let Some(request) = request_of(case, &query) else {
            continue;
        };
        let (version, millis) = match version {
            "v1" => (
                SignatureVersion::V1,
                header(&headers, "date").and_then(time::parse_rfc1123),
            ),
            _ => (
                SignatureVersion::V3,
                header(&headers, "x-acs-date").map(iso_millis),
            ),
        };
        let (Some(millis), Some(nonce), Some(host)) = (
            millis,
            header(&headers, "x-acs-signature-nonce"),
            header(&headers, "host"),
        ) else {
            continue;
        };
        let token = header(&headers, "x-acs-security-token");
        let credentials = Credentials::new(id, secret, token).expect("vector credentials");
        let endpoint = Endpoint::parse(&format!("http://{host}")).expect("vector host");
        let signed = sign(&request, &endpoint, &credentials, version, millis, nonce);
        let ours: BTreeSet<&str> = signed
            .headers
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| *n != "authorization")
            .chain(["host"])
            .collect();
        let theirs: BTreeSet<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        if ours != theirs {
            continue; // the case signs extra headers (user-agent, content-type…)
        }
        whole += 1;
        let sent = &signed.headers.last().expect("authorization").1;
        if sent != s("expectedAuthorization") {
            failures.push(format!(
                "{name}: the signer sent\n {sent}\nwant {}",
                s("expectedAuthorization")
            ));
        }
        if !signed.url.starts_with(&format!("http://{host}{pathname}")) {
            failures.push(format!("{name}: url {}", signed.url));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    if !overridden {
        assert!(
            stepped >= 7,
            "only {stepped} V3 cases were checked step by step"
        );
        // The STS operation cases leave out `x-acs-accesskey-id`, which we also send and sign.
        assert!(
            whole >= 8,
            "only {whole} cases went through the whole signer"
        );
    }
    println!("{stepped} V3 cases checked step by step, {whole} through the whole signer");
    println!("{} signing vectors passed", cases.len());
}
