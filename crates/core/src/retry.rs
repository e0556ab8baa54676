//! When to try a call again, and how long to wait first: exponential backoff with full jitter,
//! at least what the server asks for (`x-acs-retry-after`, `Retry-After`), never past the
//! caller's deadline. Pure: the random number and the clock are parameters.

use crate::error::Error;
use crate::prelude::*;
use crate::time;

/// Retry settings of a client.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub max_attempts: u32,
    /// The backoff ceiling before the first retry; it doubles for each further retry.
    pub base_delay_ms: f64,
    /// The backoff ceiling never grows past this.
    pub max_delay_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay_ms: 200.0,
            max_delay_ms: 5_000.0,
        }
    }
}

/// Most attempts a client may be configured for.
pub const MAX_ATTEMPTS_LIMIT: u32 = 10;

/// The longest wait a server may ask for (`Retry-After`, `x-acs-retry-after`) that we honour.
/// A server asking for more is answered by giving up at once with its error: the caller, not
/// the server, decides whether to wait that long.
pub const MAX_SERVER_WAIT_MS: f64 = 30_000.0;

impl RetryPolicy {
    /// How long to wait before attempt `failed_attempt + 1` after `err`, or `None` to stop:
    /// `err` is not retryable, the attempts are used up, the server asked for more than
    /// [`MAX_SERVER_WAIT_MS`], or the wait would end after `time_left_ms` (the caller's
    /// deadline). `random_unit` is uniform in `[0, 1)`.
    pub fn next_delay(
        &self,
        err: &Error,
        failed_attempt: u32,
        server_wait_ms: Option<f64>,
        random_unit: f64,
        time_left_ms: Option<f64>,
    ) -> Option<f64> {
        if !err.retryable()
            || failed_attempt >= self.max_attempts
            || server_wait_ms.is_some_and(|w| w > MAX_SERVER_WAIT_MS)
        {
            return None;
        }
        // Full jitter (a random wait up to the ceiling) keeps many clients that failed
        // together from retrying together.
        let exponent = failed_attempt.saturating_sub(1).min(30);
        let ceiling = (self.base_delay_ms * f64::from(1u32 << exponent)).min(self.max_delay_ms);
        let delay = (random_unit.clamp(0.0, 1.0) * ceiling).max(server_wait_ms.unwrap_or(0.0));
        match time_left_ms {
            Some(left) if delay >= left => None,
            _ => Some(delay),
        }
    }
}

/// The wait a throttled or unavailable server asks for, in milliseconds: `x-acs-retry-after`
/// (milliseconds, as Alibaba's SDKs read it) first, else `Retry-After` (seconds, or an HTTP
/// date compared with `now_ms`). Unparseable or non-positive values are ignored.
pub fn server_wait_ms(
    x_acs_retry_after: Option<&str>,
    retry_after: Option<&str>,
    now_ms: f64,
) -> Option<f64> {
    // Whole numbers only, as servers send them (parsing floats would cost the wasm ~20 KB).
    let whole = |v: &str| {
        crate::text::decimal(v.trim(), 10)
            .filter(|n| *n > 0 && *n <= u64::from(u32::MAX))
            .map(|n| n as f64)
    };
    if let Some(ms) = x_acs_retry_after.and_then(whole) {
        return Some(ms);
    }
    let value = retry_after?.trim();
    match whole(value) {
        Some(seconds) => Some(seconds * 1000.0),
        None => Some(time::parse_rfc1123(value)? as f64 - now_ms).filter(|ms| *ms > 0.0),
    }
}

/// The offset to add to our clock to match the server's, from the `Date` header of an
/// `InvalidTimeStamp.Expired` answer received at `now_ms`.
pub fn clock_offset_ms(date_header: &str, now_ms: f64) -> Option<f64> {
    Some(time::parse_rfc1123(date_header)? as f64 - now_ms)
}

