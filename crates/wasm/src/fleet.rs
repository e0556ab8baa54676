//! `ensureHttpsAll`: HTTPS on for every instance of a target. Plans first (one
//! DescribeInstance each, or the list's pages), then runs `concurrency` ensures at once,
//! every request of the run paced by one rate limiter, each OpenHttps preceded by a journal
//! record of its clientToken. The decisions (plan, pace, resume) are the core's
//! [`aliyun_es_https_core::fleet`]; this module runs the workers.

use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};

use aliyun_es_https_core::ensure::{Ensure, Phase};
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::fleet::{Journal, Plan, RateLimiter, Record};
use aliyun_es_https_core::json::ObjectWriter;
use aliyun_es_https_core::operation::{next_page, Request, MAX_PAGE_SIZE};
use aliyun_es_https_core::response::Instance;
use js_sys::{Array, Date, Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::call::Pace;
use crate::client::{list_page, promise, State};
use crate::config::{ClientState, FleetArgs, ListArgs};
use crate::ensure::{describe_once, progress_json, Driver, Ended};
use crate::timer::Trigger;
use crate::{js, random};

/// What happened to one instance.
struct Outcome {
    instance_id: String,
    /// `https`, `failed`, `cannot`, `interrupted`, or (dry run) `planned`.
    outcome: &'static str,
    plan: Option<Plan>,
    changed: bool,
    elapsed_ms: f64,
    request_id: Option<String>,
    code: Option<String>,
    message: Option<String>,
    /// An earlier run recorded a clientToken for it: its OpenHttps may have been that run's.
    resumed: bool,
}

impl Outcome {
    fn new(instance_id: &str, outcome: &'static str, plan: Option<Plan>) -> Outcome {
        Outcome {
            instance_id: instance_id.into(),
            outcome,
            plan,
            changed: false,
            elapsed_ms: 0.0,
            request_id: None,
            code: None,
            message: None,
            resumed: false,
        }
    }

    fn failed(instance_id: &str, plan: Option<Plan>, err: &Error) -> Outcome {
        Outcome {
            code: Some(err.code.clone()),
            message: Some(err.message.clone()),
            request_id: err.request_id.clone(),
            ..Outcome::new(instance_id, "failed", plan)
        }
    }

    fn to_json(&self, kind: Option<&str>) -> String {
        let mut w = ObjectWriter::new();
        w.optional("type", kind)
            .string("instanceId", &self.instance_id)
            .string("outcome", self.outcome)
            .optional("plan", self.plan.map(Plan::name))
            .boolean("changed", self.changed)
            .number("elapsedMs", self.elapsed_ms as u64)
            .optional("requestId", self.request_id.as_deref())
            .optional("code", self.code.as_deref())
            .optional("message", self.message.as_deref())
            .boolean("resumed", self.resumed)
            .finish()
    }
}

/// One run, shared by its workers.
struct Fleet {
    state: Rc<ClientState>,
    args: FleetArgs,
    limiter: RefCell<RateLimiter>,
    stop: Option<Trigger>,
    journal: Journal,
    started_at: f64,
    /// Plan-phase work and then change-phase work: the index of the next item.
    next: Cell<usize>,
    /// In target order: the instance ids, their DescribeInstance answers and outcomes.
    ids: Vec<String>,
    described: RefCell<Vec<Option<Result<Instance, Error>>>>,
    outcomes: RefCell<Vec<Option<Outcome>>>,
    /// Indexes of the instances to change, in order.
    to_change: RefCell<Vec<usize>>,
}

impl Fleet {
    fn stopped(&self) -> bool {
        self.stop.as_ref().is_some_and(Trigger::fired)
    }

    /// Every request of the run goes at this pace; the stop ends a wait for a slot.
    fn pace(&self) -> Pace<'_> {
        Pace {
            limiter: &self.limiter,
            stop: self.stop.as_ref(),
        }
    }

    /// Calls `onEvent` with the JSON `event`.
    fn emit(&self, event: &str) {
        if let Some(f) = &self.args.on_event {
            js::call_ignoring(f, &js::from_json(event));
        }
    }

    /// Appends a line to the journal; returns what `append` returned (a Promise to await
    /// before an OpenHttps), or the error it threw.
    fn record(&self, line: &str) -> Result<JsValue, Error> {
        // A dry run changes nothing, so it has nothing to record.
        let Some((_, append)) = self.args.journal.as_ref().filter(|_| !self.args.dry_run) else {
            return Ok(JsValue::UNDEFINED);
        };
        append
            .call1(&JsValue::UNDEFINED, &JsValue::from_str(line))
            .map_err(|e| {
                let msg = cat!("the journal could not be written: ", js::describe(&e));
                Error::invalid(codes::INVALID_ARGUMENT, "journal", msg)
            })
    }

    /// Whether an earlier run recorded a clientToken for `id` (this run reuses it).
    fn resumed(&self, id: &str) -> bool {
        self.journal
            .get(id)
            .is_some_and(|r| r.client_token.is_some())
    }

    fn interrupted(&self, id: &str, plan: Option<Plan>) -> Outcome {
        let mut o = Outcome::new(id, "interrupted", plan);
        o.resumed = self.resumed(id);
        o
    }

    /// Appends a record nobody waits for (phases, outcomes: a resume re-checks those with a
    /// DescribeInstance anyway); an `append` that fails for it is ignored, rejection included.
    fn note(&self, line: &str) {
        if let Ok(returned) = self.record(line) {
            js::ignore_rejection(&returned);
        }
    }

    fn set(&self, index: usize, mut outcome: Outcome) {
        outcome.resumed = self.resumed(&outcome.instance_id);
        self.emit(&outcome.to_json(Some("result")));
        self.outcomes.borrow_mut()[index] = Some(outcome);
    }
}

