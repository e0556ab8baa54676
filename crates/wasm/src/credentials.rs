//! Where a client's credentials come from: a static access key, the `ALIBABA_CLOUD_*`
//! environment (Node), or a function the page provides — cached until shortly before the
//! `expiration` it returns, so short-lived STS credentials are fetched again in time.

use crate::prelude::*;
use core::cell::RefCell;

use js_sys::{Date, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::js;
use crate::error::{codes, Error};
use crate::signing::Credentials;

/// Credentials from a provider are fetched again when less than this is left before their
/// `expiration`: enough for a call with retries to finish with the old ones.
pub const REFRESH_MARGIN_MS: f64 = 5.0 * 60.0 * 1000.0;

/// The configured source of credentials.
pub enum CredentialSource {
    Static(Credentials),
    Provider(Provider),
}

/// A credentials function and what it last returned.
pub struct Provider {
    function: Function,
    cache: RefCell<Cache>,
}

enum Cache {
    Empty,
    /// A call of the function is under way: concurrent calls share it.
    Pending(Promise),
    Ready {
        credentials: Credentials,
        refresh_at: f64,
    },
}

impl CredentialSource {
    /// Reads the `credentials` option: an object, a function, or nothing (the environment).
    pub fn from_option(value: JsValue) -> Result<Self, Error> {
        if value.is_null_or_undefined() {
            Ok(CredentialSource::Static(from_env()?))
        } else if value.is_function() {
            let function = value.unchecked_into();
            Ok(CredentialSource::Provider(Provider {
                function,
                cache: RefCell::new(Cache::Empty),
            }))
        } else {
            Ok(CredentialSource::Static(from_js(&value)?.0))
        }
    }

    /// The credentials for one call.
    pub async fn get(&self) -> Result<Credentials, Error> {
        match self {
            CredentialSource::Static(c) => Ok(c.clone()),
            CredentialSource::Provider(p) => p.get().await,
        }
    }
}

impl Provider {
    async fn get(&self) -> Result<Credentials, Error> {
        let failed = |e: JsValue| {
            let msg = cat!("the credentials function failed: ", js::describe(&e));
            Error::invalid(codes::MISSING_CREDENTIALS, "credentials", msg)
        };
        // No borrow is held while JS runs: the function may call back into this client.
        let pending = match &*self.cache.borrow() {
            Cache::Ready {
                credentials,
                refresh_at,
            } if Date::now() < *refresh_at => return Ok(credentials.clone()),
            Cache::Pending(p) => Some(p.clone()),
            _ => None,
        };
        let pending = match pending {
            Some(p) => p,
            None => {
                let value = self.function.call0(&JsValue::UNDEFINED).map_err(failed)?;
                let p = Promise::resolve(&value);
                *self.cache.borrow_mut() = Cache::Pending(p.clone());
                p
            }
        };
        let outcome = JsFuture::from(pending.clone())
            .await
            .map_err(failed)
            .and_then(|v| from_js(&v));

        // The first caller to finish records the outcome of this round, if still current.
        let mut cache = self.cache.borrow_mut();
        if matches!(&*cache, Cache::Pending(p) if js_sys::Object::is(p, &pending)) {
            *cache = match &outcome {
                Ok((credentials, Some(expiration)))
                    if expiration - REFRESH_MARGIN_MS > Date::now() =>
                {
                    Cache::Ready {
                        credentials: credentials.clone(),
                        refresh_at: expiration - REFRESH_MARGIN_MS,
                    }
                }
                _ => Cache::Empty,
            };
        }
        outcome.map(|(c, _)| c)
    }
}

/// `{ accessKeyId, accessKeySecret, securityToken?, expiration? }` → credentials and the
/// expiration in milliseconds since the epoch (an ISO 8601 string, a number or a `Date`).
pub(super) fn from_js(value: &JsValue) -> Result<(Credentials, Option<f64>), Error> {
    if !value.is_object() {
        let msg = "credentials must be an object { accessKeyId, accessKeySecret, securityToken? } \
                   or a function returning one";
        return Err(Error::invalid(
            codes::INVALID_CREDENTIALS,
            "credentials",
            msg,
        ));
    }
    let field = |key: &'static str| -> Result<Option<String>, Error> {
        match js::get(value, key) {
            v if v.is_null_or_undefined() => Ok(None),
            v => v.as_string().map(Some).ok_or_else(|| {
                Error::invalid(
                    codes::INVALID_CREDENTIALS,
                    key,
                    cat!(key, " must be a string"),
                )
            }),
        }
    };
    let (Some(id), Some(secret)) = (field("accessKeyId")?, field("accessKeySecret")?) else {
        let msg = "credentials need both accessKeyId and accessKeySecret";
        return Err(Error::invalid(
            codes::MISSING_CREDENTIALS,
            "credentials",
            msg,
        ));
    };
    let credentials = Credentials::new(&id, &secret, field("securityToken")?.as_deref())?;
    Ok((credentials, expiration(&js::get(value, "expiration"))?))
}

fn expiration(value: &JsValue) -> Result<Option<f64>, Error> {
    let ms = if value.is_null_or_undefined() {
        return Ok(None);
    } else if let Some(s) = value.as_string() {
        Date::parse(&s)
    } else if let Some(n) = value.as_f64() {
        n
    } else if let Some(d) = value.dyn_ref::<Date>() {
        d.get_time()
    } else {
        f64::NAN
    };
    if ms.is_finite() {
        Ok(Some(ms))
    } else {
        let msg = "expiration must be an ISO 8601 date such as \"2026-01-01T00:00:00Z\", \
                   a Date, or milliseconds since 1970";
        Err(Error::invalid(
            codes::INVALID_CREDENTIALS,
            "expiration",
            msg,
        ))
    }
}

fn from_env() -> Result<Credentials, Error> {
    match (js::env("ALIBABA_CLOUD_ACCESS_KEY_ID"), js::env("ALIBABA_CLOUD_ACCESS_KEY_SECRET")) {
        (Some(id), Some(secret)) => {
            Credentials::new(&id, &secret, js::env("ALIBABA_CLOUD_SECURITY_TOKEN").as_deref())
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
