//! Signing a request of any operation: the protocol headers, then V3 or V1.
//!
//! Signing returns what to send (URL and headers to set); it reads no clock and no random
//! source: time and nonce are parameters.

pub mod encode;
pub mod hash;
mod sha1;
pub mod v1;
pub mod v3;

use crate::prelude::*;
use alloc::borrow::Cow;
use core::fmt;

pub use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::{codes, Error};
use crate::operation::{Request, API_VERSION};
use crate::redact::Secrets;
use crate::time::UtcTime;

/// Which signature scheme to use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SignatureVersion {
    /// `ACS3-HMAC-SHA256` — the default, and the only one a browser can send.
    #[default]
    V3,
    /// ROA `HMAC-SHA1` — signs a `Date` header, which browsers drop from `fetch`.
    V1,
}

impl SignatureVersion {
    /// Parses the `signatureVersion` option: `"v3"` or `"v1"`.
    pub fn parse(value: &str) -> Result<Self, Error> {
        match value {
            "v3" => Ok(SignatureVersion::V3),
            "v1" => Ok(SignatureVersion::V1),
            _ => Err(Error::invalid(
                codes::INVALID_CONFIG,
                "signatureVersion",
                "signatureVersion must be \"v3\" or \"v1\"",
            )),
        }
    }
}

/// What to send: the method, the URL and the headers to set on it. `host` is not among the
/// headers — the HTTP client sets it from the URL, and it was signed as
/// [`Endpoint::authority`].
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Where to send it: `scheme://authority/path?query`, or the proxy's base and `/path?query`.
    pub url: String,
    /// Lower-case names and values, `authorization` last.
    pub headers: Vec<(&'static str, String)>,
    /// What was signed, for debugging a `SignatureDoesNotMatch`: the V1 string to sign, or the
    /// V3 canonical request (its string to sign is only a hash). May hold the STS token.
    pub signed_text: String,
    /// The signature inside `authorization` (hex for V3, base64 for V1): a secret for logs.
    pub signature: String,
}

impl SignedRequest {
    /// The secret, the STS token and this request's signature, to take out of anything that
    /// may echo what we sent (a gateway's string-to-sign, a proxy's page).
    pub fn secrets(&self, credentials: &Credentials) -> Secrets {
        Secrets::new([
            Some(credentials.access_key_secret()),
            credentials.security_token(),
            Some(self.signature.as_str()),
        ])
    }
}

impl fmt::Debug for SignedRequest {
    // The authorization value and the STS token are not for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| *n).collect();
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("header_names", &names)
            .finish_non_exhaustive()
    }
}

