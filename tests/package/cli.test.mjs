// The `aliyun-es-https` command as users get it: `npm pack` of pkg/, installed into a throwaway
// project, then run through the node_modules/.bin link npm made from the `bin` field (so the
// shebang and the executable bit are checked too) against the emulator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
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
let closedUrl; // nothing listens there

before(async () => {
  installed = installPacked('cli');
  bin = join(installed.project, 'node_modules', '.bin', 'aliyun-es-https');
  emulator = await startEmulator();
  fake = http.createServer((req, res) => {
    if (req.url.includes('/es-false-')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"RequestId":"FAKE-REQUEST-1","Result":false}');
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
});

after(async () => {
  await emulator?.close();
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
    const r = await cli(args, KEY);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, r.stderr);
    assert.match(lines[0], hint);
    assert.equal(lines[1], "Run 'aliyun-es-https --help' for usage.");
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

test('--help, -h, help and no arguments print the usage, environment and exit codes (exit 0)', async () => {
  const outputs = [];
  for (const args of [['--help'], ['-h'], ['help'], [], ['open-https', '--help'], ['open-https', freshId('help'), '-h']]) {
    const r = await cli(args, KEY);
    assert.equal(r.code, 0, args.join(' '));
    assert.equal(r.stderr, '');
    outputs.push(r.stdout);
  }
  assert.ok(outputs.every((o) => o === outputs[0]));
  const help = outputs[0];
  assert.match(help, /aliyun-es-https open-https --instance-id ID/);
  for (const flag of ['--client-token', '--region', '--endpoint', '--network', '--signature-version', '--json', '--version']) {
    assert.ok(help.includes(flag), flag);
  }
  for (const v of ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN', 'ALIBABA_CLOUD_REGION_ID']) {
    assert.ok(help.includes(v), v);
  }
  assert.match(help, /Exit codes:\n {2}0 .*\n {2}1 [^]*\n {2}2 [^]*\n {2}3 /);
});

test('--version prints the installed package version', async () => {
  const { version } = JSON.parse(
    readFileSync(join(installed.project, 'node_modules', 'aliyun-es-https', 'package.json'), 'utf8'),
  );
  const r = await cli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `${version}\n`);
});
