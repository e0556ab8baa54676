//! Fleet mode's decisions: what to do with each instance (the plan), how fast to send (one
//! rate limiter for every request of a run), and what a journal of an earlier run says
//! (clientTokens to reuse, instances already done). No I/O: the wasm layer runs the workers,
//! sends, sleeps and writes the journal lines this module makes.

use crate::error::{codes, Error};
use crate::json::{self, ObjectWriter, Value};
use crate::prelude::*;
use crate::response::Instance;

/// What a run does with one instance, decided from its DescribeInstance answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Already `active` + `HTTPS`: nothing to do.
    Skip,
    /// `active` + `HTTP`: turn HTTPS on.
    Open,
    /// Busy with a change (`activating`, or a status we do not know): wait, then decide.
    Busy,
    /// `inactive` / `invalid`: cannot be changed now.
    NotActive,
    /// No client node (`haveClientNode: false`): the service refuses HTTPS for it.
    NoClientNode,
}

impl Plan {
    /// The plan for `instance`.
    pub fn of(instance: &Instance) -> Plan {
        if instance.is_https_active() {
            Plan::Skip
        } else if matches!(instance.status.as_str(), "inactive" | "invalid") {
            Plan::NotActive
        } else if instance.have_client_node == Some(false) {
            Plan::NoClientNode
        } else if instance.status == "active" {
            Plan::Open
        } else {
            Plan::Busy
        }
    }

    /// The name used in events, the journal and the CLI's plan: `skip`, `open`, `busy`,
    /// `cannot`.
    pub fn name(self) -> &'static str {
        match self {
            Plan::Skip => "skip",
            Plan::Open => "open",
            Plan::Busy => "busy",
            Plan::NotActive | Plan::NoClientNode => "cannot",
        }
    }

    /// Why an instance cannot be changed: the code it is reported with.
    pub fn refusal(self) -> Option<&'static str> {
        match self {
            Plan::NotActive => Some(codes::INSTANCE_NOT_ACTIVE),
            Plan::NoClientNode => Some("HttpsNeedClientNode"),
            _ => None,
        }
    }
}

/// Slowest rate the limiter falls to, in requests per second.
pub const MIN_RPS: f64 = 0.5;
/// The rate a run starts at without `maxRps`.
pub const DEFAULT_START_RPS: f64 = 20.0;
/// Fastest rate without `maxRps`.
pub const DEFAULT_MAX_RPS: f64 = 100.0;
/// How much a throttled answer slows the run: the rate is multiplied by this.
const BACKOFF: f64 = 0.85;

/// One rate for every request of a run: requests are spaced `1000 / rate` ms apart. A
/// throttled answer slows it at once (and pauses every request for what the server asks);
/// each success speeds it up a little, so it recovers gradually (additive increase,
/// multiplicative decrease).
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimiter {
    max_rps: f64,
    rate: f64,
    next_at: f64,
    paused_until: f64,
}

impl RateLimiter {
    /// A limiter that never sends faster than `max_rps`, starting at it; without one it
    /// starts at [`DEFAULT_START_RPS`] and may grow to [`DEFAULT_MAX_RPS`].
    pub fn new(max_rps: Option<f64>) -> RateLimiter {
        let start = max_rps.unwrap_or(DEFAULT_START_RPS).max(MIN_RPS);
        RateLimiter {
            max_rps: max_rps.unwrap_or(DEFAULT_MAX_RPS).max(MIN_RPS),
            rate: start,
            next_at: f64::MIN,
            paused_until: f64::MIN,
        }
    }

    /// The current rate, in requests per second.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Reserves the next slot for a request at `now_ms`: how long to wait before sending it.
    pub fn reserve(&mut self, now_ms: f64) -> f64 {
        let at = now_ms.max(self.next_at).max(self.paused_until);
        self.next_at = at + 1000.0 / self.rate;
        at - now_ms
    }

