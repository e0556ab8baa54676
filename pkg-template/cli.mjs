#!/usr/bin/env node
// aliyun-es-https: turn on HTTPS for an Alibaba Cloud Elasticsearch instance from the shell
// (open-https, optionally --wait until it is on) and look at one (describe-instance).
// Shaped like `aliyun elasticsearch open-https --instance-id …` so ops people type what they
// already know. Node ≥ 20, standard library only; the work is done by the package itself.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const BIN = 'aliyun-es-https';

const USAGE = `Usage:
  ${BIN} open-https --instance-id ID [options]
  ${BIN} open-https ID [options]
  ${BIN} open-https --instance-id ID --wait [--wait-timeout MS] [--poll-interval MS] [options]
  ${BIN} describe-instance --instance-id ID [options]
  ${BIN} --help | --version

Commands:
  open-https          turns on HTTPS for an Alibaba Cloud Elasticsearch instance (the
                      OpenHttps API). The service accepts the change at once and applies it
                      in the background; with --wait, looks at the instance first (nothing is
                      sent if HTTPS is already on) and waits until it is active and serves
                      HTTPS
  describe-instance   prints the instance's id, status, protocol, description and version
                      (the DescribeInstance API)

Options:
  --instance-id ID             the instance, e.g. es-cn-n6w1o1x0w001c (or give it positionally)
  --client-token T             (open-https) idempotency token, 1-64 printable ASCII characters;
                               the same token never applies the change twice. Default: a new
                               UUID, printed so that you can retry with it
  --wait                       (open-https) wait until HTTPS is on. Progress goes to stderr:
                               on a terminal one status line redrawn in place
                               ("activating activating/HTTP 1m05s"), otherwise one line per
                               phase (checking, waiting, opening, activating, done).
                               Ctrl-C stops waiting (exit 130); the change may still complete
  --wait-timeout MS            (with --wait) give up after MS milliseconds (default 3600000,
                               an hour; at most 86400000)
  --poll-interval MS           (with --wait) time between two DescribeInstance calls (default
                               10000)
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
                               "haveClientNode","requestId"}
  -h, --help                   this help (also: ${BIN} help)
  --version                    the package version

Environment (credentials are only read from here, never from flags, which end up in shell
history):
  ALIBABA_CLOUD_ACCESS_KEY_ID       AccessKey ID (required)
  ALIBABA_CLOUD_ACCESS_KEY_SECRET   AccessKey secret (required)
  ALIBABA_CLOUD_SECURITY_TOKEN      STS security token, for temporary credentials
  ALIBABA_CLOUD_REGION_ID           region, when --region and --endpoint are not given
Empty variables count as unset. The secret and the token are never printed.

Output: "HTTPS enabled on ID (RequestId …, clientToken …)" on stdout (with --wait, once
HTTPS is on; "HTTPS already enabled on ID" when it was on before). describe-instance prints
one "name  value" line each for instance, status, protocol, description and version. On
failure, without --json: "error: <code>: <message>" on stderr, then RequestId, HTTP status,
Recommend and clientToken where known; an answer of Result: false is reported the same way.

Exit codes:
  0  HTTPS enabled (with --wait: HTTPS is on); describe-instance: the instance was described
  1  the call failed: an error from the service (InstanceNotFound, InstanceActivating, …),
     the network, a malformed answer, or missing/invalid credentials or region in the
     environment; with --wait also InstanceNotActive, HttpsNeedClientNode and WaitTimeout
     (HTTPS not on within --wait-timeout; OpenHttps may have been accepted: repeat with the
     printed clientToken)
  2  usage error: unknown flag or command, missing or repeated instance id, no region,
     conflicting flags (a one-line hint on stderr, even with --json), or a value refused before
     anything is sent (InvalidInstanceId, InvalidClientToken, InvalidRegion,
     InvalidEndpoint, InvalidArgument; printed like other errors)
  3  the service answered Result: false: it did not enable HTTPS
  130  interrupted (Ctrl-C) while waiting

Examples:
  ALIBABA_CLOUD_ACCESS_KEY_ID=… ALIBABA_CLOUD_ACCESS_KEY_SECRET=… \\
    npx ${BIN} open-https --instance-id es-cn-n6w1o1x0w001c --region cn-hangzhou --wait
  npx ${BIN} describe-instance es-cn-n6w1o1x0w001c --region cn-hangzhou --json | jq -r .protocol
`;

const OPTIONS = {
  'instance-id': { type: 'string' },
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
]);

const COMMANDS = ['open-https', 'describe-instance'];

// The flags that only make sense for some commands (or with --wait).
const COMMAND_FLAGS = {
  'client-token': ['open-https'],
  wait: ['open-https'],
};
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
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    // parseArgs' messages can span lines, and the unknown-flag one goes on about '--'; the hint
    // is meant to be one line.
    const flag = /'([^']*)'/.exec(e.message)?.[1];
    const oneLine = e.message.replace(/\s*\n\s*/g, ' ');
    throw new UsageError(e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag ? `unknown option '${flag}'` : oneLine);
  }
  const { values, positionals } = parsed;
  if (values.version && !values.help) {
    const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
    process.stdout.write(`${pkg.version}\n`);
    return null;
  }
  if (values.help || positionals.length === 0 || positionals[0] === 'help') {
    process.stdout.write(USAGE);
    return null;
  }

  const [command, ...rest] = positionals;
  if (!COMMANDS.includes(command)) {
    throw new UsageError(`unknown command '${command}' (the commands are ${COMMANDS.join(' and ')})`);
  }
  if (rest.length > 1) throw new UsageError(`unexpected arguments: ${rest.slice(1).join(' ')}`);
  if (rest.length === 1 && values['instance-id'] !== undefined) {
    throw new UsageError('give the instance id once: positionally or with --instance-id');
  }
  const instanceId = rest[0] ?? values['instance-id'];
  if (instanceId === undefined) throw new UsageError(`missing the instance id: ${command} --instance-id ID`);
  for (const [flag, commands] of Object.entries(COMMAND_FLAGS)) {
    if (values[flag] !== undefined && !commands.includes(command)) {
      throw new UsageError(`--${flag} is for ${commands.join(' and ')}, not ${command}`);
    }
  }
  for (const flag of WAIT_FLAGS) {
    if (values[flag] !== undefined && values.wait !== true) throw new UsageError(`--${flag} needs --wait`);
  }
  const waitTimeoutMs = readMs(values, 'wait-timeout');
  const pollIntervalMs = readMs(values, 'poll-interval');

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

function printAnswer({ result, requestId, clientToken }, instanceId, json) {
  if (json) {
    process.stdout.write(JSON.stringify({ RequestId: requestId, Result: result }) + '\n');
  } else if (result) {
    process.stdout.write(`HTTPS enabled on ${instanceId} (RequestId ${requestId}, clientToken ${clientToken})\n`);
  } else {
    process.stderr.write(
      `error: HTTPS was not enabled on ${instanceId}: the service answered Result: false\n` +
        `RequestId: ${requestId}\nclientToken: ${clientToken} (reuse it to retry safely)\n`,
    );
  }
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

async function main(args) {
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
    if (cmd.command === 'describe-instance') {
      printInstance(await client.describeInstance(cmd.instanceId), cmd.json);
      return 0;
    }
    if (cmd.wait) return await openAndWait(client, cmd);
    const answer = await client.openHttps(cmd.instanceId, cmd.clientToken);
    printAnswer(answer, cmd.instanceId, cmd.json);
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