/// `ensureHttpsAll`.
pub(crate) fn ensure_https_all(
    state: State,
    target: Option<JsValue>,
    options: Option<JsValue>,
) -> Promise {
    let args = FleetArgs::from_js(target.as_ref(), options.as_ref());
    promise(None, async move {
        let args = args?;
        let state = state?;
        let stop = args.signal.as_ref().map(Trigger::on_abort);
        let journal = match &args.journal {
            Some((load, _)) => load_journal(load).await?,
            None => Journal::default(),
        };
        let limiter = RefCell::new(RateLimiter::new(args.max_rps));
        let ids = match &args.instance_ids {
            Some(ids) => ids.clone(),
            None => {
                let pace = Pace {
                    limiter: &limiter,
                    stop: stop.as_ref(),
                };
                list_all(&state, &args, pace).await?
            }
        };
        let fleet = Rc::new(Fleet {
            state,
            limiter,
            stop,
            journal,
            started_at: Date::now(),
            next: Cell::new(0),
            described: RefCell::new((0..ids.len()).map(|_| None).collect()),
            outcomes: RefCell::new((0..ids.len()).map(|_| None).collect()),
            to_change: RefCell::new(Vec::new()),
            ids,
            args,
        });
        fleet.emit(
            &ObjectWriter::new()
                .string("type", "start")
                .number("total", fleet.ids.len() as u64)
                .number("journalRecords", fleet.journal.records as u64)
                .boolean("journalTornLastLine", fleet.journal.torn_last_line)
                .finish(),
        );
        fleet.note(
            &ObjectWriter::new()
                .number("at", Date::now() as u64)
                .string("event", "run")
                .number("total", fleet.ids.len() as u64)
                .finish(),
        );

        // The plan: one look at every instance, many at once (reads only).
        let planners = fleet.args.concurrency.max(8);
        workers(&fleet, planners, plan_worker).await;
        plan(&fleet);
        let changes = fleet.to_change.borrow().len() as u64;
        let to_change = if fleet.args.dry_run {
            count(&fleet, "planned")
        } else {
            changes
        };
        let planned = ObjectWriter::new()
            .string("type", "planned")
            .number("toChange", to_change)
            .number("https", count(&fleet, "https"))
            .number("cannot", count(&fleet, "cannot"))
            .number("failed", count(&fleet, "failed"))
            .number("interrupted", count(&fleet, "interrupted"))
            .finish();
        fleet.emit(&planned);
        if !fleet.args.dry_run && !fleet.stopped() && changes > 0 {
            if confirmed(&fleet, &planned).await {
                fleet.next.set(0);
                workers(&fleet, fleet.args.concurrency, change_worker).await;
            } else {
                declined(&fleet);
            }
        }
        Ok(summary(&fleet))
    })
}

