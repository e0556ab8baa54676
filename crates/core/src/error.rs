//! One error type for everything that can go wrong, with a small, stable `code`.
//!
//! Service errors keep the service's own `Code`, `Message`, `RequestId`, `HostId` and
//! `Recommend` unchanged; our own errors use the codes below. Nothing in here ever holds a
//! secret: validation errors name the bad field, never echo a credential.

use crate::prelude::*;
use core::fmt;

/// Our own error codes (the service's codes pass through as they are).
pub mod codes {
    /// The instance id is empty, too long or has characters outside `[A-Za-z0-9_-]`.
    pub const INVALID_INSTANCE_ID: &str = "InvalidInstanceId";
    /// The clientToken is empty, longer than 64 characters or not printable ASCII.
    pub const INVALID_CLIENT_TOKEN: &str = "InvalidClientToken";
    /// No credentials were configured (or found in the environment).
    pub const MISSING_CREDENTIALS: &str = "MissingCredentials";
    /// A credential is empty, has control characters or surrounding whitespace.
    pub const INVALID_CREDENTIALS: &str = "InvalidCredentials";
    /// Neither a region nor an endpoint was configured.
    pub const MISSING_REGION: &str = "MissingRegion";
    /// The region id is not of the form `cn-hangzhou`.
    pub const INVALID_REGION: &str = "InvalidRegion";
    /// The endpoint is not `host`, `host:port` or `http(s)://host[:port]`.
    pub const INVALID_ENDPOINT: &str = "InvalidEndpoint";
    /// Some other configuration option has a wrong type or value.
    pub const INVALID_CONFIG: &str = "InvalidConfig";
    /// An argument of a call (a page number, a filter, a call option) has a wrong type or value.
    pub const INVALID_ARGUMENT: &str = "InvalidArgument";
    /// This runtime cannot do what the call needs (V1 signs a `Date` header that browsers drop;
    /// no `crypto.getRandomValues`).
    pub const UNSUPPORTED_RUNTIME: &str = "UnsupportedRuntime";
    /// `fetch` failed before an HTTP answer arrived (DNS, connection refused, TLS, CORS…).
    pub const NETWORK_ERROR: &str = "NetworkError";
    /// The answer was not the JSON the API documents (HTML, empty, truncated…).
    pub const MALFORMED_RESPONSE: &str = "MalformedResponse";
    /// No complete answer within `timeoutMs` (one attempt) or `deadlineMs` (the whole call).
    pub const TIMEOUT: &str = "Timeout";
    /// The caller's `AbortSignal` fired.
    pub const ABORTED: &str = "Aborted";
    /// The service's code for a request signed with a wrong secret or changed on the way.
    pub const SIGNATURE_DOES_NOT_MATCH: &str = "SignatureDoesNotMatch";
    /// `ensureHttps`: the instance is `inactive` or `invalid` (the status is in the message);
    /// HTTPS cannot be turned on until it is active again.
    pub const INSTANCE_NOT_ACTIVE: &str = "InstanceNotActive";
    /// `ensureHttps`: the service answered OpenHttps with `Result: false`.
    pub const OPEN_HTTPS_REJECTED: &str = "OpenHttpsRejected";
    /// `ensureHttps`: HTTPS was not on within `waitTimeoutMs`; the change may still complete.
    pub const WAIT_TIMEOUT: &str = "WaitTimeout";
    /// The service's code for a request dated more than 15 minutes from its clock.
    pub const TIME_STAMP_EXPIRED: &str = "InvalidTimeStamp.Expired";
    /// The service's code for a nonce it has seen: our nonces are 256 random bits, so this
    /// means our own request arrived twice (a browser re-sends after a connection reset).
    pub const SIGNATURE_NONCE_USED: &str = "SignatureNonceUsed";
}

/// Whether an error comes from our checks, the network, or the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input or configuration, found before anything was sent. Fix the call.
    Validation,
    /// No HTTP answer (the request may or may not have reached the service).
    Network,
    /// No complete answer in time (the request may or may not have reached the service).
    Timeout,
    /// Cancelled by the caller.
    Aborted,
    /// An HTTP answer that is not the documented JSON.
    MalformedResponse,
    /// An answer cut short: empty, or JSON that stops midway (the connection broke).
    TruncatedResponse,
    /// The service answered with an error `Code`.
    Service,
}

/// An error from any step of an OpenHttps call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Which family the error belongs to.
    pub kind: ErrorKind,
    /// The service's `Code`, or one of [`codes`].
    pub code: String,
    /// The service's `Message` unchanged, or our explanation.
    pub message: String,
    /// For validation errors: the option or argument at fault (`instanceId`, `regionId`…).
    pub field: Option<&'static str>,
    /// The HTTP status, when an answer arrived.
    pub http_status: Option<u16>,
    /// The service's `RequestId`, when known.
    pub request_id: Option<String>,
    /// The service's `HostId`, when known.
    pub host_id: Option<String>,
    /// The service's `Recommend` (a troubleshooting link), when known.
    pub recommend: Option<String>,
    /// For `SignatureDoesNotMatch`: what we signed (V1 string to sign, V3 canonical request),
    /// with the STS token redacted — never the secret or the signature.
    pub string_to_sign: Option<String>,
    /// For `SignatureDoesNotMatch`: the server's string to sign, when its message shows it.
    pub server_string_to_sign: Option<String>,
    /// When the call made several attempts: why each failed, in order (`"ServiceUnavailable
    /// (HTTP 503)"`, `"Timeout"`…). Empty for a call that stopped at its first attempt.
    pub attempts: Vec<String>,
}

