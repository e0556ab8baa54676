//! Reading `ClientConfig` from JS, with a typed error naming every bad option.

use js_sys::{Function, Object, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::js;
use crate::endpoint::{Endpoint, Network};
use crate::error::{codes, Error};
use crate::signing::{Credentials, SignatureVersion};

const OPTIONS: [&str; 6] = [
    "credentials",
    "regionId",
    "endpoint",
    "network",
    "signatureVersion",
    "fetch",
];

/// Where credentials come from.
enum CredentialSource {
    Static(Credentials),
    /// Called for every call; may return a Promise.
    Provider(Function),
}

/// A validated client configuration.
pub struct ClientState {
    pub endpoint: Endpoint,
    pub signature_version: SignatureVersion,
    pub fetch: Option<Function>,
    credentials: CredentialSource,
}

impl ClientState {
    /// Validates a `ClientConfig` (`undefined` = everything from the environment).
    pub fn from_js(config: &JsValue) -> Result<ClientState, Error> {
        if !(config.is_undefined() || config.is_null() || config.is_object())
            || config.is_function()
        {
            let msg = "the configuration must be an object such as { regionId, credentials }";
            return Err(Error::invalid(codes::INVALID_CONFIG, "config", msg));
        }
        if config.is_object() {
            // A misspelt option (`regionID`) would otherwise be ignored silently.
            for key in Object::keys(config.unchecked_ref::<Object>()).iter() {
                let key = key.as_string().unwrap_or_default();
                if !OPTIONS.contains(&key.as_str()) {
                    let msg = format!(
                        "unknown option \"{key}\"; the options are {}",
                        OPTIONS.join(", ")
                    );
                    return Err(Error::invalid(codes::INVALID_CONFIG, "config", msg));
                }
            }
        }

        // Credentials first: with nothing configured, "no credentials" is the useful message.
        let credentials = match js::get(config, "credentials") {
            v if v.is_undefined() || v.is_null() => {
                CredentialSource::Static(credentials_from_env()?)
            }
            v if v.is_function() => CredentialSource::Provider(v.unchecked_into()),
            v => CredentialSource::Static(credentials_from_js(&v)?),
        };
        let network = match string_option(config, "network", codes::INVALID_CONFIG)? {
            Some(n) => Network::parse(&n)?,
            None => Network::Public,
        };
        let signature_version =
            match string_option(config, "signatureVersion", codes::INVALID_CONFIG)? {
                Some(v) => SignatureVersion::parse(&v)?,
                None => SignatureVersion::V3,
            };
        let endpoint_opt = string_option(config, "endpoint", codes::INVALID_ENDPOINT)?;
        let region = match string_option(config, "regionId", codes::INVALID_REGION)? {
            Some(r) => Some(r),
            None if endpoint_opt.is_none() => env("ALIBABA_CLOUD_REGION_ID"),
            None => None,
        };
        let endpoint = Endpoint::resolve(region.as_deref(), network, endpoint_opt.as_deref())?;

        let fetch = match js::get(config, "fetch") {
            v if v.is_undefined() || v.is_null() => None,
            v => Some(v.dyn_into::<Function>().map_err(|_| {
                Error::invalid(
                    codes::INVALID_CONFIG,
                    "fetch",
                    "fetch must be a function like the global fetch",
                )
            })?),
        };

        Ok(ClientState {
            endpoint,
            signature_version,
            fetch,
            credentials,
        })
    }

    /// The credentials for one call (calling the provider, if that is what was configured).
    pub async fn credentials(&self) -> Result<Credentials, Error> {
        match &self.credentials {
            CredentialSource::Static(c) => Ok(c.clone()),
            CredentialSource::Provider(f) => {
                let failed = |e: JsValue| {
                    let msg = format!("the credentials function failed: {}", js::describe(&e));
                    Error::invalid(codes::MISSING_CREDENTIALS, "credentials", msg)
                };
                let value = f.call0(&JsValue::UNDEFINED).map_err(failed)?;
                let value = JsFuture::from(Promise::resolve(&value))
                    .await
                    .map_err(failed)?;
                credentials_from_js(&value)
            }
        }
    }
}

/// V1 signs the `Date` header, which browsers silently drop from `fetch`: say so instead of
/// letting the gateway answer a puzzling `SignatureDoesNotMatch`.
pub fn v1_in_browser_error() -> Error {
    Error::invalid(
        codes::UNSUPPORTED_RUNTIME,
        "signatureVersion",
        "signatureVersion \"v1\" signs the Date header, which this runtime's fetch does not send \
         (browsers forbid it); use \"v3\" (the default)",
    )
}

/// An optional string option; another type is an error with `code`.
fn string_option(config: &JsValue, key: &'static str, code: &str) -> Result<Option<String>, Error> {
    match js::get(config, key) {
        v if v.is_undefined() || v.is_null() => Ok(None),
        v => v
            .as_string()
            .map(Some)
            .ok_or_else(|| Error::invalid(code, key, format!("{key} must be a string"))),
    }
}

fn credentials_from_js(value: &JsValue) -> Result<Credentials, Error> {
    if !value.is_object() {
        let msg = "credentials must be an object { accessKeyId, accessKeySecret, securityToken? } or a function returning one";
        return Err(Error::invalid(
            codes::INVALID_CREDENTIALS,
            "credentials",
            msg,
        ));
    }
    let field = |key: &'static str| -> Result<Option<String>, Error> {
        string_option(value, key, codes::INVALID_CREDENTIALS)
    };
    let (Some(id), Some(secret)) = (field("accessKeyId")?, field("accessKeySecret")?) else {
        let msg = "credentials need both accessKeyId and accessKeySecret";
        return Err(Error::invalid(
            codes::MISSING_CREDENTIALS,
            "credentials",
            msg,
        ));
    };
    Credentials::new(&id, &secret, field("securityToken")?.as_deref())
}

fn credentials_from_env() -> Result<Credentials, Error> {
    match (env("ALIBABA_CLOUD_ACCESS_KEY_ID"), env("ALIBABA_CLOUD_ACCESS_KEY_SECRET")) {
        (Some(id), Some(secret)) => {
            Credentials::new(&id, &secret, env("ALIBABA_CLOUD_SECURITY_TOKEN").as_deref())
        }
        _ => Err(Error::invalid(
            codes::MISSING_CREDENTIALS,
            "credentials",
            "no credentials: pass { credentials: { accessKeyId, accessKeySecret } } to configure() \
             or new Client(), or (in Node) set ALIBABA_CLOUD_ACCESS_KEY_ID and \
             ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS)",
        )),
    }
}

/// `process.env[name]` in Node; `None` elsewhere and for empty values.
fn env(name: &str) -> Option<String> {
    let process = js::get(&js_sys::global(), "process");
    js::get(&js::get(&process, "env"), name)
        .as_string()
        .filter(|v| !v.is_empty())
}
