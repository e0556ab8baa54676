//! Where a client's credentials come from: a static access key (given, or from the
//! `ALIBABA_CLOUD_*` environment in Node), or a function the page provides — reused until
//! shortly before the `expiration` it returns ([`reuse_until`]), so short-lived STS
//! credentials are fetched again in time.

use crate::prelude::*;
use core::cell::RefCell;

use aliyun_es_https_core::credentials::reuse_until;
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::signing::Credentials;
use js_sys::{Date, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};

use crate::js;

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
    /// Reads the `credentials` option: an object (the package's JS makes one from the
    /// environment when none is given) or a function.
    pub fn from_option(value: JsValue) -> Result<Self, Error> {
        if value.is_function() {
            Ok(CredentialSource::Provider(Provider {
                function: value.unchecked_into(),
                cache: RefCell::new(Cache::Empty),
            }))
        } else {
            Ok(CredentialSource::Static(from_js(&value)?.0))
        }
    }

    /// The access key given as a value; `None` for a function.
    pub fn static_values(&self) -> Option<&Credentials> {
        match self {
            CredentialSource::Static(c) => Some(c),
            CredentialSource::Provider(_) => None,
        }
    }

    /// The credentials to sign with now, when known without asking the function: the static
    /// ones, or the function's last answer until shortly before it expires.
    pub fn current(&self) -> Option<Credentials> {
        match self {
            CredentialSource::Static(c) => Some(c.clone()),
            CredentialSource::Provider(p) => match &*p.cache.borrow() {
                Cache::Ready {
                    credentials,
                    refresh_at,
                } if Date::now() < *refresh_at => Some(credentials.clone()),
                _ => None,
            },
        }
    }

    /// The function's answer to wait for: the invocation under way, shared by concurrent
    /// calls, or a new one. A function that throws gives a rejected Promise.
    pub fn invoke(&self) -> Promise {
        let CredentialSource::Provider(p) = self else {
            return Promise::resolve(&JsValue::UNDEFINED);
        };
        // No borrow is held while JS runs: the function may call back into this client.
        if let Cache::Pending(pending) = &*p.cache.borrow() {
            return pending.clone();
        }
        let pending = match p.function.call0(&JsValue::UNDEFINED) {
            Ok(value) => Promise::resolve(&value),
            Err(e) => Promise::reject(&e),
        };
        *p.cache.borrow_mut() = Cache::Pending(pending.clone());
        pending
    }

    /// What the invocation `pending` resolved to: the credentials, kept until shortly before
    /// they expire when `pending` is still the current invocation.
    pub fn accept(&self, value: &JsValue, pending: &JsValue) -> Result<Credentials, Error> {
        let outcome = from_js(value);
        if let CredentialSource::Provider(p) = self {
            let mut cache = p.cache.borrow_mut();
            if matches!(&*cache, Cache::Pending(current) if js_sys::Object::is(current, pending)) {
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
        }
        outcome.map(|(c, _)| c)
    }

    /// Drops the invocation `pending` (it failed, or outlived an attempt) if it is still the
    /// current one: the next attempt asks afresh, so one stuck invocation cannot wedge them all.
    pub fn forget(&self, pending: &JsValue) {
        if let CredentialSource::Provider(p) = self {
            let mut cache = p.cache.borrow_mut();
            if matches!(&*cache, Cache::Pending(current) if js_sys::Object::is(current, pending)) {
                *cache = Cache::Empty;
            }
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
        match option(value, key)? {
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
    Ok((credentials, expiration(&option(value, "expiration")?)?))
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

/// `object[key]`; a getter (or proxy trap) that throws is an `InvalidConfig` naming the field.
fn option(object: &JsValue, key: &'static str) -> Result<JsValue, Error> {
    js::try_get(object, key).map_err(|e| {
        let msg = cat!("reading the option ", key, " threw: ", js::describe(&e));
        Error::invalid(codes::INVALID_CONFIG, key, msg)
    })
}
