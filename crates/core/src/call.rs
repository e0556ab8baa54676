//! One call's state machine: when to send, how long to wait, when to stop — from what happened
//! and the time, with no I/O. The wasm layer performs each [`Step`] and reports back.
//!
//! ```text
//! start ──▶ Send ──answer──▶ Done
//!             │  ╰─error─▶ Wait ──resume──▶ Send …     (retryable, attempts and time left)
//!             │  ╰─InvalidTimeStamp.Expired─▶ Send      (clock corrected, once, at once)
//!             ╰────────────────────────────────────▶ Fail (otherwise, or aborted)
//! ```
//!
//! Every attempt reuses the request's clientToken with a fresh nonce and date, so however many
//! attempts a call takes, a change is applied at most once.

use crate::credentials::Credentials;
use crate::error::{codes, Error};
use crate::operation::Shape;
use crate::prelude::*;
use crate::response::{self, Response};
use crate::retry::{self, RetryPolicy, MAX_SERVER_WAIT_MS};
use crate::signing::SignedRequest;

/// Default time for one attempt (request and whole answer).
pub const DEFAULT_TIMEOUT_MS: f64 = 10_000.0;

/// How a call retries and how long it may take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CallPolicy {
    /// Attempts and backoff.
    pub retry: RetryPolicy,
    /// Time for one attempt: credentials, request and the whole answer.
    pub timeout_ms: f64,
    /// Time for the whole call, retries and waits included.
    pub deadline_ms: Option<f64>,
}

impl Default for CallPolicy {
    fn default() -> Self {
        CallPolicy {
            retry: RetryPolicy::default(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
            deadline_ms: None,
        }
    }
}

/// An HTTP answer: the status, the whole body, and the headers the call reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The whole body as text.
    pub body: String,
    /// `Date`: the server's clock, for correcting ours after `InvalidTimeStamp.Expired`.
    pub date: Option<String>,
    /// `x-acs-retry-after` (milliseconds).
    pub x_acs_retry_after: Option<String>,
    /// `Retry-After` (seconds or an HTTP date).
    pub retry_after: Option<String>,
}

/// What the caller does next.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Get the credentials, sign at the current time plus [`Call::clock_offset_ms`] with a
    /// fresh nonce, send, and read the whole answer — all within `timeout_ms`; then report
    /// the answer ([`Call::on_answer`]) or the failure ([`Call::on_failure`]).
    Send {
        /// Time for this attempt (the attempt timeout, or less when the deadline is nearer).
        timeout_ms: f64,
    },
    /// Wait this long, then [`Call::resume`].
    Wait {
        /// Milliseconds.
        ms: f64,
    },
    /// The call succeeded.
    Done(Success),
    /// The call failed; the error lists every attempt.
    Fail(Error),
}

/// A successful call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Success {
    /// The answer, in the operation's shape.
    pub response: Response,
    /// Requests sent, the successful one included (a clock correction's resend counts).
    pub attempts: u32,
}

/// The state of one call.
#[derive(Clone, Debug)]
pub struct Call {
    shape: Shape,
    policy: CallPolicy,
    deadline_at: Option<f64>,
    clock_offset_ms: f64,
    clock_corrected: bool,
    sent: u32,
    history: Vec<String>,
    /// The last answer was throttling, with the wait the server asked for (if any).
    throttled: Option<Option<f64>>,
}

impl Call {
    /// A call of an operation whose answer has `shape`, starting at `now_ms`, signing with
    /// `clock_offset_ms` added to the local clock (what the client learnt before).
    pub fn new(shape: Shape, policy: CallPolicy, clock_offset_ms: f64, now_ms: f64) -> Call {
        Call {
            shape,
            policy,
            deadline_at: policy.deadline_ms.map(|d| now_ms + d),
            clock_offset_ms,
            clock_corrected: false,
            sent: 0,
            history: Vec::new(),
            throttled: None,
        }
    }

    /// What to add to the local clock when signing: learnt from the server's `Date` after an
    /// `InvalidTimeStamp.Expired`. The client keeps it for its later calls.
    pub fn clock_offset_ms(&self) -> f64 {
        self.clock_offset_ms
    }

    /// Requests sent so far.
    pub fn attempts(&self) -> u32 {
        self.sent
    }

    /// Whether the last answer was throttling, and the wait the server asked for: for a rate
    /// limiter shared by many calls ([`crate::fleet::RateLimiter`]). Cleared by reading.
    pub fn take_throttled(&mut self) -> Option<Option<f64>> {
        self.throttled.take()
    }