    /// A request was throttled at `now_ms`; the server asked to wait `server_wait_ms`.
    pub fn on_throttled(&mut self, now_ms: f64, server_wait_ms: Option<f64>) {
        self.rate = (self.rate * BACKOFF).max(MIN_RPS);
        let pause = server_wait_ms.unwrap_or(1000.0 / self.rate);
        self.paused_until = self.paused_until.max(now_ms + pause);
    }

    /// A request got through: one more request per second after about a second of them.
    pub fn on_success(&mut self) {
        self.rate = (self.rate + 1.0 / self.rate).min(self.max_rps);
    }
}

/// What an earlier run's journal says about one instance.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resumed {
    /// The last clientToken written before an OpenHttps: that call may have been sent, so
    /// any further OpenHttps for the instance must use it.
    pub client_token: Option<String>,
    /// The run recorded HTTPS on (a new run confirms with one DescribeInstance).
    pub done: bool,
}

/// An earlier run's journal, read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Journal {
    /// Per instance id, sorted by id ([`Journal::get`] finds one by binary search; a sorted
    /// list is far smaller in wasm than a `BTreeMap`).
    pub instances: Vec<(String, Resumed)>,
    /// Records read.
    pub records: usize,
    /// A torn record (a crash mid-write) was dropped: the last line, or the start of a line
    /// that a later append joined to it.
    pub torn_last_line: bool,
}

impl Journal {
    /// Reads journal lines (JSON, one record a line; empty lines ignored). A last line that is
    /// not a record is dropped and reported (`torn_last_line`); any other unreadable line is
    /// an error: a lost record could be a clientToken, and resuming without it could apply a
    /// change twice.
    pub fn read<'a>(lines: impl IntoIterator<Item = &'a str>) -> Result<Journal, Error> {
        let lines: Vec<&str> = lines.into_iter().filter(|l| !l.trim().is_empty()).collect();
        let mut journal = Journal::default();
        for (i, line) in lines.iter().enumerate() {
            let object = |text: &str| json::parse(text).filter(|v| matches!(v, Value::Object(_)));
            let mut record = object(line);
            // A torn record with the next append's line joined to it (the file had no line
            // break after the fragment): the fragment is dropped, the whole record kept. Every
            // record starts with `{"at":`.
            if record.is_none() {
                if let Some(at) = crate::text::rfind(line, RECORD_START).filter(|at| *at > 0) {
                    record = object(&line[at..]);
                    journal.torn_last_line |= record.is_some();
                }
            }
            let Some(record) = record else {
                if i + 1 == lines.len() {
                    journal.torn_last_line = true;
                    break;
                }
                let msg = cat!(
                    "journal line ",
                    i + 1,
                    " of ",
                    lines.len(),
                    " is not a record; only the last line may be torn (by a crash while it \
                     was written). Fix or remove that line to resume"
                );
                return Err(Error::invalid(codes::INVALID_ARGUMENT, "journal", msg));
            };
            journal.records += 1;
            let text = |k: &str| record.get(k).and_then(Value::as_str);
            let Some(id) = text("instanceId") else {
                continue; // a run-level record
            };
            let at = match journal.position(id) {
                Ok(at) => at,
                Err(at) => {
                    journal
                        .instances
                        .insert(at, (id.to_owned(), Resumed::default()));
                    at
                }
            };
            let entry = &mut journal.instances[at].1;
            match text("event") {
                Some("token") => entry.client_token = text("clientToken").map(str::to_owned),
                Some("done") => entry.done = true,
                _ => {}
            }
        }
        Ok(journal)
    }

    /// What the journal says about `instance_id`.
    pub fn get(&self, instance_id: &str) -> Option<&Resumed> {
        let at = self.position(instance_id).ok()?;
        Some(&self.instances[at].1)
    }

    /// Where `instance_id` is in `instances`, or where it would go.
    fn position(&self, instance_id: &str) -> Result<usize, usize> {
        self.instances
            .binary_search_by(|(id, _)| id.as_str().cmp(instance_id))
    }
}

/// How every record's text starts.
const RECORD_START: &str = "{\"at\":";

