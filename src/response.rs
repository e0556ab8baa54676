//! An HTTP answer (status + body) → the OpenHttps result, or an error that keeps the
//! service's own words. Anything that is not the documented JSON is an error, never a success.

use crate::error::{codes, Error, ErrorKind};
use crate::json::{self, Value};
use crate::prelude::*;

/// A successful OpenHttps answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenHttpsResponse {
    /// `true` when HTTPS was turned on; `false` when the service answered that it was not
    /// (documented by the API; not an error, but the change did not happen).
    pub result: bool,
    /// The service's `RequestId` (empty if the answer had none).
    pub request_id: String,
}

/// Longest excerpt of an unexpected body kept in a `MalformedResponse` message.
const EXCERPT_CHARS: usize = 120;

/// Interprets an answer. `status` is the HTTP status, `body` the whole body as text.
pub fn parse(status: u16, body: &str) -> Result<OpenHttpsResponse, Error> {
    let success_status = (200..300).contains(&status);
    if body.trim().is_empty() {
        let e = Error::malformed(status, cat!("HTTP ", status, " with an empty body"));
        return Err(Error {
            kind: ErrorKind::TruncatedResponse,
            ..e
        });
    }
    let Some(value @ Value::Object(_)) = json::parse(body) else {
        let mut e = Error::malformed(
            status,
            cat!(
                "HTTP ",
                status,
                " answer is not the JSON the API documents: ",
                excerpt(body)
            ),
        );
        // JSON that stops midway is a connection cut short, not a page from someone else.
        if body.trim_start().starts_with(['{', '[']) {
            e.kind = ErrorKind::TruncatedResponse;
        }
        return Err(e);
    };
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);

    let code = text("Code").filter(|c| !c.is_empty());
    let result = match value.get("Result") {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    };
    match (success_status, code, result) {
        (true, None, Some(result)) => Ok(OpenHttpsResponse {
            result,
            request_id: text("RequestId").unwrap_or_default(),
        }),
        (_, Some(code), _) => {
            let message = text("Message")
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| code.clone());
            let server_string_to_sign = (code == codes::SIGNATURE_DOES_NOT_MATCH)
                .then(|| server_string_to_sign(&message))
                .flatten();
            Err(Error {
                http_status: Some(status),
                request_id: text("RequestId"),
                host_id: text("HostId"),
                recommend: text("Recommend"),
                server_string_to_sign,
                ..Error::new(ErrorKind::Service, &code, message)
            })
        }
        _ => {
            let mut err = Error::malformed(
                status,
                cat!(
                    "HTTP ",
                    status,
                    " answer has neither a boolean Result nor an error Code: ",
                    excerpt(body)
                ),
            );
            err.request_id = text("RequestId");
            Err(err)
        }
    }
}

/// The gateway's `SignatureDoesNotMatch` message ends with `server string to sign is:` and
/// the string it computed — what a user compares with ours.
fn server_string_to_sign(message: &str) -> Option<String> {
    const MARKER: &str = "server string to sign is:";
    let at = crate::signing::encode::find(message, MARKER)? + MARKER.len();
    Some(message[at..].to_string()).filter(|s| !s.is_empty())
}

