#!/usr/bin/env node
// aliyun-es-https: turn on HTTPS for an Alibaba Cloud Elasticsearch instance from the shell
// (open-https, optionally --wait until it is on), turn it off (close-https), look at one
// (describe-instance) or at all of a region (list-instances), or make sure HTTPS is on for many
// at once (ensure-https: plan, confirm, journal, resume).
// Shaped like `aliyun elasticsearch open-https --instance-id …` so ops people type what they
// already know. Node ≥ 20, standard library only; the work is done by the package itself.
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  unlinkSync,
} from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';

const BIN = 'aliyun-es-https';

const USAGE = `Usage:
  ${BIN} open-https --instance-id ID [options]
  ${BIN} open-https ID [options]
  ${BIN} open-https --instance-id ID --wait [--wait-timeout MS] [--poll-interval MS] [options]
  ${BIN} close-https --instance-id ID [options]
  ${BIN} close-https ID [options]
  ${BIN} describe-instance --instance-id ID [options]
  ${BIN} list-instances [--description D] [options]
  ${BIN} ensure-https --all [--description D] [fleet options] [options]
  ${BIN} ensure-https --instance-id A --instance-id B … [fleet options] [options]
  ${BIN} ensure-https --instances-file FILE [fleet options] [options]
  ${BIN} --help | --version

Commands:
  open-https          turns on HTTPS for an Alibaba Cloud Elasticsearch instance (the
                      OpenHttps API). The service accepts the change at once and applies it
                      in the background; with --wait, looks at the instance first (nothing is
                      sent if HTTPS is already on) and waits until it is active and serves
                      HTTPS
  close-https         turns off HTTPS (the CloseHttps API), the mirror of open-https: the
                      service accepts the change at once and applies it in the background
  describe-instance   prints the instance's id, status, protocol, description and version
                      (the DescribeInstance API)
  list-instances      lists every instance of the region (all pages of ListInstance),
                      optionally only those whose description contains D: a table of id,
                      status, protocol, version and description, then the count
  ensure-https        makes sure HTTPS is on for many instances: every instance of the region
                      (--all, optionally only those whose description contains D), the ids
                      given (--instance-id, repeatable) or the ids in a file (--instances-file:
                      one or more per line, '#' starts a comment). It plans first (one
                      DescribeInstance each) and prints the plan — skip (HTTPS already on),
                      open, busy (a change in progress: waited for, then opened), cannot
                      (inactive, invalid or without client nodes: reported with its code, not
                      tried), failed (could not be described) — then turns HTTPS on,
                      --concurrency at once, every request paced by one rate limit that slows
                      down when the service throttles, and waits until each serves HTTPS

Options:
  --instance-id ID             the instance, e.g. es-cn-n6w1o1x0w001c (or give it positionally)
  --client-token T             (open-https, close-https) idempotency token, 1-64 printable
                               ASCII characters; the same token never applies the change
                               twice. Default: a new UUID, printed so that you can retry with it
  --wait                       (open-https) wait until HTTPS is on. Progress goes to stderr:
                               on a terminal one status line redrawn in place
                               ("activating activating/HTTP 1m05s"), otherwise one line per
                               phase (checking, waiting, opening, activating, done).
                               Ctrl-C stops waiting (exit 130); the change may still complete
  --wait-timeout MS            (with --wait, and ensure-https per instance) give up after MS
                               milliseconds (default 3600000, an hour; at most 86400000)
  --poll-interval MS           (with --wait, and ensure-https) time between two
                               DescribeInstance calls of an instance (default 10000)
  --description D              (list-instances) only instances whose description contains D
  --region R                   region, e.g. cn-hangzhou (default: ALIBABA_CLOUD_REGION_ID)
  --endpoint URL               host, host:port or http(s)://host[:port] instead of the
                               region's endpoint; not together with --region or --network
  --network public|vpc         public (default) or the VPC endpoint of the region
  --signature-version v3|v1    v3 (default, ACS3-HMAC-SHA256) or v1 (ROA HMAC-SHA1)
  --json                       print the API's JSON answer on stdout, for scripts (| jq):
                                 {"RequestId":"…","Result":true}
                                 {"RequestId","HostId","Code","Message","Recommend"} on failure
                               (only the fields known; nothing on stderr). Pass
                               --client-token too if the script may need to retry.
                               With --wait: {"instanceId","changed","status","protocol",
                               "clientToken","requestId","elapsedMs","polls"} (no progress
                               lines unless stderr is a terminal); describe-instance:
                               {"instanceId","status","protocol","description","esVersion",
                               "haveClientNode","requestId"}; close-https: as open-https;
                               list-instances: one {"instanceId","status","protocol",
                               "description","esVersion","haveClientNode"} per line per
                               instance (NDJSON), printed once every page is in
  -h, --help                   this help (also: ${BIN} help)
  --version                    the package version
  Each flag may be given once (a second --region, --json, … is a usage error), but
  --instance-id, which ensure-https takes several times.

Fleet options (ensure-https):
  --all                        every instance of the region (all pages of ListInstance)
  --description D              with --all: only instances whose description contains D
  --instance-id ID             an instance; repeat it for more (ensure-https only)
  --instances-file FILE        the instance ids in FILE
  --concurrency N              instances changed at once, 1-64 (default 4)
  --max-rps R                  at most R requests per second (1-10000), every request of the
                               run counted; the run starts at R (default: start at 20, up to
                               100; slower whenever the service answers Throttling*)
  --dry-run                    plan only: print the plan, change nothing (exit 0; 1 if some
                               instance could not be described). Writes no journal (an
                               existing --journal FILE is only read)
  --yes, -y                    change without asking. Without --yes, when more than one
                               instance is to be changed: on a terminal the plan is shown and
                               you are asked once (y/N) before any change — a yes changes the
                               instances as planned (nothing is looked at twice), anything
                               else changes nothing (exit 4); without a terminal on stdin it is
                               a usage error (exit 2) and nothing is changed. One instance to
                               change needs no confirmation
  --journal FILE               where the run records its progress, one JSON line each: the
                               clientToken of every OpenHttps is written and flushed to disk
                               before the call leaves, so a run stopped at any moment (Ctrl-C,
                               a crash, kill -9) resumes without applying anything twice. An
                               existing FILE is resumed: done instances are confirmed with one
                               DescribeInstance, a recorded clientToken is reused. Default: a
                               new ensure-https-<UTC time>.jsonl in the current folder (printed
                               at the start). A torn last line (a crash mid-write) is dropped
                               (and said so), as is a torn record that a later line was
                               joined to (that line's record is kept); any other unreadable
                               line is refused (exit 2). A run that changed nothing because it
                               was not confirmed removes the new journal it created
  --json                       (ensure-https) one JSON event per line on stdout as the run goes
                               ({"type":"start"|"plan"|"phase"|"result",…}; start also has
                               "journal"), then {"type":"summary",…the result,"journal"} with
                               "resume" (the command) when interrupted; "planned" (the plan's
                               counts) comes before any change and before the question

  ensure-https prints the plan, then its progress on stderr — on a terminal one line per
  instance in flight (phase, status/protocol, elapsed) and a bar (done/total, failures, ETA)
  redrawn in place; otherwise one line per phase change ("ID phase status/protocol 1.2s") and
  one per failure ("ID failed CODE 1.2s"), nothing with --json — and at the end a table
  (instance, outcome, changed — yes, no, or earlier: turned on by an OpenHttps of an earlier
  run, resumed from the journal — elapsed, requestId or error code) and the counts. On a
  terminal the plan shows its progress too (instances looked at). Ctrl-C stops
  it: no new instance starts, those in flight end after their current request, the journal
  is complete and the command to resume is printed (exit 4); a second Ctrl-C quits at once
  (exit 130; the journal is still safe to resume from).

Environment (credentials are only read from here, never from flags, which end up in shell
history):
  ALIBABA_CLOUD_ACCESS_KEY_ID       AccessKey ID (required)
  ALIBABA_CLOUD_ACCESS_KEY_SECRET   AccessKey secret (required)
  ALIBABA_CLOUD_SECURITY_TOKEN      STS security token, for temporary credentials
  ALIBABA_CLOUD_REGION_ID           region, when --region and --endpoint are not given
Empty variables count as unset. The secret and the token are never printed.

Output: "HTTPS enabled on ID (RequestId …, clientToken …)" on stdout (with --wait, once
HTTPS is on; "HTTPS already enabled on ID" when it was on before); close-https: "HTTPS
disable accepted on ID (RequestId …, clientToken …)". describe-instance prints one
"name  value" line each for instance, status, protocol, description and version;
list-instances a table (instance, status, protocol, version, description) and "N instances".
On failure, without --json: "error: <code>: <message>" on stderr, then RequestId, HTTP status,
Recommend and clientToken where known; an answer of Result: false is reported the same way.

Exit codes:
  0  HTTPS enabled (with --wait: HTTPS is on); close-https: HTTPS disable accepted;
     describe-instance: the instance was described; list-instances: every page was listed
  1  the call failed: an error from the service (InstanceNotFound, InstanceActivating, …),
     the network, a malformed answer, or missing/invalid credentials or region in the
     environment; with --wait also InstanceNotActive, HttpsNeedClientNode and WaitTimeout
     (HTTPS not on within --wait-timeout; OpenHttps may have been accepted: repeat with the
     printed clientToken)
  2  usage error: no arguments at all (the usage on stderr), unknown flag or command, no
     command, missing or repeated instance id, a flag given twice, no region, conflicting
     flags (a one-line hint on stderr, even with --json), or a value refused before anything
     is sent (InvalidInstanceId, InvalidClientToken, InvalidRegion, InvalidEndpoint,
     InvalidArgument; printed like other errors); ensure-https: more than one instance to
     change without --yes and without a terminal
  3  the service answered Result: false: it did not enable HTTPS (close-https: disable)
  4  ensure-https: interrupted by Ctrl-C (resume with the printed command), or not confirmed
     (anything but y at the question: nothing was changed)
  130  interrupted (Ctrl-C) while waiting; ensure-https: a second Ctrl-C
  ensure-https: 0 when every targeted instance that can be changed serves HTTPS — the cannot
  ones (inactive, invalid, no client node) are reported but do not fail the run; 1 when some
  failed (could not be described, WaitTimeout, a service error, …); 2 and 4 as above

Examples:
  ALIBABA_CLOUD_ACCESS_KEY_ID=… ALIBABA_CLOUD_ACCESS_KEY_SECRET=… \\
    npx ${BIN} open-https --instance-id es-cn-n6w1o1x0w001c --region cn-hangzhou --wait
  npx ${BIN} describe-instance es-cn-n6w1o1x0w001c --region cn-hangzhou --json | jq -r .protocol
  npx ${BIN} close-https es-cn-n6w1o1x0w001c --region cn-hangzhou --client-token close-1
  npx ${BIN} list-instances --region cn-hangzhou --json | jq -r 'select(.protocol == "HTTP") | .instanceId'
  npx ${BIN} ensure-https --all --description prod- --region cn-hangzhou --dry-run
  npx ${BIN} ensure-https --instances-file ids.txt --region cn-hangzhou --yes --concurrency 8
`;

