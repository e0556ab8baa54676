//! The API's operations as data — method, path template, action name, answer shape — and a
//! validated request of one of them: the path with the instance id filled in, and the query.
//!
//! All four are ROA operations of Elasticsearch's API version 2017-06-13, signed alike.

use crate::error::Error;
use crate::prelude::*;
use crate::signing::encode::percent_encode;
use crate::text::find;
use crate::validate;

/// What stands for the instance id in an operation's path.
const INSTANCE_ID: &str = "{InstanceId}";

/// The API version, sent as `x-acs-version`.
pub const API_VERSION: &str = "2017-06-13";

/// What a successful answer's `Result` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A boolean: the change was accepted (`true`) or not (`false`).
    Accepted,
    /// One instance object.
    Instance,
    /// An array of instances, with the total count in `Headers["X-Total-Count"]`.
    InstanceList,
}

/// One API operation.
#[derive(Debug, PartialEq, Eq)]
pub struct Operation {
    /// The action name, sent as `x-acs-action`.
    pub action: &'static str,
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path; `{InstanceId}` stands for the encoded instance id.
    pub path: &'static str,
    /// What the answer's `Result` holds.
    pub shape: Shape,
}

/// Turns on HTTPS: `POST /openapi/instances/{InstanceId}/actions/open-https[?clientToken=]`.
pub const OPEN_HTTPS: Operation = Operation {
    action: "OpenHttps",
    method: "POST",
    path: "/openapi/instances/{InstanceId}/actions/open-https",
    shape: Shape::Accepted,
};

/// Turns off HTTPS: `POST /openapi/instances/{InstanceId}/actions/close-https[?clientToken=]`.
pub const CLOSE_HTTPS: Operation = Operation {
    action: "CloseHttps",
    method: "POST",
    path: "/openapi/instances/{InstanceId}/actions/close-https",
    shape: Shape::Accepted,
};

/// One instance's state: `GET /openapi/instances/{InstanceId}`.
pub const DESCRIBE_INSTANCE: Operation = Operation {
    action: "DescribeInstance",
    method: "GET",
    path: "/openapi/instances/{InstanceId}",
    shape: Shape::Instance,
};

/// A page of the account's instances: `GET /openapi/instances?page=&size=[&description=][&instanceId=]`.
pub const LIST_INSTANCE: Operation = Operation {
    action: "ListInstance",
    method: "GET",
    path: "/openapi/instances",
    shape: Shape::InstanceList,
};

/// Largest page ListInstance serves.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The page to ask for after page `page` of `size` brought `got` instances, of `total` in all
/// when the answer said: `None` when that was the last page (a short or empty page, or the
/// total reached).
pub fn next_page(page: u32, size: u32, got: usize, total: Option<u64>) -> Option<u32> {
    let seen = u64::from(page) * u64::from(size);
    let more = got == size as usize && got > 0 && total.is_none_or(|t| seen < t);
    more.then(|| page.checked_add(1)).flatten()
}

/// A validated request of one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    operation: &'static Operation,
    path: String,
    query: Vec<(&'static str, String)>,
}

impl Request {
    /// OpenHttps on `instance_id`, with the clientToken when given (never sent empty).
    pub fn open_https(instance_id: &str, client_token: Option<&str>) -> Result<Self, Error> {
        Self::change(&OPEN_HTTPS, instance_id, client_token)
    }

    /// CloseHttps on `instance_id`, with the clientToken when given.
    pub fn close_https(instance_id: &str, client_token: Option<&str>) -> Result<Self, Error> {
        Self::change(&CLOSE_HTTPS, instance_id, client_token)
    }

    /// DescribeInstance of `instance_id`.
    pub fn describe_instance(instance_id: &str) -> Result<Self, Error> {
        Self::for_instance(&DESCRIBE_INSTANCE, instance_id)
    }

    /// ListInstance: page `page` (from 1) of `size` (1–100) instances, optionally only those
    /// whose description contains `description` or whose id matches `instance_id`.
    pub fn list_instances(
        page: u32,
        size: u32,
        description: Option<&str>,
        instance_id: Option<&str>,
    ) -> Result<Self, Error> {
        validate::whole_number("page", f64::from(page), 1, u32::MAX >> 1)?;
        validate::whole_number("size", f64::from(size), 1, MAX_PAGE_SIZE)?;
        let mut query = vec_of([("page", cat!(page)), ("size", cat!(size))]);
        if let Some(d) = description {
            validate::description(d)?;
            query.push(("description", d.into()));
        }
        if let Some(id) = instance_id {
            validate::instance_id(id)?;
            query.push(("instanceId", id.into()));
        }
        Ok(Request {
            operation: &LIST_INSTANCE,
            path: LIST_INSTANCE.path.into(),
            query,
        })
    }

