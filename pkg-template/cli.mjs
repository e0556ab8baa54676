#!/usr/bin/env node
// aliyun-es-https: turn on HTTPS for an Alibaba Cloud Elasticsearch instance from the shell.
// Shaped like `aliyun elasticsearch open-https --instance-id …` so ops people type what they
// already know. Node ≥ 20, standard library only; the work is done by the package itself.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const BIN = 'aliyun-es-https';

const USAGE = `Usage:
  ${BIN} open-https --instance-id ID [options]
  ${BIN} open-https ID [options]
  ${BIN} --help | --version

Turns on HTTPS for an Alibaba Cloud Elasticsearch instance (the OpenHttps API).

Options:
  --instance-id ID             the instance, e.g. es-cn-n6w1o1x0w001c (or give it positionally)
  --client-token T             idempotency token, 1-64 printable ASCII characters; the same
                               token never applies the change twice. Default: a new UUID,
                               printed so that you can retry with it
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
  -h, --help                   this help (also: ${BIN} help)
  --version                    the package version

Environment (credentials are only read from here, never from flags, which end up in shell
history):
  ALIBABA_CLOUD_ACCESS_KEY_ID       AccessKey ID (required)
  ALIBABA_CLOUD_ACCESS_KEY_SECRET   AccessKey secret (required)
  ALIBABA_CLOUD_SECURITY_TOKEN      STS security token, for temporary credentials
  ALIBABA_CLOUD_REGION_ID           region, when --region and --endpoint are not given
Empty variables count as unset. The secret and the token are never printed.

Output: "HTTPS enabled on ID (RequestId …, clientToken …)" on stdout. On failure, without
--json: "error: <code>: <message>" on stderr, then RequestId, HTTP status, Recommend and
clientToken where known; an answer of Result: false is reported the same way.

Exit codes:
  0  HTTPS enabled
  1  the call failed: an error from the service (InstanceNotFound, InstanceActivating, …),
     the network, a malformed answer, or missing/invalid credentials or region in the
     environment
  2  usage error: unknown flag or command, missing or repeated instance id, no region,
     conflicting flags (a one-line hint on stderr, even with --json), or a value refused before
     anything is sent (InvalidInstanceId, InvalidClientToken, InvalidRegion,
     InvalidEndpoint; printed like other errors)
  3  the service answered Result: false: it did not enable HTTPS

Example:
  ALIBABA_CLOUD_ACCESS_KEY_ID=… ALIBABA_CLOUD_ACCESS_KEY_SECRET=… \\
    npx ${BIN} open-https --instance-id es-cn-n6w1o1x0w001c --region cn-hangzhou
`;

const OPTIONS = {
  'instance-id': { type: 'string' },
  'client-token': { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  network: { type: 'string' },
  'signature-version': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
};

// Library errors about these options mean the command line was wrong, not the environment.
const FLAG_FIELDS = new Set(['instanceId', 'clientToken', 'endpoint', 'network', 'signatureVersion']);

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
  if (command !== 'open-https') throw new UsageError(`unknown command '${command}' (the command is open-https)`);
  if (rest.length > 1) throw new UsageError(`unexpected arguments: ${rest.slice(1).join(' ')}`);
  if (rest.length === 1 && values['instance-id'] !== undefined) {
    throw new UsageError('give the instance id once: positionally or with --instance-id');
  }
  const instanceId = rest[0] ?? values['instance-id'];
  if (instanceId === undefined) throw new UsageError('missing the instance id: open-https --instance-id ID');

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
    instanceId,
    clientToken: values['client-token'],
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
    const answer = await client.openHttps(cmd.instanceId, cmd.clientToken);
    printAnswer(answer, cmd.instanceId, cmd.json);
    return answer.result ? 0 : 3;
  } catch (e) {
    printFailure(e, cmd.json);
    return exitCodeOf(e, cmd.regionFromFlag);
  }
}

// exitCode rather than process.exit(): a piped stdout (| jq) is flushed before Node exits.
process.exitCode = await main(process.argv.slice(2));