/// `confirm` said no: nothing changes, and every instance to change says so.
fn declined(fleet: &Fleet) {
    for &index in fleet.to_change.borrow().iter() {
        let id = fleet.ids[index].clone();
        let plan = fleet.described.borrow()[index]
            .as_ref()
            .and_then(|look| look.as_ref().ok())
            .map(Plan::of);
        let mut outcome = fleet.interrupted(&id, plan);
        outcome.code = Some("NotConfirmed".into());
        outcome.message = Some("confirm() declined the changes".into());
        fleet.set(index, outcome);
    }
}

/// Asks `confirm(plan)` (a boolean, or a Promise of one); no `confirm`: yes. Only `true` is
/// a yes: a failing `confirm`, or any other answer (`"yes"`, `1`), is a no.
async fn confirmed(fleet: &Fleet, planned: &str) -> bool {
    let Some(confirm) = &fleet.args.confirm else {
        return true;
    };
    let Ok(answer) = confirm.call1(&JsValue::UNDEFINED, &js::from_json(planned)) else {
        return false;
    };
    matches!(JsFuture::from(Promise::resolve(&answer)).await, Ok(v) if v == JsValue::TRUE)
}

/// Reads the earlier lines (`load()`: an array of lines, a text, or a Promise of either).
async fn load_journal(load: &Function) -> Result<Journal, Error> {
    let bad = |why: String| Error::invalid(codes::INVALID_ARGUMENT, "journal", why);
    let loaded = load
        .call0(&JsValue::UNDEFINED)
        .map_err(|e| bad(cat!("journal.load() threw: ", js::describe(&e))))?;
    let loaded = JsFuture::from(Promise::resolve(&loaded))
        .await
        .map_err(|e| bad(cat!("journal.load() failed: ", js::describe(&e))))?;
    let lines: Vec<String> = if loaded.is_null_or_undefined() {
        Vec::new()
    } else if let Some(text) = loaded.as_string() {
        text.split('\n').map(String::from).collect()
    } else if let Some(list) = loaded.dyn_ref::<Array>() {
        list.iter()
            .map(|l| l.as_string().unwrap_or_default())
            .collect()
    } else {
        return Err(bad(
            "journal.load() must give the lines as an array or a text".into(),
        ));
    };
    Journal::read(lines.iter().map(String::as_str))
}

/// Every instance (whose description contains `description`), page after page.
async fn list_all(
    state: &ClientState,
    args: &FleetArgs,
    pace: Pace<'_>,
) -> Result<Vec<String>, Error> {
    let query = ListArgs {
        page: 1,
        size: MAX_PAGE_SIZE,
        description: args.description.clone(),
        instance_id: None,
        signal: None,
    };
    let mut ids = Vec::new();
    let mut page = Some(1);
    while let Some(p) = page {
        let (instances, total, _) = list_page(state, &query, p, Some(pace)).await?;
        page = next_page(p, query.size, instances.len(), total);
        ids.extend(instances.into_iter().map(|i| i.instance_id));
    }
    Ok(ids)
}

/// Runs `count` workers of `work` over the run, and waits for all of them.
async fn workers(fleet: &Rc<Fleet>, count: u32, work: fn(Rc<Fleet>) -> WorkerFuture) {
    let all = Array::new();
    for _ in 0..count {
        let fleet = fleet.clone();
        all.push(&future_to_promise(async move {
            work(fleet).await;
            Ok(JsValue::UNDEFINED)
        }));
    }
    // Workers never reject: each instance's failure is its outcome.
    let _ = JsFuture::from(Promise::all(&all)).await;
}

type WorkerFuture = core::pin::Pin<alloc::boxed::Box<dyn core::future::Future<Output = ()>>>;