    /// The first step, and the step after a [`Step::Wait`]: send, unless the deadline passed.
    pub fn resume(&mut self, now_ms: f64) -> Step {
        let left = self.deadline_at.map(|d| d - now_ms);
        if left.is_some_and(|left| left <= 0.0) {
            let ms = self.policy.deadline_ms.unwrap_or(0.0) as u64;
            let msg = cat!("the deadline of ", ms, " ms passed");
            return self.fail(Error::timeout(msg));
        }
        self.sent += 1;
        Step::Send {
            timeout_ms: left.map_or(self.policy.timeout_ms, |l| l.min(self.policy.timeout_ms)),
        }
    }

    /// The attempt got an answer. `sent` and `credentials` are what it was signed with: our
    /// side of a `SignatureDoesNotMatch` is attached, and echoed secrets are taken out.
    pub fn on_answer(
        &mut self,
        answer: &Answer,
        sent: &SignedRequest,
        credentials: &Credentials,
        now_ms: f64,
        random_unit: f64,
    ) -> Step {
        let mut err = match response::parse(self.shape, answer.status, &answer.body) {
            Ok(response) => {
                return Step::Done(Success {
                    response,
                    attempts: self.sent,
                })
            }
            Err(e) => e,
        };
        // Our clock is off: learn the server's from its Date header and resend at once, once.
        if err.code == codes::TIME_STAMP_EXPIRED && !self.clock_corrected {
            if let Some(offset) = answer
                .date
                .as_deref()
                .and_then(|d| retry::clock_offset_ms(d, now_ms))
            {
                self.clock_offset_ms = offset;
                self.clock_corrected = true;
                self.history.push(retry::describe_attempt(&err));
                return self.resume(now_ms);
            }
        }
        if err.code == codes::SIGNATURE_DOES_NOT_MATCH {
            err.string_to_sign = Some(sent.signed_text.clone());
        }
        // A gateway's SignatureDoesNotMatch message repeats its string-to-sign, which holds the
        // STS token we sent; a proxy's error page may echo our headers.
        err.redact(&sent.secrets(credentials));
        let server_wait = retry::server_wait_ms(
            answer.x_acs_retry_after.as_deref(),
            answer.retry_after.as_deref(),
            now_ms,
        );
        if err.code.starts_with("Throttling") || err.http_status == Some(429) {
            self.throttled = Some(server_wait);
        }
        self.decide(err, server_wait, now_ms, random_unit)
    }

    /// The attempt ended without an answer: no credentials, a network error, a timeout.
    pub fn on_failure(&mut self, err: Error, now_ms: f64, random_unit: f64) -> Step {
        self.decide(err, None, now_ms, random_unit)
    }

    /// The caller aborted: stop with `Aborted`, listing the attempts made.
    pub fn on_abort(&mut self) -> Step {
        self.fail(Error::aborted())
    }

    fn decide(&mut self, mut err: Error, server_wait: Option<f64>, now: f64, unit: f64) -> Step {
        self.history.push(retry::describe_attempt(&err));
        // The clock correction's resend is not counted against maxAttempts.
        let counted = self.sent - u32::from(self.clock_corrected);
        let left = self.deadline_at.map(|d| d - now);
        match self
            .policy
            .retry
            .next_delay(&err, counted, server_wait, unit, left)
        {
            Some(ms) => Step::Wait { ms },
            None => {
                if let Some(wait) =
                    server_wait.filter(|w| *w > MAX_SERVER_WAIT_MS && err.retryable())
                {
                    err.message = cat!(
                        err.message,
                        " (the server asked to wait ",
                        wait as u64,
                        " ms before retrying; we wait at most ",
                        MAX_SERVER_WAIT_MS as u64,
                        " ms)"
                    );
                }
                self.fail(err)
            }
        }
    }

