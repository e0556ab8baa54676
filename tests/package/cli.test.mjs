// The `aliyun-es-https` command as users get it: `npm pack` of pkg/, installed into a throwaway
// project, then run through the node_modules/.bin link npm made from the `bin` field (so the
// shebang and the executable bit are checked too) against the emulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { delimiter, dirname, join } from 'node:path';
import { startEmulator } from '../../emulator/emulator.mjs';
import { installPacked } from './packed.mjs';

const KEY = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret' };
const STS_KEY = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.testid',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'stssecret',
  ALIBABA_CLOUD_SECURITY_TOKEN: 'ststoken',
};
const NEVER_SHOWN = ['testsecret', 'stssecret', 'ststoken', 'wrongsecret'];
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

let installed;
let bin;
let emulator;
let fake; // a stand-in gateway for answers the emulator never gives
let fakeUrl;
const fakeListPages = []; // the ListInstance pages the fake was asked for
let closedUrl; // nothing listens there
let listing; // an emulator of its own for list-instances, so that what it lists is known

// instances() asks for pages of 100 (the largest): 250 instances are three ListInstance pages.
const LISTED = Array.from({ length: 250 }, (_, i) => {
  const n = String(i + 1).padStart(3, '0');
  return {
    id: `es-cn-list${n}`,
    // Halves that --description tells apart; spaces, since the description is the last column.
    description: i % 2 === 0 ? `team-a search ${n}` : `team-b logs ${n}`,
    status: i % 40 === 7 ? 'inactive' : 'active',
    protocol: i % 3 === 0 ? 'HTTPS' : 'HTTP',
    esVersion: ['7.10_with_X-Pack', '6.7_with_X-Pack', '8.5_with_X-Pack'][i % 3],
    haveClientNode: i % 5 !== 0,
  };
});

before(async () => {
  installed = installPacked('cli');
  bin = join(installed.project, 'node_modules', '.bin', 'aliyun-es-https');
  // Lifecycle instances (es-http-*, es-stuck-*, …) take 100 ms to activate; the stateless
  // es-active-*/es-activating-* ones used by the plain open-https tests take no time anyway.
  emulator = await startEmulator({ activationMs: 100 });
  fake = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url.includes('/es-false-')) {
      // DescribeInstance (open-https --wait looks first): active, HTTP.
      const id = /\/instances\/([^/?]+)/.exec(req.url)[1];
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ RequestId: 'FAKE-DESCRIBE-1', Result: { instanceId: id, status: 'active', protocol: 'HTTP' } }));
    } else if (req.url.includes('/es-false-')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"RequestId":"FAKE-REQUEST-1","Result":false}');
    } else if (req.method === 'GET' && req.url.startsWith('/openapi/instances?')) {
      // ListInstance: a full first page of 150, then a service error on page 2.
      const page = new URL(req.url, 'http://fake').searchParams.get('page');
      fakeListPages.push(page);
      res.writeHead(page === '1' ? 200 : 403, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify(
          page === '1'
            ? {
                RequestId: 'FAKE-LIST-1',
                Headers: { 'X-Total-Count': 150 },
                Result: Array.from({ length: 100 }, (_, i) => ({ instanceId: `es-cn-fake${i}`, status: 'active', protocol: 'HTTP' })),
              }
            : {
                RequestId: 'FAKE-LIST-2',
                HostId: 'fake',
                Code: 'Forbidden.RAM',
                Message: 'User not authorized to operate on the specified resource.',
                Recommend: 'https://api.aliyun.com/troubleshoot?q=Forbidden.RAM',
              },
        ),
      );
    } else {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html><body>Bad Gateway</body></html>');
    }
  });
  await new Promise((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakeUrl = `http://127.0.0.1:${fake.address().port}`;
  const probe = http.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${probe.address().port}`;
  await new Promise((resolve) => probe.close(resolve));
  // No default catalogue: ListInstance lists LISTED and the emulator's two seeded ids.
  listing = await startEmulator({ catalogue: false });
  listing.addInstances(LISTED);
});

after(async () => {
  await emulator?.close();
  await listing?.close();
  await new Promise((resolve) => (fake ? fake.close(resolve) : resolve()));
  installed?.remove();
});

/**
 * Runs the installed command with `args` and only the `env` ALIBABA_CLOUD_* variables given.
 * Without blocking: the in-process emulator must keep answering. Checks every run for leaks.
 */
function cli(args, env = {}) {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('ALIBABA_CLOUD_')) delete base[k];
  // The shebang is `#!/usr/bin/env node`: make sure it finds the node running the tests.
  base.PATH = `${dirname(process.execPath)}${delimiter}${base.PATH ?? ''}`;
  return new Promise((resolve) => {
    execFile(bin, args, { cwd: installed.project, env: { ...base, ...env } }, (err, stdout, stderr) => {
      for (const secret of NEVER_SHOWN) {
        assert.ok(!stdout.includes(secret) && !stderr.includes(secret), `${secret} was printed:\n${stdout}\n${stderr}`);
      }
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * A usage error as the CLI prints it: exit 2, nothing on stdout, and on stderr one line that
 * matches `hint` followed by the pointer to --help.
 */
function assertUsageError(r, args, hint) {
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stdout, '', args.join(' '));
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 2, `${args.join(' ')}: ${r.stderr}`);
  assert.match(lines[0], hint, args.join(' '));
  assert.equal(lines[1], "Run 'aliyun-es-https --help' for usage.");
}

const freshId = (label) => `es-active-cli-${label}-${randomUUID()}`;
const onEmulator = () => ['--endpoint', emulator.url];

test('the tarball ships cli.mjs and npm links it as node_modules/.bin/aliyun-es-https', async () => {
  assert.ok(installed.files.includes('cli.mjs'));
  const r = await cli(['--version']);
  assert.equal(r.code, 0, r.stderr);
});

test('open-https --instance-id: HTTPS enabled, printed for humans, applied once', async () => {
  const id = freshId('human');
  const r = await cli(['open-https', '--instance-id', id, ...onEmulator()], KEY);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const m = /^HTTPS enabled on (\S+) \(RequestId (\S+), clientToken (\S+)\)\n$/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(m[1], id);
  assert.match(m[2], UUID);
  assert.match(m[3], UUID, 'a generated clientToken is shown');
  assert.equal(emulator.applied(id), 1);
});

test('--json prints the API answer {"RequestId","Result":true} and nothing else', async () => {
  const id = freshId('json');
  const r = await cli(['open-https', '--instance-id', id, '--json', ...onEmulator()], KEY);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const answer = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(answer), ['RequestId', 'Result']);
  assert.match(answer.RequestId, UUID);
  assert.equal(answer.Result, true);
  assert.equal(emulator.applied(id), 1);
});

test('positional instance id and --client-token: repeating the command does not apply twice', async () => {
  const id = freshId('positional');
  const first = await cli(['open-https', id, '--client-token', 'cli-token-1', ...onEmulator()], KEY);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, new RegExp(`^HTTPS enabled on ${id} \\(RequestId \\S+, clientToken cli-token-1\\)\\n$`));
  const again = await cli(['open-https', id, '--client-token', 'cli-token-1', ...onEmulator()], KEY);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, first.stdout, 'the service replays the first answer (same RequestId)');
  assert.equal(emulator.applied(id), 1);
});

test('--signature-version v1 signs with V1', async () => {
  const id = freshId('v1');
  const r = await cli(['open-https', id, '--signature-version', 'v1', ...onEmulator()], KEY);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(emulator.applied(id), 1);
  assert.deepEqual(
    emulator.log.filter((e) => e.instanceId === id).map((e) => e.signatureVersion),
    ['v1'],
  );
});

test('STS credentials: ALIBABA_CLOUD_SECURITY_TOKEN is sent (V3 and V1)', async () => {
  for (const version of ['v3', 'v1']) {
    const id = freshId(`sts-${version}`);
    const r = await cli(['open-https', id, '--signature-version', version, ...onEmulator()], STS_KEY);
    assert.equal(r.code, 0, `${version}: ${r.stderr}`);
    assert.equal(emulator.applied(id), 1);
    assert.equal(emulator.log.find((e) => e.instanceId === id).accessKeyId, 'STS.testid');
  }
});

test('a wrong STS secret: SignatureDoesNotMatch, exit 1, and neither the secret nor the token shown', async () => {
  const env = { ...STS_KEY, ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrongsecret' };
  for (const extra of [[], ['--json'], ['--signature-version', 'v1']]) {
    const r = await cli(['open-https', freshId('badsig'), ...extra, ...onEmulator()], env);
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /SignatureDoesNotMatch/);
  }
});

for (const [label, prefix, code, message] of [
  ['InstanceActivating', 'es-activating-cli-', 'InstanceActivating', 'Instance is activating.'],
  ['InstanceNotFound', 'es-cn-nosuch-', 'InstanceNotFound', 'The instanceId provided does not exist.'],
]) {
  test(`${label}: exit 1, code, message, RequestId, status, clientToken on stderr`, async () => {
    const id = prefix + randomUUID();
    const r = await cli(['open-https', id, '--client-token', `tok-${label}`, ...onEmulator()], KEY);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines[0], `error: ${code}: ${message}`);
    assert.match(lines[1], /^RequestId: [0-9A-F-]{36}$/);
    assert.equal(lines[2], 'HTTP status: 400');
    assert.match(lines[3], /^Recommend: https:\/\/api\.aliyun\.com\/troubleshoot\?q=/);
    assert.equal(lines[4], `clientToken: tok-${label} (reuse it to retry safely)`);
    assert.equal(lines.length, 5);
    assert.equal(emulator.applied(id), 0);
  });

  test(`${label} --json: the service's error shape on stdout, exit 1`, async () => {
    const r = await cli(['open-https', prefix + randomUUID(), '--json', ...onEmulator()], KEY);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    const body = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(body), ['RequestId', 'HostId', 'Code', 'Message', 'Recommend']);
    assert.equal(body.Code, code);
    assert.equal(body.Message, message);
    assert.match(body.RequestId, UUID);
    assert.equal(body.HostId, new URL(emulator.url).host);
  });
}

