//! An access key, and when credentials from a provider must be fetched again.

use crate::error::Error;
use crate::prelude::*;
use crate::redact::{Secrets, REDACTED};
use crate::signing::hash::{HmacKey, SHA1, SHA256};
use crate::validate;
use core::cell::OnceCell;
use core::fmt;

/// An access key, optionally with an STS security token. `Debug` shows only the key id.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    /// The secret as an HMAC-SHA256 key, made on the first V3 signature: a client's later
    /// signatures skip hashing the key's two blocks.
    v3_key: OnceCell<HmacKey>,
    /// The same for HMAC-SHA1 (V1).
    v1_key: OnceCell<HmacKey>,
}

impl PartialEq for Credentials {
    // The same access key, whichever keys were made from it so far.
    fn eq(&self, other: &Self) -> bool {
        self.access_key_id == other.access_key_id
            && self.access_key_secret == other.access_key_secret
            && self.security_token == other.security_token
    }
}

impl Eq for Credentials {}

impl Credentials {
    /// Validates and wraps an access key (see [`validate::credential`]).
    pub fn new(
        access_key_id: &str,
        access_key_secret: &str,
        security_token: Option<&str>,
    ) -> Result<Self, Error> {
        validate::credential("accessKeyId", access_key_id)?;
        validate::credential("accessKeySecret", access_key_secret)?;
        if let Some(token) = security_token {
            validate::credential("securityToken", token)?;
        }
        Ok(Credentials {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: security_token.map(Into::into),
            v3_key: OnceCell::new(),
            v1_key: OnceCell::new(),
        })
    }

    /// The access key id (not a secret: it is sent in clear in every request).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The access key secret (only the signer reads it).
    pub(crate) fn access_key_secret(&self) -> &str {
        &self.access_key_secret
    }

    /// The secret as an HMAC-SHA256 key (V3).
    pub(crate) fn v3_key(&self) -> &HmacKey {
        self.v3_key
            .get_or_init(|| HmacKey::new(&SHA256, self.access_key_secret.as_bytes()))
    }

    /// The secret as an HMAC-SHA1 key (V1).
    pub(crate) fn v1_key(&self) -> &HmacKey {
        self.v1_key
            .get_or_init(|| HmacKey::new(&SHA1, self.access_key_secret.as_bytes()))
    }

    /// The STS security token, if any (sent as `x-acs-security-token`).
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }

    /// The secret and the STS token, to take out of text that may echo them.
    pub fn secrets(&self) -> Secrets {
        Secrets::new([
            Some(self.access_key_secret.as_str()),
            self.security_token.as_deref(),
        ])
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &REDACTED)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| REDACTED),
            )
            .finish()
    }
}

/// Credentials from a provider are fetched again when less than this is left before their
/// `expiration`: enough for a call with retries to finish with the old ones.
pub const REFRESH_MARGIN_MS: f64 = 5.0 * 60.0 * 1000.0;

/// Until when credentials that expire at `expiration_ms` (ms since 1970) may be reused, seen
/// at `now_ms`: `Some(refresh_at)`, or `None` when they must not be cached at all (no
/// expiration given, or already inside the refresh margin).
pub fn reuse_until(expiration_ms: Option<f64>, now_ms: f64) -> Option<f64> {
    let refresh_at = expiration_ms? - REFRESH_MARGIN_MS;
    (refresh_at > now_ms).then_some(refresh_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let creds = Credentials::new("STS.id", "s3cret-value", Some("token-value")).unwrap();
        let d = format!("{creds:?}");
        assert!(
            d.contains("STS.id") && !d.contains("s3cret-value") && !d.contains("token-value"),
            "{d}"
        );
        assert_eq!(
            creds.secrets().redact("a s3cret-value b token-value"),
            "a <redacted> b <redacted>"
        );
    }

    #[test]
    fn provider_credentials_are_reused_until_five_minutes_before_they_expire() {
        let now = 1_000_000_000.0;
        let hour = 3_600_000.0;
        assert_eq!(
            reuse_until(Some(now + hour), now),
            Some(now + hour - REFRESH_MARGIN_MS)
        );
        assert_eq!(
            reuse_until(None, now),
            None,
            "no expiration: ask every time"
        );
        assert_eq!(
            reuse_until(Some(now + REFRESH_MARGIN_MS), now),
            None,
            "at the margin"
        );
        assert_eq!(reuse_until(Some(now - 1.0), now), None, "already expired");
        assert_eq!(
            reuse_until(Some(now + REFRESH_MARGIN_MS + 1.0), now),
            Some(now + 1.0)
        );
    }
}