    fn fail(&mut self, mut err: Error) -> Step {
        if self.history.len() > 1 {
            err.message = cat!(
                err.message,
                " (",
                self.history.len(),
                " attempts: ",
                self.history.join("; "),
                ")"
            );
        }
        err.attempts = core::mem::take(&mut self.history);
        Step::Fail(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::operation::Request;
    use crate::signing::{sign, SignatureVersion};
    use crate::Endpoint;

    const T0: f64 = 1_775_030_400_000.0; // 2026-04-01T08:00:00Z

    fn creds() -> Credentials {
        Credentials::new("STS.id", "s3cret", Some("sts-token-value")).unwrap()
    }

    fn signed() -> SignedRequest {
        let request = Request::open_https("es-1", Some("tok")).unwrap();
        let endpoint = Endpoint::parse("127.0.0.1:1").unwrap();
        sign(
            &request,
            &endpoint,
            &creds(),
            SignatureVersion::V3,
            T0 as i64,
            "n",
        )
    }

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            body: body.into(),
            ..Answer::default()
        }
    }

    fn ok() -> Answer {
        answer(200, r#"{"RequestId":"R-ok","Result":true}"#)
    }

    fn unavailable() -> Answer {
        answer(
            503,
            r#"{"RequestId":"R-503","Code":"ServiceUnavailable","Message":"busy"}"#,
        )
    }

    fn call(policy: CallPolicy) -> Call {
        Call::new(Shape::Accepted, policy, 0.0, T0)
    }

    /// Feeds `answers` in order (`None`: a network failure), waiting as told; returns the steps.
    fn run(c: &mut Call, answers: &[Option<Answer>]) -> (Vec<Step>, f64) {
        let mut now = T0;
        let mut steps = vec![c.resume(now)];
        for a in answers {
            assert!(matches!(steps.last(), Some(Step::Send { .. })), "{steps:?}");
            let step = match a {
                Some(a) => c.on_answer(a, &signed(), &creds(), now, 0.5),
                None => c.on_failure(Error::network("refused"), now, 0.5),
            };
            steps.push(step.clone());
            if let Step::Wait { ms } = step {
                now += ms;
                steps.push(c.resume(now));
            }
        }
        (steps, now)
    }

    fn fail(steps: &[Step]) -> &Error {
        match steps.last() {
            Some(Step::Fail(e)) => e,
            other => panic!("not a failure: {other:?}"),
        }
    }

    #[test]
    fn success_at_the_first_attempt() {
        let mut c = call(CallPolicy::default());
        let (steps, _) = run(&mut c, &[Some(ok())]);
        assert_eq!(
            steps[0],
            Step::Send {
                timeout_ms: DEFAULT_TIMEOUT_MS
            }
        );
        let Step::Done(s) = &steps[1] else {
            panic!("{steps:?}")
        };
        assert_eq!((s.attempts, s.response.request_id()), (1, "R-ok"));
    }

    #[test]
    fn retryable_errors_wait_with_jittered_backoff_then_succeed() {
        let mut c = call(CallPolicy::default());
        let (steps, now) = run(&mut c, &[Some(unavailable()), None, Some(ok())]);
        // Full jitter with a random 0.5: half of 200 ms, then half of 400 ms.
        assert_eq!(steps[1], Step::Wait { ms: 100.0 });
        assert_eq!(steps[3], Step::Wait { ms: 200.0 });
        assert_eq!(now, T0 + 300.0);
        let Some(Step::Done(s)) = steps.last() else {
            panic!("{steps:?}")
        };
        assert_eq!(s.attempts, 3);
    }

    #[test]
    fn attempts_run_out_and_the_error_lists_them() {
        let mut c = call(CallPolicy::default());
        let (steps, _) = run(&mut c, &[Some(unavailable()), Some(unavailable()), None]);
        let e = fail(&steps);
        assert_eq!(e.code, codes::NETWORK_ERROR);
        assert_eq!(
            e.attempts,
            [
                "ServiceUnavailable (HTTP 503, RequestId R-503)",
                "ServiceUnavailable (HTTP 503, RequestId R-503)",
                "NetworkError"
            ]
        );
        assert!(e.message.ends_with("(3 attempts: ServiceUnavailable (HTTP 503, RequestId R-503); ServiceUnavailable (HTTP 503, RequestId R-503); NetworkError)"), "{}", e.message);
    }

    #[test]
    fn one_attempt_means_no_retry() {
        let policy = CallPolicy {
            retry: RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            },
            ..CallPolicy::default()
        };
        let mut c = call(policy);
        let (steps, _) = run(&mut c, &[Some(unavailable())]);
        let e = fail(&steps);
        assert_eq!(
            (e.code.as_str(), e.attempts.len()),
            ("ServiceUnavailable", 1)
        );
        assert_eq!(e.message, "busy", "a single attempt adds no list");
    }

