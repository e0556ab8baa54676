// Fleet mode: `Client.prototype.ensureHttpsAll`, HTTPS on for every instance of a target.
// Plans first (one DescribeInstance each, after the list's pages when no ids are given), then
// runs `concurrency` ensures at once, every request of the run paced by one rate limiter, each
// OpenHttps preceded by a journal record of its clientToken.
//
// The split: what is decided is the core's fleet module, through two wasms: fleet mode's own
// (crates/fleet, loaded on first use) reads the earlier journal (`__journal`), plans each
// instance (`__plan`) and writes the journal's records (`__record`); the main one paces the
// run (`__limiter`, crates/wasm/src/steps.rs) and makes each change an ensure (`__ensureFrom`,
// crates/wasm/src/ensure.rs). This file runs the workers, with the driver's `run` and `drive`
// (driver.js), and reports: events, outcomes, the summary. Shared by the Node entry (in
// top-level.cjs, like driver.js) and the browser entry, where it is a module of its own
// (pkg/fleet.js, with fleet mode's wasm glue and fleet-init.js) loaded on the first
// ensureHttpsAll (browser-init.js).

/**
 * Fleet mode's `ensureHttpsAll` (a `Client` method). `w`: the main wasm's exports; `fw`:
 * fleet mode's own wasm's (crates/fleet: `__journal`, `__plan`, `__record`); `driver`: what
 * `installDriver` returned; `lib`: `FLEET_LIB` of options.js (this file is its own module in
 * the browser: see browser-init.js and fleet-init.js).
 */