impl Error {
    /// An error of `kind` with `code` and `message` and nothing else known yet.
    pub fn new(kind: ErrorKind, code: &str, message: impl Into<String>) -> Self {
        Error {
            kind,
            code: code.into(),
            message: message.into(),
            field: None,
            http_status: None,
            request_id: None,
            host_id: None,
            recommend: None,
            string_to_sign: None,
            server_string_to_sign: None,
            attempts: Vec::new(),
        }
    }

    /// A validation error about `field`.
    pub fn invalid(code: &str, field: &'static str, message: impl Into<String>) -> Self {
        Error {
            field: Some(field),
            ..Error::new(ErrorKind::Validation, code, message)
        }
    }

    /// A network failure: no HTTP answer.
    pub fn network(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Network, codes::NETWORK_ERROR, message)
    }

    /// No complete answer in time.
    pub fn timeout(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Timeout, codes::TIMEOUT, message)
    }

    /// The caller's `AbortSignal` fired.
    pub fn aborted() -> Self {
        Error::new(
            ErrorKind::Aborted,
            codes::ABORTED,
            "the call was aborted by its AbortSignal",
        )
    }

    /// An answer that is not the documented JSON.
    pub fn malformed(status: u16, message: impl Into<String>) -> Self {
        let e = Error::new(
            ErrorKind::MalformedResponse,
            codes::MALFORMED_RESPONSE,
            message,
        );
        Error {
            http_status: Some(status),
            ..e
        }
    }

    /// Takes `secrets` out of every text that may come from the server (or echo our request).
    pub fn redact(&mut self, secrets: &crate::redact::Secrets) {
        self.message = secrets.redact(&self.message);
        for text in [
            &mut self.request_id,
            &mut self.host_id,
            &mut self.recommend,
            &mut self.string_to_sign,
            &mut self.server_string_to_sign,
        ]
        .into_iter()
        .flatten()
        {
            *text = secrets.redact(text);
        }
    }

    /// Whether the same call (same clientToken, fresh nonce and date) may succeed if repeated:
    /// network errors, timeouts, cut-short answers, HTTP 5xx and 429, throttling,
    /// `ServiceUnavailable`, `InternalError`, `SignatureNonceUsed`. The clientToken makes repeating safe.
    pub fn retryable(&self) -> bool {
        match self.kind {
            ErrorKind::Validation | ErrorKind::Aborted => false,
            ErrorKind::Network | ErrorKind::Timeout | ErrorKind::TruncatedResponse => true,
            // A gateway's or proxy's error page; a 2xx/4xx HTML page is a set-up problem
            // (wrong URL, a login page) that repeating will not fix.
            ErrorKind::MalformedResponse => matches!(self.http_status, Some(s) if s >= 500),
            ErrorKind::Service => {
                matches!(self.http_status, Some(s) if s >= 500 || s == 429)
                    || self.code.starts_with("Throttling")
                    || self.code == "ServiceUnavailable"
                    || self.code == "InternalError"
                    // Our own request seen twice (see the code's docs): a fresh nonce fixes it.
                    || self.code == codes::SIGNATURE_NONCE_USED
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (RequestId {id})")?;
        }
        Ok(())
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(status: u16, code: &str) -> Error {
        let e = Error::new(ErrorKind::Service, code, "m");
        Error {
            http_status: Some(status),
            request_id: Some("R".into()),
            ..e
        }
    }

    #[test]
    fn retryable_follows_the_documented_rules() {
        assert!(service(503, "ServiceUnavailable").retryable());
        assert!(service(500, "InternalError").retryable());
        assert!(service(400, "Throttling.User").retryable());
        assert!(service(429, "TooManyRequests").retryable());
        assert!(!service(400, "InstanceNotFound").retryable());
        assert!(!service(400, "InstanceActivating").retryable());
        assert!(!service(400, "SignatureDoesNotMatch").retryable());
        assert!(!service(403, "Forbidden.RAM").retryable());
        assert!(service(400, "SignatureNonceUsed").retryable());
        assert!(Error::network("refused").retryable());
        assert!(Error::new(ErrorKind::Timeout, codes::TIMEOUT, "t").retryable());
        assert!(
            Error::new(ErrorKind::TruncatedResponse, codes::MALFORMED_RESPONSE, "t").retryable()
        );
        assert!(!Error::new(ErrorKind::Aborted, codes::ABORTED, "a").retryable());
        assert!(Error::malformed(502, "html").retryable());
        assert!(!Error::malformed(200, "html").retryable());
        assert!(!Error::invalid(codes::INVALID_REGION, "regionId", "bad").retryable());
    }

    #[test]
    fn display_names_code_message_and_request_id() {
        assert_eq!(
            service(400, "InstanceNotFound").to_string(),
            "InstanceNotFound: m (RequestId R)"
        );
    }
}
