//! Signature V1 (ROA), `HMAC-SHA1`: string to sign → Authorization.

use crate::prelude::*;
use base64::Engine as _;

use super::hash::{hmac_sha1, HmacKey, SHA1};
use super::{lower, sorted_by_js_order};

/// Finds a header by name, ignoring case.
fn header<'a>(headers: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, v)| v)
}

/// Builds the V1 string to sign:
/// `METHOD\naccept\ncontent-md5\ncontent-type\ndate\n` + every `x-acs-*` header sorted by name
/// (`name:value\n`, value with tabs and line breaks turned into spaces and trimmed) + the path,
/// then `?k=v&…` with keys sorted and values **not** encoded (an empty value is `k=`).
pub fn string_to_sign(
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> String {
    // Room for an OpenHttps string to sign (about 330 bytes): built without regrowing.
    let mut out = String::with_capacity(512);
    out.push_str(method);
    for name in ["accept", "content-md5", "content-type", "date"] {
        out.push('\n');
        out.push_str(header(headers, name).unwrap_or(""));
    }
    out.push('\n');

    let acs = headers
        .iter()
        .map(|&(n, v)| (lower(n), v))
        .filter(|(n, _)| n.starts_with("x-acs-"));
    for (name, value) in sorted_by_js_order(acs) {
        out.push_str(&name);
        out.push(':');
        // Tabs and line breaks become spaces (copying only when there is one).
        // (A byte test: a char-set `contains` decodes every character, on every signature.)
        if value
            .bytes()
            .any(|b| matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        {
            let folded: String = value
                .chars()
                .map(|c| match c {
                    '\t' | '\n' | '\r' | '\x0c' => ' ',
                    c => c,
                })
                .collect();
            out.push_str(folded.trim());
        } else {
            out.push_str(value.trim());
        }
        out.push('\n');
    }

    out.push_str(path);
    if !query.is_empty() {
        let pairs = sorted_by_js_order(query.iter().copied());
        for (i, (k, v)) in pairs.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(k);
            out.push('=');
            out.push_str(v);
        }
    }
    out
}

/// The signature: base64 HMAC-SHA1 of the string to sign, keyed with the secret.
pub fn signature(string_to_sign: &str, access_key_secret: &str) -> String {
    signature_with(
        string_to_sign,
        &HmacKey::new(&SHA1, access_key_secret.as_bytes()),
    )
}

/// [`signature`] with the secret's HMAC key made beforehand (credentials keep theirs).
pub(crate) fn signature_with(string_to_sign: &str, key: &HmacKey) -> String {
    let mac = hmac_sha1(key, string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac)
}

/// The `Authorization` header value: `acs <AccessKeyId>:<signature>`.
pub fn authorization(access_key_id: &str, signature: &str) -> String {
    ["acs ", access_key_id, ":", signature].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    // From the official SDKs' own unit tests (tests/vectors/README.md).
    #[test]
    fn sdk_unit_vectors() {
        assert_eq!(
            authorization("id", &signature("stringtosign", "secret")),
            "acs id:OmuTAr79tpI6CRoAdmzKRq5lHs0="
        );
        assert_eq!(
            string_to_sign("GET", "/", &[], &[("accept", "application/json")]),
            "GET\napplication/json\n\n\n\n/"
        );
        assert_eq!(
            string_to_sign(
                "GET",
                "/",
                &[("key", "val ue with space")],
                &[
                    ("accept", "application/json"),
                    ("content-md5", "md5"),
                    ("content-type", "application/json"),
                    ("date", "date"),
                    ("x-acs-custom-key", "any value"),
                ],
            ),
            "GET\napplication/json\nmd5\napplication/json\ndate\nx-acs-custom-key:any value\n/?key=val ue with space"
        );
    }

    fn open_https_headers() -> Vec<(&'static str, &'static str)> {
        vec![
            ("accept", "application/json"),
            ("date", "Thu, 06 Feb 2020 07:32:54 GMT"),
            ("x-acs-action", "OpenHttps"),
            ("x-acs-signature-method", "HMAC-SHA1"),
            (
                "x-acs-signature-nonce",
                "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
            ),
            ("x-acs-signature-version", "1.0"),
            ("x-acs-version", "2017-06-13"),
        ]
    }

    #[test]
    fn open_https_sdk_vectors() {
        let path = "/openapi/instances/es-cn-abc123/actions/open-https";
        let sts = string_to_sign(
            "POST",
            path,
            &[("clientToken", "token-1")],
            &open_https_headers(),
        );
        assert_eq!(
            authorization("id", &signature(&sts, "testsecret")),
            "acs id:0jIH2swHDkDyLfjaHKCeiscQAzY="
        );
        let sts = string_to_sign("POST", path, &[], &open_https_headers());
        assert_eq!(
            authorization("id", &signature(&sts, "testsecret")),
            "acs id:018e45MGmLRbkFN0o/U0HPoNuzg="
        );
    }

    #[test]
    fn header_names_are_case_insensitive_and_values_folded() {
        let s = string_to_sign(
            "POST",
            "/p",
            &[("b", ""), ("a", "1")],
            &[
                ("Accept", "x"),
                ("X-ACS-B", " v\r\nw\x0c "),
                ("x-acs-a", "1"),
            ],
        );
        assert_eq!(s, "POST\nx\n\n\n\nx-acs-a:1\nx-acs-b:v  w\n/p?a=1&b=");
    }
}
