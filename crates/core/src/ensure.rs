//! `ensureHttps` as a state machine: observed state in, next step out — Describe, OpenHttps,
//! wait, done or fail. No I/O: the wasm layer runs each step (each a whole call with its own
//! retries, see [`crate::call`]) and reports what it saw.
//!
//! ```text
//! Describe ─▶ active + HTTPS ─────────────────────────────▶ Done (changed: false)
//!    │     ─▶ activating (or a status we do not know) ──▶ Wait ─▶ Describe …
//!    │     ─▶ inactive / invalid ───────────────────────────▶ Fail InstanceNotActive
//!    ╰─▶ active + HTTP ─▶ OpenHttps (one clientToken for the whole ensure)
//!            ├─ accepted ─▶ Wait ─▶ Describe … until active + HTTPS ─▶ Done (changed: true)
//!            ├─ busy (InstanceActivating, …) ─▶ Wait ─▶ Describe …
//!            ├─ Result: false ─▶ Fail OpenHttpsRejected
//!            ╰─ another error ─▶ Fail (the service's code, e.g. HttpsNeedClientNode)
//! ```
//!
//! Every wait ends at `waitTimeoutMs` with `WaitTimeout`, naming the last status seen.

use crate::error::{codes, Error, ErrorKind};
use crate::prelude::*;
use crate::response::Instance;

/// Default for `waitTimeoutMs`: an hour (real activations take minutes).
pub const DEFAULT_WAIT_TIMEOUT_MS: f64 = 60.0 * 60.0 * 1000.0;
/// Default for `pollIntervalMs`.
pub const DEFAULT_POLL_INTERVAL_MS: f64 = 10_000.0;

/// Service codes that mean "not now": the instance is busy with a change, so wait, look
/// again, and retry the same clientToken.
const BUSY: [&str; 4] = [
    "InstanceActivating",
    "ConcurrencyUpdateInstanceConflict",
    "InstanceStatusNotSupportCurrentAction",
    "TokenPreviousRequestProcessError",
];

/// How an ensure runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EnsureOptions {
    /// Resolve only once the instance is active and serves HTTPS (default); `false`: once
    /// OpenHttps was accepted (or nothing needed changing).
    pub wait: bool,
    /// Longest time to wait in all, from the start.
    pub wait_timeout_ms: f64,
    /// Time between two DescribeInstance polls.
    pub poll_interval_ms: f64,
}

impl Default for EnsureOptions {
    fn default() -> Self {
        EnsureOptions {
            wait: true,
            wait_timeout_ms: DEFAULT_WAIT_TIMEOUT_MS,
            poll_interval_ms: DEFAULT_POLL_INTERVAL_MS,
        }
    }
}

/// Where an ensure is, for progress reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Looking at the instance before deciding.
    Checking,
    /// The instance is busy with another change: waiting until it is active.
    Waiting,
    /// Sending OpenHttps.
    Opening,
    /// OpenHttps was accepted: waiting until the instance is active and serves HTTPS.
    Activating,
    /// HTTPS is on (or, without waiting, the change was accepted).
    Done,
}

impl Phase {
    /// The name used in progress events.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Checking => "checking",
            Phase::Waiting => "waiting",
            Phase::Opening => "opening",
            Phase::Activating => "activating",
            Phase::Done => "done",
        }
    }
}

/// What the caller does next.
#[derive(Clone, Debug, PartialEq)]
pub enum EnsureStep {
    /// Run DescribeInstance, then [`Ensure::on_described`] or [`Ensure::on_error`].
    Describe,
    /// Run OpenHttps with the ensure's clientToken, then [`Ensure::on_opened`] or
    /// [`Ensure::on_error`].
    Open,
    /// Wait this long, then [`Ensure::resume`].
    Wait {
        /// Milliseconds.
        ms: f64,
    },
    /// Finished.
    Done(Ensured),
    /// Failed.
    Fail(Error),
}