/// Takes the next instance to describe until there is none (or the run is stopped).
fn plan_worker(fleet: Rc<Fleet>) -> WorkerFuture {
    alloc::boxed::Box::pin(async move {
        loop {
            let index = fleet.next.get();
            if index >= fleet.ids.len() || fleet.stopped() {
                return;
            }
            fleet.next.set(index + 1);
            let id = &fleet.ids[index];
            let look = match Request::describe_instance(id) {
                Ok(request) => describe_once(&fleet.state, &request, None, Some(fleet.pace()))
                    .await
                    .map(|(instance, _)| instance),
                Err(e) => Err(e),
            };
            // Stopped while waiting for a slot: not looked at (the request was not sent).
            if matches!(&look, Err(e) if e.code == codes::ABORTED) {
                return;
            }
            if let Ok(instance) = &look {
                emit_plan(&fleet, id, instance);
            }
            fleet.described.borrow_mut()[index] = Some(look);
        }
    })
}

/// Reports the plan of one instance as soon as it was looked at.
fn emit_plan(fleet: &Fleet, id: &str, instance: &Instance) {
    let plan = Plan::of(instance);
    fleet.emit(
        &ObjectWriter::new()
            .string("type", "plan")
            .string("instanceId", id)
            .string("plan", plan.name())
            .string("status", &instance.status)
            .string("protocol", &instance.protocol)
            .optional("code", plan.refusal())
            .boolean("resumed", fleet.resumed(id))
            .finish(),
    );
}

/// Decides what to do with each described instance: the outcome of those not to change, and
/// the list of those to change (each `interrupted` when the run was stopped first).
fn plan(fleet: &Fleet) {
    let described = fleet.described.borrow();
    for (index, look) in described.iter().enumerate() {
        let id = fleet.ids[index].as_str();
        let (plan, status) = match look {
            None => {
                fleet.set(index, fleet.interrupted(id, None));
                continue;
            }
            Some(Err(e)) => {
                fleet.set(index, Outcome::failed(id, None, e));
                continue;
            }
            Some(Ok(instance)) => (Plan::of(instance), &instance.status),
        };
        match plan {
            Plan::Skip => {
                fleet.note(&Record::done(Date::now(), id, false, None));
                fleet.set(index, Outcome::new(id, "https", Some(plan)));
            }
            Plan::NotActive | Plan::NoClientNode => {
                let code = plan.refusal().unwrap_or_default();
                let message = cat!(
                    "not changed: the instance is ",
                    status,
                    if plan == Plan::NoClientNode {
                        " without client nodes"
                    } else {
                        ""
                    }
                );
                fleet.note(&Record::failed(Date::now(), id, code, &message));
                let mut outcome = Outcome::new(id, "cannot", Some(plan));
                outcome.code = Some(code.into());
                outcome.message = Some(message);
                fleet.set(index, outcome);
            }
            Plan::Open | Plan::Busy if fleet.args.dry_run => {
                fleet.set(index, Outcome::new(id, "planned", Some(plan)));
            }
            Plan::Open | Plan::Busy if fleet.stopped() => {
                fleet.set(index, fleet.interrupted(id, Some(plan)));
            }
            Plan::Open | Plan::Busy => fleet.to_change.borrow_mut().push(index),
        }
    }
}

/// Takes the next instance to change until there is none (or the run is stopped).
fn change_worker(fleet: Rc<Fleet>) -> WorkerFuture {
    alloc::boxed::Box::pin(async move {
        loop {
            let at = fleet.next.get();
            let Some(index) = fleet.to_change.borrow().get(at).copied() else {
                return;
            };
            fleet.next.set(at + 1);
            if fleet.stopped() {
                let id = fleet.ids[index].clone();
                let plan = fleet.described.borrow()[index]
                    .as_ref()
                    .and_then(|look| look.as_ref().ok())
                    .map(Plan::of);
                fleet.set(index, fleet.interrupted(&id, plan));
                continue;
            }
            change(&fleet, index).await;
        }
    })
}