/// A short, single-line, printable excerpt of a body, for error messages.
pub fn excerpt(body: &str) -> String {
    let mut out = String::new();
    let mut last_space = false;
    for (n, c) in body.trim().chars().enumerate() {
        if n == EXCERPT_CHARS {
            out.push('…');
            break;
        }
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        out.push(c);
    }
    cat!('"', out, '"')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success() {
        let r = parse(200, r#"{"Result":true,"RequestId":"R1"}"#).unwrap();
        assert_eq!(
            r,
            OpenHttpsResponse {
                result: true,
                request_id: "R1".into()
            }
        );
        let r = parse(200, r#"{"RequestId":"R2","Result":false}"#).unwrap();
        assert!(!r.result);
    }

    #[test]
    fn documented_service_errors_keep_their_words() {
        let body = r#"{"RequestId":"R3","HostId":"elasticsearch.cn-hangzhou.aliyuncs.com","Code":"InstanceNotFound","Message":"The instanceId provided does not exist.","Recommend":"https://api.aliyun.com/troubleshoot?q=InstanceNotFound"}"#;
        let e = parse(400, body).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Service);
        assert_eq!(e.code, "InstanceNotFound");
        assert_eq!(e.message, "The instanceId provided does not exist.");
        assert_eq!(e.http_status, Some(400));
        assert_eq!(e.request_id.as_deref(), Some("R3"));
        assert_eq!(
            e.host_id.as_deref(),
            Some("elasticsearch.cn-hangzhou.aliyuncs.com")
        );
        assert_eq!(
            e.recommend.as_deref(),
            Some("https://api.aliyun.com/troubleshoot?q=InstanceNotFound")
        );
        assert!(!e.retryable());

        let e = parse(
            400,
            r#"{"RequestId":"R4","Code":"InstanceActivating","Message":"Instance is activating."}"#,
        )
        .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("InstanceActivating", "Instance is activating.")
        );
    }

    #[test]
    fn ram_denial_with_nested_detail_is_a_service_error() {
        let body = r#"{"RequestId":"R","Code":"Forbidden.RAM","Message":"denied","AccessDeniedDetail":{"PolicyType":"AccountLevelIdentityBasedPolicy","NoPermissionType":"ImplicitDeny"}}"#;
        let e = parse(403, body).unwrap_err();
        assert_eq!(e.code, "Forbidden.RAM");
    }

    #[test]
    fn error_code_wins_even_with_2xx() {
        let e = parse(
            200,
            r#"{"Code":"InternalError","Message":"x","RequestId":"R"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code, "InternalError");
    }

    #[test]
    fn lower_case_keys_are_understood() {
        let e = parse(
            503,
            r#"{"code":"ServiceUnavailable","message":"busy","requestId":"R"}"#,
        )
        .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("ServiceUnavailable", "busy")
        );
        assert!(e.retryable());
    }

    #[test]
    fn anything_else_is_malformed_never_success() {
        for (status, body) in [
            (200, ""),
            (200, "   \n"),
            (200, "<html><body>502 Bad Gateway</body></html>"),
            (200, r#"{"Result":true,"RequestId":"R"#),
            (200, r#"{"RequestId":"R"}"#),
            (200, r#"{"Result":"true","RequestId":"R"}"#),
            (200, "[true]"),
            (200, "true"),
            (502, "<html>Bad Gateway</html>"),
            (404, r#"{"RequestId":"R"}"#),
            (400, r#"{"Code":"","Message":"x"}"#),
        ] {
            let e = parse(status, body).unwrap_err();
            assert_eq!(e.code, codes::MALFORMED_RESPONSE, "{status} {body:?}");
            assert_eq!(e.http_status, Some(status));
        }
    }

    #[test]
    fn cut_short_answers_are_retryable_pages_are_not() {
        for body in ["", " ", r#"{"Result":true,"Requ"#, "[1,"] {
            let e = parse(200, body).unwrap_err();
            assert_eq!(
                (e.code.as_str(), e.kind),
                (codes::MALFORMED_RESPONSE, ErrorKind::TruncatedResponse),
                "{body:?}"
            );
            assert!(e.retryable());
        }
        let e = parse(200, "<html>login</html>").unwrap_err();
        assert_eq!(e.kind, ErrorKind::MalformedResponse);
        assert!(!e.retryable());
    }

    #[test]
    fn signature_errors_carry_the_server_string_to_sign() {
        let body = r#"{"Code":"SignatureDoesNotMatch","Message":"Specified signature does not match our calculation. server string to sign is:POST\napplication/json\n\n\n\n/p","RequestId":"R"}"#;
        let e = parse(400, body).unwrap_err();
        assert_eq!(
            e.server_string_to_sign.as_deref(),
            Some("POST\napplication/json\n\n\n\n/p")
        );
        let e = parse(
            400,
            r#"{"Code":"SignatureDoesNotMatch","Message":"no detail"}"#,
        )
        .unwrap_err();
        assert_eq!(e.server_string_to_sign, None);
    }

    #[test]
    fn excerpt_is_short_single_line_and_safe() {
        let e = parse(
            502,
            &format!("<html>\n\t<body>{}</body>\r\n</html>", "x".repeat(500)),
        )
        .unwrap_err();
        assert!(e.message.contains("\"<html> <body>xxx"), "{}", e.message);
        assert!(e.message.contains('…'));
        assert!(!e.message.contains('\n'));
        assert!(e.message.chars().count() < 220);
        assert_eq!(excerpt("né\u{0}x"), "\"né x\"");
    }
}