/// A journal record, as one JSON line (no line break).
pub struct Record;

impl Record {
    /// Written (and flushed) before an OpenHttps that may be sent with `client_token`.
    pub fn token(at_ms: f64, instance_id: &str, client_token: &str) -> String {
        Self::base(at_ms, instance_id, "token")
            .string("clientToken", client_token)
            .finish()
    }

    /// A change of phase (`checking`, `waiting`, `opening`, `activating`).
    pub fn phase(at_ms: f64, instance_id: &str, phase: &str, status: Option<&str>) -> String {
        Self::base(at_ms, instance_id, "phase")
            .string("phase", phase)
            .optional("status", status)
            .finish()
    }

    /// HTTPS is on.
    pub fn done(at_ms: f64, instance_id: &str, changed: bool, request_id: Option<&str>) -> String {
        Self::base(at_ms, instance_id, "done")
            .boolean("changed", changed)
            .optional("requestId", request_id)
            .finish()
    }

    /// The instance failed (or cannot be changed) with `code`.
    pub fn failed(at_ms: f64, instance_id: &str, code: &str, message: &str) -> String {
        Self::base(at_ms, instance_id, "failed")
            .string("code", code)
            .string("message", message)
            .finish()
    }

    fn base(at_ms: f64, instance_id: &str, event: &str) -> ObjectWriter {
        let mut w = ObjectWriter::new();
        w.number("at", at_ms.max(0.0) as u64)
            .string("instanceId", instance_id)
            .string("event", event);
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(status: &str, protocol: &str, client_node: Option<bool>) -> Instance {
        Instance {
            instance_id: "es-1".into(),
            status: status.into(),
            protocol: protocol.into(),
            description: None,
            es_version: None,
            have_client_node: client_node,
        }
    }

    #[test]
    fn the_plan_follows_the_described_state() {
        assert_eq!(
            Plan::of(&instance("active", "HTTPS", Some(false))),
            Plan::Skip
        );
        assert_eq!(
            Plan::of(&instance("active", "HTTP", Some(true))),
            Plan::Open
        );
        assert_eq!(Plan::of(&instance("active", "HTTP", None)), Plan::Open);
        assert_eq!(
            Plan::of(&instance("active", "HTTP", Some(false))),
            Plan::NoClientNode
        );
        assert_eq!(
            Plan::of(&instance("activating", "HTTP", Some(true))),
            Plan::Busy
        );
        assert_eq!(
            Plan::of(&instance("upgrading", "HTTP", Some(true))),
            Plan::Busy
        );
        assert_eq!(
            Plan::of(&instance("inactive", "HTTP", Some(true))),
            Plan::NotActive
        );
        assert_eq!(
            Plan::of(&instance("invalid", "HTTPS", Some(true))),
            Plan::NotActive
        );
        assert_eq!(Plan::NoClientNode.name(), "cannot");
        assert_eq!(Plan::NotActive.refusal(), Some(codes::INSTANCE_NOT_ACTIVE));
        assert_eq!(Plan::Open.refusal(), None);
    }

    #[test]
    fn requests_are_spaced_at_the_rate() {
        let mut r = RateLimiter::new(Some(10.0));
        assert_eq!(r.reserve(0.0), 0.0);
        assert_eq!(r.reserve(0.0), 100.0);
        assert_eq!(r.reserve(0.0), 200.0);
        // Idle time is not banked: after a pause the next request goes at once.
        assert_eq!(r.reserve(1_000.0), 0.0);
        assert_eq!(r.reserve(1_000.0), 100.0);
    }

    #[test]
    fn throttling_slows_everyone_and_success_recovers_gradually() {
        let mut r = RateLimiter::new(Some(20.0));
        assert_eq!(r.rate(), 20.0);
        r.on_throttled(0.0, Some(500.0));
        assert_eq!(r.rate(), 17.0);
        // Every request waits for the server's pause.
        assert!(r.reserve(0.0) >= 500.0);
        assert!(r.reserve(100.0) >= 400.0);
        for _ in 0..17 {
            r.on_success();
        }
        assert!(
            (17.9..18.1).contains(&r.rate()),
            "about +1 rps per second of successes: {}",
            r.rate()
        );
        for _ in 0..1_000 {
            r.on_success();
        }
        assert_eq!(r.rate(), 20.0, "never past maxRps");
        for _ in 0..100 {
            r.on_throttled(0.0, None);
        }
        assert_eq!(r.rate(), MIN_RPS);
        assert_eq!(RateLimiter::new(None).rate(), DEFAULT_START_RPS);
        assert_eq!(
            RateLimiter::new(Some(50.0)).rate(),
            50.0,
            "a given maximum is where it starts"
        );
    }

    #[test]
    fn the_journal_gives_tokens_and_done_instances() {
        let lines = [
            Record::token(1.0, "es-a", "T-a"),
            Record::phase(2.0, "es-a", "activating", Some("activating")),
            Record::done(3.0, "es-a", true, Some("R")),
            Record::token(4.0, "es-b", "T-b1"),
            Record::failed(5.0, "es-b", "Timeout", "no answer"),
            Record::token(6.0, "es-b", "T-b2"),
            String::from(r#"{"event":"run","at":0}"#),
            String::new(),
            // Before the others in id order: found wherever it was recorded.
            Record::token(7.0, "es-0", "T-0"),
        ];
        let j = Journal::read(lines.iter().map(String::as_str)).unwrap();
        assert_eq!(j.records, 8);
        let ids: Vec<&str> = j.instances.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["es-0", "es-a", "es-b"]);
        assert_eq!(j.get("es-0").unwrap().client_token.as_deref(), Some("T-0"));
        assert!(!j.torn_last_line);
        assert_eq!(
            j.get("es-a"),
            Some(&Resumed {
                client_token: Some("T-a".into()),
                done: true
            })
        );
        assert_eq!(
            j.get("es-b").unwrap().client_token.as_deref(),
            Some("T-b2"),
            "the last token wins"
        );
        assert!(!j.get("es-b").unwrap().done);
        assert_eq!(j.get("es-c"), None);
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_reported_any_other_bad_line_refused() {
        let good = Record::token(1.0, "es-a", "T-a");
        let j = Journal::read([good.as_str(), r#"{"at":2,"instanceId":"es-b","ev"#]).unwrap();
        assert!(j.torn_last_line);
        assert_eq!(j.records, 1);
        assert!(j.get("es-b").is_none());
        let e = Journal::read([r#"{"at":2,"inst"#, good.as_str()]).unwrap_err();
        assert_eq!(e.field, Some("journal"));
        assert!(e.message.contains("line 1 of 2"), "{}", e.message);
        assert_eq!(Journal::read([]).unwrap(), Journal::default());
        // The torn fragment with the next record appended to it on the same line.
        let joined = format!(
            r#"{{"at":2,"instanceId":"es-b","ev{}"#,
            Record::token(3.0, "es-c", "T-c")
        );
        let j = Journal::read([good.as_str(), joined.as_str(), good.as_str()]).unwrap();
        assert!(j.torn_last_line);
        assert_eq!(j.records, 3);
        assert_eq!(
            j.get("es-c").unwrap().client_token.as_deref(),
            Some("T-c"),
            "the joined record is kept"
        );
    }

    #[test]
    fn records_are_single_json_lines() {
        for line in [
            Record::token(1.5, "es-a", "T\n\"x"),
            Record::failed(1.0, "es-a", "Code", "line\nbreak"),
            Record::done(1.0, "es-a", false, None),
        ] {
            assert!(!line.contains('\n'), "{line}");
            assert!(json::parse(&line).is_some(), "{line}");
        }
        assert_eq!(
            Record::done(7.0, "es-a", true, Some("R")),
            r#"{"at":7,"instanceId":"es-a","event":"done","changed":true,"requestId":"R"}"#
        );
    }
}