test('missing credentials: exit 1, nothing sent, and the message names the variables to set', async () => {
  const before = emulator.log.length;
  const none = await cli(['open-https', freshId('nocreds'), ...onEmulator()]);
  assert.equal(none.code, 1);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /^error: MissingCredentials: .*ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET/);

  const noSecret = await cli(['open-https', freshId('nosecret'), '--json', ...onEmulator()], {
    ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: '',
  });
  assert.equal(noSecret.code, 1);
  const body = JSON.parse(noSecret.stdout);
  assert.deepEqual(Object.keys(body), ['Code', 'Message'], 'only the fields known');
  assert.equal(body.Code, 'MissingCredentials');
  assert.match(body.Message, /set ALIBABA_CLOUD_ACCESS_KEY_SECRET /);
  assert.equal(emulator.log.length, before);
});

test('invalid credentials in the environment are exit 1 (not a usage error)', async () => {
  const r = await cli(['open-https', freshId('badtoken'), ...onEmulator()], { ...STS_KEY, ALIBABA_CLOUD_SECURITY_TOKEN: ' ststoken' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: InvalidCredentials: /);
});

test('usage errors: exit 2, a one-line hint on stderr, nothing on stdout, nothing sent', async () => {
  const before = emulator.log.length;
  const id = freshId('usage');
  const cases = [
    [['open-https'], /missing the instance id/],
    [['open-https', '--json', ...onEmulator()], /missing the instance id/],
    [['open-https', id, '--bogus', ...onEmulator()], /unknown option '--bogus'/],
    [['open-https', id, '--access-key-secret', 'testsecret'], /unknown option '--access-key-secret'/],
    [['open-https', id, '--client-token'], /--client-token/],
    [['open-https', id, '--instance-id', id], /once/],
    [['open-https', id, 'extra'], /unexpected arguments: extra/],
    [['enable-https', id], /unknown command 'enable-https'/],
    [['open-https', id, '--region', 'cn-hangzhou', ...onEmulator()], /--region and --endpoint/],
    [['open-https', id, '--network', 'vpc', ...onEmulator()], /--network and --endpoint/],
    [['open-https', id, '--network', 'lan', '--region', 'cn-hangzhou'], /--network must be public or vpc/],
    [['open-https', id, '--signature-version', 'v2', ...onEmulator()], /--signature-version must be v3 or v1/],
    [['open-https', id], /no region: pass --region/],
  ];
  for (const [args, hint] of cases) {
    assertUsageError(await cli(args, KEY), args, hint);
  }
  assert.equal(emulator.log.length, before);
});

test('values the library refuses before sending: exit 2 for a flag, exit 1 for the environment', async () => {
  const badId = await cli(['open-https', 'es-cn-bad!id', ...onEmulator()], KEY);
  assert.equal(badId.code, 2);
  assert.match(badId.stderr, /^error: InvalidInstanceId: /);

  const badToken = await cli(['open-https', freshId('tok'), '--client-token', 'é', '--json', ...onEmulator()], KEY);
  assert.equal(badToken.code, 2);
  assert.equal(JSON.parse(badToken.stdout).Code, 'InvalidClientToken');

  const badRegionFlag = await cli(['open-https', freshId('reg'), '--region', 'CN HZ'], KEY);
  assert.equal(badRegionFlag.code, 2);
  assert.match(badRegionFlag.stderr, /^error: InvalidRegion: /);

  const badRegionEnv = await cli(['open-https', freshId('reg')], { ...KEY, ALIBABA_CLOUD_REGION_ID: 'CN HZ' });
  assert.equal(badRegionEnv.code, 1);
  assert.match(badRegionEnv.stderr, /^error: InvalidRegion: /);
});

test('Result: false from the service is exit 3', async () => {
  const human = await cli(['open-https', 'es-false-1', '--endpoint', fakeUrl], KEY);
  assert.equal(human.code, 3);
  assert.equal(human.stdout, '');
  assert.match(human.stderr, /^error: HTTPS was not enabled on es-false-1: the service answered Result: false\nRequestId: FAKE-REQUEST-1\nclientToken: \S+ \(reuse it to retry safely\)\n$/);

  const json = await cli(['open-https', 'es-false-1', '--endpoint', fakeUrl, '--json'], KEY);
  assert.equal(json.code, 3);
  assert.equal(json.stdout, '{"RequestId":"FAKE-REQUEST-1","Result":false}\n');
});

test('an HTML answer is MalformedResponse and no answer is NetworkError: exit 1, with the clientToken', async () => {
  const html = await cli(['open-https', 'es-html-1', '--endpoint', fakeUrl, '--client-token', 'retry-me'], KEY);
  assert.equal(html.code, 1);
  assert.match(html.stderr, /^error: MalformedResponse: /);
  assert.match(html.stderr, /\nHTTP status: 502\n/);
  assert.match(html.stderr, /\nclientToken: retry-me \(reuse it to retry safely\)\n$/);

  const down = await cli(['open-https', 'es-down-1', '--endpoint', closedUrl, '--json'], KEY);
  assert.equal(down.code, 1);
  const body = JSON.parse(down.stdout);
  assert.equal(body.Code, 'NetworkError');
  assert.equal(typeof body.Message, 'string');
});

// --- open-https --wait and describe-instance ---------------------------------------------------

const WAIT_FAST = ['--wait', '--poll-interval', '30', '--wait-timeout', '10000'];
const PROGRESS_LINE = /^(checking|waiting|opening|activating|done) (\S+)\/(\S+) (\d+\.\ds|\d+m\d\ds)$/;

/** The progress lines of a non-TTY run (stderr): [{ phase, status, protocol }]. */
function progressLines(stderr) {
  return stderr
    .trimEnd()
    .split('\n')
    .filter((l) => PROGRESS_LINE.test(l))
    .map((l) => {
      const [, phase, status, protocol] = PROGRESS_LINE.exec(l);
      return { phase, status, protocol };
    });
}

test('open-https --wait: one progress line per phase on stderr, the usual line on stdout once HTTPS is on', async () => {
  const id = `es-http-cli-${randomUUID()}`;
  const r = await cli(['open-https', id, ...WAIT_FAST, '--client-token', 'wait-token-1', ...onEmulator()], KEY);
  assert.equal(r.code, 0, r.stderr);
  const m = /^HTTPS enabled on (\S+) \(RequestId (\S+), clientToken (\S+)\)\n$/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(m[1], id);
  assert.equal(m[2], emulator.log.find((e) => e.instanceId === id && e.action === 'OpenHttps').requestId);
  assert.equal(m[3], 'wait-token-1');
  // Not a terminal: plain lines, no cursor movement; a line per phase, not per poll.
  assert.doesNotMatch(r.stderr, /[\r\x1b]/);
  const lines = r.stderr.trimEnd().split('\n');
  assert.ok(lines.every((l) => PROGRESS_LINE.test(l)), r.stderr);
  const progress = progressLines(r.stderr);
  assert.deepEqual(progress.map((p) => p.phase), ['checking', 'opening', 'activating', 'done']);
  assert.deepEqual(progress.at(-1), { phase: 'done', status: 'active', protocol: 'HTTPS' });
  assert.deepEqual(progress[1], { phase: 'opening', status: 'active', protocol: 'HTTP' });
  // Really waited: HTTPS is on now, applied once, and the instance was polled.
  assert.equal(emulator.instance(id).protocol, 'HTTPS');
  assert.equal(emulator.instance(id).status, 'active');
  assert.equal(emulator.applied(id), 1);
  assert.ok(emulator.requests(id, 'DescribeInstance') >= 2);
});

test('open-https --wait on a terminal: one status line redrawn in place on stderr, kept at the end', async () => {
  // stderr is a pipe here; make the command believe it is a terminal.
  const tty = { NODE_OPTIONS: '--import=data:text/javascript,process.stderr.isTTY=true' };
  for (const json of [false, true]) {
    const id = `es-http-cli-${randomUUID()}`;
    const r = await cli(['open-https', id, ...WAIT_FAST, ...(json ? ['--json'] : []), ...onEmulator()], { ...KEY, ...tty });
    assert.equal(r.code, 0, r.stderr);
    if (json) assert.equal(JSON.parse(r.stdout).protocol, 'HTTPS');
    else assert.match(r.stdout, new RegExp(`^HTTPS enabled on ${id} \\(RequestId \\S+, clientToken \\S+\\)\n$`));
    const REDRAW = '\r\x1b[2K';
    assert.ok(r.stderr.startsWith(REDRAW), JSON.stringify(r.stderr));
    assert.ok(r.stderr.endsWith('\n') && r.stderr.indexOf('\n') === r.stderr.length - 1, 'one line, ended once');
    const frames = r.stderr.slice(REDRAW.length, -1).split(REDRAW);
    assert.ok(frames.every((f) => PROGRESS_LINE.test(f)), JSON.stringify(frames));
    const seen = frames.map((f) => PROGRESS_LINE.exec(f)[1]).filter((p, i, all) => i === 0 || all[i - 1] !== p);
    assert.deepEqual(seen, ['checking', 'opening', 'activating', 'done']);
    assert.match(frames.at(-1), /^done active\/HTTPS /);
    // Status changes within a phase are drawn too (activating: active → activating).
    assert.ok(frames.some((f) => f.startsWith('activating activating/HTTP ')), JSON.stringify(frames));
  }
});

test('open-https --wait on a busy instance: waiting, then opening', async () => {
  const id = `es-busy-cli-${randomUUID()}`;
  const r = await cli(['open-https', '--instance-id', id, ...WAIT_FAST, ...onEmulator()], KEY);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(progressLines(r.stderr).map((p) => p.phase), ['checking', 'waiting', 'opening', 'activating', 'done']);
  assert.match(r.stdout, new RegExp(`^HTTPS enabled on ${id} `));
  assert.equal(emulator.requests(id, 'OpenHttps'), 1);
});

test('open-https --wait on an HTTPS instance: "already enabled", nothing sent but a DescribeInstance', async () => {
  const id = `es-https-cli-${randomUUID()}`;
  const r = await cli(['open-https', id, ...WAIT_FAST, ...onEmulator()], KEY);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `HTTPS already enabled on ${id}\n`);
  assert.deepEqual(progressLines(r.stderr).map((p) => p.phase), ['checking', 'done']);
  assert.equal(emulator.requests(id, 'OpenHttps'), 0);
  assert.equal(emulator.requests(id, 'DescribeInstance'), 1);
});