/// One line about a failed attempt, for the error of the whole call.
pub fn describe_attempt(err: &Error) -> String {
    match (err.http_status, &err.request_id) {
        (Some(status), Some(id)) => cat!(err.code, " (HTTP ", status, ", RequestId ", id, ")"),
        (Some(status), None) => cat!(err.code, " (HTTP ", status, ")"),
        _ => err.code.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{codes, ErrorKind};

    fn unavailable() -> Error {
        Error {
            http_status: Some(503),
            ..Error::new(ErrorKind::Service, "ServiceUnavailable", "busy")
        }
    }

    #[test]
    fn backoff_grows_with_full_jitter_and_caps() {
        let p = RetryPolicy::default();
        let e = unavailable();
        assert_eq!(p.next_delay(&e, 1, None, 0.5, None), Some(100.0));
        assert_eq!(p.next_delay(&e, 2, None, 0.5, None), Some(200.0));
        assert_eq!(p.next_delay(&e, 1, None, 0.0, None), Some(0.0));
        let long = RetryPolicy {
            max_attempts: 10,
            ..p
        };
        assert_eq!(
            long.next_delay(&e, 9, None, 0.999_999, None)
                .map(f64::round),
            Some(5000.0)
        );
        assert_eq!(
            p.next_delay(&e, 3, None, 0.5, None),
            None,
            "attempts used up"
        );
    }

    #[test]
    fn only_retryable_errors_are_retried() {
        let p = RetryPolicy::default();
        let not_found = Error {
            http_status: Some(400),
            ..Error::new(ErrorKind::Service, "InstanceNotFound", "x")
        };
        assert_eq!(p.next_delay(&not_found, 1, None, 0.5, None), None);
        let aborted = Error::new(ErrorKind::Aborted, codes::ABORTED, "x");
        assert_eq!(p.next_delay(&aborted, 1, None, 0.5, None), None);
        assert!(p
            .next_delay(&Error::network("x"), 1, None, 0.5, None)
            .is_some());
    }

    #[test]
    fn the_server_wait_is_a_minimum_and_the_deadline_a_maximum() {
        let p = RetryPolicy::default();
        let e = unavailable();
        assert_eq!(p.next_delay(&e, 1, Some(1500.0), 0.5, None), Some(1500.0));
        assert_eq!(
            p.next_delay(&e, 1, None, 0.5, Some(100.0)),
            None,
            "would end at the deadline"
        );
        assert_eq!(p.next_delay(&e, 1, None, 0.5, Some(101.0)), Some(100.0));
        assert_eq!(
            p.next_delay(&e, 1, Some(MAX_SERVER_WAIT_MS), 0.5, None),
            Some(MAX_SERVER_WAIT_MS)
        );
        assert_eq!(
            p.next_delay(&e, 1, Some(MAX_SERVER_WAIT_MS + 1.0), 0.5, None),
            None,
            "a server asking for longer is not obeyed"
        );
    }

    #[test]
    fn server_wait_headers() {
        assert_eq!(server_wait_ms(Some("120"), Some("5"), 0.0), Some(120.0));
        assert_eq!(server_wait_ms(None, Some("2"), 0.0), Some(2000.0));
        assert_eq!(server_wait_ms(Some("x"), Some(" 1 "), 0.0), Some(1000.0));
        assert_eq!(server_wait_ms(Some("0"), None, 0.0), None);
        let now = 1_775_030_400_000.0;
        assert_eq!(
            server_wait_ms(None, Some("Wed, 01 Apr 2026 08:00:03 GMT"), now),
            Some(3000.0)
        );
        assert_eq!(
            server_wait_ms(None, Some("Wed, 01 Apr 2026 07:59:00 GMT"), now),
            None
        );
        assert_eq!(server_wait_ms(None, Some("soon"), now), None);
        assert_eq!(server_wait_ms(None, None, now), None);
    }

    #[test]
    fn clock_offset_from_the_date_header() {
        let now = 1_775_030_400_000.0;
        assert_eq!(
            clock_offset_ms("Wed, 01 Apr 2026 08:20:00 GMT", now),
            Some(1_200_000.0)
        );
        assert_eq!(clock_offset_ms("garbage", now), None);
    }

    #[test]
    fn attempt_lines() {
        let e = Error {
            request_id: Some("R".into()),
            ..unavailable()
        };
        assert_eq!(
            describe_attempt(&e),
            "ServiceUnavailable (HTTP 503, RequestId R)"
        );
        assert_eq!(describe_attempt(&Error::network("x")), "NetworkError");
    }
}
