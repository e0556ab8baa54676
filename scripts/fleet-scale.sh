#!/usr/bin/env bash
# The 500-instance proof of fleet mode: starts the emulator as a process with a catalogue of
# 500 instances (200 HTTPS, 150 HTTP, 50 busy, 50 without client node, 50 inactive), 1 s
# activations and a limit of 20 requests a second, runs `aliyun-es-https ensure-https` (the
# packed pkg/, as users get it) over the catalogue with enough instances in flight that the
# QPS limit is the bottleneck, then checks through the emulator's control endpoint that every
# HTTP/busy instance serves HTTPS and nothing was applied twice, and prints the least time the
# QPS limit allows next to the measured time.
#
#   scripts/fleet-scale.sh            # needs pkg/ built (scripts/build.sh)
#
# Environment: CONCURRENCY (default 32), MAX_RPS (default 20: the limit itself; the run's
# limiter then never has to learn it from Throttling answers), POLL_MS (default 1050: just
# past the activation, so one confirming DescribeInstance usually suffices), TARGET_RATIO
# (default 1.3; only reported, the run fails on a double application or an instance left HTTP).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

N=500
QPS=20
ACTIVATION_MS=1000
CONCURRENCY=${CONCURRENCY:-32}
MAX_RPS=${MAX_RPS:-20}
POLL_MS=${POLL_MS:-1050}
TARGET_RATIO=${TARGET_RATIO:-1.3}

[ -f pkg/cli.mjs ] || { echo "fleet-scale: pkg/ is not built (scripts/build.sh)" >&2; exit 1; }
work=$(mktemp -d)
on_exit "rm -rf '$work'"

echo "== install the packed package"
project=$(install_packed_package)
on_exit "rm -rf '$project'"
bin="$project/node_modules/.bin/aliyun-es-https"

echo "== emulator: --catalogue $N --activation-ms $ACTIVATION_MS --qps $QPS"
start_emulator --catalogue "$N" --activation-ms "$ACTIVATION_MS" --qps "$QPS"

echo "== ensure-https over the catalogue (--concurrency $CONCURRENCY --max-rps $MAX_RPS --poll-interval $POLL_MS)"
started=$(date +%s%N)
set +e
ALIBABA_CLOUD_ACCESS_KEY_ID=testid ALIBABA_CLOUD_ACCESS_KEY_SECRET=testsecret \
  "$bin" ensure-https --all --description catalogue- --yes --json \
  --concurrency "$CONCURRENCY" --max-rps "$MAX_RPS" --poll-interval "$POLL_MS" --wait-timeout 600000 \
  --journal "$work/journal.jsonl" --endpoint "$EMULATOR_URL" > "$work/events.ndjson" 2> "$work/stderr"
code=$?
set -e
ended=$(date +%s%N)
echo "exit code $code"
if [ "$code" -ne 0 ]; then
  tail -c 2000 "$work/stderr" >&2
  tail -n 1 "$work/events.ndjson" | head -c 2000 >&2
fi

curl -sf "$EMULATOR_URL/__emulator/instances" > "$work/instances.json"
curl -sf "$EMULATOR_URL/__emulator/log" > "$work/log.json"

WALL_MS=$(((ended - started) / 1000000)) CODE=$code QPS=$QPS N=$N TARGET_RATIO=$TARGET_RATIO \
  WORK="$work" node --input-type=module - <<'EOF'