/// Runs one instance's ensure, from its plan's DescribeInstance answer.
async fn change(fleet: &Fleet, index: usize) {
    let id = fleet.ids[index].clone();
    let Some(Some(Ok(instance))) = fleet.described.borrow().get(index).cloned() else {
        return;
    };
    let plan = Plan::of(&instance);
    // The token an earlier run may have sent with, or a new one.
    let token = match fleet.journal.get(&id).and_then(|r| r.client_token.clone()) {
        Some(t) => t,
        None => match random::uuid_v4() {
            Ok(t) => t,
            Err(e) => return fleet.set(index, Outcome::failed(&id, Some(plan), &e)),
        },
    };
    let requests = Request::describe_instance(&id)
        .and_then(|d| Request::open_https(&id, Some(&token)).map(|o| (d, o)));
    let (describe, open) = match requests {
        Ok(r) => r,
        Err(e) => return fleet.set(index, Outcome::failed(&id, Some(plan), &e)),
    };
    let last_phase = Cell::new(Phase::Checking);
    let progress = |ensure: &Ensure| {
        fleet.emit(&progress_json(&id, ensure, Some("phase")));
        if ensure.phase() != last_phase.get() {
            last_phase.set(ensure.phase());
            fleet.note(&Record::phase(
                Date::now(),
                &id,
                ensure.phase().name(),
                ensure.last_seen().0,
            ));
        }
    };
    // The clientToken is on record (and flushed, when append returns a Promise) before the
    // OpenHttps that may carry it leaves: a crash after this point resumes with it.
    let before_open = || {
        fleet
            .record(&Record::token(Date::now(), &id, &token))
            .map(|r| r.dyn_into::<Promise>().ok())
    };
    let driver = Driver {
        state: &fleet.state,
        describe,
        open,
        signal: None,
        stop: fleet.stop.as_ref(),
        pace: Some(fleet.pace()),
        progress: &progress,
        before_open: &before_open,
    };
    let mut ensure = Ensure::new(fleet.args.ensure, Date::now());
    let _ = ensure.start();
    let step = ensure.on_described(&instance, Date::now());
    progress(&ensure);
    let ended = driver.drive(&mut ensure, step).await;
    let elapsed_ms = ensure.elapsed_ms(Date::now());
    let outcome = match ended {
        Ended::Done(done) => {
            fleet.note(&Record::done(
                Date::now(),
                &id,
                done.changed,
                done.request_id.as_deref(),
            ));
            Outcome {
                changed: done.changed,
                request_id: done.request_id,
                elapsed_ms,
                ..Outcome::new(&id, "https", Some(plan))
            }
        }
        Ended::Failed(err) => {
            fleet.note(&Record::failed(Date::now(), &id, &err.code, &err.message));
            Outcome {
                elapsed_ms,
                ..Outcome::failed(&id, Some(plan), &err)
            }
        }
        Ended::Stopped => Outcome {
            elapsed_ms,
            ..Outcome::new(&id, "interrupted", Some(plan))
        },
    };
    fleet.set(index, outcome);
}

/// How many instances have the outcome `name` so far.
fn count(fleet: &Fleet, name: &str) -> u64 {
    let outcomes = fleet.outcomes.borrow();
    outcomes
        .iter()
        .flatten()
        .filter(|o| o.outcome == name)
        .count() as u64
}

/// `{ total, https, changed, failed, cannot, interrupted, planned, dryRun, stopped, elapsedMs,
/// results: [...] }`.
fn summary(fleet: &Fleet) -> JsValue {
    let outcomes = fleet.outcomes.borrow();
    let count = |name: &str| {
        outcomes
            .iter()
            .flatten()
            .filter(|o| o.outcome == name)
            .count() as u64
    };
    let mut results = String::from("[");
    for (i, o) in outcomes.iter().enumerate() {
        if i > 0 {
            results.push(',');
        }
        match o {
            Some(o) => results.push_str(&o.to_json(None)),
            None => {
                results.push_str(&Outcome::new(&fleet.ids[i], "interrupted", None).to_json(None))
            }
        }
    }
    results.push(']');
    js::from_json(
        &ObjectWriter::new()
            .number("total", fleet.ids.len() as u64)
            .number("https", count("https"))
            .number(
                "changed",
                outcomes.iter().flatten().filter(|o| o.changed).count() as u64,
            )
            .number("failed", count("failed"))
            .number("cannot", count("cannot"))
            .number(
                "interrupted",
                count("interrupted") + outcomes.iter().filter(|o| o.is_none()).count() as u64,
            )
            .number("planned", count("planned"))
            .boolean("dryRun", fleet.args.dry_run)
            .boolean("stopped", fleet.stopped())
            .number("elapsedMs", (Date::now() - fleet.started_at) as u64)
            .raw("results", &results)
            .finish(),
    )
}
