//! An HTTP answer (status + body) → the operation's result, or an error that keeps the
//! service's own words. Anything that is not the documented JSON is an error, never a success.

use crate::error::{codes, Error, ErrorKind};
use crate::json::{self, Value};
use crate::operation::Shape;
use crate::prelude::*;

/// A successful answer, in the shape of its operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// OpenHttps / CloseHttps: `Result` is `true` when the change was accepted, `false` when
    /// the service answered that it was not (not an error, but nothing changed).
    Accepted {
        /// The service's `Result`.
        result: bool,
        /// The service's `RequestId`.
        request_id: String,
    },
    /// DescribeInstance.
    Instance {
        /// The instance.
        instance: Instance,
        /// The service's `RequestId`.
        request_id: String,
    },
    /// ListInstance: one page.
    Instances {
        /// The page's instances, in the service's order.
        instances: Vec<Instance>,
        /// `Headers["X-Total-Count"]`: how many instances match in all, when the answer says.
        total: Option<u64>,
        /// The service's `RequestId`.
        request_id: String,
    },
}

impl Response {
    /// The service's `RequestId`.
    pub fn request_id(&self) -> &str {
        match self {
            Response::Accepted { request_id, .. }
            | Response::Instance { request_id, .. }
            | Response::Instances { request_id, .. } => request_id,
        }
    }
}

/// What we read of an instance (the answer has many more fields; unknown ones are ignored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// `instanceId`.
    pub instance_id: String,
    /// `status`: `active`, `activating`, `inactive`, `invalid`, or another word the service
    /// may add (kept as it is).
    pub status: String,
    /// `protocol`: `HTTP` or `HTTPS` (kept as it is).
    pub protocol: String,
    /// `description`, the name shown in the console.
    pub description: Option<String>,
    /// `esVersion`, e.g. `7.10_with_X-Pack`.
    pub es_version: Option<String>,
    /// `haveClientNode`: whether the instance has client nodes.
    pub have_client_node: Option<bool>,
}

impl Instance {
    /// Reads an instance object; `None` without a string `instanceId`, `status` and `protocol`.
    fn read(value: &Value) -> Option<Instance> {
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(Instance {
            instance_id: text("instanceId")?,
            status: text("status")?,
            protocol: text("protocol")?,
            description: text("description"),
            es_version: text("esVersion"),
            have_client_node: match value.get("haveClientNode") {
                Some(Value::Bool(b)) => Some(*b),
                _ => None,
            },
        })
    }

    /// The instance as a JSON object: `instanceId`, `status`, `protocol`, and `description`,
    /// `esVersion`, `haveClientNode` and `requestId` when known.
    pub fn to_json(&self, request_id: Option<&str>) -> String {
        let mut w = crate::json::ObjectWriter::new();
        w.string("instanceId", &self.instance_id)
            .string("status", &self.status)
            .string("protocol", &self.protocol)
            .optional("description", self.description.as_deref())
            .optional("esVersion", self.es_version.as_deref());
        if let Some(b) = self.have_client_node {
            w.boolean("haveClientNode", b);
        }
        w.optional("requestId", request_id).finish()
    }

    /// Whether the instance is `active` and serves HTTPS.
    pub fn is_https_active(&self) -> bool {
        self.status == "active" && self.protocol.eq_ignore_ascii_case("HTTPS")
    }
}

/// Longest excerpt of an unexpected body kept in a `MalformedResponse` message.
const EXCERPT_CHARS: usize = 120;

/// Interprets an answer of an operation whose `Result` has `shape`. `status` is the HTTP
/// status, `body` the whole body as text.
pub fn parse(shape: Shape, status: u16, body: &str) -> Result<Response, Error> {
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
        // (A whole JSON text that is still unreadable, such as one with a repeated name, ends
        // with its closing bracket.)
        let trimmed = body.trim();
        if trimmed.starts_with(['{', '[']) && !trimmed.ends_with(['}', ']']) {
            e.kind = ErrorKind::TruncatedResponse;
        }
        return Err(e);
    };
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);

    if let Some(code) = text("Code").filter(|c| !c.is_empty()) {
        let message = text("Message")
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| code.clone());
        let server_string_to_sign = (code == codes::SIGNATURE_DOES_NOT_MATCH)
            .then(|| server_string_to_sign(&message))
            .flatten();
        return Err(Error {
            http_status: Some(status),
            request_id: text("RequestId"),
            host_id: text("HostId"),
            recommend: text("Recommend"),
            server_string_to_sign,
            ..Error::new(ErrorKind::Service, &code, message)
        });
    }
    let request_id = text("RequestId").filter(|id| !id.is_empty());
    let result = value.get("Result");
    let read = match (success_status, &request_id, result) {
        (true, Some(request_id), Some(result)) => read_result(shape, &value, result, request_id),
        _ => None,
    };
    read.ok_or_else(|| {
        let what = match shape {
            Shape::Accepted => "a boolean Result",
            Shape::Instance => "an instance Result (instanceId, status, protocol)",
            Shape::InstanceList => "a Result list of instances",
        };
        let mut err = Error::malformed(
            status,
            cat!(
                "HTTP ",
                status,
                " answer has neither ",
                what,
                " with a RequestId nor an error Code: ",
                excerpt(body)
            ),
        );
        err.request_id = request_id;
        err
    })
}