    #[test]
    fn client_errors_fail_at_once_with_the_service_words() {
        let mut c = call(CallPolicy::default());
        let body = r#"{"RequestId":"R","Code":"InstanceNotFound","Message":"The instanceId provided does not exist."}"#;
        let (steps, _) = run(&mut c, &[Some(answer(400, body))]);
        let e = fail(&steps);
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            (
                "InstanceNotFound",
                "The instanceId provided does not exist."
            )
        );
        assert_eq!(e.kind, ErrorKind::Service);
    }

    #[test]
    fn the_deadline_bounds_each_attempt_and_every_wait() {
        let policy = CallPolicy {
            deadline_ms: Some(250.0),
            ..CallPolicy::default()
        };
        let mut c = call(policy);
        assert_eq!(
            c.resume(T0),
            Step::Send { timeout_ms: 250.0 },
            "the deadline is nearer"
        );
        // 100 ms of backoff fits, then at T0 + 200 the next attempt has 50 ms left.
        let s = c.on_answer(&unavailable(), &signed(), &creds(), T0 + 100.0, 0.5);
        assert_eq!(s, Step::Wait { ms: 100.0 });
        assert_eq!(c.resume(T0 + 200.0), Step::Send { timeout_ms: 50.0 });
        // A 200 ms backoff would end past the deadline: stop with the last error.
        let s = c.on_answer(&unavailable(), &signed(), &creds(), T0 + 210.0, 0.5);
        let Step::Fail(e) = s else { panic!("{s:?}") };
        assert_eq!(e.code, "ServiceUnavailable");
        // Resuming after the deadline is a Timeout.
        let mut c = call(policy);
        let _ = c.resume(T0);
        let _ = c.on_failure(Error::network("x"), T0, 0.0);
        let s = c.resume(T0 + 250.0);
        let Step::Fail(e) = s else { panic!("{s:?}") };
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            (codes::TIMEOUT, "the deadline of 250 ms passed")
        );
        assert_eq!(e.attempts, ["NetworkError"]);
    }

    #[test]
    fn the_server_wait_is_honoured_up_to_a_bound() {
        let throttled = |retry_after: &str| Answer {
            x_acs_retry_after: Some(retry_after.into()),
            ..answer(
                400,
                r#"{"RequestId":"R","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#,
            )
        };
        let mut c = call(CallPolicy::default());
        let _ = c.resume(T0);
        assert_eq!(
            c.on_answer(&throttled("1500"), &signed(), &creds(), T0, 0.5),
            Step::Wait { ms: 1500.0 }
        );
        // An hour: give up at once with the server's error, saying why.
        let mut c = call(CallPolicy::default());
        let _ = c.resume(T0);
        let s = c.on_answer(&throttled("3600000"), &signed(), &creds(), T0, 0.5);
        let Step::Fail(e) = s else { panic!("{s:?}") };
        assert_eq!(e.code, "Throttling.User");
        assert!(
            e.message.contains("asked to wait 3600000 ms"),
            "{}",
            e.message
        );
        // Retry-After as a date an hour ahead is the same.
        let mut c = call(CallPolicy::default());
        let _ = c.resume(T0);
        let late = Answer {
            retry_after: Some("Wed, 01 Apr 2026 09:00:00 GMT".into()),
            ..unavailable()
        };
        assert!(matches!(
            c.on_answer(&late, &signed(), &creds(), T0, 0.5),
            Step::Fail(_)
        ));
    }

    #[test]
    fn a_clock_error_corrects_the_clock_and_resends_once_uncounted() {
        let expired = Answer {
            date: Some("Wed, 01 Apr 2026 08:20:00 GMT".into()),
            ..answer(
                400,
                r#"{"RequestId":"R-t","Code":"InvalidTimeStamp.Expired","Message":"skew"}"#,
            )
        };
        let policy = CallPolicy {
            retry: RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            },
            ..CallPolicy::default()
        };
        let mut c = call(policy);
        let _ = c.resume(T0);
        assert_eq!(
            c.on_answer(&expired, &signed(), &creds(), T0, 0.5),
            Step::Send {
                timeout_ms: DEFAULT_TIMEOUT_MS
            }
        );
        assert_eq!(
            c.clock_offset_ms(),
            1_200_000.0,
            "the server is 20 minutes ahead"
        );
        // maxAttempts 1 still allows this resend; a second clock error is final.
        let s = c.on_answer(&expired, &signed(), &creds(), T0, 0.5);
        let Step::Fail(e) = s else { panic!("{s:?}") };
        assert_eq!(
            (e.code.as_str(), e.attempts.len()),
            (codes::TIME_STAMP_EXPIRED, 2)
        );
        // After the correction, maxAttempts 1 allows no other retry, and success counts both.
        let mut c = call(policy);
        let _ = c.resume(T0);
        let _ = c.on_answer(&expired, &signed(), &creds(), T0, 0.5);
        assert!(matches!(
            c.on_answer(&unavailable(), &signed(), &creds(), T0, 0.5),
            Step::Fail(_)
        ));
        let mut c = call(policy);
        let _ = c.resume(T0);
        let _ = c.on_answer(&expired, &signed(), &creds(), T0, 0.5);
        let Step::Done(s) = c.on_answer(&ok(), &signed(), &creds(), T0, 0.5) else {
            panic!()
        };
        assert_eq!(s.attempts, 2);
        // Without a Date header there is nothing to learn from.
        let mut c = call(CallPolicy::default());
        let _ = c.resume(T0);
        let no_date = Answer {
            date: None,
            ..expired
        };
        assert!(matches!(
            c.on_answer(&no_date, &signed(), &creds(), T0, 0.5),
            Step::Fail(_)
        ));
    }

    #[test]
    fn a_nonce_seen_twice_is_retried_with_a_fresh_one() {
        let used = answer(
            400,
            r#"{"RequestId":"R","Code":"SignatureNonceUsed","Message":"Specified signature nonce was used already."}"#,
        );
        let mut c = call(CallPolicy::default());
        let (steps, _) = run(&mut c, &[None, Some(used), Some(ok())]);
        let Some(Step::Done(s)) = steps.last() else {
            panic!("{steps:?}")
        };
        assert_eq!(s.attempts, 3);
    }

    #[test]
    fn signature_mismatch_shows_both_sides_without_secrets() {
        let body = r#"{"RequestId":"R","Code":"SignatureDoesNotMatch","Message":"Specified signature does not match our calculation. server string to sign is:POST\n/x\nx-acs-security-token:sts-token-value"}"#;
        let mut c = call(CallPolicy::default());
        let (steps, _) = run(&mut c, &[Some(answer(400, body))]);
        let e = fail(&steps);
        let ours = e.string_to_sign.as_deref().unwrap();
        assert!(
            ours.starts_with("POST\n/openapi/instances/es-1/actions/open-https\n"),
            "{ours}"
        );
        for text in [
            ours,
            &e.message,
            e.server_string_to_sign.as_deref().unwrap(),
        ] {
            assert!(
                !text.contains("sts-token-value") && !text.contains("s3cret"),
                "{text}"
            );
            assert!(!text.contains(&signed().signature));
        }
        assert!(ours.contains("x-acs-security-token:<redacted>"));
    }

    #[test]
    fn abort_stops_with_the_attempts_so_far() {
        let mut c = call(CallPolicy::default());
        let _ = c.resume(T0);
        let _ = c.on_answer(&unavailable(), &signed(), &creds(), T0, 0.5);
        let Step::Fail(e) = c.on_abort() else {
            panic!()
        };
        assert_eq!(e.code, codes::ABORTED);
        assert_eq!(
            e.attempts,
            ["ServiceUnavailable (HTTP 503, RequestId R-503)"],
            "the abort is no attempt"
        );
        assert!(!e.retryable());
    }

    #[test]
    fn answers_are_read_in_the_operation_shape() {
        let mut c = Call::new(Shape::Instance, CallPolicy::default(), 0.0, T0);
        let _ = c.resume(T0);
        let body = r#"{"RequestId":"R","Result":{"instanceId":"es-1","status":"activating","protocol":"HTTP"}}"#;
        let Step::Done(s) = c.on_answer(&answer(200, body), &signed(), &creds(), T0, 0.5) else {
            panic!()
        };
        assert!(
            matches!(s.response, Response::Instance { ref instance, .. } if instance.status == "activating")
        );
        // A boolean Result is malformed for Describe, and not retried.
        let mut c = Call::new(Shape::Instance, CallPolicy::default(), 0.0, T0);
        let _ = c.resume(T0);
        let s = c.on_answer(&ok(), &signed(), &creds(), T0, 0.5);
        assert!(
            matches!(s, Step::Fail(ref e) if e.code == codes::MALFORMED_RESPONSE),
            "{s:?}"
        );
    }
}