const OPTIONS = {
  // multiple: ensure-https takes several; the other commands refuse a second one.
  'instance-id': { type: 'string', multiple: true },
  'client-token': { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  network: { type: 'string' },
  'signature-version': { type: 'string' },
  json: { type: 'boolean' },
  wait: { type: 'boolean' },
  'wait-timeout': { type: 'string' },
  'poll-interval': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  // ensure-https (--description: list-instances too)
  all: { type: 'boolean' },
  description: { type: 'string' },
  'instances-file': { type: 'string' },
  concurrency: { type: 'string' },
  'max-rps': { type: 'string' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  journal: { type: 'string' },
};

// Library errors about these options mean the command line was wrong, not the environment.
const FLAG_FIELDS = new Set([
  'instanceId',
  'clientToken',
  'endpoint',
  'network',
  'signatureVersion',
  'waitTimeoutMs',
  'pollIntervalMs',
  // ensure-https
  'target',
  'instanceIds',
  'description',
  'concurrency',
  'maxRps',
  'journal',
]);

const COMMANDS = ['open-https', 'close-https', 'describe-instance', 'list-instances', 'ensure-https'];

// The flags that only make sense for some commands (or with --wait).
const COMMAND_FLAGS = {
  'instance-id': ['open-https', 'close-https', 'describe-instance', 'ensure-https'],
  'client-token': ['open-https', 'close-https'],
  wait: ['open-https'],
  // Refused here rather than with "needs --wait" for the commands that cannot wait at all.
  'wait-timeout': ['open-https', 'ensure-https'],
  'poll-interval': ['open-https', 'ensure-https'],
  all: ['ensure-https'],
  description: ['ensure-https', 'list-instances'],
  'instances-file': ['ensure-https'],
  concurrency: ['ensure-https'],
  'max-rps': ['ensure-https'],
  'dry-run': ['ensure-https'],
  yes: ['ensure-https'],
  journal: ['ensure-https'],
};
// open-https takes these only with --wait (ensure-https always waits).
const WAIT_FLAGS = ['wait-timeout', 'poll-interval'];

/** A mistake in the command line: exit 2 with a one-line hint, on stderr only. */
class UsageError extends Error {}

// The values that must never reach the terminal, whatever a message may quote.
const SECRETS = [process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET, process.env.ALIBABA_CLOUD_SECURITY_TOKEN].filter(
  (s) => s,
);

/** Removes the secret and the token from a string (a safety net; the library should not leak them). */
function redact(value) {
  if (typeof value !== 'string') return value;
  return SECRETS.reduce((text, secret) => text.split(secret).join('***'), value);
}

/** Reads the command line; throws UsageError. Returns null when help or version was printed. */
function readCommandLine(args) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    // parseArgs' messages can span lines, and the unknown-flag one goes on about '--'; the hint
    // is meant to be one line.
    const flag = /'([^']*)'/.exec(e.message)?.[1];
    const oneLine = e.message.replace(/\s*\n\s*/g, ' ');
    throw new UsageError(e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag ? `unknown option '${flag}'` : oneLine);
  }
  const { values, positionals, tokens } = parsed;
  if (values.version && !values.help) {
    const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
    process.stdout.write(`${pkg.version}\n`);
    return null;
  }
  if (values.help || positionals[0] === 'help') {
    process.stdout.write(USAGE);
    return null;
  }

  const [command, ...rest] = positionals;
  if (command === undefined) {
    throw new UsageError(
      'missing the command: open-https, describe-instance or ensure-https; also close-https or list-instances',
    );
  }
  if (!COMMANDS.includes(command)) {
    // The first two named as before (scripts and tests may match that text), then the others.
    throw new UsageError(
      `unknown command '${command}' (the commands are open-https and describe-instance), ` +
        'or ensure-https for many instances; also close-https and list-instances',
    );
  }
  refuseRepeatedFlags(tokens);
  const ids = values['instance-id'] ?? [];
  let instanceId;
  if (command === 'ensure-https') {
    if (rest.length > 0) {
      throw new UsageError(
        `unexpected arguments: ${rest.join(' ')} (ensure-https takes --all, --instance-id or --instances-file)`,
      );
    }
  } else if (command === 'list-instances') {
    if (rest.length > 0) {
      throw new UsageError(`unexpected arguments: ${rest.join(' ')} (list-instances takes no instance id)`);
    }
  } else {
    if (rest.length > 1) throw new UsageError(`unexpected arguments: ${rest.slice(1).join(' ')}`);
    if (rest.length === 1 && ids.length > 0) {
      throw new UsageError('give the instance id once: positionally or with --instance-id');
    }
    if (ids.length > 1) {
      throw new UsageError(`give --instance-id once for ${command} (ensure-https takes several)`);
    }
    instanceId = rest[0] ?? ids[0];
    if (instanceId === undefined) throw new UsageError(`missing the instance id: ${command} --instance-id ID`);
  }
  for (const [flag, commands] of Object.entries(COMMAND_FLAGS)) {
    if (values[flag] !== undefined && !commands.includes(command)) {
      const names = commands.length > 1 ? `${commands.slice(0, -1).join(', ')} and ${commands.at(-1)}` : commands[0];
      throw new UsageError(`--${flag} is for ${names}, not ${command}`);
    }
  }
  if (command === 'open-https') {
    for (const flag of WAIT_FLAGS) {
      if (values[flag] !== undefined && values.wait !== true) throw new UsageError(`--${flag} needs --wait`);
    }
  }
  const waitTimeoutMs = readMs(values, 'wait-timeout');
  const pollIntervalMs = readMs(values, 'poll-interval');
  const fleet = command === 'ensure-https' ? readFleetFlags(values, ids) : undefined;

  if (values.endpoint !== undefined && values.region !== undefined) {
    throw new UsageError('--region and --endpoint cannot be used together (--endpoint already names the host)');
  }
  // The library would silently ignore --network next to --endpoint; say so instead.
  if (values.endpoint !== undefined && values.network !== undefined) {
    throw new UsageError('--network and --endpoint cannot be used together (--endpoint already names the host)');
  }
  if (values.network !== undefined && !['public', 'vpc'].includes(values.network)) {
    throw new UsageError(`--network must be public or vpc, not '${values.network}'`);
  }
  const signatureVersion = values['signature-version'];
  if (signatureVersion !== undefined && !['v3', 'v1'].includes(signatureVersion)) {
    throw new UsageError(`--signature-version must be v3 or v1, not '${signatureVersion}'`);
  }
  if (values.endpoint === undefined && values.region === undefined && !process.env.ALIBABA_CLOUD_REGION_ID) {
    throw new UsageError('no region: pass --region (e.g. cn-hangzhou) or --endpoint, or set ALIBABA_CLOUD_REGION_ID');
  }

  return {
    command,
    instanceId,
    clientToken: values['client-token'],
    wait: values.wait === true,
    waitTimeoutMs,
    pollIntervalMs,
    json: values.json === true,
    description: values.description,
    fleet,
    config: {
      regionId: values.region,
      endpoint: values.endpoint,
      network: values.network,
      signatureVersion,
    },
    regionFromFlag: values.region !== undefined,
  };
}

