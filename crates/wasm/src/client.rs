//! `Client`, `configure` and the default client. The calls themselves (`openHttps`,
//! `ensureHttps`…) are the package's JS driver (`pkg-template/driver.js`), which adds them to
//! `Client` and performs the steps of [`crate::steps`] and [`crate::ensure`].

use alloc::rc::Rc;
use core::cell::RefCell;

use aliyun_es_https_core::error::{codes, Error};
use wasm_bindgen::prelude::*;

use crate::config::ClientState;
use crate::{credentials, errors, OneThread};

/// A configured connection to the Elasticsearch API. Construction validates the
/// configuration and throws an `OpenHttpsError` when something is wrong; nothing is sent
/// until a call.
#[wasm_bindgen]
pub struct Client {
    state: Rc<ClientState>,
}

#[wasm_bindgen]
impl Client {
    /// Creates a client. Throws an `OpenHttpsError` (`MissingCredentials`, `MissingRegion`,
    /// `InvalidEndpoint`, `InvalidConfig`…) when the configuration cannot work.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientConfig")] config: JsValue,
    ) -> Result<Client, JsValue> {
        match ClientState::from_js(&config) {
            Ok(state) => Ok(Client {
                state: Rc::new(state),
            }),
            Err(e) => Err(errors::to_js(&e, None)),
        }
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

/// Sets the client that the top-level functions use. Throws an `OpenHttpsError` when the
/// configuration cannot work (the previous default is then kept).
#[wasm_bindgen]
pub fn configure(
    #[wasm_bindgen(unchecked_param_type = "ClientConfig")] config: JsValue,
) -> Result<(), JsValue> {
    let state = ClientState::from_js(&config).map_err(|e| errors::to_js(&e, None))?;
    *DEFAULT.borrow_mut() = Some(Rc::new(state));
    Ok(())
}

/// The client set by `configure`, or else (in Node) one built from the `ALIBABA_CLOUD_*`
/// environment variables.
fn default_state() -> Result<Rc<ClientState>, Error> {
    if let Some(state) = DEFAULT.borrow().clone() {
        return Ok(state);
    }
    ClientState::from_js(&JsValue::UNDEFINED)
        .map(Rc::new)
        .map_err(|mut e| {
            if e.code == codes::MISSING_CREDENTIALS || e.code == codes::MISSING_REGION {
                e.message = credentials::MISSING.into();
            }
            e
        })
}

/// The client the top-level functions use: the one set by `configure`, or else (in Node) one
/// built from the environment. Not public API: the package's entry files define the
/// top-level functions (`openHttps`, `ensureHttps`…) on it (`pkg-template/top-level.js`), so
/// each exists once, as the method of `Client`.
#[wasm_bindgen(js_name = __defaultClient, skip_typescript)]
pub fn default_client() -> Result<Client, JsValue> {
    default_state()
        .map(|state| Client { state })
        .map_err(|e| errors::to_js(&e, None))
}
