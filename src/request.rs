//! The OpenHttps request: path with the encoded instance id, optional `clientToken` query.

use crate::error::Error;
use crate::prelude::*;
use crate::signing::encode::percent_encode;
use crate::validate;

/// A validated OpenHttps call for one instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenHttpsRequest {
    instance_id: String,
    client_token: Option<String>,
}

impl OpenHttpsRequest {
    /// The API version, sent as `x-acs-version`.
    pub const API_VERSION: &'static str = "2017-06-13";
    /// The action name, sent as `x-acs-action`.
    pub const ACTION: &'static str = "OpenHttps";

    /// Validates the instance id and the clientToken (when given; never sent empty).
    pub fn new(instance_id: &str, client_token: Option<&str>) -> Result<Self, Error> {
        validate::instance_id(instance_id)?;
        if let Some(token) = client_token {
            validate::client_token(token)?;
        }
        Ok(OpenHttpsRequest {
            instance_id: instance_id.into(),
            client_token: client_token.map(Into::into),
        })
    }

    /// The instance id.
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// The clientToken, if any.
    pub fn client_token(&self) -> Option<&str> {
        self.client_token.as_deref()
    }

    /// `/openapi/instances/{InstanceId}/actions/open-https`, the id encoded as one segment.
    pub fn path(&self) -> String {
        cat!(
            "/openapi/instances/",
            percent_encode(&self.instance_id),
            "/actions/open-https"
        )
    }

    /// The query parameters, raw (unencoded): `clientToken` when one was given.
    pub fn query(&self) -> Vec<(&str, &str)> {
        self.client_token
            .as_deref()
            .map(|t| ("clientToken", t))
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::codes;

    #[test]
    fn path_and_query() {
        let r = OpenHttpsRequest::new("es-cn-n6w1o1x0w001c", Some("tok")).unwrap();
        assert_eq!(
            r.path(),
            "/openapi/instances/es-cn-n6w1o1x0w001c/actions/open-https"
        );
        assert_eq!(r.query(), vec![("clientToken", "tok")]);
        let r = OpenHttpsRequest::new("es-cn-n6w1o1x0w001c", None).unwrap();
        assert!(r.query().is_empty());
    }

    #[test]
    fn rejects_bad_input_before_anything_is_built() {
        assert_eq!(
            OpenHttpsRequest::new("../x", None).unwrap_err().code,
            codes::INVALID_INSTANCE_ID
        );
        assert_eq!(
            OpenHttpsRequest::new("es-1", Some("")).unwrap_err().code,
            codes::INVALID_CLIENT_TOKEN
        );
    }
}