/**
 * Every flag but --instance-id may be given once: parseArgs would silently keep the last of
 * `--region a --region b` (or of `-y --yes`), and which one was meant cannot be known. Throws
 * UsageError. (A second --instance-id is refused by the commands that take one.)
 */
function refuseRepeatedFlags(tokens) {
  const seen = new Map(); // name -> the spellings used, in order
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name === 'instance-id') continue;
    seen.set(t.name, [...(seen.get(t.name) ?? []), t.rawName]);
  }
  for (const [name, spellings] of seen) {
    if (spellings.length < 2) continue;
    const times = spellings.length === 2 ? 'twice' : `${spellings.length} times`;
    const as = [...new Set(spellings)].length > 1 ? ` (as ${[...new Set(spellings)].join(' and ')})` : '';
    throw new UsageError(`--${name} is given ${times}${as}: give it once`);
  }
}

/**
 * The flags of ensure-https: the target (exactly one of --all, --instance-id, --instances-file)
 * and the run's options. Throws UsageError.
 */
function readFleetFlags(values, ids) {
  const file = values['instances-file'];
  const ways = [values.all === true, ids.length > 0, file !== undefined].filter(Boolean).length;
  if (values.description !== undefined && values.all !== true) {
    throw new UsageError('--description needs --all (it filters the listed instances)');
  }
  if (ways === 0) {
    throw new UsageError(
      'ensure-https needs its instances: --all [--description D], --instance-id ID (repeatable) or --instances-file FILE',
    );
  }
  if (ways > 1) throw new UsageError('give the instances one way: --all, --instance-id or --instances-file');
  let target;
  if (values.all === true) {
    target = values.description === undefined ? {} : { description: values.description };
  } else if (file !== undefined) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read --instances-file ${file}: ${e.code ?? e.message}`);
    }
    const fromFile = text
      .split('\n')
      .map((line) => line.replace(/#.*/, ''))
      .flatMap((line) => line.split(/[\s,]+/))
      .filter((id) => id !== '');
    if (fromFile.length === 0) throw new UsageError(`no instance id in --instances-file ${file}`);
    target = { instanceIds: fromFile };
  } else {
    target = { instanceIds: ids };
  }
  let concurrency;
  if (values.concurrency !== undefined) {
    if (!/^\d{1,6}$/.test(values.concurrency)) {
      throw new UsageError(`--concurrency must be a whole number (1-64), not '${values.concurrency}'`);
    }
    concurrency = Number(values.concurrency);
  }
  let maxRps;
  if (values['max-rps'] !== undefined) {
    if (!/^\d{1,9}(\.\d{1,6})?$/.test(values['max-rps'])) {
      throw new UsageError(`--max-rps must be a number of requests per second, not '${values['max-rps']}'`);
    }
    maxRps = Number(values['max-rps']);
  }
  if (values.journal === '') throw new UsageError('--journal needs a file name');
  return {
    target,
    concurrency,
    maxRps,
    dryRun: values['dry-run'] === true,
    yes: values.yes === true,
    journal: values.journal,
  };
}

/**
 * A duration flag in milliseconds: digits only (the library checks the range). Throws
 * UsageError for anything else, e.g. `--wait-timeout 5s`.
 */
function readMs(values, flag) {
  const text = values[flag];
  if (text === undefined) return undefined;
  if (!/^\d{1,16}$/.test(text)) throw new UsageError(`--${flag} must be a number of milliseconds, not '${text}'`);
  return Number(text);
}

/** Our own error, shaped like the library's, for problems found before calling it. */
function cliError(code, message) {
  return Object.assign(new Error(message), { name: 'OpenHttpsError', code, retryable: false });
}

/** The library reads the credentials itself; checked here first so the message speaks CLI. */
function checkCredentialsEnv() {
  const missing = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'].filter((k) => !process.env[k]);
  if (missing.length === 0) return;
  throw cliError(
    'MissingCredentials',
    `no credentials: set ${missing.join(' and ')} (and ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials); ` +
      'credentials are read from the environment only',
  );
}

/** Exit code of a library error: 2 when a flag's value is at fault, else 1. */
function exitCodeOf(error, regionFromFlag) {
  if (FLAG_FIELDS.has(error.field)) return 2;
  if (error.field === 'regionId' && regionFromFlag) return 2;
  return 1;
}

function printFailure(error, json) {
  const e = {};
  for (const k of ['code', 'message', 'requestId', 'hostId', 'recommend', 'httpStatus', 'clientToken']) {
    if (error?.[k] !== undefined && error[k] !== null) e[k] = redact(error[k]);
  }
  // Anything that is not an OpenHttpsError is a bug here or in the library: still say what.
  e.code ??= 'InternalError';
  e.message ??= redact(String(error));

  if (json) {
    const out = { RequestId: e.requestId, HostId: e.hostId, Code: e.code, Message: e.message, Recommend: e.recommend };
    process.stdout.write(JSON.stringify(out) + '\n'); // undefined fields are left out
    return;
  }
  const lines = [`error: ${e.code}: ${e.message}`];
  if (e.requestId !== undefined) lines.push(`RequestId: ${e.requestId}`);
  if (e.httpStatus !== undefined) lines.push(`HTTP status: ${e.httpStatus}`);
  if (e.recommend !== undefined) lines.push(`Recommend: ${e.recommend}`);
  if (e.clientToken !== undefined) lines.push(`clientToken: ${e.clientToken} (reuse it to retry safely)`);
  process.stderr.write(lines.join('\n') + '\n');
}

// What the answer of open-https and close-https says: the change accepted, or not made.
const ANSWER_WORDS = {
  'open-https': { accepted: 'HTTPS enabled', refused: 'HTTPS was not enabled' },
  'close-https': { accepted: 'HTTPS disable accepted', refused: 'HTTPS was not disabled' },
};

/** The answer of one OpenHttps or CloseHttps call (`command` picks the words). */
function printAnswer({ result, requestId, clientToken }, command, instanceId, json) {
  const words = ANSWER_WORDS[command];
  if (json) {
    process.stdout.write(JSON.stringify({ RequestId: requestId, Result: result }) + '\n');
  } else if (result) {
    process.stdout.write(`${words.accepted} on ${instanceId} (RequestId ${requestId}, clientToken ${clientToken})\n`);
  } else {
    process.stderr.write(
      `error: ${words.refused} on ${instanceId}: the service answered Result: false\n` +
        `RequestId: ${requestId}\nclientToken: ${clientToken} (reuse it to retry safely)\n`,
    );
  }
}

/**
 * A table as lines: each column as wide as its widest cell, two spaces apart; the last column
 * is not padded (a long description or error does not push trailing blanks).
 */
function tableLines(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? String(c) : String(c).padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * `list-instances`: every page of ListInstance (the library's iterator fetches one at a time).
 * Printed only once the last page is in, so that a failure on a later page prints the error
 * alone rather than a partial list a script could take for the whole region.
 */
async function listInstances(client, cmd) {
  const query = cmd.description === undefined ? {} : { description: cmd.description };
  const instances = [];
  for await (const instance of client.instances(query)) instances.push(instance);
  if (cmd.json) {
    // One object per line for jq; the instance's fields only (no requestId: the pages have theirs).
    const lines = instances.map(({ instanceId, status, protocol, description, esVersion, haveClientNode }) =>
      JSON.stringify({ instanceId, status, protocol, description, esVersion, haveClientNode }),
    );
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  }
  const header = ['instance', 'status', 'protocol', 'version', 'description'];
  const rows = instances.map((i) =>
    [i.instanceId, i.status, i.protocol, i.esVersion, i.description].map((v) => v ?? '-'),
  );
  const count = `${instances.length} instance${instances.length === 1 ? '' : 's'}`;
  process.stdout.write(`${[...tableLines(header, rows), count].join('\n')}\n`);
  return 0;
}

/** Milliseconds as a short duration: "0.4s", "12.0s", "1m05s", "1h02m03s". */
function duration(ms) {
  if (!(ms >= 0)) return '?';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const total = Math.floor(ms / 1000);
  const [h, m, sec] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const pad = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h${pad(m)}m${pad(sec)}s` : `${m}m${pad(sec)}s`;
}