/// A finished ensure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ensured {
    /// Whether this ensure's OpenHttps was accepted (`false`: HTTPS was already on).
    pub changed: bool,
    /// The last status seen.
    pub status: String,
    /// The last protocol seen (`HTTPS` unless `wait` was off).
    pub protocol: String,
    /// The RequestId of the accepted OpenHttps, when one was sent.
    pub request_id: Option<String>,
    /// DescribeInstance calls made.
    pub polls: u32,
}

/// The state of one ensure.
#[derive(Clone, Debug)]
pub struct Ensure {
    options: EnsureOptions,
    started_at: f64,
    phase: Phase,
    /// The RequestId of the accepted OpenHttps, once accepted.
    opened: Option<String>,
    polls: u32,
    status: Option<String>,
    protocol: Option<String>,
    /// The code of the last look that failed and was polled through, until one succeeds.
    failing: Option<String>,
}

impl Ensure {
    /// An ensure starting at `now_ms`.
    pub fn new(options: EnsureOptions, now_ms: f64) -> Ensure {
        Ensure {
            options,
            started_at: now_ms,
            phase: Phase::Checking,
            opened: None,
            polls: 0,
            status: None,
            protocol: None,
            failing: None,
        }
    }

    /// The first step: look at the instance.
    pub fn start(&mut self) -> EnsureStep {
        self.polls += 1;
        EnsureStep::Describe
    }

    /// Where the ensure is now.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The last status and protocol seen.
    pub fn last_seen(&self) -> (Option<&str>, Option<&str>) {
        (self.status.as_deref(), self.protocol.as_deref())
    }

    /// Milliseconds since the start.
    pub fn elapsed_ms(&self, now_ms: f64) -> f64 {
        (now_ms - self.started_at).max(0.0)
    }

    /// After a [`EnsureStep::Wait`]: look again, unless the time is up.
    pub fn resume(&mut self, now_ms: f64) -> EnsureStep {
        if self.elapsed_ms(now_ms) >= self.options.wait_timeout_ms {
            return EnsureStep::Fail(self.timed_out());
        }
        self.polls += 1;
        EnsureStep::Describe
    }

    /// DescribeInstance answered.
    pub fn on_described(&mut self, instance: &Instance, now_ms: f64) -> EnsureStep {
        self.failing = None;
        self.status = Some(instance.status.clone());
        self.protocol = Some(instance.protocol.clone());
        if instance.is_https_active() {
            return self.done();
        }
        match instance.status.as_str() {
            "inactive" | "invalid" => {
                let msg = cat!(
                    "instance ",
                    instance.instance_id,
                    " is ",
                    instance.status,
                    ": HTTPS can only be turned on for an active instance"
                );
                EnsureStep::Fail(Error::new(
                    ErrorKind::Service,
                    codes::INSTANCE_NOT_ACTIVE,
                    msg,
                ))
            }
            // Active over HTTP. Right after our call the service may still show this for a
            // while: keep polling then, never open twice.
            "active" if self.opened.is_some() => self.wait(Phase::Activating, now_ms),
            "active" => {
                self.phase = Phase::Opening;
                EnsureStep::Open
            }
            // `activating` or a status we do not know (kept as the service says it): not
            // ready for a change, and not a failure either.
            _ if self.opened.is_some() => self.wait(Phase::Activating, now_ms),
            _ => self.wait(Phase::Waiting, now_ms),
        }
    }

    /// OpenHttps answered `Result` with `request_id`.
    pub fn on_opened(&mut self, result: bool, request_id: &str, now_ms: f64) -> EnsureStep {
        if !result {
            let msg = "the service answered OpenHttps with Result: false: HTTPS was not turned on";
            let err = Error {
                request_id: Some(request_id.into()),
                ..Error::new(ErrorKind::Service, codes::OPEN_HTTPS_REJECTED, msg)
            };
            return EnsureStep::Fail(err);
        }
        self.opened = Some(request_id.into());
        if !self.options.wait {
            return self.done();
        }
        // What was seen before the change no longer holds: the next look says.
        self.status = None;
        self.protocol = None;
        self.wait(Phase::Activating, now_ms)
    }