test('open-https --wait --json: the EnsureHttpsResult on stdout, nothing on stderr', async () => {
  const id = `es-http-cli-${randomUUID()}`;
  const r = await cli(['open-https', id, ...WAIT_FAST, '--json', '--client-token', 'wait-json', ...onEmulator()], KEY);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const result = JSON.parse(r.stdout);
  assert.deepEqual(
    Object.keys(result).sort(),
    ['changed', 'clientToken', 'elapsedMs', 'instanceId', 'polls', 'protocol', 'requestId', 'status'],
  );
  assert.equal(result.instanceId, id);
  assert.equal(result.changed, true);
  assert.equal(result.status, 'active');
  assert.equal(result.protocol, 'HTTPS');
  assert.equal(result.clientToken, 'wait-json');
  assert.match(result.requestId, UUID);
  assert.equal(result.polls, emulator.requests(id, 'DescribeInstance'));
  assert.ok(result.elapsedMs >= 100, `elapsedMs ${result.elapsedMs}`);
  assert.equal(emulator.applied(id), 1);
});

test('open-https --wait: a change that never finishes is WaitTimeout after --wait-timeout, exit 1, with the clientToken', async () => {
  const id = `es-stuck-cli-${randomUUID()}`;
  const started = performance.now();
  const r = await cli(['open-https', id, '--wait', '--wait-timeout', '300', '--poll-interval', '30', '--client-token', 'stuck-cli', ...onEmulator()], KEY);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(performance.now() - started >= 300);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  const error = lines.findIndex((l) => l.startsWith('error: '));
  assert.deepEqual(progressLines(lines.slice(0, error).join('\n')).map((p) => p.phase), ['checking', 'opening', 'activating']);
  assert.match(lines[error], /^error: WaitTimeout: .*300 ms.*status activating, protocol HTTP/);
  assert.match(lines[error + 1], /^RequestId: [0-9A-F-]{36}$/);
  assert.equal(lines.at(-1), 'clientToken: stuck-cli (reuse it to retry safely)');
  assert.equal(emulator.applied(id), 1);

  const json = await cli(['open-https', `es-stuck-cli-${randomUUID()}`, '--wait', '--wait-timeout', '200', '--poll-interval', '30', '--json', ...onEmulator()], KEY);
  assert.equal(json.code, 1);
  assert.equal(json.stderr, '');
  assert.equal(JSON.parse(json.stdout).Code, 'WaitTimeout');
});