    fn change(
        op: &'static Operation,
        instance_id: &str,
        client_token: Option<&str>,
    ) -> Result<Self, Error> {
        let mut request = Self::for_instance(op, instance_id)?;
        if let Some(token) = client_token {
            validate::client_token(token)?;
            request.query.push(("clientToken", token.into()));
        }
        Ok(request)
    }

    fn for_instance(op: &'static Operation, instance_id: &str) -> Result<Self, Error> {
        validate::instance_id(instance_id)?;
        // Validated ids are `[A-Za-z0-9_-]`, so encoding changes nothing; it is kept so that
        // the path stays one segment whatever the rule becomes.
        let at = find(op.path, INSTANCE_ID).unwrap_or(op.path.len());
        let rest = op.path.get(at + INSTANCE_ID.len()..).unwrap_or("");
        let path = cat!(op.path[..at], percent_encode(instance_id), rest);
        Ok(Request {
            operation: op,
            path,
            query: Vec::new(),
        })
    }

    /// The operation.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The path, percent-encoded.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query parameters, raw (unencoded).
    pub fn query(&self) -> Vec<(&str, &str)> {
        self.query.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }

    /// The clientToken, if the request carries one.
    pub fn client_token(&self) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| *k == "clientToken")
            .map(|(_, v)| v.as_str())
    }
}

/// A `Vec` of pairs (`vec!` would need the macro in every build).
fn vec_of<const N: usize>(pairs: [(&'static str, String); N]) -> Vec<(&'static str, String)> {
    pairs.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::codes;

    #[test]
    fn open_https_path_and_query() {
        let r = Request::open_https("es-cn-n6w1o1x0w001c", Some("tok")).unwrap();
        assert_eq!(
            r.path(),
            "/openapi/instances/es-cn-n6w1o1x0w001c/actions/open-https"
        );
        assert_eq!(r.query(), vec![("clientToken", "tok")]);
        assert_eq!(r.client_token(), Some("tok"));
        assert_eq!(r.operation().method, "POST");
        let r = Request::open_https("es-cn-n6w1o1x0w001c", None).unwrap();
        assert!(r.query().is_empty());
        assert_eq!(r.client_token(), None);
    }

    #[test]
    fn every_operation_fills_its_template() {
        let close = Request::close_https("es-1", Some("t")).unwrap();
        assert_eq!(close.path(), "/openapi/instances/es-1/actions/close-https");
        assert_eq!(close.operation().action, "CloseHttps");
        let describe = Request::describe_instance("es-1").unwrap();
        assert_eq!(
            (describe.path(), describe.operation().method),
            ("/openapi/instances/es-1", "GET")
        );
        assert!(describe.query().is_empty());
        let list = Request::list_instances(2, 50, Some("prod logs/éà+&="), Some("es-1")).unwrap();
        assert_eq!(list.path(), "/openapi/instances");
        assert_eq!(
            list.query(),
            vec![
                ("page", "2"),
                ("size", "50"),
                ("description", "prod logs/éà+&="),
                ("instanceId", "es-1")
            ]
        );
        assert_eq!(list.operation().shape, Shape::InstanceList);
    }

    #[test]
    fn pages_follow_until_a_short_page_or_the_total() {
        assert_eq!(next_page(1, 10, 10, Some(25)), Some(2));
        assert_eq!(next_page(2, 10, 10, Some(25)), Some(3));
        assert_eq!(
            next_page(3, 10, 5, Some(25)),
            None,
            "a short page is the last"
        );
        assert_eq!(next_page(2, 10, 10, Some(20)), None, "the total is reached");
        assert_eq!(
            next_page(1, 10, 10, None),
            Some(2),
            "no total: until a short page"
        );
        assert_eq!(
            next_page(1, 10, 0, Some(50)),
            None,
            "an empty page ends it whatever the total says"
        );
        assert_eq!(next_page(u32::MAX, 1, 1, None), None);
    }

    #[test]
    fn rejects_bad_input_before_anything_is_built() {
        let code = |r: Result<Request, Error>| r.unwrap_err().code;
        assert_eq!(
            code(Request::open_https("../x", None)),
            codes::INVALID_INSTANCE_ID
        );
        assert_eq!(
            code(Request::open_https("es-1", Some(""))),
            codes::INVALID_CLIENT_TOKEN
        );
        assert_eq!(
            code(Request::describe_instance("")),
            codes::INVALID_INSTANCE_ID
        );
        assert_eq!(
            code(Request::list_instances(0, 10, None, None)),
            codes::INVALID_ARGUMENT
        );
        assert_eq!(
            code(Request::list_instances(1, 101, None, None)),
            codes::INVALID_ARGUMENT
        );
        assert_eq!(
            code(Request::list_instances(1, 10, Some(""), None)),
            codes::INVALID_ARGUMENT
        );
        assert_eq!(
            code(Request::list_instances(1, 10, None, Some("a b"))),
            codes::INVALID_INSTANCE_ID
        );
    }
}
