//! Where a client's credentials come from: a static access key, the `ALIBABA_CLOUD_*`
//! environment (Node), or a function the page provides — reused until shortly before the
//! `expiration` it returns ([`reuse_until`]), so short-lived STS credentials are fetched again
//! in time.

use crate::prelude::*;
use core::cell::RefCell;

use aliyun_es_https_core::credentials::reuse_until;
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::signing::Credentials;
use js_sys::{Date, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};

use crate::js;
use crate::timer::{race, Race, Trigger};

/// Why an attempt got no credentials.
pub enum NoCredentials {
    /// The function failed or returned something unusable.
    Failed(Error),
    /// The attempt's timer fired first.
    TimedOut,
    /// The caller aborted first.
    Aborted,
}

/// The configured source of credentials.
pub enum CredentialSource {
    /// An access key given as a value (or read from the environment).
    Static(Credentials),
    /// A function returning credentials.
    Provider(Provider),
}

/// A credentials function and what it last returned.
pub struct Provider {
    function: Function,
    cache: RefCell<Cache>,
}

enum Cache {
    Empty,
    /// An invocation is under way: concurrent calls share it.
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
            Ok(CredentialSource::Provider(Provider {
                function: value.unchecked_into(),
                cache: RefCell::new(Cache::Empty),
            }))
        } else {
            Ok(CredentialSource::Static(from_js(&value)?.0))
        }
    }

    /// The credentials for one attempt, unless `timer` or `abort` fires first.
    pub async fn get(
        &self,
        timer: &Trigger,
        abort: Option<&Trigger>,
    ) -> Result<Credentials, NoCredentials> {
        match self {
            CredentialSource::Static(c) => Ok(c.clone()),
            CredentialSource::Provider(p) => p.get(timer, abort).await,
        }
    }
}

impl Provider {
    async fn get(
        &self,
        timer: &Trigger,
        abort: Option<&Trigger>,
    ) -> Result<Credentials, NoCredentials> {
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
                let value = self
                    .function
                    .call0(&JsValue::UNDEFINED)
                    .map_err(|e| NoCredentials::Failed(failed(e)))?;
                let p = Promise::resolve(&value);
                *self.cache.borrow_mut() = Cache::Pending(p.clone());
                p
            }
        };
        let outcome = match race(&pending, Some(timer), abort).await {
            Race::Done(v) => from_js(&v),
            Race::Failed(e) => Err(failed(e)),
            stopped => {
                // An invocation that outlived an attempt is not waited for again: the next
                // attempt or call asks afresh, so one stuck invocation cannot wedge them all.
                self.forget(&pending);
                return Err(match stopped {
                    Race::Aborted => NoCredentials::Aborted,
                    _ => NoCredentials::TimedOut,
                });
            }
        };
        // The first caller to finish records the outcome of this round, if still current.
        let mut cache = self.cache.borrow_mut();
        if matches!(&*cache, Cache::Pending(p) if js_sys::Object::is(p, &pending)) {
            *cache = match &outcome {
                Ok((credentials, expiration)) => match reuse_until(*expiration, Date::now()) {
                    Some(refresh_at) => Cache::Ready {
                        credentials: credentials.clone(),
                        refresh_at,
                    },
                    None => Cache::Empty,
                },
                Err(_) => Cache::Empty,
            };
        }
        outcome.map(|(c, _)| c).map_err(NoCredentials::Failed)
    }

    /// Drops `pending` from the cache if it is still the current invocation.
    fn forget(&self, pending: &Promise) {
        let mut cache = self.cache.borrow_mut();
        if matches!(&*cache, Cache::Pending(p) if js_sys::Object::is(p, pending)) {
            *cache = Cache::Empty;
        }
    }
}

/// `{ accessKeyId, accessKeySecret, securityToken?, expiration? }` → credentials and the
/// expiration in milliseconds since the epoch (an ISO 8601 string, a number or a `Date`).
pub(crate) fn from_js(value: &JsValue) -> Result<(Credentials, Option<f64>), Error> {
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
        match crate::config::option(value, key)? {
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
    Ok((
        credentials,
        expiration(&crate::config::option(value, "expiration")?)?,
    ))
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

/// What to do when no credentials are configured and the environment has none: the one
/// message for it, from `new Client()`, `configure()` and the top-level functions alike.
pub const MISSING: &str = "no credentials: pass { credentials: { accessKeyId, accessKeySecret } } \
    to configure() or new Client(), or (in Node) set ALIBABA_CLOUD_ACCESS_KEY_ID and \
    ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials, and \
    ALIBABA_CLOUD_REGION_ID for the region)";

fn from_env() -> Result<Credentials, Error> {
    match (
        js::env("ALIBABA_CLOUD_ACCESS_KEY_ID"),
        js::env("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
    ) {
        (Some(id), Some(secret)) => Credentials::new(
            &id,
            &secret,
            js::env("ALIBABA_CLOUD_SECURITY_TOKEN").as_deref(),
        ),
        _ => Err(Error::invalid(
            codes::MISSING_CREDENTIALS,
            "credentials",
            MISSING,
        )),
    }
}