/**
 * The progress of `open-https --wait` on stderr: "phase status/protocol elapsed". On a terminal
 * one line redrawn in place (at each report, and every second for the elapsed time); otherwise
 * one line per phase change (and nothing with --json, whose stderr stays empty for scripts).
 */
function progressReporter(json) {
  const stream = process.stderr;
  const live = stream.isTTY === true && process.env.TERM !== 'dumb';
  const started = performance.now();
  let last = null; // the last report
  let printedPhase = null;
  let ticker = null;
  let drawn = false;
  const line = (elapsedMs) =>
    `${last.phase} ${redact(last.status ?? '-')}/${redact(last.protocol ?? '-')} ${duration(elapsedMs)}`;
  const draw = () => {
    if (!last) return;
    stream.write(`\r\x1b[2K${line(performance.now() - started)}`);
    drawn = true;
  };
  return {
    onProgress(event) {
      last = event;
      if (live) {
        draw();
        if (!ticker) {
          ticker = setInterval(draw, 1000);
          ticker.unref();
        }
      } else if (!json && event.phase !== printedPhase) {
        printedPhase = event.phase;
        stream.write(`${line(event.elapsedMs)}\n`);
      }
    },
    /** The phase last reported, or null. */
    phase: () => last?.phase ?? null,
    /** Ends the live line (kept, with its last state) before anything else is printed. */
    finish() {
      if (ticker) clearInterval(ticker);
      ticker = null;
      if (drawn) {
        draw();
        stream.write('\n');
        drawn = false;
      }
    },
  };
}

