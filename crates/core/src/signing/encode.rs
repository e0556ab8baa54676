//! The percent-encoding rules of Alibaba's signers, in one place.

use crate::prelude::*;

/// Percent-encodes every byte outside RFC 3986's unreserved set (`A-Z a-z 0-9 - _ . ~`),
/// with upper-case hex. This is JavaScript's `encodeURIComponent` followed by the SDK's
/// replacement of `! ' ( ) *` with `%21 %27 %28 %29 %2A`: the V3 rule for query keys and
/// values, and what we send on the wire.
pub fn percent_encode(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
    // Ids, tokens and dates need no encoding: one copy.
    if input.bytes().all(unreserved) {
        return input.into();
    }
    let mut out = Vec::with_capacity(input.len() * 3);
    for &b in input.as_bytes() {
        if unreserved(b) {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
        }
    }
    ascii(out)
}

/// Lower-case hex of bytes (signatures, hashes, nonces).
pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // Written in place: a push per digit costs more than the digits.
    let mut out = alloc::vec![0; bytes.len() * 2];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX[(b >> 4) as usize];
        pair[1] = HEX[(b & 15) as usize];
    }
    ascii(out)
}

/// Bytes built from ASCII only, as a `String`: built as bytes first (pushing a `char` encodes
/// UTF-8 each time), then taken as they are. ASCII is always UTF-8, so the check passes and
/// the default (an empty text) is never used.
fn ascii(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// The V3 CanonicalURI of an already percent-encoded path: `+`→`%20`, `*`→`%2A`, `%7E`→`~`
/// (the official SDK's rule, so paths encoded by other tools canonicalise the same way).
pub fn canonical_uri(path: &str) -> String {
    // One pass: no rewrite can make or break another's pattern.
    let b = path.as_bytes();
    let mut out = String::with_capacity(path.len() + 8);
    let (mut i, mut plain) = (0, 0);
    while i < b.len() {
        let (with, len) = match b[i] {
            b'+' => ("%20", 1),
            b'*' => ("%2A", 1),
            b'%' if b[i + 1..].starts_with(b"7E") => ("~", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&path[plain..i]);
        out.push_str(with);
        i += len;
        plain = i;
    }
    out.push_str(&path[plain..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_encode_uri_component_plus_sub_delims() {
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode("~!*()'"), "~%21%2A%28%29%27");
        assert_eq!(percent_encode("x&y 100%/+="), "x%26y%20100%25%2F%2B%3D");
        assert_eq!(percent_encode("é中"), "%C3%A9%E4%B8%AD");
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn canonical_uri_rules() {
        assert_eq!(canonical_uri("/a+b/*c/%7Ed"), "/a%20b/%2Ac/~d");
        assert_eq!(canonical_uri("+%7E*%7e%7%7E"), "%20~%2A%7e%7~");
        assert_eq!(canonical_uri("/é+"), "/é%20");
        assert_eq!(
            canonical_uri("/openapi/instances/es-cn-1/actions/open-https"),
            "/openapi/instances/es-cn-1/actions/open-https"
        );
    }
}