test('open-https --wait: HttpsNeedClientNode and InstanceNotActive are exit 1', async () => {
  const noClient = await cli(['open-https', `es-noclient-cli-${randomUUID()}`, ...WAIT_FAST, ...onEmulator()], KEY);
  assert.equal(noClient.code, 1);
  assert.equal(noClient.stdout, '');
  assert.match(noClient.stderr, /\nerror: HttpsNeedClientNode: /);
  assert.match(noClient.stderr, /\nHTTP status: 400\n/);

  const id = `es-inactive-cli-${randomUUID()}`;
  const inactive = await cli(['open-https', id, ...WAIT_FAST, '--json', ...onEmulator()], KEY);
  assert.equal(inactive.code, 1);
  assert.equal(inactive.stderr, '');
  const body = JSON.parse(inactive.stdout);
  assert.equal(body.Code, 'InstanceNotActive');
  assert.match(body.Message, /inactive/);
  assert.equal(emulator.requests(id, 'OpenHttps'), 0);
});

test('open-https --wait: Result: false from the service is exit 3, as without --wait', async () => {
  const r = await cli(['open-https', 'es-false-2', '--wait', '--endpoint', fakeUrl], KEY);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /\nerror: OpenHttpsRejected: /);
  assert.match(r.stderr, /\nRequestId: FAKE-REQUEST-1\n/);
});