import { readFileSync } from 'node:fs';
const work = process.env.WORK;
const qps = Number(process.env.QPS);
const wallMs = Number(process.env.WALL_MS);
const views = JSON.parse(readFileSync(`${work}/instances.json`, 'utf8')).filter((v) => v.description.startsWith('catalogue-'));
const lines = readFileSync(`${work}/events.ndjson`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const summary = lines.at(-1);
const journal = readFileSync(`${work}/journal.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const log = JSON.parse(readFileSync(`${work}/log.json`, 'utf8'));

const kind = (v) => /^catalogue-([a-z]+)-/.exec(v.description)[1];
const eligible = views.filter((v) => kind(v) === 'http' || kind(v) === 'busy');
const failures = [];

// Nothing applied twice: the emulator's count, the tokens it applied, the tokens journaled.
const tokens = new Map();
for (const r of journal) if (r.event === 'token') tokens.set(r.instanceId, new Set([...(tokens.get(r.instanceId) ?? []), r.clientToken]));
const twice = views.filter((v) => v.applied > 1 || Object.keys(v.appliedByClientToken ?? {}).length > 1);
const twoTokens = [...tokens].filter(([, set]) => set.size > 1).map(([id]) => id);
if (twice.length > 0) failures.push(`applied more than once: ${twice.map((v) => `${v.instanceId} (${v.applied})`).join(', ')}`);
if (twoTokens.length > 0) failures.push(`more than one clientToken journaled: ${twoTokens.join(', ')}`);
const notHttps = eligible.filter((v) => !(v.https && v.status === 'active'));
if (notHttps.length > 0) failures.push(`not HTTPS: ${notHttps.map((v) => v.instanceId).join(', ')}`);
const notApplied = eligible.filter((v) => v.applied !== 1);
if (notApplied.length > 0) failures.push(`not applied exactly once: ${notApplied.map((v) => `${v.instanceId} (${v.applied})`).join(', ')}`);
const touched = views.filter((v) => !eligible.includes(v) && (v.applied > 0 || v.requests.OpenHttps > 0));
if (touched.length > 0) failures.push(`OpenHttps sent to an instance not to change: ${touched.map((v) => v.instanceId).join(', ')}`);
if (Number(process.env.CODE) !== 0) failures.push(`exit code ${process.env.CODE}`);

// The least the QPS limit allows: the requests the run must make at the least, at QPS a second.
const pages = Math.ceil(views.length / 100);
const must = { ListInstance: pages, DescribeForPlan: views.length, OpenHttps: eligible.length, ConfirmingDescribe: eligible.length };
const mustTotal = Object.values(must).reduce((a, b) => a + b, 0);
const minMs = (mustTotal / qps) * 1000;

// What was sent (received by the emulator, whatever the answer) and how much was throttled.
const sent = { OpenHttps: 0, DescribeInstance: 0 };
let attempts = 0;
for (const v of views) {
  sent.OpenHttps += v.requests.OpenHttps;
  sent.DescribeInstance += v.requests.DescribeInstance;
  attempts += v.attempts;
}
const rejected = sent.OpenHttps + sent.DescribeInstance - attempts; // throttled (or refused at the gateway)
// Per action and answer, from the emulator's log (complete when the run sent fewer than its
// 1000 entries; otherwise the last 1000 only).
const byAction = {};
for (const e of log) {
  const k = `${e.action} ${e.code ?? e.status}`;
  byAction[k] = (byAction[k] ?? 0) + 1;
}
const logComplete = log.length === sent.OpenHttps + sent.DescribeInstance + log.filter((e) => e.action === 'ListInstance').length;
const admittedDescribes = log.filter((e) => e.action === 'DescribeInstance' && e.code !== 'Throttling.User').length;
const perInstanceDescribes = {};
for (const v of eligible) perInstanceDescribes[v.requests.DescribeInstance] = (perInstanceDescribes[v.requests.DescribeInstance] ?? 0) + 1;
const plans = {};
for (const e of lines) if (e.type === 'plan') plans[e.plan] = (plans[e.plan] ?? 0) + 1;
const ratio = wallMs / minMs;
const libRatio = summary.elapsedMs / minMs;

const f = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log(`== figures (${views.length} instances, ${eligible.length} to change, QPS limit ${qps}/s)`);
console.log(`plan:                    ${JSON.stringify(plans)}`);
console.log(`result:                  https ${summary.https}, changed ${summary.changed}, failed ${summary.failed}, cannot ${summary.cannot}, interrupted ${summary.interrupted}`);
console.log(`requests at the least:   ${mustTotal} = ${pages} ListInstance + ${must.DescribeForPlan} DescribeInstance (plan) + ${must.OpenHttps} OpenHttps + ${must.ConfirmingDescribe} DescribeInstance (confirm)`);
console.log(`minimum time at ${qps}/s:   ${f(minMs)}`);
console.log(`measured:                ${f(wallMs)} wall (the command, Node start included); ${f(summary.elapsedMs)} by the run itself`);
console.log(`ratio:                   ${ratio.toFixed(3)} wall, ${libRatio.toFixed(3)} run (target ≤ ${process.env.TARGET_RATIO})`);
console.log(`requests received:       ${sent.DescribeInstance} DescribeInstance, ${sent.OpenHttps} OpenHttps (+ ListInstance); ${rejected} of those throttled`);
console.log(`by action and answer:    ${JSON.stringify(byAction)} (${logComplete ? 'the whole run' : `the last ${log.length} requests only`})`);
if (logComplete) {
  console.log(`describes beyond the must: ${admittedDescribes - must.DescribeForPlan - must.ConfirmingDescribe} admitted`);
}
console.log(`DescribeInstance per instance to change (count: instances): ${JSON.stringify(perInstanceDescribes)}`);
console.log(`applied:                 ${views.reduce((n, v) => n + v.applied, 0)} in all, at most ${Math.max(...views.map((v) => v.applied))} per instance`);
if (ratio > Number(process.env.TARGET_RATIO)) {
  console.log(`OVER TARGET by ${((ratio / Number(process.env.TARGET_RATIO) - 1) * 100).toFixed(1)}% (see the request counts above)`);
}
if (failures.length > 0) {
  for (const m of failures) console.log(`FAIL: ${m}`);
  process.exit(1);
}
console.log('ok: every HTTP/busy instance serves HTTPS, each applied once, one clientToken each');
EOF