function printEnsured(result, json) {
  if (json) {
    process.stdout.write(JSON.stringify(result) + '\n');
  } else if (result.changed) {
    process.stdout.write(
      `HTTPS enabled on ${result.instanceId} (RequestId ${result.requestId}, clientToken ${result.clientToken})\n`,
    );
  } else {
    process.stdout.write(`HTTPS already enabled on ${result.instanceId}\n`);
  }
}

function printInstance(instance, json) {
  if (json) {
    process.stdout.write(JSON.stringify(instance) + '\n');
    return;
  }
  const rows = [
    ['instance', instance.instanceId],
    ['status', instance.status],
    ['protocol', instance.protocol],
    ['description', instance.description],
    ['version', instance.esVersion],
  ];
  process.stdout.write(rows.map(([k, v]) => `${k.padEnd(12)} ${v ?? '-'}`).join('\n') + '\n');
}

/** Runs ensureHttps for `open-https --wait`; Ctrl-C aborts it (exit 130). */
async function openAndWait(client, cmd) {
  const progress = progressReporter(cmd.json);
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const options = { onProgress: progress.onProgress, signal: controller.signal };
    if (cmd.clientToken !== undefined) options.clientToken = cmd.clientToken;
    if (cmd.waitTimeoutMs !== undefined) options.waitTimeoutMs = cmd.waitTimeoutMs;
    if (cmd.pollIntervalMs !== undefined) options.pollIntervalMs = cmd.pollIntervalMs;
    const result = await client.ensureHttps(cmd.instanceId, options);
    progress.finish();
    printEnsured(result, cmd.json);
    return 0;
  } catch (e) {
    progress.finish();
    if (!interrupted) throw e;
    // Say what Ctrl-C left behind rather than "aborted by its AbortSignal".
    const messages = {
      activating:
        'interrupted while waiting: OpenHttps was accepted and the change goes on; ' +
        'run the same command with --client-token to wait for it again',
      opening: 'interrupted while OpenHttps was being sent: it may have been accepted',
    };
    const message = messages[progress.phase()] ?? 'interrupted before OpenHttps was accepted';
    throw Object.assign(new Error(message), {
      name: 'OpenHttpsError',
      code: 'Interrupted',
      retryable: true,
      clientToken: e?.clientToken,
      interrupted: true,
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

// --- ensure-https -------------------------------------------------------------------------------

/** POSIX-shell quoting of one argument, for the printed resume command. */
function shellQuote(arg) {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command that resumes this run: the same arguments with --journal FILE (absolute). */
function resumeCommand(args, journalPath) {
  const kept = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--journal') {
      i++;
      continue;
    }
    if (args[i].startsWith('--journal=')) continue;
    kept.push(args[i]);
  }
  return [BIN, ...kept, '--journal', journalPath].map(shellQuote).join(' ');
}

/** A journal file name for a new run: ensure-https-20250601T120000.123Z.jsonl, never an existing one. */
function newJournalPath() {
  const stamp = new Date().toISOString().replace(/[-:]/g, '');
  for (let n = 1; ; n++) {
    const path = resolvePath(`ensure-https-${stamp}${n > 1 ? `-${n}` : ''}.jsonl`);
    if (!existsSync(path)) return path;
  }
}

/**
 * A journal line as the library reads it: a JSON object, or — a torn record that a later
 * append joined to the next one on the same line — the whole record after the fragment.
 * Null when the line holds no record (a torn one).
 */
function journalRecord(line) {
  const object = (text) => {
    try {
      const v = JSON.parse(text);
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null;
    } catch {
      return null;
    }
  };
  const whole = object(line);
  if (whole) return whole;
  const at = line.lastIndexOf('{"at":');
  return at > 0 ? object(line.slice(at)) : null;
}

/**
 * The run's journal as a file of JSON lines. Lines are appended with appendFileSync; a token
 * record (the clientToken of an OpenHttps about to be sent) is also fsync'ed — and, for a new
 * file, its folder — before append returns, so it is on disk before the request leaves. The
 * file is opened at the first line, which is when the library has read the old lines and
 * said whether it dropped a torn record. A torn last line (no record in it) is then cut off
 * (and kept as a record of its own), so that later lines never follow a broken one. A torn
 * record that an earlier append joined to the next one is left as it is: the library keeps
 * the joined record (a clientToken, maybe) and drops only the fragment, and so must we.
 */
function fileJournal(path, { write }) {
  const existed = existsSync(path);
  let fd;
  let loaded = null; // the bytes read by load()
  let tornLastLine = false; // set from the start event, before the first append
  let lastLineTorn = false; // what load() found: the last non-empty line holds no record
  let dirSynced = existed;
  let tokens = 0;

  const open = () => {
    fd = openSync(path, 'a');
    if (!loaded || loaded.length === 0) return;
    const text = loaded.toString('utf8');
    if (tornLastLine && lastLineTorn) {
      // Cut the last non-empty line (what the library dropped) and what follows it.
      const lines = text.split('\n');
      let last = lines.length - 1;
      while (last >= 0 && lines[last].trim() === '') last--;
      const keep = Buffer.byteLength(lines.slice(0, last).map((l) => `${l}\n`).join(''));
      ftruncateSync(fd, keep);
      appendFileSync(fd, `${JSON.stringify({ at: Date.now(), event: 'tornLineDropped', text: lines[last] })}\n`);
    } else if (!text.endsWith('\n')) {
      appendFileSync(fd, '\n'); // a whole last record that lacks its line break
    }
  };

  return {
    path,
    existed,
    get tokens() {
      return tokens;
    },
    /** Called from the start event: whether the library dropped a torn last line. */
    setTornLastLine(torn) {
      tornLastLine = torn;
    },
    /** What the library dropped, for the start line (when it says it dropped a torn record). */
    tornText() {
      return lastLineTorn
        ? 'a torn last line was dropped'
        : 'a torn record was dropped (the record a later append joined to it is kept)';
    },
    load() {
      if (!existsSync(path)) return [];
      loaded = readFileSync(path);
      const text = loaded.toString('utf8');
      const last = text.split('\n').filter((l) => l.trim() !== '').at(-1);
      lastLineTorn = last !== undefined && journalRecord(last) === null;
      return text;
    },
    append(line) {
      if (!write) return undefined;
      if (fd === undefined) open();
      appendFileSync(fd, `${line}\n`);
      let record;
      try {
        record = JSON.parse(line);
      } catch {
        return undefined;
      }
      if (record?.event !== 'token') return undefined;
      fsyncSync(fd);
      if (!dirSynced) {
        // A new file: its folder entry must be on disk too, or the whole journal could vanish.
        try {
          const dir = openSync(dirname(path), 'r');
          try {
            fsyncSync(dir);
          } finally {
            closeSync(dir);
          }
        } catch {
          // Not every system can open a folder (Windows); the file itself is synced.
        }
        dirSynced = true;
      }
      tokens++;
      return Promise.resolve();
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
    /** Removes a journal this run created when nothing worth resuming was written to it. */
    discardIfNew() {
      this.close();
      if (!existed && tokens === 0 && existsSync(path)) unlinkSync(path);
    },
  };
}

/**
 * The live progress of ensure-https on stderr. On a terminal: one line per instance in flight
 * and a bar, redrawn in place (at most 10 times a second, and every second for the times);
 * otherwise one line per phase change and per failure (nothing with --json).
 */
function fleetProgress(json) {
  const stream = process.stderr;
  const live = stream.isTTY === true && process.env.TERM !== 'dumb';
  const plain = !live && !json;
  const inflight = new Map(); // id -> { phase, status, protocol, since }
  const printedPhase = new Map();
  const counts = { total: 0, done: 0, failed: 0, toChange: 0, changeDone: 0, looked: 0 };
  let changeStartedAt = null;
  let planning = false; // the region shows the plan's progress (instances looked at)
  let rows = 0; // lines of the region drawn
  let ticker = null;
  let scheduled = null;
  let active = false;

  const fit = (line) => {
    const width = Math.max(20, (stream.columns || 80) - 1);
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  };
  const eta = () => {
    const left = counts.toChange - counts.changeDone;
    if (left <= 0) return '0s';
    if (!changeStartedAt || counts.changeDone === 0) return '?';
    return duration(((performance.now() - changeStartedAt) / counts.changeDone) * left);
  };
  const bar = () => {
    const width = 20;
    const filled = counts.total > 0 ? Math.round((counts.done / counts.total) * width) : width;
    return (
      `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${counts.done}/${counts.total} done, ` +
      `${counts.failed} failed, ETA ${eta()}`
    );
  };
  const region = () => {
    if (planning) {
      const width = 20;
      const filled = counts.total > 0 ? Math.round((counts.looked / counts.total) * width) : 0;
      return [fit(`planning: [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${counts.looked}/${counts.total} looked at`)];
    }
    const lines = [];
    const height = Math.max(3, (stream.rows || 24) - 2);
    const list = [...inflight.entries()];
    const shown = list.length > height ? list.slice(0, height - 1) : list;
    const idWidth = Math.max(0, ...shown.map(([id]) => id.length));
    for (const [id, s] of shown) {
      lines.push(
        `${id.padEnd(idWidth)}  ${s.phase.padEnd(10)} ${redact(s.status ?? '-')}/${redact(s.protocol ?? '-')} ` +
          duration(performance.now() - s.since),
      );
    }
    if (shown.length < list.length) lines.push(`… and ${list.length - shown.length} more in flight`);
    lines.push(bar());
    return lines.map(fit);
  };
  const erase = () => (rows > 0 ? `\r${rows > 1 ? `\x1b[${rows - 1}A` : ''}\x1b[J` : '');
  const draw = () => {
    scheduled = null;
    if (!live || !active) return;
    const lines = region();
    stream.write(erase() + lines.join('\n'));
    rows = lines.length;
  };
  const schedule = () => {
    if (!live || scheduled) return;
    scheduled = setTimeout(draw, 100);
    scheduled.unref();
  };

  const stopTimers = () => {
    if (ticker) clearInterval(ticker);
    if (scheduled) clearTimeout(scheduled);
    ticker = scheduled = null;
  };

  return {
    /** The plan starts: `total` instances to look at (shown on a terminal only). */
    planStart(total) {
      counts.total = total;
      if (!live || total === 0) return;
      planning = active = true;
      ticker = setInterval(draw, 1000);
      ticker.unref();
      draw();
    },
    /** One more instance looked at. */
    looked(n) {
      counts.looked = n;
      schedule();
    },
    /** The plan is made: its progress line goes (the plan is printed next, on stdout). */
    planEnd() {
      stopTimers();
      if (live && active) stream.write(erase());
      rows = 0;
      planning = active = false;
    },
    /** The changes start now. */
    start(total, done, toChange) {
      Object.assign(counts, { total, done, toChange });
      changeStartedAt = performance.now();
      if (!live) return;
      active = true;
      ticker = setInterval(draw, 1000);
      ticker.unref();
      draw();
    },
    phase(e) {
      const state = inflight.get(e.instanceId) ?? { since: performance.now() - e.elapsedMs };
      Object.assign(state, { phase: e.phase, status: e.status, protocol: e.protocol });
      inflight.set(e.instanceId, state);
      if (e.phase === 'done') inflight.delete(e.instanceId);
      if (plain && printedPhase.get(e.instanceId) !== e.phase) {
        printedPhase.set(e.instanceId, e.phase);
        stream.write(
          `${e.instanceId} ${e.phase} ${redact(e.status ?? '-')}/${redact(e.protocol ?? '-')} ${duration(e.elapsedMs)}\n`,
        );
      }
      schedule();
    },
    result(e) {
      inflight.delete(e.instanceId);
      // The plan's own results (skip, cannot) were counted when the changes started.
      if (e.plan === 'skip' || e.plan === 'cannot') return;
      counts.done++;
      if (e.outcome === 'failed') counts.failed++;
      if (e.plan === 'open' || e.plan === 'busy') counts.changeDone++;
      if (plain && (e.outcome === 'failed' || e.outcome === 'interrupted')) {
        const what = e.outcome === 'failed' ? `failed ${e.code ?? 'Error'}` : 'interrupted';
        stream.write(`${e.instanceId} ${what} ${duration(e.elapsedMs)}\n`);
      }
      schedule();
    },
    inFlight: () => inflight.size,
    /** Prints a line above the live region (or as is). */
    note(text) {
      if (live && active) {
        stream.write(`${erase()}${text}\n`);
        rows = 0;
        draw();
      } else {
        stream.write(`${text}\n`);
      }
    },
    /** Ends the live region: the in-flight lines go, the bar stays. */
    finish() {
      stopTimers();
      if (planning) {
        this.planEnd();
        return;
      }
      if (live && active) {
        inflight.clear();
        draw();
        stream.write('\n');
      }
      active = false;
      rows = 0;
    },
  };
}

/** The plan, for humans: the counts, then the instances that will not be changed and why. */
function printPlan(plan) {
  const t = plan.tally;
  const lines = [
    `plan: ${plan.total} instance${plan.total === 1 ? '' : 's'}: ${t.skip} skip, ${t.open} open, ${t.busy} busy, ` +
      `${t.cannot} cannot, ${t.failed} failed` +
      (t.interrupted > 0 ? `, ${t.interrupted} not looked at (interrupted)` : ''),
  ];
  const rows = plan.notes;
  const idWidth = Math.max(0, ...rows.map((r) => r.instanceId.length));
  const codeWidth = Math.max(0, ...rows.map((r) => r.code.length));
  for (const r of rows) {
    lines.push(`  ${r.instanceId.padEnd(idWidth)}  ${r.kind.padEnd(6)}  ${r.code.padEnd(codeWidth)}  ${redact(r.detail)}`);
  }
  if (t.resumed > 0) {
    lines.push(`  ${t.resumed} resumed: the clientToken an earlier run recorded is reused`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The summary, for humans: a row per instance, then the errors in full and the counts. */
function printSummary(result, journalPath) {
  const header = ['instance', 'outcome', 'changed', 'elapsed', 'requestId / error'];
  const rows = result.results.map((r) => [
    r.instanceId,
    r.outcome,
    // earlier: a resumed instance that an OpenHttps of an earlier run (its journaled
    // clientToken) turned HTTPS on.
    r.changed ? 'yes' : r.resumed && r.outcome === 'https' ? 'earlier' : 'no',
    r.elapsedMs > 0 ? duration(r.elapsedMs) : '-',
    r.code ?? r.requestId ?? '-',
  ]);
  const out = tableLines(header, rows);
  const failures = result.results.filter((r) => r.outcome === 'failed');
  if (failures.length > 0) {
    out.push('errors:');
    for (const r of failures) {
      out.push(`  ${r.instanceId}: ${r.code}: ${redact(r.message ?? '')}${r.requestId ? ` (RequestId ${r.requestId})` : ''}`);
    }
  }
  const earlier = result.results.filter((r) => !r.changed && r.resumed && r.outcome === 'https').length;
  out.push(
    `result: ${result.total} instance${result.total === 1 ? '' : 's'}: ${result.https} https ` +
      `(${result.changed} changed${earlier > 0 ? `, ${earlier} by an earlier run` : ''}), ` +
      `${result.failed} failed, ${result.cannot} cannot, ` +
      `${result.interrupted} interrupted in ${duration(result.elapsedMs)}`,
  );
  if (journalPath) out.push(`journal: ${journalPath}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Asks a yes/no question on stderr, reading the answer from stdin; false on EOF or Ctrl-C. */
async function askYesNo(question, cancel) {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  try {
    const answer = await Promise.race([
      rl.question(question),
      new Promise((resolve) => rl.once('close', () => resolve(null))),
      cancel.then(() => null),
    ]);
    // No line was read (Ctrl-C, or the end of the input): end the question's line.
    if (answer === null) process.stderr.write('\n');
    return answer !== null && /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    rl.close();
    process.stdin.unref?.();
  }
}

/**
 * `ensure-https`: one ensureHttpsAll. Without --yes, its `confirm` hook is asked once the plan
 * is complete, before any change: more than one instance to change needs a yes — asked on a
 * terminal (y/N), a usage error without one. The plan is not made twice: a yes changes the
 * instances as the plan saw them.
 */
async function ensureFleet(client, cmd, args) {
  const { fleet } = cmd;
  const json = cmd.json;
  let journal;
  if (fleet.journal !== undefined) {
    journal = fileJournal(resolvePath(fleet.journal), { write: !fleet.dryRun });
  } else if (!fleet.dryRun) {
    journal = fileJournal(newJournalPath(), { write: true });
  }

  const controller = new AbortController();
  const progress = fleetProgress(json);
  let interrupted = false;
  let prompting = false;
  // Why the confirmation said no: 'usage' (no terminal to ask on, no --yes) or 'declined'.
  let refused = null;
  let cancelPrompt;
  const promptCancelled = new Promise((resolve) => (cancelPrompt = resolve));
  const onSigint = () => {
    if (interrupted) {
      progress.finish();
      process.stderr.write(`${BIN}: stopped at once${journal ? `; resume with --journal ${journal.path}` : ''}\n`);
      process.exit(130);
    }
    interrupted = true;
    cancelPrompt();
    if (controller.signal.aborted) return;
    controller.abort();
    if (prompting) return; // the answer is no: said once the run ends
    const n = progress.inFlight();
    progress.note(
      `${BIN}: stopping: no new instance starts; ${n} in flight end after their current request ` +
        '(Ctrl-C again quits at once)',
    );
  };
  process.on('SIGINT', onSigint);

  const plan = {
    total: 0,
    seen: 0,
    tally: { skip: 0, open: 0, busy: 0, cannot: 0, failed: 0, interrupted: 0, resumed: 0 },
    notes: [],
  };
  let changing = false;
  /** The changes start: the live progress switches from the plan to the changes. */
  const startChanges = () => {
    if (changing) return;
    changing = true;
    const t = plan.tally;
    progress.start(plan.total, t.skip + t.cannot + t.failed + t.interrupted, t.open + t.busy);
  };
  // Whether the confirmation is asked for this many changes: more than one, without --yes.
  const asks = (toChange) => !fleet.yes && toChange > 1;

  /** The library's `planned` event: the plan is complete, nothing is changed yet. */
  const planned = (e) => {
    progress.planEnd();
    if (!json) printPlan(plan);
    if (!fleet.dryRun && !controller.signal.aborted && e.toChange > 0 && !asks(e.toChange)) startChanges();
  };

  /** The library's `confirm` hook: a yes (true) lets the changes start. */
  const confirm = async (p) => {
    if (!asks(p.toChange)) {
      startChanges();
      return true;
    }
    if (interrupted) return false;
    if (process.stdin.isTTY !== true) {
      refused = 'usage';
      process.stderr.write(
        `${BIN}: --yes is needed to change ${p.toChange} instances without a terminal to confirm on ` +
          '(the plan is above; nothing was changed)\n' +
          `Run '${BIN} --help' for usage.\n`,
      );
      return false;
    }
    prompting = true;
    let yes;
    try {
      yes = await askYesNo(`Turn HTTPS on for ${p.toChange} instances? [y/N] `, promptCancelled);
    } finally {
      prompting = false;
    }
    if (!yes || interrupted) {
      refused = 'declined';
      return false;
    }
    startChanges();
    return true;
  };

  const onEvent = (e) => {
    if (e.type === 'start' && journal) journal.setTornLastLine(e.journalTornLastLine === true);
    if (json) {
      const line = e.type === 'start' && journal ? { ...e, journal: journal.path } : e;
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
    switch (e.type) {
      case 'start': {
        plan.total = e.total;
        const torn = e.journalTornLastLine && journal ? journal.tornText() : '';
        if (!json) {
          let text = `ensure-https: ${e.total} instance${e.total === 1 ? '' : 's'}`;
          if (journal && (journal.existed || e.journalRecords > 0)) {
            text += `; resuming ${journal.path}: ${e.journalRecords} record${e.journalRecords === 1 ? '' : 's'} read`;
            if (torn) text += `, ${torn}`;
          } else if (journal) {
            text += `; journal ${journal.path} (new)`;
          }
          process.stdout.write(`${text}\n`);
        } else if (torn) {
          // Said on stderr even with --json: the journal was repaired.
          process.stderr.write(`${BIN}: journal ${journal.path}: ${torn}\n`);
        }
        progress.planStart(e.total);
        break;
      }
      case 'plan':
        plan.seen++;
        plan.tally[e.plan]++;
        if (e.resumed && (e.plan === 'open' || e.plan === 'busy')) plan.tally.resumed++;
        if (e.plan === 'cannot') {
          plan.notes.push({
            instanceId: e.instanceId,
            kind: 'cannot',
            code: e.code ?? '-',
            detail: `${e.status}/${e.protocol}`,
          });
        }
        progress.looked(plan.seen);
        break;
      case 'planned':
        planned(e);
        break;
      case 'result':
        if (!changing && e.plan === undefined) {
          // Not described (the plan's results come before `planned`): it failed, or the run
          // was stopped first.
          plan.seen++;
          const kind = e.outcome === 'failed' ? 'failed' : 'interrupted';
          plan.tally[kind]++;
          if (kind === 'failed') {
            plan.notes.push({ instanceId: e.instanceId, kind, code: e.code ?? 'Error', detail: e.message ?? '' });
          }
          progress.looked(plan.seen);
        } else if (changing) {
          progress.result(e);
        }
        break;
      case 'phase':
        progress.phase(e);
        break;
    }
  };

  const options = { dryRun: fleet.dryRun, signal: controller.signal, onEvent };
  if (!fleet.yes) options.confirm = confirm;
  if (journal) options.journal = journal;
  if (fleet.concurrency !== undefined) options.concurrency = fleet.concurrency;
  if (fleet.maxRps !== undefined) options.maxRps = fleet.maxRps;
  if (cmd.pollIntervalMs !== undefined) options.pollIntervalMs = cmd.pollIntervalMs;
  if (cmd.waitTimeoutMs !== undefined) options.waitTimeoutMs = cmd.waitTimeoutMs;

  try {
    let result;
    try {
      result = await client.ensureHttpsAll(fleet.target, options);
    } catch (e) {
      // Say which file a journal error is about.
      if (e?.field === 'journal' && journal && typeof e.message === 'string' && !e.message.startsWith(journal.path)) {
        try {
          e.message = `${journal.path}: ${e.message}`;
        } catch {
          // a frozen error keeps its message
        }
      }
      throw e;
    } finally {
      progress.finish();
      journal?.close();
    }

    if (refused) {
      // Nothing was changed: a journal this run created has nothing worth resuming.
      journal?.discardIfNew();
      if (refused === 'usage') return 2;
      process.stderr.write(`${BIN}: nothing was changed\n`);
      return 4;
    }

    const stopped = result.stopped && interrupted;
    const resume = stopped && !fleet.dryRun && journal ? resumeCommand(args, journal.path) : undefined;
    if (json) {
      const summary = { type: 'summary', ...result };
      if (journal && !fleet.dryRun) summary.journal = journal.path;
      if (resume) summary.resume = resume;
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else if (fleet.dryRun) {
      process.stdout.write(
        `dry run: nothing was changed (${result.planned} instance${result.planned === 1 ? '' : 's'} would be)\n`,
      );
    } else {
      printSummary(result, journal?.path);
    }
    if (stopped) {
      if (resume) {
        process.stderr.write(
          `${BIN}: interrupted: ${result.interrupted} instance${result.interrupted === 1 ? '' : 's'} not finished; ` +
            `the journal has every clientToken sent. Resume with:\n  ${resume}\n`,
        );
      } else {
        process.stderr.write(`${BIN}: interrupted\n`);
      }
      return 4;
    }
    if (result.failed > 0 || result.interrupted > 0) return 1;
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function main(args) {
  if (args.length === 0) {
    // Nothing asked: the usage, as an error (a script that lost its arguments must not pass).
    process.stderr.write(USAGE);
    return 2;
  }
  let cmd;
  try {
    cmd = readCommandLine(args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${BIN}: ${redact(e.message)}\nRun '${BIN} --help' for usage.\n`);
    return 2;
  }
  if (cmd === null) return 0;

  try {
    checkCredentialsEnv();
    // Loaded only now so that --help and usage errors work even if the wasm cannot load.
    const { Client } = await import('./index.mjs');
    const client = new Client(cmd.config);
    if (cmd.command === 'ensure-https') return await ensureFleet(client, cmd, args);
    if (cmd.command === 'describe-instance') {
      printInstance(await client.describeInstance(cmd.instanceId), cmd.json);
      return 0;
    }
    if (cmd.command === 'list-instances') return await listInstances(client, cmd);
    if (cmd.wait) return await openAndWait(client, cmd);
    const answer =
      cmd.command === 'close-https'
        ? await client.closeHttps(cmd.instanceId, cmd.clientToken)
        : await client.openHttps(cmd.instanceId, cmd.clientToken);
    printAnswer(answer, cmd.command, cmd.instanceId, cmd.json);
    return answer.result ? 0 : 3;
  } catch (e) {
    printFailure(e, cmd.json);
    if (e?.interrupted) return 130;
    // ensureHttps reports Result: false as OpenHttpsRejected: the same exit code as without --wait.
    if (e?.code === 'OpenHttpsRejected') return 3;
    return exitCodeOf(e, cmd.regionFromFlag);
  }
}

// exitCode rather than process.exit(): a piped stdout (| jq) is flushed before Node exits.
process.exitCode = await main(process.argv.slice(2));