test('open-https --wait: Ctrl-C (SIGINT) stops waiting, exit 130, with the clientToken to resume', async () => {
  const id = `es-stuck-cli-${randomUUID()}`;
  const base = { ...process.env, ...KEY, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
  const child = spawn(bin, ['open-https', id, '--wait', '--poll-interval', '30', '--client-token', 'sigint-token', ...onEmulator()], {
    cwd: installed.project,
    env: base,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  const activating = new Promise((resolve) => {
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      if (/^activating /m.test(stderr)) resolve();
    });
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
  try {
    await Promise.race([activating, exited]);
    const interruptedAt = performance.now();
    child.kill('SIGINT');
    const { code, signal } = await exited;
    assert.equal(signal, null, stderr);
    assert.equal(code, 130, stderr);
    assert.ok(performance.now() - interruptedAt < 2000);
  } finally {
    clearTimeout(guard);
  }
  assert.equal(stdout, '');
  assert.match(stderr, /\nerror: Interrupted: interrupted while waiting: OpenHttps was accepted/);
  assert.match(stderr, /\nclientToken: sigint-token \(reuse it to retry safely\)\n$/);
  const requests = emulator.requests(id);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(emulator.requests(id), requests, 'no poll after the exit');
});

test('describe-instance: id, status, protocol, description and version for humans; --json the Instance', async () => {
  const id = `es-http-cli-${randomUUID()}`;
  emulator.setInstance(id, { description: 'cli-search', esVersion: '6.7_with_X-Pack' });
  const r = await cli(['describe-instance', '--instance-id', id, ...onEmulator()], KEY);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const rows = Object.fromEntries(r.stdout.trimEnd().split('\n').map((l) => /^(\S+) +(.*)$/.exec(l).slice(1)));
  assert.deepEqual(rows, {
    instance: id,
    status: 'active',
    protocol: 'HTTP',
    description: 'cli-search',
    version: '6.7_with_X-Pack',
  });

  const json = await cli(['describe-instance', 'es-cn-prodlogs00001', '--json', ...onEmulator()], KEY);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stderr, '');
  const instance = JSON.parse(json.stdout);
  assert.deepEqual({ ...instance, requestId: undefined }, {
    instanceId: 'es-cn-prodlogs00001',
    status: 'active',
    protocol: 'HTTPS',
    description: 'prod-logs',
    esVersion: '7.10_with_X-Pack',
    haveClientNode: true,
    requestId: undefined,
  });
  assert.match(instance.requestId, UUID);
  assert.equal(emulator.requests(id, 'OpenHttps'), 0, 'describe-instance changes nothing');
});

test('describe-instance: an unknown instance is exit 1 with the service error (and its JSON shape with --json)', async () => {
  const id = `es-cn-nosuch-${randomUUID()}`;
  const r = await cli(['describe-instance', id, ...onEmulator()], KEY);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines[0], 'error: InstanceNotFound: The instanceId provided does not exist.');
  assert.match(lines[1], /^RequestId: [0-9A-F-]{36}$/);
  assert.ok(!r.stderr.includes('clientToken'), 'describe-instance has no clientToken to reuse');

  const json = await cli(['describe-instance', id, '--json', ...onEmulator()], KEY);
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.stdout).Code, 'InstanceNotFound');
});

test('--wait and describe-instance usage errors: exit 2, a one-line hint, nothing sent', async () => {
  const before = emulator.log.length;
  const id = freshId('usage-wait');
  const cases = [
    [['open-https', id, '--wait-timeout', '1000', ...onEmulator()], /--wait-timeout needs --wait/],
    [['open-https', id, '--poll-interval', '1000', ...onEmulator()], /--poll-interval needs --wait/],
    [['open-https', id, '--wait', '--wait-timeout', '5s', ...onEmulator()], /--wait-timeout must be a number of milliseconds, not '5s'/],
    [['open-https', id, '--wait', '--poll-interval', '-1', ...onEmulator()], /--poll-interval/],
    [['open-https', id, '--wait', '--wait-timeout', ...onEmulator().slice(1)], /--wait-timeout must be a number/],
    [['describe-instance', ...onEmulator()], /missing the instance id: describe-instance --instance-id ID/],
    [['describe-instance', id, '--wait', ...onEmulator()], /--wait is for open-https, not describe-instance/],
    [['describe-instance', id, '--client-token', 't', ...onEmulator()], /--client-token is for open-https and close-https, not describe-instance/],
    [['describe-instance', id, 'extra', ...onEmulator()], /unexpected arguments: extra/],
    [['describe-instances', id], /unknown command 'describe-instances' \(the commands are open-https and describe-instance\)/],
  ];
  for (const [args, hint] of cases) {
    assertUsageError(await cli(args, KEY), args, hint);
  }
  // Values in range are the library's to check: refused before sending, exit 2 like other flags.
  const zero = await cli(['open-https', id, '--wait', '--wait-timeout', '0', ...onEmulator()], KEY);
  assert.equal(zero.code, 2, zero.stderr);
  assert.match(zero.stderr, /^error: InvalidArgument: waitTimeoutMs /);
  const slow = await cli(['open-https', id, '--wait', '--poll-interval', '3600001', '--json', ...onEmulator()], KEY);
  assert.equal(slow.code, 2, slow.stderr);
  assert.equal(JSON.parse(slow.stdout).Code, 'InvalidArgument');
  assert.equal(emulator.log.length, before);
});

// --- close-https and list-instances ------------------------------------------------------------

/** Waits until `check()` holds, polling; fails after `ms`. */
async function eventually(check, what, ms = 5000) {
  const deadline = performance.now() + ms;
  while (!check()) {
    assert.ok(performance.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const closeCalls = (id) => emulator.log.filter((e) => e.instanceId === id && e.action === 'CloseHttps');

test('close-https --instance-id: HTTPS disable accepted, printed, applied once, HTTP after activation; the same --client-token does not apply twice', async () => {
  const id = `es-https-cli-${randomUUID()}`;
  const args = ['close-https', '--instance-id', id, '--client-token', 'close-token-1', ...onEmulator()];
  const first = await cli(args, KEY);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stderr, '');
  const [call] = closeCalls(id);
  assert.equal(first.stdout, `HTTPS disable accepted on ${id} (RequestId ${call.requestId}, clientToken close-token-1)\n`);
  assert.equal(call.clientToken, 'close-token-1');
  assert.equal(emulator.closed(id), 1);
  assert.equal(emulator.requests(id, 'OpenHttps'), 0, 'CloseHttps, not OpenHttps');
  await eventually(() => emulator.instance(id).status === 'active' && emulator.instance(id).protocol === 'HTTP', 'HTTP');

  const again = await cli(args, KEY);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, first.stdout, 'the service replays the first answer (same RequestId)');
  assert.deepEqual(closeCalls(id).map((e) => [e.clientToken, e.replayed]), [['close-token-1', false], ['close-token-1', true]]);
  assert.equal(emulator.closed(id), 1);
});

test('close-https ID: a generated clientToken is printed; --json prints the API answer {"RequestId","Result":true}', async () => {
  const id = `es-https-cli-${randomUUID()}`;
  const r = await cli(['close-https', id, ...onEmulator()], KEY);
  assert.equal(r.code, 0, r.stderr);
  const m = /^HTTPS disable accepted on (\S+) \(RequestId (\S+), clientToken (\S+)\)\n$/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(m[1], id);
  assert.match(m[3], UUID);
  assert.deepEqual(closeCalls(id).map((e) => [e.requestId, e.clientToken]), [[m[2], m[3]]], 'the token sent is the one printed');
  assert.equal(emulator.closed(id), 1);

  const jsonId = `es-https-cli-${randomUUID()}`;
  const json = await cli(['close-https', jsonId, '--json', ...onEmulator()], KEY);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stderr, '');
  const answer = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(answer), ['RequestId', 'Result']);
  assert.equal(answer.RequestId, closeCalls(jsonId)[0].requestId);
  assert.equal(answer.Result, true);
  assert.equal(emulator.closed(jsonId), 1);
});

