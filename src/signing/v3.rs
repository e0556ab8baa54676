//! Signature V3, `ACS3-HMAC-SHA256`: canonical request → string to sign → Authorization.

use super::{hmac_sha256, insertion_sort, sha256, sorted_by_js_order};
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
    let query = sorted_by_js_order(query.iter().map(|&(k, v)| (k.to_string(), v)))
        .into_iter()
        .map(|(k, v)| format!("{}={}", percent_encode(&k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");

    // Merge repeated names first, then sort: the order of a name's values is kept.
    let mut merged: Vec<(String, String)> = Vec::new();
    for &(name, value) in headers {
        let name = name.to_ascii_lowercase();
        if !is_signed(&name) {
            continue;
        }
        let value = value.trim();
        match merged.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => {
                v.push(',');
                v.push_str(value);
            }
            None => merged.push((name, value.to_string())),
        }
    }
    insertion_sort(&mut merged, |a, b| a < b);

    let mut canonical_headers = String::new();
    for (name, value) in &merged {
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(value);
        canonical_headers.push('\n');
    }
    let signed_headers = merged
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let text = format!(
        "{method}\n{}\n{query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        canonical_uri(path)
    );
    CanonicalRequest {
        text,
        signed_headers,
    }
}

/// `ACS3-HMAC-SHA256\n<hex sha256 of the canonical request>`.
pub fn string_to_sign(canonical: &CanonicalRequest) -> String {
    format!("{ALGORITHM}\n{}", hex(&sha256(canonical.text.as_bytes())))
}

/// The `Authorization` header value.
pub fn authorization(
    canonical: &CanonicalRequest,
    access_key_id: &str,
    access_key_secret: &str,
) -> String {
    let signature = hex(&hmac_sha256(
        access_key_secret.as_bytes(),
        string_to_sign(canonical).as_bytes(),
    ));
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={},Signature={signature}",
        canonical.signed_headers
    )
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
