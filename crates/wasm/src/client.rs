//! Client configurations, `configure` and the default client. The package's JS `Client`
//! (`pkg-template/driver.js`) reads the caller's options (`pkg-template/options.js`), passes
//! their values here and keeps the handle of the validated configuration; the calls themselves
//! (`openHttps`, `ensureHttps`…) are its driver, which performs the steps of [`crate::steps`]
//! and [`crate::ensure`], each holding the configuration it started with.

use alloc::rc::Rc;
use core::cell::RefCell;

use aliyun_es_https_core::error::Error;
use wasm_bindgen::prelude::*;

use crate::config::{ClientState, Target};
use crate::handles::Handles;
use crate::{errors, OneThread};

/// Configurations held by the package's JS clients (and by its walks and fleet runs, which
/// outlive the call that started them), by handle.
static CLIENTS: OneThread<Handles<Rc<ClientState>>> = OneThread(Handles::new());

/// Validates the options of `new Client(config)`, as read by `options.js`, and returns the
/// configuration's handle. Throws an `OpenHttpsError` (`MissingCredentials`,
/// `MissingRegion`, `InvalidEndpoint`, `InvalidConfig`…) when it cannot work. `credentials`:
/// the access key packed by `credentialsOf`, unless `provider` is a credentials function;
/// `target`: where to sign for and send, packed ([`Target::unpack`]); the numbers are 0 when
/// not given (their least value is 1); `dates_dropped`: see [`ClientState::dates_dropped`].
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = __client, skip_typescript)]
pub fn new(
    credentials: &str,
    provider: JsValue,
    target: &str,
    fetch: JsValue,
    max_attempts: f64,
    timeout_ms: f64,
    deadline_ms: f64,
    dates_dropped: bool,
) -> Result<u32, JsValue> {
    let target = Target::unpack(target);
    let given = |n: f64| Some(n).filter(|&n| n > 0.0);
    let state = ClientState::new(
        credentials,
        provider,
        &target,
        fetch,
        given(max_attempts),
        given(timeout_ms),
        given(deadline_ms),
        dates_dropped,
    )
    .map_err(|e| errors::to_js(&e, None))?;
    Ok(CLIENTS.insert(Rc::new(state)))
}

/// Frees the configuration `client` (calls under way keep theirs).
#[wasm_bindgen(js_name = __freeClient, skip_typescript)]
pub fn free(client: u32) {
    CLIENTS.take(client);
}

/// The configuration `client`. The package's JS refuses a freed client before it gets here
/// (`ClientClosed`); this says the same for a stale handle.
pub(crate) fn state(client: u32) -> Result<Rc<ClientState>, Error> {
    CLIENTS.with(client, |state| state.clone()).ok_or_else(|| {
        let msg = "this Client was freed (client.free() or a using block ended); create a new one";
        Error::invalid("ClientClosed", "client", msg)
    })
}

/// Another handle on `client`'s configuration (0 for a stale one), for work that outlives the
/// call that started it (an `instances()` walk, a fleet run): the caller may free its client
/// meanwhile.
#[wasm_bindgen(js_name = __share, skip_typescript)]
pub fn share(client: u32) -> u32 {
    state(client).map_or(0, |state| CLIENTS.insert(state))
}

/// The configuration set by `configure`, used by the top-level functions.
static DEFAULT: OneThread<RefCell<Option<Rc<ClientState>>>> = OneThread(RefCell::new(None));

/// Makes `client`'s configuration the one the top-level functions use (the package's
/// `configure(config)` builds a `Client` from `config` first, which checks it).
#[wasm_bindgen(js_name = __configure, skip_typescript)]
pub fn configure(client: u32) {
    if let Ok(state) = state(client) {
        *DEFAULT.borrow_mut() = Some(state);
    }
}

/// A new handle on the configuration set by `configure`, or 0 when there is none (the package
/// then builds one from the environment).
#[wasm_bindgen(js_name = __configured, skip_typescript)]
pub fn configured() -> u32 {
    let configured = DEFAULT.borrow().clone();
    configured.map_or(0, |state| CLIENTS.insert(state))
}