test('close-https: an unknown instance is exit 1 with the service error and the clientToken (its JSON shape with --json)', async () => {
  const id = `es-cn-nosuch-${randomUUID()}`;
  const r = await cli(['close-https', id, '--client-token', 'close-missing', ...onEmulator()], KEY);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines[0], 'error: InstanceNotFound: The instanceId provided does not exist.');
  assert.equal(lines[1], `RequestId: ${closeCalls(id)[0].requestId}`);
  assert.equal(lines[2], 'HTTP status: 400');
  assert.match(lines[3], /^Recommend: https:\/\/api\.aliyun\.com\/troubleshoot\?q=InstanceNotFound/);
  assert.equal(lines[4], 'clientToken: close-missing (reuse it to retry safely)');
  assert.equal(lines.length, 5);

  const json = await cli(['close-https', id, '--json', ...onEmulator()], KEY);
  assert.equal(json.code, 1);
  assert.equal(json.stderr, '');
  const body = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(body), ['RequestId', 'HostId', 'Code', 'Message', 'Recommend']);
  assert.equal(body.Code, 'InstanceNotFound');
  assert.equal(body.RequestId, closeCalls(id)[1].requestId);
  assert.equal(emulator.closed(id), 0);
});

test('close-https: Result: false from the service is exit 3, as for open-https', async () => {
  const human = await cli(['close-https', 'es-false-1', '--endpoint', fakeUrl, '--client-token', 'close-false'], KEY);
  assert.equal(human.code, 3);
  assert.equal(human.stdout, '');
  assert.equal(
    human.stderr,
    'error: HTTPS was not disabled on es-false-1: the service answered Result: false\n' +
      'RequestId: FAKE-REQUEST-1\nclientToken: close-false (reuse it to retry safely)\n',
  );

  const json = await cli(['close-https', 'es-false-1', '--endpoint', fakeUrl, '--json'], KEY);
  assert.equal(json.code, 3);
  assert.equal(json.stdout, '{"RequestId":"FAKE-REQUEST-1","Result":false}\n');
});

/** The table list-instances should print for these emulator views, built from the spec. */
function expectedTable(views) {
  const header = ['instance', 'status', 'protocol', 'version', 'description'];
  const cells = views.map((v) => [v.instanceId, v.status, v.protocol, v.esVersion, v.description]);
  // Every column as wide as its widest cell, two spaces apart; the last one not padded.
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const row = (c) => c.map((cell, i) => (i < c.length - 1 ? cell.padEnd(widths[i]) : cell)).join('  ');
  return `${[row(header), ...cells.map(row)].join('\n')}\n${views.length} instances\n`;
}

/** The ListInstance queries the listing emulator received since `from` log entries. */
const listQueries = (from) => listing.log.slice(from).filter((e) => e.action === 'ListInstance').map((e) => e.query);

test('list-instances: every page (three ListInstance calls), each instance once in a fitted table, then the count', async () => {
  const from = listing.log.length;
  const r = await cli(['list-instances', '--endpoint', listing.url], KEY);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(listQueries(from), ['page=1&size=100', 'page=2&size=100', 'page=3&size=100']);
  const views = listing.instances();
  assert.equal(views.length, LISTED.length + 2, 'the seeded instances and the emulator\'s two');
  assert.equal(r.stdout, expectedTable(views));
  // The same, said plainly: every seeded instance exactly once, and the count.
  const lines = r.stdout.trimEnd().split('\n');
  const ids = lines.slice(1, -1).map((l) => l.split(' ')[0]);
  assert.equal(new Set(ids).size, ids.length);
  for (const { id } of LISTED) assert.ok(ids.includes(id), id);
  assert.equal(lines.at(-1), '252 instances');
});

test('list-instances --description: only the instances whose description contains D; none: the header and "0 instances"', async () => {
  const from = listing.log.length;
  const r = await cli(['list-instances', '--description', 'team-b', '--endpoint', listing.url], KEY);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const teamB = LISTED.filter((i) => i.description.startsWith('team-b')).map((i) => i.id);
  assert.equal(teamB.length, 125);
  assert.equal(r.stdout, expectedTable(listing.instances().filter((v) => teamB.includes(v.instanceId))));
  assert.deepEqual(listQueries(from), ['page=1&size=100&description=team-b', 'page=2&size=100&description=team-b']);

  const none = await cli(['list-instances', '--description', 'no-such-team', '--endpoint', listing.url], KEY);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stdout, 'instance  status  protocol  version  description\n0 instances\n');
  assert.equal(none.stderr, '');
});