/// Signs `request` for `endpoint` at `unix_millis` with `nonce` (unique per attempt).
pub fn sign(
    request: &Request,
    endpoint: &Endpoint,
    credentials: &Credentials,
    version: SignatureVersion,
    unix_millis: i64,
    nonce: &str,
) -> SignedRequest {
    let time = UtcTime::from_unix_millis(unix_millis);
    let operation = request.operation();
    let path = request.path();
    let query: Vec<(&str, &str)> = request.query();

    let mut headers: Vec<(&'static str, String)> = Vec::with_capacity(12);
    let mut add = |n: &'static str, v: &str| headers.push((n, v.into()));
    add("accept", "application/json");
    add("x-acs-action", operation.action);
    add("x-acs-version", API_VERSION);
    add("x-acs-signature-nonce", nonce);
    match version {
        SignatureVersion::V3 => {
            add("x-acs-date", &time.iso8601());
            add("x-acs-content-sha256", v3::EMPTY_BODY_SHA256);
        }
        SignatureVersion::V1 => {
            add("date", &time.rfc1123());
            add("x-acs-signature-method", "HMAC-SHA1");
            add("x-acs-signature-version", "1.0");
        }
    }
    if let Some(token) = credentials.security_token() {
        add("x-acs-accesskey-id", credentials.access_key_id());
        add("x-acs-security-token", token);
    }

    let mut signed: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    signed.push(("host", &endpoint.authority));
    let id = credentials.access_key_id();
    let method = operation.method;
    let (authorization, signature, signed_text) = match version {
        SignatureVersion::V3 => {
            let canonical =
                v3::canonical_request(method, path, &query, &signed, v3::EMPTY_BODY_SHA256);
            let signature = v3::signature_with(&canonical, credentials.v3_key());
            (
                v3::authorization(&canonical, id, &signature),
                signature,
                canonical.text,
            )
        }
        SignatureVersion::V1 => {
            let sts = v1::string_to_sign(method, path, &query, &signed);
            let signature = v1::signature_with(&sts, credentials.v1_key());
            (v1::authorization(id, &signature), signature, sts)
        }
    };
    headers.push(("authorization", authorization));

    let mut path_and_query = String::with_capacity(path.len() + 80);
    path_and_query.push_str(path);
    for (i, (k, v)) in query.iter().enumerate() {
        path_and_query.push(if i == 0 { '?' } else { '&' });
        path_and_query.push_str(&encode::percent_encode(k));
        path_and_query.push('=');
        path_and_query.push_str(&encode::percent_encode(v));
    }
    SignedRequest {
        method,
        url: endpoint.url(&path_and_query),
        headers,
        signed_text,
        signature,
    }
}

/// Sorts pairs by key the way JavaScript's default `sort()` orders strings (UTF-16 code
/// units), which is what the official SDK does; stable, so equal keys keep their order.
fn sorted_by_js_order<K: AsRef<str>, V>(pairs: impl Iterator<Item = (K, V)>) -> Vec<(K, V)> {
    let mut v: Vec<(K, V)> = pairs.collect();
    insertion_sort(&mut v, js_less);
    v
}

/// `a < b` in UTF-16 code units. That is byte order (= code point order) except where a
/// character above U+FFFF (4 bytes in UTF-8) meets one in U+E000..=U+FFFF; names and values
/// here are nearly always ASCII, so only those strings pay for re-encoding.
fn js_less(a: &str, b: &str) -> bool {
    if a.is_ascii() || b.is_ascii() {
        a < b
    } else {
        a.encode_utf16().lt(b.encode_utf16())
    }
}

/// A stable insertion sort by key: a request has about ten headers and a few query
/// parameters, and the standard library's sort is large in wasm for each element type.
fn insertion_sort<K: AsRef<str>, V>(v: &mut [(K, V)], less: impl Fn(&str, &str) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && less(v[j].0.as_ref(), v[j - 1].0.as_ref()) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// `name` in lower case, borrowed when it already is (the usual case: no allocation).
fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(token: Option<&str>) -> Request {
        Request::open_https("es-cn-n6w1o1x0w001c", token).unwrap()
    }

    fn endpoint() -> Endpoint {
        Endpoint::parse("http://127.0.0.1:8080").unwrap()
    }

    const T: i64 = 1_775_030_400_000; // 2026-04-01T08:00:00Z
    const NONCE: &str = "3b4a5c0e9f1d4e2a8b7c6d5e4f3a2b1c";

    #[test]
    fn hmac_sha1_sdk_vector() {
        use base64::Engine as _;
        use hash::{hmac_sha1, HmacKey, SHA1};
        let mac = hmac_sha1(&HmacKey::new(&SHA1, b"secret"), b"stringtosign");
        assert_eq!(
            base64::engine::general_purpose::STANDARD.encode(mac),
            "OmuTAr79tpI6CRoAdmzKRq5lHs0="
        );
    }

    #[test]
    fn v3_request_matches_the_shared_vector_without_user_agent() {
        // Same inputs as the `v3-basic-with-clientToken` vector; user-agent is not signed in V3,
        // so leaving it out must give the very same Authorization.
        let creds = Credentials::new("testid", "testsecret", None).unwrap();
        let s = sign(
            &req(Some("5A2CFF0E-5718-45B5-9D4D-70B3FF000000")),
            &endpoint(),
            &creds,
            SignatureVersion::V3,
            T,
            NONCE,
        );
        assert_eq!(
            s.url,
            "http://127.0.0.1:8080/openapi/instances/es-cn-n6w1o1x0w001c/actions/open-https?clientToken=5A2CFF0E-5718-45B5-9D4D-70B3FF000000"
        );
        let auth = &s.headers.last().unwrap();
        assert_eq!(auth.0, "authorization");
        assert_eq!(auth.1, "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=c16db9ff9405d9076978f8332af71a4aac67e47c3464a0eae51050c2dd99e89c");
        assert!(!s.headers.iter().any(|(n, _)| *n == "host" || *n == "date"));
    }

    #[test]
    fn v1_request_matches_the_shared_vector() {
        // `basic-with-clientToken`: user-agent is not an x-acs header, so it is not signed.
        let creds = Credentials::new("testid", "testsecret", None).unwrap();
        let s = sign(
            &req(Some("5A2CFF0E-5718-45B5-9D4D-70B3FF000000")),
            &endpoint(),
            &creds,
            SignatureVersion::V1,
            T,
            NONCE,
        );
        assert_eq!(
            s.headers.last().unwrap().1,
            "acs testid:JOw1Jl/c0JbfdlGvf6AwxaQa4/8="
        );
        assert!(s
            .headers
            .contains(&("date", "Wed, 01 Apr 2026 08:00:00 GMT".into())));
    }

    #[test]
    fn credentials_keep_their_hmac_keys_across_signatures_and_versions() {
        // One Credentials signs V3, V1, V3 again (keys made on first use, then reused), each
        // signature the same as a fresh Credentials' and as the key made from the secret text.
        let kept = Credentials::new("testid", "testsecret", None).unwrap();
        for v in [
            SignatureVersion::V3,
            SignatureVersion::V1,
            SignatureVersion::V3,
            SignatureVersion::V1,
        ] {
            let fresh = Credentials::new("testid", "testsecret", None).unwrap();
            let s = sign(&req(None), &endpoint(), &kept, v, T, NONCE);
            assert_eq!(s, sign(&req(None), &endpoint(), &fresh, v, T, NONCE));
            let expected = match v {
                SignatureVersion::V3 => v3::signature(
                    &v3::CanonicalRequest {
                        text: s.signed_text.clone(),
                        signed_headers: String::new(),
                    },
                    "testsecret",
                ),
                SignatureVersion::V1 => v1::signature(&s.signed_text, "testsecret"),
            };
            assert_eq!(s.signature, expected);
        }
        assert_eq!(
            kept,
            Credentials::new("testid", "testsecret", None).unwrap(),
            "equal whatever keys were made"
        );
        let other = Credentials::new("testid", "othersecret", None).unwrap();
        let s = sign(
            &req(None),
            &endpoint(),
            &other,
            SignatureVersion::V3,
            T,
            NONCE,
        );
        assert_ne!(
            s.signature,
            sign(
                &req(None),
                &endpoint(),
                &kept,
                SignatureVersion::V3,
                T,
                NONCE
            )
            .signature
        );
    }

    #[test]
    fn sts_adds_token_headers_and_signs_them() {
        let creds = Credentials::new("STS.id", "s3cret", Some("tok")).unwrap();
        for v in [SignatureVersion::V3, SignatureVersion::V1] {
            let s = sign(&req(None), &endpoint(), &creds, v, T, NONCE);
            assert!(s.headers.contains(&("x-acs-security-token", "tok".into())));
            assert!(s.headers.contains(&("x-acs-accesskey-id", "STS.id".into())));
            assert!(s.signed_text.contains("x-acs-security-token:tok"));
            assert!(
                !s.url.contains('?'),
                "no clientToken query when none is given"
            );
        }
    }

    #[test]
    fn query_values_are_encoded_on_the_wire() {
        let creds = Credentials::new("id", "secret", None).unwrap();
        let s = sign(
            &req(Some("a b!*")),
            &endpoint(),
            &creds,
            SignatureVersion::V3,
            T,
            NONCE,
        );
        assert!(s.url.ends_with("?clientToken=a%20b%21%2A"), "{}", s.url);
    }

    #[test]
    fn sorts_as_javascript_does() {
        // U+FF61 sorts after U+1F600 in UTF-16 (0xFF61 > 0xD83D) but before it in UTF-8.
        let words = [
            "",
            "a",
            "ab",
            "b",
            "B",
            "\u{e9}",
            "\u{ff61}",
            "\u{1f600}",
            "x\u{ff61}",
            "x\u{1f600}",
            "x",
        ];
        for a in words {
            for b in words {
                let want = a.encode_utf16().lt(b.encode_utf16());
                assert_eq!(js_less(a, b), want, "{a:?} < {b:?}");
            }
        }
        let sorted = sorted_by_js_order(
            ["\u{1f600}", "\u{ff61}", "b", "a"]
                .into_iter()
                .map(|k| (k, ())),
        );
        let keys: Vec<&str> = sorted.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["a", "b", "\u{1f600}", "\u{ff61}"]);
    }

    #[test]
    fn debug_output_and_redaction_hide_secrets() {
        let creds = Credentials::new("STS.id", "s3cret-value", Some("token-value")).unwrap();
        let s = sign(
            &req(None),
            &endpoint(),
            &creds,
            SignatureVersion::V3,
            T,
            NONCE,
        );
        let d = format!("{s:?}");
        assert!(
            !d.contains("token-value") && !d.contains("Signature="),
            "{d}"
        );
        assert!(!d.contains(&s.signature), "{d}");
        let echoed = format!(
            "{} {} s3cret-value",
            s.signed_text,
            s.headers.last().unwrap().1
        );
        let clean = s.secrets(&creds).redact(&echoed);
        assert!(
            !clean.contains("token-value")
                && !clean.contains("s3cret-value")
                && !clean.contains(&s.signature),
            "{clean}"
        );
    }

    #[test]
    fn signature_version_option() {
        assert_eq!(SignatureVersion::parse("v1").unwrap(), SignatureVersion::V1);
        assert_eq!(
            SignatureVersion::parse("V3").unwrap_err().field,
            Some("signatureVersion")
        );
    }
}