    /// A DescribeInstance or OpenHttps call failed (after its own retries).
    pub fn on_error(&mut self, err: Error, now_ms: f64) -> EnsureStep {
        let busy = BUSY.contains(&err.code.as_str());
        // Transient trouble while we poll or wait is not the end: look again later, within
        // the wait timeout. The same clientToken makes a repeated OpenHttps safe.
        if busy || (err.retryable() && self.phase != Phase::Checking) {
            if !busy {
                self.failing = Some(err.code.clone());
            }
            let phase = match self.opened {
                Some(_) => Phase::Activating,
                None => Phase::Waiting,
            };
            return self.wait(phase, now_ms);
        }
        EnsureStep::Fail(err)
    }

    fn wait(&mut self, phase: Phase, now_ms: f64) -> EnsureStep {
        self.phase = phase;
        let left = self.options.wait_timeout_ms - self.elapsed_ms(now_ms);
        if left <= 0.0 {
            return EnsureStep::Fail(self.timed_out());
        }
        EnsureStep::Wait {
            ms: self.options.poll_interval_ms.min(left),
        }
    }

    fn done(&mut self) -> EnsureStep {
        self.phase = Phase::Done;
        EnsureStep::Done(Ensured {
            changed: self.opened.is_some(),
            status: self.status.clone().unwrap_or_default(),
            protocol: self.protocol.clone().unwrap_or_default(),
            request_id: self.opened.clone(),
            polls: self.polls,
        })
    }