function fleetMode(w, fw, driver, lib) {
  const {
    optionError, optionOf, rejectUnknown, stringOption, numberOption, wholeOption, booleanOption,
    functionOption, signalOption, instanceIdArg, describeThrown, openHttpsError, MAX_ENSURE_WAIT_MS,
  } = lib;
  /** Kinds of journal record (crates/fleet/src/exports.rs, `__record`). */
  const TOKEN_RECORD = 0;
  const PHASE_RECORD = 1;
  const DONE_RECORD = 2;
  const FAILED_RECORD = 3;
  const RUN_RECORD = 4;

  /**
   * The target and options of `ensureHttpsAll`: `{ instanceIds (deduplicated, in order; null:
   * every instance listed), description, concurrency, maxRps, dryRun, waitTimeoutMs,
   * pollIntervalMs, onEvent, confirm, signal, load, append }`. `checkId` checks an id's form.
   */
  function fleetArgs(target, options, checkId) {
    const args = {
      instanceIds: null,
      description: undefined,
      concurrency: 4,
      maxRps: undefined,
      dryRun: false,
      waitTimeoutMs: 3_600_000,
      pollIntervalMs: 10_000,
    };
    if (target != null) {
      if (typeof target !== 'object' || Array.isArray(target)) {
        throw optionError('InvalidArgument', 'target', 'the target must be an object such as { instanceIds } or { description }');
      }
      rejectUnknown(target, ['instanceIds', 'description'], 'InvalidArgument', 'target');
      args.description = stringOption(target, 'description', 'InvalidArgument');
      const ids = optionOf(target, 'instanceIds');
      if (ids != null) {
        if (!Array.isArray(ids)) throw optionError('InvalidArgument', 'instanceIds', 'instanceIds must be an array of instance ids');
        const seen = [];
        for (const id of ids) {
          checkId(instanceIdArg(id));
          if (!seen.includes(id)) seen.push(id);
        }
        args.instanceIds = seen;
      }
    }
    if (options == null) return args;
    const keys = ['concurrency', 'maxRps', 'dryRun', 'pollIntervalMs', 'waitTimeoutMs', 'onEvent', 'signal', 'journal', 'confirm'];
    args.signal = signalOption(options, keys);
    args.concurrency = wholeOption(options, 'concurrency', 1, 64) ?? 4;
    args.maxRps = numberOption(options, 'maxRps', 1, 10_000, 'InvalidArgument');
    args.dryRun = booleanOption(options, 'dryRun') ?? false;
    args.waitTimeoutMs = numberOption(options, 'waitTimeoutMs', 1, MAX_ENSURE_WAIT_MS, 'InvalidArgument') ?? args.waitTimeoutMs;
    args.pollIntervalMs = numberOption(options, 'pollIntervalMs', 1, 3_600_000, 'InvalidArgument') ?? args.pollIntervalMs;
    args.onEvent = functionOption(options, 'onEvent', 'InvalidArgument', 'onEvent must be a function');
    args.confirm = functionOption(options, 'confirm', 'InvalidArgument', 'confirm must be a function');
    const journal = optionOf(options, 'journal');
    if (journal != null) {
      const load = optionOf(journal, 'load');
      const append = optionOf(journal, 'append');
      if (typeof load !== 'function' || typeof append !== 'function') {
        throw optionError('InvalidArgument', 'journal', 'journal must be { load(): lines, append(line) }: load returns the earlier lines (an array, a text, or a Promise of either)');
      }
      args.load = load;
      args.append = append;
    }
    return args;
  }

  /** `target[key]`, or `undefined` when it is not an object or its getter throws. */
  const get = (target, key) => {
    if (target === null || (typeof target !== 'object' && typeof target !== 'function')) return undefined;
    try {
      return target[key];
    } catch {
      return undefined;
    }
  };

  /** An `InvalidArgument` OpenHttpsError about the journal. */
  const journalError = (message) => {
    const e = openHttpsError('InvalidArgument', message);
    e.field = 'journal';
    return e;
  };

  /** A random UUID v4, upper-case (random.rs, `uuid_v4`): a new clientToken. */
  const uuid = () => {
    const b = new Uint8Array(16);
    try {
      crypto.getRandomValues(b);
    } catch {
      const e = openHttpsError('UnsupportedRuntime', 'this runtime has no secure random number generator (crypto.getRandomValues)');
      e.field = 'crypto';
      throw e;
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };

  /**
   * What happened to one instance, as events and the summary give it (optional keys left out
   * when absent). `outcome`: `https`, `failed`, `cannot`, `interrupted`, or (dry run)
   * `planned`; `resumed`: an earlier run recorded a clientToken for it.
   */
  const outcomeJson = (o, type) => {
    const j = {};
    if (type !== undefined) j.type = type;
    j.instanceId = o.instanceId;
    j.outcome = o.outcome;
    if (o.plan !== undefined) j.plan = o.plan;
    j.changed = o.changed;
    j.elapsedMs = o.elapsedMs;
    if (typeof o.requestId === 'string') j.requestId = o.requestId;
    if (typeof o.code === 'string') j.code = o.code;
    if (typeof o.message === 'string') j.message = o.message;
    j.resumed = o.resumed;
    return j;
  };

  /** A new outcome; `extra` sets `changed`, `elapsedMs`, `requestId`, `code`, `message`. */
  const outcome = (instanceId, name, plan, extra) => ({
    instanceId,
    outcome: name,
    plan,
    changed: false,
    elapsedMs: 0,
    requestId: undefined,
    code: undefined,
    message: undefined,
    resumed: false,
    ...extra,
  });

  /** A failed outcome, from the OpenHttpsError `err`. */
  const failedOutcome = (instanceId, plan, err, elapsedMs = 0) => {
    const code = get(err, 'code');
    const message = get(err, 'message');
    return outcome(instanceId, 'failed', plan, {
      elapsedMs,
      code: typeof code === 'string' ? code : 'InvalidArgument',
      message: typeof message === 'string' ? message : describeThrown(err),
      requestId: get(err, 'requestId'),
    });
  };

  /**
   * `ensureHttpsAll(target, options)`: `{ total, https, changed, failed, cannot, interrupted,
   * planned, dryRun, stopped, elapsedMs, results }`. Rejects with an OpenHttpsError only
   * before the run (bad arguments, an unreadable journal, a failed listing).
   */
  async function ensureHttpsAll(target, options) {
    const args = fleetArgs(target, options, w.__checkInstanceId);
    const { onEvent, confirm, signal, load, append, dryRun } = args;
    // Its own handle on the configuration: the caller may free its client meanwhile.
    const own = driver.shared(this);
    const client = driver.handleOf(own);
    const custom = w.__fetch(client);
    let limiter;
    try {
      /** Whether the caller stopped the run (read from the signal itself). */
      const stopped = () => Boolean(get(signal, 'aborted'));
      const emit = (event) => onEvent && driver.callIgnoring(onEvent, event);

      // The clientTokens an earlier run may have sent with.
      let journal = { records: 0, tornLastLine: false, tokens: {} };
      if (load) {
        let loaded;
        try {
          loaded = load.call(undefined);
        } catch (e) {
          throw journalError(`journal.load() threw: ${describeThrown(e)}`);
        }
        try {
          loaded = await loaded;
        } catch (e) {
          throw journalError(`journal.load() failed: ${describeThrown(e)}`);
        }
        // The lines as one text: an array's elements are lines (anything but a string, an empty
        // one); nothing is an empty journal.
        let text;
        try {
          text = Array.isArray(loaded) ? loaded.map((line) => (typeof line === 'string' ? line : '')).join('\n') : loaded ?? '';
        } catch (e) {
          throw journalError(`journal.load() gave lines that cannot be read: ${describeThrown(e)}`);
        }
        if (typeof text !== 'string') throw journalError('journal.load() must give the lines as an array or a text');
        journal = JSON.parse(fw.__journal(text));
        if (journal.error !== undefined) throw journalError(journal.error);
      }
      const tokenOf = (id) => (Object.prototype.hasOwnProperty.call(journal.tokens, id) ? journal.tokens[id] : undefined);
      const resumed = (id) => tokenOf(id) !== undefined;

      // Every request of the run at one pace; the stop ends a wait for a slot.
      limiter = w.__limiter(args.maxRps ?? 0);
      const pace = { limiter, stop: signal };

      const ids = args.instanceIds ?? (await listAll(client, custom, args.description, pace));
      const startedAt = Date.now();
      /** In target order: the plan's look at each instance (`{ instance, plan, code }` or `{ error }`), and outcomes. */
      const described = new Array(ids.length).fill(undefined);
      const outcomes = new Array(ids.length).fill(undefined);
      /** Indexes of the instances to change, in order. */
      const toChange = [];
      /** Plan-phase work and then change-phase work: the index of the next item. */
      let next = 0;

      /**
       * Appends a line to the journal; returns what `append` returned (a Promise to await
       * before an OpenHttps), or throws an OpenHttpsError. A dry run records nothing.
       */
      const record = (line) => {
        if (!append || dryRun) return undefined;
        try {
          return append.call(undefined, line);
        } catch (e) {
          throw journalError(`the journal could not be written: ${describeThrown(e)}`);
        }
      };
      /**
       * Appends a record nobody waits for (phases, outcomes: a resume re-checks those with a
       * DescribeInstance anyway); an `append` that fails for it is ignored, rejection included.
       */
      const note = (line) => {
        try {
          const returned = record(line);
          if (returned && typeof returned.then === 'function') returned.then(undefined, () => {});
        } catch {
          // ignored: see above
        }
      };
      /** Sets the outcome of instance `index` and reports it. */
      const set = (index, o) => {
        o.resumed = resumed(o.instanceId);
        emit(outcomeJson(o, 'result'));
        outcomes[index] = o;
      };
      const interrupted = (id, plan) => outcome(id, 'interrupted', plan, { resumed: resumed(id) });
      const planOf = (index) => described[index]?.plan;
      const count = (name) => outcomes.filter((o) => o?.outcome === name).length;

      emit({ type: 'start', total: ids.length, journalRecords: journal.records, journalTornLastLine: journal.tornLastLine });
      note(fw.__record(RUN_RECORD, Date.now(), JSON.stringify(['']), false, ids.length));

      /** Takes the next instance to look at until there is none (or the run is stopped). */
      const planWorker = async () => {
        for (;;) {
          const index = next;
          if (index >= ids.length || stopped()) return;
          next = index + 1;
          const id = ids[index];
          let look;
          try {
            const h = w.__call(client, 2, id, undefined, 0, 0, undefined);
            await driver.run(h, custom, undefined, pace);
            const instance = w.__finish(h);
            const [plan, code] = fw.__plan(JSON.stringify([instance.status, instance.protocol]), instance.haveClientNode).split(':');
            look = { instance, plan, code };
          } catch (e) {
            // Stopped while waiting for a slot: not looked at (the request was not sent).
            if (get(e, 'code') === 'Aborted') return;
            look = { error: e };
          }
          if (look.instance) {
            // Its plan, as soon as it was looked at.
            const event = { type: 'plan', instanceId: id, plan: look.plan, status: look.instance.status, protocol: look.instance.protocol };
            if (look.code !== undefined) event.code = look.code;
            event.resumed = resumed(id);
            emit(event);
          }
          described[index] = look;
        }
      };

      /**
       * Decides what to do with each instance looked at: the outcome of those not to change,
       * and the list of those to change (each `interrupted` when the run was stopped first).
       */
      const decide = () => {
        for (let index = 0; index < ids.length; index++) {
          const id = ids[index];
          const look = described[index];
          if (!look) {
            set(index, interrupted(id, undefined));
          } else if (look.error) {
            set(index, failedOutcome(id, undefined, look.error));
          } else if (look.plan === 'skip') {
            note(fw.__record(DONE_RECORD, Date.now(), JSON.stringify([id]), false, 0));
            set(index, outcome(id, 'https', look.plan));
          } else if (look.plan === 'cannot') {
            const clientNodes = look.code === 'HttpsNeedClientNode' ? ' without client nodes' : '';
            const message = `not changed: the instance is ${look.instance.status}${clientNodes}`;
            note(fw.__record(FAILED_RECORD, Date.now(), JSON.stringify([id, look.code, message]), false, 0));
            set(index, outcome(id, 'cannot', look.plan, { code: look.code, message }));
          } else if (dryRun) {
            set(index, outcome(id, 'planned', look.plan));
          } else if (stopped()) {
            set(index, interrupted(id, look.plan));
          } else {
            toChange.push(index);
          }
        }
      };

      /** Runs one instance's ensure, from its plan's look at it. */
      const change = async (index) => {
        const id = ids[index];
        const { instance, plan } = described[index];
        // The token an earlier run may have sent with, or a new one; checked as OpenHttps takes it.
        let token = tokenOf(id);
        try {
          token ??= uuid();
          w.__drop(w.__call(client, 0, id, token, 0, 0, undefined));
        } catch (e) {
          return set(index, failedOutcome(id, plan, e));
        }
        const e = w.__ensureFrom(client, JSON.stringify([id, token, instance.status, instance.protocol]), args.waitTimeoutMs, args.pollIntervalMs, instance.haveClientNode);
        let lastPhase = 'checking';
        const progress = () => {
          const event = w.__ensureProgress(e, 'phase');
          const { phase, status } = event;
          emit(event);
          if (phase !== lastPhase) {
            lastPhase = phase;
            note(fw.__record(PHASE_RECORD, Date.now(), JSON.stringify([id, phase, status]), false, 0));
          }
        };
        // The clientToken is on record (and flushed, when append returns a Promise) before
        // the OpenHttps that may carry it leaves: a crash after this point resumes with it.
        const beforeOpen = () => {
          const returned = record(fw.__record(TOKEN_RECORD, Date.now(), JSON.stringify([id, token]), false, 0));
          if (returned instanceof Promise) {
            return returned.then(undefined, (err) => {
              throw journalError(`the journal could not be written: ${describeThrown(err)}`);
            });
          }
          return undefined;
        };
        progress();
        let stop = false;
        let failure;
        let done;
        try {
          stop = await driver.drive(e, custom, signal, pace, progress, beforeOpen);
        } catch (err) {
          failure = err; // the journal could not be written
        }
        const elapsedMs = w.__ensureProgress(e, undefined)?.elapsedMs ?? 0;
        try {
          done = w.__ensureFinish(e, stop || failure !== undefined);
        } catch (err) {
          if (!stop && failure === undefined) failure = err;
        }
        if (failure !== undefined) {
          const o = failedOutcome(id, plan, failure, elapsedMs);
          note(fw.__record(FAILED_RECORD, Date.now(), JSON.stringify([id, o.code, o.message]), false, 0));
          set(index, o);
        } else if (stop) {
          set(index, outcome(id, 'interrupted', plan, { elapsedMs }));
        } else {
          note(fw.__record(DONE_RECORD, Date.now(), JSON.stringify([id, done.requestId]), done.changed, 0));
          set(index, outcome(id, 'https', plan, { changed: done.changed, requestId: done.requestId, elapsedMs }));
        }
      };

      /** Takes the next instance to change until there is none (or the run is stopped). */
      const changeWorker = async () => {
        for (;;) {
          const at = next;
          if (at >= toChange.length) return;
          next = at + 1;
          const index = toChange[at];
          if (stopped()) set(index, interrupted(ids[index], planOf(index)));
          else await change(index);
        }
      };

      /** Runs `n` workers of `work`, and waits for all of them. */
      const workers = (n, work) => Promise.all(Array.from({ length: n }, work));

      // The plan: one look at every instance, many at once (reads only).
      await workers(Math.max(args.concurrency, 8), planWorker);
      decide();
      const planned = {
        type: 'planned',
        toChange: dryRun ? count('planned') : toChange.length,
        https: count('https'),
        cannot: count('cannot'),
        failed: count('failed'),
        interrupted: count('interrupted'),
      };
      emit({ ...planned });
      if (!dryRun && !stopped() && toChange.length > 0) {
        if (await confirmed(confirm, { ...planned })) {
          next = 0;
          await workers(args.concurrency, changeWorker);
        } else {
          // Nothing changes, and every instance to change says so.
          for (const index of toChange) {
            const o = interrupted(ids[index], planOf(index));
            o.code = 'NotConfirmed';
            o.message = 'confirm() declined the changes';
            set(index, o);
          }
        }
      }

      const results = outcomes.map((o, i) => outcomeJson(o ?? outcome(ids[i], 'interrupted', undefined)));
      return {
        total: ids.length,
        https: count('https'),
        changed: outcomes.filter((o) => o?.changed).length,
        failed: count('failed'),
        cannot: count('cannot'),
        interrupted: count('interrupted') + outcomes.filter((o) => o === undefined).length,
        planned: count('planned'),
        dryRun,
        stopped: stopped(),
        elapsedMs: Math.max(0, Date.now() - startedAt),
        results,
      };
    } finally {
      if (limiter !== undefined) w.__dropLimiter(limiter);
      own.free();
    }
  }

  /**
   * Asks `confirm(planned)` (a boolean, or a Promise of one); no `confirm`: yes. Only `true`
   * is a yes: a failing `confirm`, or any other answer (`"yes"`, `1`), is a no.
   */
  async function confirmed(confirm, planned) {
    if (!confirm) return true;
    try {
      return (await confirm.call(undefined, planned)) === true;
    } catch {
      return false;
    }
  }

  /**
   * Every instance id (whose description contains `description`), page after page, on
   * configuration handle `client`.
   */
  async function listAll(client, custom, description, pace) {
    const ids = [];
    for (let page = 1; page !== null; ) {
      const h = w.__call(client, 4, undefined, undefined, page, 100, description);
      await driver.run(h, custom, undefined, pace);
      const result = w.__finish(h);
      for (const instance of result.instances) ids.push(instance.instanceId);
      page = result.next;
    }
    return ids;
  }

  return ensureHttpsAll;
}
