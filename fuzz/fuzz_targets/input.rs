//! Every check on caller input (instance id, clientToken, credentials, region, endpoint,
//! proxy URL, option values) and the signer on whatever passes: never a panic, and what
//! passes signs into a URL on the configured endpoint.
#![no_main]

use aliyun_es_https_core::redact::REDACTED;
use aliyun_es_https_core::signing::encode::percent_encode;
use aliyun_es_https_core::signing::{sign, Credentials, SignatureVersion};
use aliyun_es_https_core::{endpoint, retry, time, validate, Endpoint, Network, Request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Up to four fields separated by NUL: instance id, token, endpoint, secret.
    let mut parts = text.split('\0');
    let (id, token, ep, secret) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("secret"),
    );
    let _ = validate::instance_id(id);
    let _ = validate::client_token(token);
    let _ = validate::region_id(ep);
    let _ = validate::credential("accessKeySecret", secret);
    let _ = validate::nonce(token);
    let _ = validate::description(ep);
    let _ = Request::list_instances(1, 100, Some(ep), Some(id));
    let _ = Network::parse(ep);
    let _ = SignatureVersion::parse(ep);
    let _ = endpoint::proxy_base(ep);
    let _ = Endpoint::resolve(Some(ep), Network::Vpc, None);
    let _ = time::parse_rfc1123(&text);
    let _ = retry::server_wait_ms(Some(token), Some(ep), 0.0);
    let (Ok(request), Ok(target), Ok(creds)) = (
        Request::open_https(id, Some(token)),
        Endpoint::parse(ep),
        Credentials::new("id", secret, Some(token)),
    ) else {
        return;
    };
    for version in [SignatureVersion::V3, SignatureVersion::V1] {
        let signed = sign(
            &request,
            &target,
            &creds,
            version,
            data.len() as i64 * 1_000_003,
            "nonce",
        );
        assert!(signed.url.starts_with(&target.base_url()));
        // Redaction: with the markers taken out, neither secret is left in the text (a needle
        // that is part of the marker itself cannot be told apart, so it is not checked).
        // Raw and percent-encoded (as a URL would echo them), touching each other.
        let (secret_enc, token_enc) = (percent_encode(secret), percent_encode(token));
        let redacted = signed.secrets(&creds).redact(&format!(
            "{secret} {token} {token}{secret} {secret_enc}{token_enc} {}",
            signed.headers.last().map_or("", |(_, v)| v.as_str())
        ));
        let visible = redacted.replace(REDACTED, "\0");
        for needle in [secret, token, &secret_enc, &token_enc, &signed.signature] {
            if !needle.is_empty() && !REDACTED.contains(needle) {
                assert!(!visible.contains(needle), "{needle:?} left in {redacted:?}");
            }
        }
    }
});
