//! Where a client's credentials come from: a static access key (given, or from the
//! `ALIBABA_CLOUD_*` environment in Node), or a function the page provides — reused until
//! shortly before the `expiration` it returns ([`reuse_until`]), so short-lived STS
//! credentials are fetched again in time.

use alloc::rc::Rc;
use core::cell::RefCell;

use aliyun_es_https_core::credentials::reuse_until;
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::signing::Credentials;
use js_sys::{Date, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};

use crate::js;

/// The configured source of credentials.
pub enum CredentialSource {
    /// An access key given as a value (or read from the environment). Shared with the calls
    /// that sign with it, so that its HMAC keys are made once.
    Static(Rc<Credentials>),
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
        credentials: Rc<Credentials>,
        refresh_at: f64,
    },
}

impl CredentialSource {
    /// Reads the `credentials` option: a `provider` function, or else the access key as
    /// `options.js` packs it (`credentialsOf`; the package's JS makes one from the environment
    /// when none is given).
    pub fn from_option(packed: &str, provider: JsValue) -> Result<Self, Error> {
        if provider.is_function() {
            Ok(CredentialSource::Provider(Provider {
                function: provider.unchecked_into(),
                cache: RefCell::new(Cache::Empty),
            }))
        } else {
            Ok(CredentialSource::Static(Rc::new(unpack(packed)?)))
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
    pub fn current(&self) -> Option<Rc<Credentials>> {
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

    /// What the invocation `pending` resolved to (packed by `options.js`, `credentialsOf`, with
    /// its `expiration` in ms since 1970): the credentials, kept until shortly before they
    /// expire when `pending` is still the current invocation.
    pub fn accept(
        &self,
        packed: &str,
        expiration: Option<f64>,
        pending: &JsValue,
    ) -> Result<Rc<Credentials>, Error> {
        let outcome = unpack(packed).map(|c| (Rc::new(c), expiration));
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

/// `[accessKeyId, accessKeySecret, securityToken]` as `options.js` packs them (their JS types
/// checked there), their values checked here.
fn unpack(packed: &str) -> Result<Credentials, Error> {
    let mut texts = js::unpack(packed);
    let (id, secret, token) = (
        texts.next().flatten(),
        texts.next().flatten(),
        texts.next().flatten(),
    );
    let (Some(id), Some(secret)) = (id, secret) else {
        let msg = "credentials need both accessKeyId and accessKeySecret";
        return Err(Error::invalid(
            codes::MISSING_CREDENTIALS,
            "credentials",
            msg,
        ));
    };
    Credentials::new(&id, &secret, token.as_deref())
}

/// The error `options.js` found in a credentials function's answer (`credentialsOf`), sent
/// as `[code, field, message]`.
pub fn answer_error(sent: &str) -> Error {
    let mut texts = js::unpack(sent);
    let mut text = || texts.next().flatten().unwrap_or_default();
    let (code, field, message) = (text(), text(), text());
    // The fields credentialsOf names (Error's field is a static name).
    let field = match field.as_str() {
        "accessKeyId" => "accessKeyId",
        "accessKeySecret" => "accessKeySecret",
        "securityToken" => "securityToken",
        "expiration" => "expiration",
        _ => "credentials",
    };
    Error::invalid(&code, field, message)
}