    fn timed_out(&self) -> Error {
        let (status, protocol) = self.last_seen();
        let mut msg = cat!(
            "HTTPS was not on within ",
            self.options.wait_timeout_ms as u64,
            " ms; last seen: status ",
            status.unwrap_or("unknown"),
            ", protocol ",
            protocol.unwrap_or("unknown")
        );
        if let Some(code) = &self.failing {
            msg.push_str("; the last looks failed with ");
            msg.push_str(code);
        }
        if self.opened.is_some() {
            msg.push_str(
                "; OpenHttps was accepted, so the change may still complete: check again later \
                 (repeating with the same clientToken is safe)",
            );
        }
        Error {
            request_id: self.opened.clone(),
            ..Error::new(ErrorKind::Timeout, codes::WAIT_TIMEOUT, msg)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLL: f64 = 50.0;

    fn options() -> EnsureOptions {
        EnsureOptions {
            wait: true,
            wait_timeout_ms: 1_000.0,
            poll_interval_ms: POLL,
        }
    }

    fn instance(status: &str, protocol: &str) -> Instance {
        Instance {
            instance_id: "es-1".into(),
            status: status.into(),
            protocol: protocol.into(),
            description: None,
            es_version: None,
            have_client_node: Some(true),
        }
    }

    fn service(code: &str, status: u16) -> Error {
        Error {
            http_status: Some(status),
            ..Error::new(ErrorKind::Service, code, "m")
        }
    }

    #[test]
    fn already_https_is_done_without_opening() {
        let mut e = Ensure::new(options(), 0.0);
        assert_eq!(e.start(), EnsureStep::Describe);
        let EnsureStep::Done(d) = e.on_described(&instance("active", "HTTPS"), 10.0) else {
            panic!()
        };
        assert_eq!((d.changed, d.polls, d.request_id), (false, 1, None));
        assert_eq!(e.phase(), Phase::Done);
    }

    #[test]
    fn http_opens_once_then_polls_through_lag_and_activation() {
        let mut e = Ensure::new(options(), 0.0);
        e.start();
        assert_eq!(
            e.on_described(&instance("active", "HTTP"), 0.0),
            EnsureStep::Open
        );
        assert_eq!(e.phase(), Phase::Opening);
        assert_eq!(
            e.on_opened(true, "R-open", 5.0),
            EnsureStep::Wait { ms: POLL }
        );
        assert_eq!(e.phase(), Phase::Activating);
        // The service still shows active + HTTP right after the call: not done, no 2nd open.
        assert_eq!(e.resume(55.0), EnsureStep::Describe);
        assert_eq!(
            e.on_described(&instance("active", "HTTP"), 60.0),
            EnsureStep::Wait { ms: POLL }
        );
        assert_eq!(e.resume(110.0), EnsureStep::Describe);
        assert_eq!(
            e.on_described(&instance("activating", "HTTP"), 115.0),
            EnsureStep::Wait { ms: POLL }
        );
        assert_eq!(e.resume(165.0), EnsureStep::Describe);
        let EnsureStep::Done(d) = e.on_described(&instance("active", "HTTPS"), 170.0) else {
            panic!()
        };
        assert_eq!((d.changed, d.polls), (true, 4));
        assert_eq!(d.request_id.as_deref(), Some("R-open"));
        assert_eq!(
            (d.status.as_str(), d.protocol.as_str()),
            ("active", "HTTPS")
        );
    }

    #[test]
    fn a_busy_instance_is_waited_for_first() {
        let mut e = Ensure::new(options(), 0.0);
        e.start();
        assert_eq!(
            e.on_described(&instance("activating", "HTTP"), 0.0),
            EnsureStep::Wait { ms: POLL }
        );
        assert_eq!(e.phase(), Phase::Waiting);
        assert_eq!(e.resume(50.0), EnsureStep::Describe);
        assert_eq!(
            e.on_described(&instance("active", "HTTP"), 50.0),
            EnsureStep::Open
        );
        // Someone else's change finishing with HTTPS on also ends it, unchanged.
        let mut e = Ensure::new(options(), 0.0);
        e.start();
        e.on_described(&instance("activating", "HTTP"), 0.0);
        e.resume(50.0);
        let EnsureStep::Done(d) = e.on_described(&instance("active", "HTTPS"), 50.0) else {
            panic!()
        };
        assert!(!d.changed);
    }

    #[test]
    fn unknown_statuses_are_waited_on_not_failed() {
        let mut e = Ensure::new(options(), 0.0);
        e.start();
        assert_eq!(
            e.on_described(&instance("upgrading", "HTTP"), 0.0),
            EnsureStep::Wait { ms: POLL }
        );
    }

    #[test]
    fn inactive_and_invalid_fail_with_their_status() {
        for status in ["inactive", "invalid"] {
            let mut e = Ensure::new(options(), 0.0);
            e.start();
            let EnsureStep::Fail(err) = e.on_described(&instance(status, "HTTP"), 0.0) else {
                panic!()
            };
            assert_eq!(err.code, codes::INSTANCE_NOT_ACTIVE);
            assert!(err.message.contains(status), "{}", err.message);
            assert!(!err.retryable());
        }
    }

    #[test]
    fn busy_answers_to_open_wait_and_look_again() {
        for code in BUSY {
            let mut e = Ensure::new(options(), 0.0);
            e.start();
            e.on_described(&instance("active", "HTTP"), 0.0);
            assert_eq!(
                e.on_error(service(code, 400), 0.0),
                EnsureStep::Wait { ms: POLL },
                "{code}"
            );
            assert_eq!(e.phase(), Phase::Waiting);
            assert_eq!(e.resume(50.0), EnsureStep::Describe);
            assert_eq!(
                e.on_described(&instance("active", "HTTP"), 50.0),
                EnsureStep::Open,
                "same token again"
            );
        }
    }

    #[test]
    fn service_refusals_surface_with_their_code() {
        let mut e = Ensure::new(options(), 0.0);
        e.start();
        e.on_described(&instance("active", "HTTP"), 0.0);
        let EnsureStep::Fail(err) = e.on_error(service("HttpsNeedClientNode", 400), 0.0) else {
            panic!()
        };
        assert_eq!(err.code, "HttpsNeedClientNode");
        // Result: false is a refusal too.
        let mut e = Ensure::new(options(), 0.0);
        e.start();
        e.on_described(&instance("active", "HTTP"), 0.0);
        let EnsureStep::Fail(err) = e.on_opened(false, "R-no", 0.0) else {
            panic!()
        };
        assert_eq!(
            (err.code.as_str(), err.request_id.as_deref()),
            (codes::OPEN_HTTPS_REJECTED, Some("R-no"))
        );
    }

    #[test]
    fn transient_errors_while_polling_are_polled_through() {
        let mut e = Ensure::new(options(), 0.0);
        e.start();
        e.on_described(&instance("active", "HTTP"), 0.0);
        e.on_opened(true, "R", 0.0);
        e.resume(50.0);
        assert_eq!(
            e.on_error(service("ServiceUnavailable", 503), 50.0),
            EnsureStep::Wait { ms: POLL }
        );
        assert_eq!(
            e.on_error(service("Throttling.User", 400), 100.0),
            EnsureStep::Wait { ms: POLL }
        );
        assert_eq!(
            e.on_error(Error::network("reset"), 150.0),
            EnsureStep::Wait { ms: POLL }
        );
        assert_eq!(e.phase(), Phase::Activating);
        // …but a first look that fails for good is the answer (a wrong id, a wrong key).
        let mut e = Ensure::new(options(), 0.0);
        e.start();
        let EnsureStep::Fail(err) = e.on_error(service("InstanceNotFound", 400), 0.0) else {
            panic!()
        };
        assert_eq!(err.code, "InstanceNotFound");
        let mut e = Ensure::new(options(), 0.0);
        e.start();
        assert!(
            matches!(
                e.on_error(service("ServiceUnavailable", 503), 0.0),
                EnsureStep::Fail(_)
            ),
            "the call already retried it"
        );
    }

    #[test]
    fn the_wait_timeout_ends_it_naming_the_last_state() {
        let mut e = Ensure::new(options(), 0.0);
        e.start();
        e.on_described(&instance("active", "HTTP"), 0.0);
        e.on_opened(true, "R-open", 0.0);
        // The last wait is cut to the time left.
        e.resume(900.0);
        assert_eq!(
            e.on_described(&instance("activating", "HTTP"), 980.0),
            EnsureStep::Wait { ms: 20.0 }
        );
        let EnsureStep::Fail(err) = e.resume(1_000.0) else {
            panic!()
        };
        assert_eq!(err.code, codes::WAIT_TIMEOUT);
        assert!(
            err.message.contains("status activating, protocol HTTP"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("may still complete"),
            "{}",
            err.message
        );
        assert_eq!(err.request_id.as_deref(), Some("R-open"));
        // Stuck before any change: no promise about a change.
        let mut e = Ensure::new(options(), 0.0);
        e.start();
        e.on_described(&instance("activating", "HTTP"), 0.0);
        let EnsureStep::Fail(err) = e.resume(1_000.0) else {
            panic!()
        };
        assert!(
            !err.message.contains("may still complete"),
            "{}",
            err.message
        );
    }

    #[test]
    fn without_wait_it_ends_once_accepted() {
        let mut e = Ensure::new(
            EnsureOptions {
                wait: false,
                ..options()
            },
            0.0,
        );
        e.start();
        e.on_described(&instance("active", "HTTP"), 0.0);
        let EnsureStep::Done(d) = e.on_opened(true, "R", 0.0) else {
            panic!()
        };
        assert!(d.changed);
        assert_eq!(
            d.protocol, "HTTP",
            "what was last seen, not what is hoped for"
        );
    }
}