test('list-instances --json: one Instance object per line (NDJSON, no requestId), nothing on stderr; none: nothing', async () => {
  const r = await cli(['list-instances', '--json', '--endpoint', listing.url], KEY);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.ok(r.stdout.endsWith('}\n'), r.stdout.slice(-100));
  const objects = r.stdout.slice(0, -1).split('\n').map((line) => JSON.parse(line));
  const keys = ['instanceId', 'status', 'protocol', 'description', 'esVersion', 'haveClientNode'];
  for (const o of objects) assert.deepEqual(Object.keys(o), keys);
  const expected = listing.instances().map((v) => Object.fromEntries(keys.map((k) => [k, v[k]])));
  assert.equal(objects.length, 252);
  assert.deepEqual(objects, expected);
  // The seeded values came through (not only the emulator's defaults).
  assert.deepEqual(objects.find((o) => o.instanceId === 'es-cn-list008'), {
    instanceId: 'es-cn-list008',
    status: 'inactive',
    protocol: 'HTTP',
    description: 'team-b logs 008',
    esVersion: '6.7_with_X-Pack',
    haveClientNode: true,
  });

  const teamA = await cli(['list-instances', '--json', '--description', 'team-a', '--endpoint', listing.url], KEY);
  assert.equal(teamA.code, 0, teamA.stderr);
  const ids = teamA.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).instanceId);
  assert.deepEqual(ids, LISTED.filter((i) => i.description.startsWith('team-a')).map((i) => i.id));

  const none = await cli(['list-instances', '--json', '--description', 'no-such-team', '--endpoint', listing.url], KEY);
  assert.deepEqual(none, { code: 0, stdout: '', stderr: '' });
});

test('list-instances: an error on page 2 is exit 1 with the service error, and no partial list', async () => {
  fakeListPages.length = 0;
  const r = await cli(['list-instances', '--endpoint', fakeUrl], KEY);
  assert.deepEqual(fakeListPages, ['1', '2'], 'page 1 was listed, page 2 failed');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    'error: Forbidden.RAM: User not authorized to operate on the specified resource.\n' +
      'RequestId: FAKE-LIST-2\nHTTP status: 403\nRecommend: https://api.aliyun.com/troubleshoot?q=Forbidden.RAM\n',
  );

  const json = await cli(['list-instances', '--json', '--endpoint', fakeUrl], KEY);
  assert.equal(json.code, 1);
  assert.equal(json.stderr, '');
  assert.equal(
    json.stdout,
    '{"RequestId":"FAKE-LIST-2","HostId":"fake","Code":"Forbidden.RAM",' +
      '"Message":"User not authorized to operate on the specified resource.",' +
      '"Recommend":"https://api.aliyun.com/troubleshoot?q=Forbidden.RAM"}\n',
  );
});

test('close-https and list-instances usage errors: exit 2, a one-line hint, nothing sent', async () => {
  const sent = () => emulator.requests() + listing.requests();
  const before = sent();
  const id = `es-https-cli-${randomUUID()}`;
  const toEmulator = ['--endpoint', emulator.url];
  const toListing = ['--endpoint', listing.url];
  const cases = [
    [['close-https', ...toEmulator], /^aliyun-es-https: missing the instance id: close-https --instance-id ID$/],
    [['close-https', '--json', ...toEmulator], /missing the instance id: close-https/],
    [['close-https', id, '--wait', ...toEmulator], /^aliyun-es-https: --wait is for open-https, not close-https$/],
    [['close-https', id, '--wait-timeout', '1000', ...toEmulator], /^aliyun-es-https: --wait-timeout is for open-https and ensure-https, not close-https$/],
    [['close-https', id, '--poll-interval', '100', ...toEmulator], /^aliyun-es-https: --poll-interval is for open-https and ensure-https, not close-https$/],
    [['close-https', id, '--all', ...toEmulator], /--all is for ensure-https, not close-https/],
    [['close-https', id, '--yes', ...toEmulator], /--yes is for ensure-https, not close-https/],
    [['close-https', id, '--description', 'prod', ...toEmulator], /--description is for ensure-https and list-instances, not close-https/],
    [['close-https', id, 'extra', ...toEmulator], /unexpected arguments: extra/],
    [['close-https', id, '--instance-id', id, ...toEmulator], /give the instance id once/],
    [['close-https', '--instance-id', id, '--instance-id', id, ...toEmulator], /give --instance-id once for close-https/],
    [['close-https', id, '--client-token', 'a', '--client-token', 'b', ...toEmulator], /--client-token is given twice: give it once/],
    [['close-https', id], /no region: pass --region/],
    [['list-instances', '--wait', ...toListing], /^aliyun-es-https: --wait is for open-https, not list-instances$/],
    [['list-instances', '--wait-timeout', '1000', ...toListing], /--wait-timeout is for open-https and ensure-https, not list-instances/],
    [['list-instances', '--poll-interval', '100', ...toListing], /--poll-interval is for open-https and ensure-https, not list-instances/],
    [['list-instances', '--client-token', 't', ...toListing], /--client-token is for open-https and close-https, not list-instances/],
    [['list-instances', '--instance-id', id, ...toListing], /--instance-id is for open-https, close-https, describe-instance and ensure-https, not list-instances/],
    [['list-instances', id, ...toListing], /unexpected arguments: \S+ \(list-instances takes no instance id\)/],
    [['list-instances', '--all', ...toListing], /--all is for ensure-https, not list-instances/],
    [['list-instances', '--dry-run', ...toListing], /--dry-run is for ensure-https, not list-instances/],
    [['list-instances', '--concurrency', '2', ...toListing], /--concurrency is for ensure-https, not list-instances/],
    [['list-instances', '--journal', 'j.jsonl', ...toListing], /--journal is for ensure-https, not list-instances/],
    [['list-instances', '--description', 'a', '--description', 'b', ...toListing], /--description is given twice: give it once/],
    [['list-instances', '--json', '--json', ...toListing], /--json is given twice: give it once/],
    [['list-instances', '--region', 'cn-hangzhou', ...toListing], /--region and --endpoint/],
    [['list-instances'], /no region: pass --region/],
  ];
  for (const [args, hint] of cases) {
    assertUsageError(await cli(args, KEY), args, hint);
  }
  assert.equal(sent(), before);
});