/// The `Result` of a success answer in the operation's shape.
fn read_result(shape: Shape, whole: &Value, result: &Value, request_id: &str) -> Option<Response> {
    let request_id = request_id.to_owned();
    match (shape, result) {
        (Shape::Accepted, Value::Bool(result)) => Some(Response::Accepted {
            result: *result,
            request_id,
        }),
        (Shape::Instance, Value::Object(_)) => Some(Response::Instance {
            instance: Instance::read(result)?,
            request_id,
        }),
        (Shape::InstanceList, Value::Array(items)) => {
            let instances = items
                .iter()
                .map(Instance::read)
                .collect::<Option<Vec<_>>>()?;
            let total = whole
                .get("Headers")
                .and_then(|h| h.get("X-Total-Count"))
                .and_then(Value::as_u64);
            Some(Response::Instances {
                instances,
                total,
                request_id,
            })
        }
        _ => None,
    }
}

/// The gateway's `SignatureDoesNotMatch` message ends with `server string to sign is:` and
/// the string it computed — what a user compares with ours.
fn server_string_to_sign(message: &str) -> Option<String> {
    const MARKER: &str = "server string to sign is:";
    let at = crate::text::find(message, MARKER)? + MARKER.len();
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
        let r = parse(Shape::Accepted, 200, r#"{"Result":true,"RequestId":"R1"}"#).unwrap();
        assert_eq!(
            r,
            Response::Accepted {
                result: true,
                request_id: "R1".into()
            }
        );
        let r = parse(Shape::Accepted, 200, r#"{"RequestId":"R2","Result":false}"#).unwrap();
        assert!(matches!(r, Response::Accepted { result: false, .. }));
        assert_eq!(r.request_id(), "R2");
    }

    const INSTANCE: &str = r#"{"instanceId":"es-cn-1","status":"active","protocol":"HTTPS","description":"prod-logs","esVersion":"7.10_with_X-Pack","haveClientNode":true,"port":9200,"extra":{"x":[1,2]}}"#;

    #[test]
    fn describe_reads_an_instance_and_ignores_unknown_fields() {
        let body = format!(r#"{{"RequestId":"R","Result":{INSTANCE}}}"#);
        let Response::Instance {
            instance,
            request_id,
        } = parse(Shape::Instance, 200, &body).unwrap()
        else {
            panic!("not an instance");
        };
        assert_eq!(request_id, "R");
        assert_eq!(instance.instance_id, "es-cn-1");
        assert_eq!(
            (instance.status.as_str(), instance.protocol.as_str()),
            ("active", "HTTPS")
        );
        assert_eq!(instance.description.as_deref(), Some("prod-logs"));
        assert_eq!(instance.es_version.as_deref(), Some("7.10_with_X-Pack"));
        assert_eq!(instance.have_client_node, Some(true));
        assert!(instance.is_https_active());
        // Unknown statuses are kept as they are.
        let body = r#"{"RequestId":"R","Result":{"instanceId":"i","status":"upgrading","protocol":"HTTP"}}"#;
        let Ok(Response::Instance { instance, .. }) = parse(Shape::Instance, 200, body) else {
            panic!()
        };
        assert_eq!(
            (instance.status.as_str(), instance.description.as_deref()),
            ("upgrading", None)
        );
        assert!(!instance.is_https_active());
    }

    #[test]
    fn instances_write_the_fields_they_know() {
        let Ok(Response::Instance { instance, .. }) = parse(
            Shape::Instance,
            200,
            &format!(r#"{{"RequestId":"R","Result":{INSTANCE}}}"#),
        ) else {
            panic!()
        };
        assert_eq!(
            instance.to_json(Some("R")),
            r#"{"instanceId":"es-cn-1","status":"active","protocol":"HTTPS","description":"prod-logs","esVersion":"7.10_with_X-Pack","haveClientNode":true,"requestId":"R"}"#
        );
        let bare = Instance {
            description: None,
            es_version: None,
            have_client_node: None,
            ..instance
        };
        assert_eq!(
            bare.to_json(None),
            r#"{"instanceId":"es-cn-1","status":"active","protocol":"HTTPS"}"#
        );
    }

    #[test]
    fn an_instance_without_status_or_protocol_is_malformed() {
        for result in [
            r#"{"instanceId":"i","protocol":"HTTP"}"#,
            r#"{"instanceId":"i","status":"active"}"#,
            r#"{"status":"active","protocol":"HTTP"}"#,
            r#"{"instanceId":"i","status":1,"protocol":"HTTP"}"#,
            "true",
            "[]",
        ] {
            let body = format!(r#"{{"RequestId":"R","Result":{result}}}"#);
            let e = parse(Shape::Instance, 200, &body).unwrap_err();
            assert_eq!(e.code, codes::MALFORMED_RESPONSE, "{body}");
            assert_eq!(e.request_id.as_deref(), Some("R"));
            assert!(!e.retryable());
        }
    }

    #[test]
    fn list_reads_a_page_and_the_total() {
        let body = format!(
            r#"{{"RequestId":"R","Headers":{{"X-Total-Count":7}},"Result":[{INSTANCE},{{"instanceId":"es-2","status":"activating","protocol":"HTTP","port":"9200"}}]}}"#
        );
        let Ok(Response::Instances {
            instances, total, ..
        }) = parse(Shape::InstanceList, 200, &body)
        else {
            panic!()
        };
        assert_eq!(total, Some(7));
        let ids: Vec<&str> = instances.iter().map(|i| i.instance_id.as_str()).collect();
        assert_eq!(ids, ["es-cn-1", "es-2"]);
        let body = r#"{"RequestId":"R","Result":[]}"#;
        let Ok(Response::Instances {
            instances, total, ..
        }) = parse(Shape::InstanceList, 200, body)
        else {
            panic!()
        };
        assert!(instances.is_empty() && total.is_none());
        let bad = r#"{"RequestId":"R","Result":[{"instanceId":"x"}]}"#;
        assert_eq!(
            parse(Shape::InstanceList, 200, bad).unwrap_err().code,
            codes::MALFORMED_RESPONSE
        );
    }

    #[test]
    fn success_needs_a_request_id_and_one_reading() {
        // No RequestId: not the documented answer (and nothing to quote to support).
        let e = parse(Shape::Accepted, 200, r#"{"Result":true}"#).unwrap_err();
        assert_eq!(e.code, codes::MALFORMED_RESPONSE);
        // JSON.parse would read false, a first-wins reader true: neither is safe.
        let e = parse(
            Shape::Accepted,
            200,
            r#"{"Result":true,"Result":false,"RequestId":"R"}"#,
        )
        .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.kind),
            (codes::MALFORMED_RESPONSE, ErrorKind::MalformedResponse)
        );
        assert!(!e.retryable(), "a complete answer, not one cut short");
    }

    #[test]
    fn documented_service_errors_keep_their_words() {
        let body = r#"{"RequestId":"R3","HostId":"elasticsearch.cn-hangzhou.aliyuncs.com","Code":"InstanceNotFound","Message":"The instanceId provided does not exist.","Recommend":"https://api.aliyun.com/troubleshoot?q=InstanceNotFound"}"#;
        let e = parse(Shape::Accepted, 400, body).unwrap_err();
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
            Shape::Accepted,
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
        let e = parse(Shape::Accepted, 403, body).unwrap_err();
        assert_eq!(e.code, "Forbidden.RAM");
    }

    #[test]
    fn error_code_wins_even_with_2xx() {
        let e = parse(
            Shape::Accepted,
            200,
            r#"{"Code":"InternalError","Message":"x","RequestId":"R"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code, "InternalError");
    }

    #[test]
    fn lower_case_keys_are_understood() {
        let e = parse(
            Shape::Accepted,
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
            let e = parse(Shape::Accepted, status, body).unwrap_err();
            assert_eq!(e.code, codes::MALFORMED_RESPONSE, "{status} {body:?}");
            assert_eq!(e.http_status, Some(status));
        }
    }

    #[test]
    fn cut_short_answers_are_retryable_pages_are_not() {
        for body in ["", " ", r#"{"Result":true,"Requ"#, "[1,"] {
            let e = parse(Shape::Accepted, 200, body).unwrap_err();
            assert_eq!(
                (e.code.as_str(), e.kind),
                (codes::MALFORMED_RESPONSE, ErrorKind::TruncatedResponse),
                "{body:?}"
            );
            assert!(e.retryable());
        }
        let e = parse(Shape::Accepted, 200, "<html>login</html>").unwrap_err();
        assert_eq!(e.kind, ErrorKind::MalformedResponse);
        assert!(!e.retryable());
    }

    #[test]
    fn signature_errors_carry_the_server_string_to_sign() {
        let body = r#"{"Code":"SignatureDoesNotMatch","Message":"Specified signature does not match our calculation. server string to sign is:POST\napplication/json\n\n\n\n/p","RequestId":"R"}"#;
        let e = parse(Shape::Accepted, 400, body).unwrap_err();
        assert_eq!(
            e.server_string_to_sign.as_deref(),
            Some("POST\napplication/json\n\n\n\n/p")
        );
        let e = parse(
            Shape::Accepted,
            400,
            r#"{"Code":"SignatureDoesNotMatch","Message":"no detail"}"#,
        )
        .unwrap_err();
        assert_eq!(e.server_string_to_sign, None);
    }

    #[test]
    fn excerpt_is_short_single_line_and_safe() {
        let e = parse(
            Shape::Accepted,
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
