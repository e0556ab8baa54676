//! `Client`, `configure` and the default client. The package's JS reads the caller's options
//! (`pkg-template/options.js`) and passes their values here; the calls themselves
//! (`openHttps`, `ensureHttps`…) are its driver (`pkg-template/driver.js`), which performs the
//! steps of [`crate::steps`] and [`crate::ensure`].

use alloc::rc::Rc;
use core::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::config::{ClientState, Target};
use crate::{errors, OneThread};

/// A validated configuration: the package's `Client` (`pkg-template/driver.js`) extends this
/// class, reading the options first (`pkg-template/options.js`); its typings are in
/// `types.d.ts`.
#[wasm_bindgen(js_name = ClientCore, skip_typescript)]
pub struct Client {
    state: Rc<ClientState>,
}

#[wasm_bindgen(js_class = ClientCore)]
impl Client {
    /// Validates the options of `new Client(config)`, as read by `options.js`. Throws an
    /// `OpenHttpsError` (`MissingCredentials`, `MissingRegion`, `InvalidEndpoint`,
    /// `InvalidConfig`…) when the configuration cannot work. `target`: where to sign for and
    /// send, packed ([`Target::unpack`]).
    #[wasm_bindgen(constructor)]
    pub fn new(
        credentials: JsValue,
        target: &str,
        fetch: JsValue,
        max_attempts: Option<f64>,
        timeout_ms: Option<f64>,
        deadline_ms: Option<f64>,
    ) -> Result<Client, JsValue> {
        let target = Target::unpack(target);
        let state = ClientState::new(
            credentials,
            &target,
            fetch,
            max_attempts,
            timeout_ms,
            deadline_ms,
        )
        .map_err(|e| errors::to_js(&e, None))?;
        Ok(Client {
            state: Rc::new(state),
        })
    }
}

impl Client {
    /// The client's configuration, shared with its calls under way.
    pub(crate) fn state(&self) -> Rc<ClientState> {
        self.state.clone()
    }
}

/// Another handle on `client`'s configuration, for work that outlives the call that started
/// it (an `instances()` walk, a fleet run): the caller may free its client meanwhile.
#[wasm_bindgen(js_name = __share, skip_typescript)]
pub fn share(client: &Client) -> Client {
    Client {
        state: client.state(),
    }
}

/// The client set by `configure`, used by the top-level functions.
static DEFAULT: OneThread<RefCell<Option<Rc<ClientState>>>> = OneThread(RefCell::new(None));

/// Makes `client`'s configuration the one the top-level functions use (the package's
/// `configure(config)` builds a `Client` from `config` first, which checks it).
#[wasm_bindgen(js_name = __configure, skip_typescript)]
pub fn configure(client: &Client) {
    *DEFAULT.borrow_mut() = Some(client.state());
}

/// The client set by `configure`, if any (else the package builds one from the environment).
/// Not public API: the package's entry files define the top-level functions (`openHttps`,
/// `ensureHttps`…) on it (`pkg-template/top-level.js`).
#[wasm_bindgen(js_name = __configured, skip_typescript)]
pub fn configured() -> Option<Client> {
    DEFAULT.borrow().clone().map(|state| Client { state })
}