test('--help, -h and help print the usage, environment and exit codes (exit 0); no arguments print it on stderr (exit 2)', async () => {
  const outputs = [];
  for (const args of [['--help'], ['-h'], ['help'], ['open-https', '--help'], ['open-https', freshId('help'), '-h'], ['--help', '--help']]) {
    const r = await cli(args, KEY);
    assert.equal(r.code, 0, args.join(' '));
    assert.equal(r.stderr, '');
    outputs.push(r.stdout);
  }
  assert.ok(outputs.every((o) => o === outputs[0]));
  const help = outputs[0];
  assert.match(help, /aliyun-es-https open-https --instance-id ID/);
  assert.match(help, /aliyun-es-https open-https --instance-id ID --wait \[--wait-timeout MS\] \[--poll-interval MS\]/);
  assert.match(help, /aliyun-es-https describe-instance --instance-id ID/);
  assert.match(help, /\n {2}aliyun-es-https close-https --instance-id ID \[options\]\n {2}aliyun-es-https close-https ID \[options\]\n/);
  assert.match(help, /\n {2}aliyun-es-https list-instances \[--description D\] \[options\]\n/);
  assert.match(help, /\nCommands:\n[^]*\n {2}close-https {9}turns off HTTPS[^]*\n {2}list-instances {6}lists every instance[^]*\nOptions:\n/);
  // --json says what the two print.
  assert.match(help, /close-https: as open-https;\s+list-instances: one \{"instanceId","status","protocol",\s+"description","esVersion","haveClientNode"\} per line/);
  for (const flag of ['--client-token', '--region', '--endpoint', '--network', '--signature-version', '--json', '--version', '--wait', '--wait-timeout', '--poll-interval']) {
    assert.ok(help.includes(flag), flag);
  }
  for (const v of ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN', 'ALIBABA_CLOUD_REGION_ID']) {
    assert.ok(help.includes(v), v);
  }
  assert.match(help, /Exit codes:\n {2}0 [^]*\n {2}1 [^]*\n {2}2 [^]*\n {2}3 /);
  assert.match(help, /\n {2}2 {2}usage error: no arguments at all/);

  // `npx aliyun-es-https` alone: a script that lost its arguments must not pass.
  const none = await cli([], KEY);
  assert.equal(none.code, 2);
  assert.equal(none.stdout, '');
  assert.equal(none.stderr, help);
  // Flags but no command: a usage error like the others.
  const noCommand = await cli(['--region', 'cn-hangzhou', '--json'], KEY);
  assert.equal(noCommand.code, 2);
  assert.equal(noCommand.stdout, '');
  assert.equal(
    noCommand.stderr,
    'aliyun-es-https: missing the command: open-https, describe-instance or ensure-https; also close-https or list-instances\n' +
      "Run 'aliyun-es-https --help' for usage.\n",
  );
});

test('a flag given twice is a usage error (exit 2, nothing sent), for every flag of every command; --instance-id repeats for ensure-https only', async () => {
  // Counted requests (the log keeps only its last 1000 entries).
  const before = emulator.requests();
  const id = freshId('repeat');
  // [flag, first, second]: a boolean has no values.
  const common = [
    ['--region', 'cn-hangzhou', 'cn-shanghai'],
    ['--endpoint', emulator.url, fakeUrl],
    ['--network', 'public', 'vpc'],
    ['--signature-version', 'v3', 'v1'],
    ['--json'],
  ];
  const byCommand = {
    'open-https': [...common, ['--client-token', 't1', 't2'], ['--wait'], ['--wait-timeout', '1000', '2000'], ['--poll-interval', '100', '200']],
    'close-https': [...common, ['--client-token', 't1', 't2']],
    'describe-instance': common,
    'list-instances': [...common, ['--description', 'prod', 'test']],
    'ensure-https': [
      ...common,
      ['--all'],
      ['--description', 'prod', 'test'],
      ['--instances-file', 'a.txt', 'b.txt'],
      ['--concurrency', '2', '3'],
      ['--max-rps', '10', '20'],
      ['--dry-run'],
      ['--yes'],
      ['--journal', 'a.jsonl', 'b.jsonl'],
      ['--wait-timeout', '1000', '2000'],
      ['--poll-interval', '100', '200'],
    ],
  };
  const target = {
    'open-https': [id],
    'close-https': [id],
    'describe-instance': [id],
    'list-instances': [],
    'ensure-https': ['--all'],
  };
  const cases = [];
  for (const [command, flags] of Object.entries(byCommand)) {
    for (const [flag, first, second] of flags) {
      const twice = first === undefined ? [flag, flag] : [flag, first, `${flag}=${second}`];
      // --all is the target of ensure-https: give it only as the repeated flag.
      const base = flag === '--all' ? [] : target[command];
      // An endpoint that answers, so that a command that went on would be seen sending.
      const tail = flag === '--endpoint' ? [] : onEmulator();
      cases.push([[command, ...base, ...twice, ...tail], new RegExp(`^aliyun-es-https: ${flag} is given twice: give it once$`)]);
    }
  }
  // Other spellings and counts.
  cases.push(
    [['ensure-https', '--all', '--yes', '-y', ...onEmulator()], /^aliyun-es-https: --yes is given twice \(as --yes and -y\): give it once$/],
    [['ensure-https', '--all', '-y', '-y', ...onEmulator()], /^aliyun-es-https: --yes is given twice: give it once$/],
    [['describe-instance', id, '--json', '--json', '--json', ...onEmulator()], /^aliyun-es-https: --json is given 3 times: give it once$/],
    [['open-https', id, '--region=cn-hangzhou', '--region=cn-hangzhou'], /^aliyun-es-https: --region is given twice: give it once$/],
    [['open-https', '--instance-id', id, '--instance-id', id, ...onEmulator()], /^aliyun-es-https: give --instance-id once for open-https/],
    [['describe-instance', '--instance-id', id, '--instance-id', id, ...onEmulator()], /^aliyun-es-https: give --instance-id once for describe-instance/],
    [['close-https', '--instance-id', id, '--instance-id', id, ...onEmulator()], /^aliyun-es-https: give --instance-id once for close-https/],
  );
  assert.ok(cases.length >= 45, `${cases.length} cases`);
  // (In parallel: each is a process of its own, and none may send anything.)
  await Promise.all(
    cases.map(async ([args, hint]) => {
      assertUsageError(await cli(args, KEY), args, hint);
    }),
  );
  assert.equal(emulator.requests(), before);
});

test('--version prints the installed package version', async () => {
  const { version } = JSON.parse(
    readFileSync(join(installed.project, 'node_modules', 'aliyun-es-https', 'package.json'), 'utf8'),
  );
  const r = await cli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `${version}\n`);
});
