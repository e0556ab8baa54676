//! The exports, one per decision (see the crate's docs).

use alloc::string::String;

use aliyun_es_https_core::cat;
use aliyun_es_https_core::fleet::{Journal, Plan, Record};
use aliyun_es_https_core::json::{unpack, ObjectWriter};
use aliyun_es_https_core::response::Instance;
use wasm_bindgen::prelude::*;

/// Reads the journal of an earlier run (its lines joined with `\n`, as `fleet.js` makes them
/// of what `journal.load()` gave): `{ records, tornLastLine, tokens: { instanceId:
/// clientToken } }` as JSON text, the clientTokens that run may have sent with; for a journal
/// that cannot be trusted, `{ error: message }`, which `fleet.js` throws as the
/// `InvalidArgument` `OpenHttpsError` about the journal it is.
#[wasm_bindgen(js_name = __journal, skip_typescript)]
pub fn journal(text: &str) -> String {
    let journal = match Journal::read(text.split('\n')) {
        Ok(journal) => journal,
        Err(e) => return ObjectWriter::new().string("error", &e.message).finish(),
    };
    let mut tokens = ObjectWriter::new();
    for (id, resumed) in &journal.instances {
        if let Some(token) = &resumed.client_token {
            tokens.string(id, token);
        }
    }
    ObjectWriter::new()
        .number("records", journal.records as u64)
        .boolean("tornLastLine", journal.torn_last_line)
        .raw("tokens", &tokens.finish())
        .finish()
}

/// The plan for an instance seen with `[status, protocol]` (packed, [`unpack`]) and
/// `haveClientNode`: `skip`, `open`, `busy`, or `cannot:<code>` (`InstanceNotActive`,
/// `HttpsNeedClientNode`).
#[wasm_bindgen(js_name = __plan, skip_typescript)]
pub fn plan(texts: &str, have_client_node: Option<bool>) -> String {
    let mut texts = unpack(texts);
    let mut text = || texts.next().flatten().unwrap_or_default();
    let (status, protocol) = (text(), text());
    let plan = Plan::of(&Instance {
        instance_id: String::new(),
        status,
        protocol,
        description: None,
        es_version: None,
        have_client_node,
    });
    match plan.refusal() {
        Some(code) => cat!(plan.name(), ":", code),
        None => plan.name().into(),
    }
}

/// A journal record, one JSON line. `texts` packs `[instanceId, a, b]` ([`unpack`]);
/// `kind` 0 `token` (`a`: the clientToken), 1 `phase` (`a`: the phase, `b`: the status), 2
/// `done` (`changed`, `a`: the RequestId), 3 `failed` (`a`: the code, `b`: the message), 4 the
/// run's start (`total`; no instance).
#[wasm_bindgen(js_name = __record, skip_typescript)]
pub fn record(kind: u32, at_ms: f64, texts: &str, changed: bool, total: u32) -> String {
    let mut texts = unpack(texts);
    let instance_id = texts.next().flatten().unwrap_or_default();
    let (a, b) = (
        texts.next().flatten().unwrap_or_default(),
        texts.next().flatten(),
    );
    let id = instance_id.as_str();
    match kind {
        0 => Record::token(at_ms, id, &a),
        1 => Record::phase(at_ms, id, &a, b.as_deref()),
        2 => Record::done(
            at_ms,
            id,
            changed,
            Some(a.as_str()).filter(|r| !r.is_empty()),
        ),
        3 => Record::failed(at_ms, id, &a, b.as_deref().unwrap_or_default()),
        _ => ObjectWriter::new()
            .number("at", at_ms.max(0.0) as u64)
            .string("event", "run")
            .number("total", total.into())
            .finish(),
    }
}
