//! Signature V3, `ACS3-HMAC-SHA256`: canonical request → string to sign → Authorization.

use crate::prelude::*;
use alloc::borrow::Cow;

use super::hash::{hmac_sha256, sha256, HmacKey, SHA256};
use super::{insertion_sort, lower, sorted_by_js_order};
use crate::signing::encode::{canonical_uri, hex, percent_encode};

/// The algorithm name that starts the string to sign and the Authorization value.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Hex SHA-256 of an empty body, the `x-acs-content-sha256` of an OpenHttps call.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The canonical request and the `;`-joined names of the headers it signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalRequest {
    /// `METHOD\nURI\nQUERY\nHEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH`.
    pub text: String,
    /// `host;x-acs-action;…`, sorted.
    pub signed_headers: String,
}

/// Hex SHA-256 of a request body.
pub fn payload_hash(body: &[u8]) -> String {
    hex(&sha256(body))
}

/// Whether V3 signs a header: `host`, `content-type` and every `x-acs-*` (the SDK's rule;
/// `accept` and `user-agent` travel unsigned).
fn is_signed(name: &str) -> bool {
    name == "host" || name == "content-type" || name.starts_with("x-acs-")
}

/// Builds the canonical request. `path` is already percent-encoded; `query` holds raw values;
/// header names may be in any case (they are lower-cased), values are trimmed and repeated
/// names joined with `,`.
pub fn canonical_request(
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
    payload_hash: &str,
) -> CanonicalRequest {
    let mut text = String::with_capacity(512);
    for part in [method, "\n", &canonical_uri(path), "\n"] {
        text.push_str(part);
    }
    let query = sorted_by_js_order(query.iter().copied());
    for (i, (k, v)) in query.iter().enumerate() {
        if i > 0 {
            text.push('&');
        }
        text.push_str(&percent_encode(k));
        text.push('=');
        text.push_str(&percent_encode(v));
    }
    text.push('\n');

    // Merge repeated names first, then sort: the order of a name's values is kept.
    let mut merged: Vec<(Cow<str>, Cow<str>)> = Vec::with_capacity(headers.len());
    for &(name, value) in headers {
        let name = lower(name);
        if !is_signed(&name) {
            continue;
        }
        let value = value.trim();
        match merged.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => {
                let v = v.to_mut();
                v.push(',');
                v.push_str(value);
            }
            None => merged.push((name, Cow::Borrowed(value))),
        }
    }
    insertion_sort(&mut merged, |a, b| a < b);

    let mut signed_headers = String::new();
    for (name, value) in &merged {
        for part in [name.as_ref(), ":", value.as_ref(), "\n"] {
            text.push_str(part);
        }
        if !signed_headers.is_empty() {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }
    for part in ["\n", &signed_headers, "\n", payload_hash] {
        text.push_str(part);
    }
    CanonicalRequest {
        text,
        signed_headers,
    }
}

/// `ACS3-HMAC-SHA256\n<hex sha256 of the canonical request>`.
pub fn string_to_sign(canonical: &CanonicalRequest) -> String {
    [ALGORITHM, "\n", &hex(&sha256(canonical.text.as_bytes()))].concat()
}

/// The signature: hex HMAC-SHA256 of the string to sign, keyed with the secret.
pub fn signature(canonical: &CanonicalRequest, access_key_secret: &str) -> String {
    signature_with(
        canonical,
        &HmacKey::new(&SHA256, access_key_secret.as_bytes()),
    )
}

/// [`signature`] with the secret's HMAC key made beforehand (credentials keep theirs).
pub(crate) fn signature_with(canonical: &CanonicalRequest, key: &HmacKey) -> String {
    hex(&hmac_sha256(key, string_to_sign(canonical).as_bytes()))
}

/// The `Authorization` header value:
/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<names>,Signature=<signature>`.
pub fn authorization(canonical: &CanonicalRequest, access_key_id: &str, signature: &str) -> String {
    [
        ALGORITHM,
        " Credential=",
        access_key_id,
        ",SignedHeaders=",
        &canonical.signed_headers,
        ",Signature=",
        signature,
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_payload_hash() {
        assert_eq!(payload_hash(b""), EMPTY_BODY_SHA256);
    }

    #[test]
    fn canonical_request_shape() {
        let c = canonical_request(
            "POST",
            "/a+b",
            &[("b", "2 3"), ("a", "!"), ("e", "")],
            &[
                ("X-Acs-Date", " 2026 "),
                ("Host", "h"),
                ("accept", "application/json"),
                ("x-acs-multi", "1"),
                ("x-acs-multi", "2"),
                ("Content-Type", "application/json"),
            ],
            "HASH",
        );
        assert_eq!(
            c.text,
            "POST\n/a%20b\na=%21&b=2%203&e=\ncontent-type:application/json\nhost:h\nx-acs-date:2026\nx-acs-multi:1,2\n\ncontent-type;host;x-acs-date;x-acs-multi\nHASH"
        );
        assert_eq!(c.signed_headers, "content-type;host;x-acs-date;x-acs-multi");
    }
}
