// The demo page: turns on HTTPS for an Alibaba Cloud Elasticsearch instance with the
// aliyun-es-https package (WebAssembly), loaded from /pkg/. No framework, no dependencies.
//
// Everything the service or the user typed is put on the page with textContent, never as
// HTML; the one link (the service's `recommend`) is used only when it is an http(s) URL.

const $ = (id) => document.getElementById(id);

const els = {
  form: $('form'),
  fields: $('fields'),
  targetEndpoint: $('target-endpoint'),
  targetRegion: $('target-region'),
  endpoint: $('endpoint'),
  region: $('region'),
  regionHost: $('region-host'),
  signatureVersion: $('signature-version'),
  accessKeyId: $('access-key-id'),
  accessKeySecret: $('access-key-secret'),
  toggleSecret: $('toggle-secret'),
  securityToken: $('security-token'),
  instanceId: $('instance-id'),
  clientToken: $('client-token'),
  newToken: $('new-token'),
  enable: $('enable'),
  enableLabel: $('enable-label'),
  requestUrl: $('request-url'),
  libraryStatus: $('library-status'),
  result: $('result'),
  resultTitle: $('result-title'),
  resultSubtitle: $('result-subtitle'),
  resultBody: $('result-body'),
  history: $('history'),
  historyEmpty: $('history-empty'),
};

// The instance list (below the form): its elements, and the per-instance operations.
const list = {
  section: $('instances'),
  refresh: $('refresh-instances'),
  refreshLabel: $('refresh-label'),
  table: $('instance-table'),
  rows: $('instance-rows'),
  summary: $('instances-summary'),
  error: $('instances-error'),
  errorCode: $('instances-error-code'),
  errorMessage: $('instances-error-message'),
  errorMeta: $('instances-error-meta'),
};

// "Enable HTTPS on all shown" (ensureHttpsAll): its bar above the table.
const fleetEls = {
  box: $('fleet'),
  run: $('fleet-run'),
  runLabel: $('fleet-run-label'),
  stop: $('fleet-stop'),
  progress: $('fleet-progress'),
  bar: $('fleet-bar'),
  done: $('fleet-done'),
  failed: $('fleet-failed'),
  cannot: $('fleet-cannot'),
  interrupted: $('fleet-interrupted'),
  eta: $('fleet-eta'),
  hint: $('fleet-hint'),
  note: $('fleet-note'),
  resumeBox: $('fleet-resume-box'),
  resumeText: $('fleet-resume-text'),
  resume: $('fleet-resume'),
  discard: $('fleet-discard'),
};

// The local emulator's seeded key and active instance (emulator/README.md).
const DEFAULTS = {
  accessKeyId: 'testid',
  accessKeySecret: 'testsecret',
  instanceId: 'es-cn-n6w1o1x0w001c',
};
const MAX_HISTORY = 6;

/** What to do about the errors a user of this page is likely to meet (from the README). */
const ADVICE = {
  InstanceActivating: 'The instance is still being created or changed. Wait until it is active, then press the button again: the client token is kept, so the retry cannot apply twice.',
  InstanceNotFound: 'No such instance for this account in this region. Check the instance id and the region (or endpoint).',
  SignatureDoesNotMatch: 'Wrong AccessKey secret, or something changed the request on the way (a proxy must pass the Host header and every x-acs-* header unchanged).',
  'InvalidAccessKeyId.NotFound': 'Unknown AccessKey ID.',
  'InvalidTimeStamp.Expired': 'This computer’s clock is more than 15 minutes off.',
  'Forbidden.RAM': 'The key lacks the elasticsearch:OpenHttps permission.',
  InvalidInstanceId: 'Refused before sending: 1–64 characters of A–Z, a–z, 0–9, _ and -, starting with a letter or digit.',
  InvalidClientToken: 'Refused before sending: 1–64 printable ASCII characters (or empty, to let the library generate one).',
  MissingCredentials: 'Refused before sending: fill in the AccessKey ID and secret.',
  InvalidCredentials: 'Refused before sending: no surrounding spaces, control or non-ASCII characters in the credentials.',
  UnsupportedRuntime: 'Choose V3: it is the default and works from a browser.',
  NetworkError: 'No HTTP answer (server down, DNS, TLS or CORS). Calling a region from a browser needs a same-origin proxy. Retrying with the same client token is safe.',
  MalformedResponse: 'The answer was not the service’s JSON: is the endpoint really the OpenAPI gateway (or a proxy to it)?',
};

/** The loaded package (`{ Client, … }`), once its wasm is instantiated. */
let lib = null;
let busy = false;
/**
 * The instance id the current client token was last sent for, or null when the token has not
 * been used yet. A token stands for one intended operation on one instance: sending it again
 * for the same instance is a retry (safe), for another instance it would be a different
 * operation, so that gets a fresh token.
 */
let tokenSentFor = null;

// ---------------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------------

els.endpoint.value = location.origin;
els.accessKeyId.value = DEFAULTS.accessKeyId;
els.accessKeySecret.value = DEFAULTS.accessKeySecret;
els.instanceId.value = DEFAULTS.instanceId;
generateToken();
updateTarget();
updateRequestLine();

for (const radio of [els.targetEndpoint, els.targetRegion]) radio.addEventListener('change', updateTarget);
els.endpoint.addEventListener('input', updateRequestLine);
els.region.addEventListener('change', updateTarget);
els.instanceId.addEventListener('input', updateRequestLine);
els.clientToken.addEventListener('input', () => {
  tokenSentFor = null; // the user's own token: theirs to reuse or not
});
els.newToken.addEventListener('click', () => generateToken());
els.toggleSecret.addEventListener('click', () => {
  const show = els.accessKeySecret.type === 'password';
  els.accessKeySecret.type = show ? 'text' : 'password';
  els.toggleSecret.textContent = show ? 'Hide' : 'Show';
  els.toggleSecret.setAttribute('aria-pressed', String(show));
});
els.form.addEventListener('submit', (event) => {
  event.preventDefault();
  enableHttps();
});
list.refresh.addEventListener('click', () => loadInstances());
// One listener for every row's buttons (rows are rebuilt on each load).
list.rows.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  const row = button?.closest('tr[data-instance-id]');
  if (!button || !row || button.disabled) return;
  if (button.dataset.action === 'enable') ensureOnRow(row.dataset.instanceId);
  else if (button.dataset.action === 'disable') disableOnRow(row.dataset.instanceId);
  else if (button.dataset.action === 'cancel') ops.get(row.dataset.instanceId)?.controller?.abort();
});
fleetEls.run.addEventListener('click', () => runFleet(instancesShown.map((i) => i.instanceId), 'all'));
fleetEls.stop.addEventListener('click', () => stopFleet());
fleetEls.resume.addEventListener('click', () => resumeFleet());
fleetEls.discard.addEventListener('click', () => discardJournal());
// The fleet button and the Resume offer depend on the target and key in the form.
for (const input of [els.endpoint, els.accessKeyId]) input.addEventListener('input', updateFleetControls);
for (const input of [els.targetEndpoint, els.targetRegion, els.region, els.signatureVersion]) {
  input.addEventListener('change', updateFleetControls);
}

// Loaded dynamically so that a failure (pkg/ not built, wasm not served) is shown on the page
// instead of leaving a dead form.
import('./pkg/index.js').then(
  (module) => {
    lib = module;
    setLibraryStatus('ready', 'Library ready');
    els.enable.disabled = false;
    els.enableLabel.textContent = 'Enable HTTPS';
    list.refresh.disabled = false;
    updateFleetControls();
    document.body.dataset.ready = 'true';
  },
  (err) => {
    setLibraryStatus('failed', 'Library failed to load');
    els.enableLabel.textContent = 'Unavailable';
    list.refreshLabel.textContent = 'Unavailable';
    updateFleetControls();
    setPlaceholder('The library did not load: nothing can be listed.');
    showError({
      code: 'LibraryLoadFailed',
      message: `Could not load /pkg/index.js: ${err?.message ?? err}. Build the package (scripts/build.sh) and serve it with www/server.mjs.`,
    });
    document.body.dataset.ready = 'failed';
  },
);

// ---------------------------------------------------------------------------------------------
// The call
// ---------------------------------------------------------------------------------------------

async function enableHttps() {
  if (busy || !lib) return;
  const instanceId = els.instanceId.value;
  if (tokenSentFor !== null && tokenSentFor !== instanceId) generateToken();
  // An empty field: let the library generate one (it is returned and shown).
  const clientToken = els.clientToken.value === '' ? undefined : els.clientToken.value;
  const target = describeTarget();

  setBusy(true, instanceId, target);
  const started = performance.now();
  let client;
  try {
    client = new lib.Client(buildConfig()); // throws OpenHttpsError on a bad configuration
    const answer = await client.openHttps(instanceId, clientToken);
    const ms = Math.round(performance.now() - started);
    showSuccess(answer, { instanceId, target, ms });
    addHistory({ ok: answer.result, instanceId, label: answer.result ? 'HTTPS on' : 'Result: false', requestId: answer.requestId });
    // A success used this token up: the service would answer any later call carrying it
    // with this same (replayed) result without applying anything. The next press of the
    // button is a new operation, so it gets a new token; retrying *this* call is only
    // needed after an error, and then the token is kept (below).
    generateToken();
  } catch (err) {
    const ms = Math.round(performance.now() - started);
    const error = normaliseError(err);
    // Keep the token when the request may have reached the service (it answered, or the
    // connection failed half-way): pressing the button again is then a safe retry.
    if (error.httpStatus !== undefined || error.code === 'NetworkError') tokenSentFor = instanceId;
    showError(error, { instanceId, target, ms });
    addHistory({ ok: false, instanceId, label: error.code, requestId: error.requestId });
  } finally {
    client?.free();
    setBusy(false);
  }
  revealResult();
}

/** On a narrow screen the result is below the form: bring it into view. */
function revealResult() {
  const box = els.result.getBoundingClientRect();
  if (box.top >= 0 && box.bottom <= window.innerHeight) return;
  const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  els.result.scrollIntoView({ block: 'nearest', behavior: smooth ? 'smooth' : 'auto' });
}

/** The Client configuration: only the keys the library knows (an unknown key is an error). */
function buildConfig() {
  const credentials = {
    accessKeyId: els.accessKeyId.value,
    accessKeySecret: els.accessKeySecret.value,
  };
  if (els.securityToken.value !== '') credentials.securityToken = els.securityToken.value;
  const config = { credentials, signatureVersion: els.signatureVersion.value };
  if (currentTarget() === 'region') config.regionId = els.region.value;
  else config.endpoint = els.endpoint.value;
  return config;
}

/** Any rejection as a plain object with the OpenHttpsError fields. */
function normaliseError(err) {
  if (err && typeof err === 'object' && typeof err.code === 'string') return err;
  return { code: 'UnexpectedError', message: String(err?.message ?? err), retryable: false };
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

function setBusy(on, instanceId, target) {
  busy = on;
  els.enable.disabled = on;
  els.enable.setAttribute('aria-busy', String(on));
  els.enableLabel.textContent = on ? 'Enabling…' : 'Enable HTTPS';
  els.fields.disabled = on;
  els.result.setAttribute('aria-busy', String(on));
  if (on) {
    setResultState('busy', 'Calling OpenHttps…', `${instanceId || '(no instance id)'} at ${target}`);
    els.resultBody.replaceChildren();
  }
}

function setResultState(state, title, subtitle) {
  els.result.dataset.state = state;
  els.resultTitle.textContent = title;
  els.resultSubtitle.textContent = subtitle;
}

function showSuccess(answer, { instanceId, target, ms }) {
  if (answer.result) {
    setResultState('success', 'HTTPS enabled', `${instanceId} · ${ms} ms`);
  } else {
    // Not an error, but the change did not happen (README: "check it").
    setResultState('warning', 'HTTPS not enabled', `The service answered Result: false for ${instanceId}.`);
  }
  els.resultBody.replaceChildren(
    details([
      ['Result', 'result-result', String(answer.result)],
      ['RequestId', 'result-request-id', answer.requestId, { mono: true, copy: true }],
      ['Client token', 'result-client-token', answer.clientToken, { mono: true }],
      ['Target', 'result-target', target, { mono: true }],
    ]),
  );
}

function showError(error, context) {
  const subtitle = context ? `${context.instanceId || '(no instance id)'} · ${context.ms} ms` : '';
  setResultState('error', 'Request failed', subtitle);
  const body = [];

  const code = document.createElement('p');
  code.className = 'error-code';
  code.id = 'result-code';
  code.dataset.testid = 'result-code';
  code.textContent = error.code;
  const message = document.createElement('p');
  message.className = 'error-message';
  message.id = 'result-message';
  message.dataset.testid = 'result-message';
  message.textContent = error.message;
  body.push(code, message);
  const hint = ADVICE[error.code];
  if (hint) {
    const advice = document.createElement('p');
    advice.className = 'advice';
    advice.id = 'result-advice';
    advice.dataset.testid = 'result-advice';
    advice.textContent = hint;
    body.push(advice);
  }

  const rows = [
    ['RequestId', 'result-request-id', error.requestId, { mono: true, copy: true }],
    ['HTTP status', 'result-http-status', error.httpStatus === undefined ? undefined : String(error.httpStatus)],
    ['Retryable', 'result-retryable', error.retryable === undefined ? undefined : error.retryable ? 'yes, with the same client token' : 'no'],
    ['Field', 'result-field', error.field, { mono: true }],
    ['HostId', 'result-host-id', error.hostId, { mono: true }],
    ['Client token', 'result-client-token', error.clientToken, { mono: true }],
    ['Target', 'result-target', context?.target, { mono: true }],
  ].filter(([, , value]) => value !== undefined && value !== '');
  if (rows.length) body.push(details(rows));

  const href = safeHttpUrl(error.recommend);
  if (href) {
    const link = document.createElement('a');
    link.id = 'result-recommend';
    link.dataset.testid = 'result-recommend';
    link.className = 'recommend';
    link.href = href;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = 'Troubleshoot this error';
    const arrow = document.createElement('span');
    arrow.setAttribute('aria-hidden', 'true');
    arrow.textContent = '↗';
    link.append(arrow);
    body.push(link);
  }
  els.resultBody.replaceChildren(...body);
}

/** A <dl> of [label, id, value, { mono, copy }] rows. */
function details(rows) {
  const dl = document.createElement('dl');
  dl.className = 'details';
  for (const [label, id, value, { mono = false, copy = false } = {}] of rows) {
    const row = document.createElement('div');
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    const span = document.createElement('span');
    span.id = id;
    span.dataset.testid = id;
    span.textContent = value;
    if (mono) span.className = 'mono';
    dd.append(span);
    if (copy && navigator.clipboard) dd.append(copyButton(value));
    row.append(dt, dd);
    dl.append(row);
  }
  return dl;
}

function copyButton(text) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'copy';
  button.textContent = 'Copy';
  button.addEventListener('click', () => {
    navigator.clipboard.writeText(text).then(
      () => flash(button, 'Copied'),
      () => flash(button, 'Not allowed'),
    );
  });
  return button;
}

function flash(button, text) {
  button.textContent = text;
  setTimeout(() => (button.textContent = 'Copy'), 1200);
}

function addHistory({ ok, instanceId, label, requestId }) {
  const li = document.createElement('li');
  li.className = ok ? 'ok' : 'fail';
  const time = document.createElement('time');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString([], { hour12: false });
  const what = document.createElement('span');
  what.className = 'history-what';
  const id = document.createElement('span');
  id.className = 'mono';
  id.textContent = instanceId || '(empty)';
  const outcome = document.createElement('span');
  outcome.className = 'history-outcome';
  outcome.textContent = label;
  what.append(id, outcome);
  const rid = document.createElement('span');
  rid.className = 'history-rid mono';
  rid.textContent = requestId ?? '—';
  rid.title = requestId ? `RequestId ${requestId}` : 'nothing reached the service';
  li.append(time, what, rid);
  els.history.prepend(li);
  while (els.history.children.length > MAX_HISTORY) els.history.lastElementChild.remove();
  els.historyEmpty.hidden = true;
}

function setLibraryStatus(status, text) {
  els.libraryStatus.dataset.status = status;
  els.libraryStatus.textContent = text;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function generateToken() {
  els.clientToken.value = uuid();
  tokenSentFor = null;
}

/** crypto.randomUUID needs a secure context (https, localhost, 127.0.0.1); otherwise build one. */
function uuid() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function currentTarget() {
  return els.targetRegion.checked ? 'region' : 'endpoint';
}

function regionHost() {
  return `https://elasticsearch.${els.region.value}.aliyuncs.com`;
}

function updateTarget() {
  const mode = currentTarget();
  // Only the chosen target's field is shown, so the page never sends to a hidden one.
  for (const field of document.querySelectorAll('[data-mode]')) field.hidden = field.dataset.mode !== mode;
  els.regionHost.textContent = regionHost();
  updateRequestLine();
}

/** Where the request goes, for display: the endpoint as typed, or the region's host. */
function describeTarget() {
  if (currentTarget() === 'region') return regionHost();
  const value = els.endpoint.value.trim();
  return value || '(no endpoint)';
}

function updateRequestLine() {
  const id = els.instanceId.value || '{InstanceId}';
  const base = describeTarget().replace(/\/+$/, '');
  els.requestUrl.textContent = `${base}/openapi/instances/${encodeURIComponent(id)}/actions/open-https`;
}

function safeHttpUrl(value) {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// The instance list (ListInstance) and, per row, Enable HTTPS (ensureHttps) and Disable HTTPS
// (CloseHttps, then DescribeInstance until the instance is back on HTTP)
// ---------------------------------------------------------------------------------------------

/**
 * How often ensureHttps looks at an instance while it activates. The emulator behind the demo
 * server activates in seconds; a real activation takes minutes, and an app would keep the
 * library's default (10 s) rather than poll DescribeInstance twice a second.
 */
const POLL_INTERVAL_MS = 500;
/** How long a row follows an activation before giving up with WaitTimeout. */
const WAIT_TIMEOUT_MS = 15 * 60 * 1000;

/** ensureHttps's phases: what the row says, and how far along the progress bar is (of 4). */
const PHASES = {
  // Fleet mode only: before its plan (the run looks at every instance first), and planned but
  // waiting for one of the run's slots.
  planning: { label: 'Planning', step: 0 },
  queued: { label: 'Queued', step: 1 },
  checking: { label: 'Checking the instance', step: 1 },
  waiting: { label: 'Waiting for another change to finish', step: 1 },
  opening: { label: 'Sending OpenHttps', step: 2 },
  activating: { label: 'Activating HTTPS', step: 3 },
  done: { label: 'HTTPS on', step: 4 },
};

/**
 * Disable HTTPS's phases (the page's own: the library has no "ensure HTTP"), on the same bar.
 * It starts where Enable's request does: there is nothing to check first.
 */
const DISABLE_PHASES = {
  closing: { label: 'Sending CloseHttps', step: 2 },
  activating: { label: 'Switching back to HTTP', step: 3 },
  done: { label: 'HTTP on', step: 4 },
};

const STATUS_TONES = { active: 'ok', activating: 'info', inactive: 'muted', invalid: 'err' };

/** A line of advice under a row's error, for the errors a row is likely to meet. */
const ROW_ADVICE = {
  HttpsNeedClientNode: 'Add client nodes to the instance in the console first.',
  InstanceNotActive: 'Only an active instance can change its protocol: renew or repair it first.',
  InstanceStatusNotSupportCurrentAction: 'Only an active instance can change its protocol: renew or repair it first.',
  WaitTimeout: 'OpenHttps was accepted but HTTPS was not on in time; the change may still finish: Refresh later.',
  InstanceActivating: 'Another change is running: try again once the instance is active.',
  NetworkError: 'No answer. Enable again to retry: the same client token is sent, so nothing is applied twice.',
};

/** The same for Disable HTTPS, where it has to say something else. */
const DISABLE_ADVICE = {
  ...ROW_ADVICE,
  WaitTimeout: 'CloseHttps was accepted but the instance was not back on HTTP in time; the change may still finish: Refresh later.',
  NetworkError: 'No answer. Disable again to retry: the same client token is sent, so nothing is applied twice.',
};

/** The instances shown, in the service's order (as ListInstance gave them, then kept up to date). */
let instancesShown = [];
/** What the shown list was loaded from (see targetKey), or null before the first load. */
let loadedFrom = null;
/** Where and when the shown list was loaded: { target, time }. */
let loadedInfo = null;
let loading = false;
/**
 * The last ensureHttps per instance id: { state: 'running' | 'done' | 'error' | 'cancelled',
 * phase, startedAt, elapsedMs, controller, result, error, openedAt }; or the last Disable
 * HTTPS: the same with kind: 'disable', closedAt instead of openedAt, and polls.
 */
const ops = new Map();
/**
 * The clientToken of an ensureHttps that failed or was cancelled, per instance id: pressing
 * Enable HTTPS again retries the same operation with it, so an OpenHttps that did reach the
 * service is not applied a second time. Dropped after a success.
 */
const retryTokens = new Map();
/**
 * The clientToken of a Disable HTTPS per instance id, from its first CloseHttps until it is
 * settled: pressing Disable again after a failure or a cancel is a retry of the same operation,
 * so a CloseHttps that did reach the service is not applied twice. Dropped once the instance is
 * seen active on HTTP (the close is done) or HTTPS is turned on again (a new close is a new
 * operation: the old token would only replay the old answer).
 */
const closeTokens = new Map();
/** Refreshes the elapsed time of the running rows. */
let ticker = null;

/** The target and identity a list belongs to: another one is another account's list. */
function targetKey() {
  return JSON.stringify([describeTarget(), els.accessKeyId.value, els.signatureVersion.value]);
}

async function loadInstances() {
  if (!lib || loading || fleetRunning()) return;
  const key = targetKey();
  const target = describeTarget();
  loading = true;
  setListBusy(true);
  const found = [];
  let client;
  try {
    client = new lib.Client(buildConfig());
    for await (const instance of client.instances()) found.push(instance);
  } catch (err) {
    const error = normaliseError(err);
    if (key !== loadedFrom) {
      // The rows shown were another target's: they go, and so do their operations.
      forgetOperations();
      instancesShown = [];
      loadedFrom = null;
      loadedInfo = null;
      setPlaceholder('No list: see the error above.');
    }
    loading = false;
    setListBusy(false);
    showListError(error);
    list.summary.textContent = `Could not list the instances at ${target}.`;
    updateFleetControls();
    return;
  } finally {
    client?.free();
  }

  hideListError();
  if (key !== loadedFrom) {
    // Another target or key: the operations running belong to the old list.
    forgetOperations();
  } else {
    // The same list again: keep what is running, forget finished outcomes.
    for (const [id, op] of ops) if (op.state !== 'running') ops.delete(id);
  }
  // The last fleet run's bar and note go with the outcomes they summed up.
  if (fleet !== null && !fleetRunning()) {
    fleet = null;
    setFleetNote('info', '');
    renderFleet();
  }
  loadedFrom = key;
  instancesShown = found;
  for (const instance of found) settleClose(instance);
  loading = false;
  setListBusy(false);
  if (found.length === 0) setPlaceholder(`No instances at ${target}.`);
  else list.rows.replaceChildren(...found.map(buildRow));
  loadedInfo = { target, time: new Date().toLocaleTimeString([], { hour12: false }) };
  renderSummary();
  updateFleetControls();
}

/** "8 instances at … · 7 without HTTPS · loaded at …", kept up to date as rows change. */
function renderSummary() {
  if (!loadedInfo || loading) return;
  const n = instancesShown.length;
  const http = instancesShown.filter((i) => !isHttps(i)).length;
  const text =
    `${n} ${n === 1 ? 'instance' : 'instances'} at ${loadedInfo.target} · ` +
    `${http} without HTTPS · loaded at ${loadedInfo.time}`;
  if (list.summary.textContent !== text) list.summary.textContent = text;
}

/** Cancels every running operation and forgets all outcomes and retry tokens. */
function forgetOperations() {
  for (const op of ops.values()) op.controller?.abort();
  ops.clear();
  retryTokens.clear();
  closeTokens.clear();
}

function setListBusy(on) {
  list.refresh.disabled = on || !lib || fleetRunning();
  list.refresh.setAttribute('aria-busy', String(on));
  list.table.setAttribute('aria-busy', String(on));
  list.section.dataset.state = on ? 'loading' : loadedFrom === null ? 'idle' : 'loaded';
  list.refreshLabel.textContent = on ? 'Loading…' : loadedFrom === null ? 'Load instances' : 'Refresh';
  if (on) {
    list.summary.textContent = `Listing the instances at ${describeTarget()}…`;
    // Keep the rows of a previous load on screen (dimmed) until the new list is in.
    if (loadedFrom === null) setPlaceholder('Loading instances…', true);
  }
  updateFleetControls();
}

/** One full-width row instead of instances: "Not loaded yet", "Loading…", "No instances". */
function setPlaceholder(text, spinning = false) {
  const tr = document.createElement('tr');
  tr.className = 'placeholder-row';
  const td = document.createElement('td');
  td.colSpan = 6;
  if (spinning) td.append(el('span', 'spinner spinner-dark is-spinning', { 'aria-hidden': 'true' }));
  td.append(text);
  tr.append(td);
  list.rows.replaceChildren(tr);
}

function showListError(error) {
  list.error.hidden = false;
  list.errorCode.textContent = error.code;
  list.errorMessage.textContent = error.message;
  const meta = [
    error.httpStatus !== undefined ? `HTTP ${error.httpStatus}` : null,
    error.requestId ? `RequestId ${error.requestId}` : null,
    ADVICE[error.code] ?? null,
  ].filter(Boolean);
  list.errorMeta.textContent = meta.join(' · ');
  list.errorMeta.hidden = meta.length === 0;
}

function hideListError() {
  list.error.hidden = true;
}

function isHttps(instance) {
  return String(instance.protocol).toUpperCase() === 'HTTPS';
}

/** A row: id, description, status, protocol, version, and the HTTPS cell (button, progress, outcome). */
function buildRow(instance) {
  const id = instance.instanceId;
  const tr = document.createElement('tr');
  tr.dataset.instanceId = id;
  tr.dataset.testid = 'instance-row';

  const idCell = el('th', 'cell-id', { scope: 'row' });
  idCell.append(el('span', 'mono', {}, id));
  const description = el('td', 'cell-description', {}, instance.description || '—');
  const status = el('td', 'cell-status');
  status.append(el('span', 'badge', { 'data-testid': 'instance-status', 'data-kind': 'status' }));
  const protocol = el('td', 'cell-protocol');
  protocol.append(el('span', 'badge', { 'data-testid': 'instance-protocol', 'data-kind': 'protocol' }));
  const version = el('td', 'cell-version mono', {}, instance.esVersion || '—');

  const cell = el('td', 'cell-https');
  const actions = el('div', 'op-actions');
  /** A row action button: `action` for the click handler, `testid` for the tests. */
  const button = (classes, action, testid, label, text) =>
    el('button', `btn btn-small ${classes}`, {
      type: 'button',
      'data-action': action,
      'data-testid': testid,
      'aria-label': `${label} ${id}`,
    }, text);
  /** Its label in a span, after a spinner shown while the row's operation runs. */
  const withSpinner = (node, spinner, text) => {
    node.append(el('span', spinner, { 'aria-hidden': 'true' }), el('span', 'btn-label', {}, text));
    return node;
  };
  const enable = withSpinner(button('btn-accent', 'enable', 'enable-https', 'Enable HTTPS on'), 'spinner', 'Enable HTTPS');
  // Secondary (not the accent colour): turning HTTPS off is the rare way, not to be hit by mistake.
  const disable = withSpinner(button('btn-ghost btn-disable', 'disable', 'disable-https', 'Disable HTTPS on'),
    'spinner spinner-dark', 'Disable HTTPS');
  const cancel = button('btn-ghost', 'cancel', 'cancel-https', 'Cancel enabling HTTPS on', 'Cancel');
  const note = el('span', 'op-note', { 'data-testid': 'op-note' });
  // Fleet mode: what the run decided for this instance.
  const plan = el('span', 'badge op-plan', { 'data-testid': 'op-plan', 'data-kind': 'plan', hidden: '' });
  actions.append(enable, disable, cancel, plan, note);

  // Progress: the phase is announced (a polite live region); the elapsed time, which changes
  // four times a second, is shown but not announced.
  const progress = el('div', 'op-progress', { 'data-testid': 'op-progress' });
  const live = el('span', 'op-phase', { 'aria-live': 'polite', 'data-testid': 'op-phase' });
  const elapsed = el('span', 'op-elapsed', { 'aria-hidden': 'true', 'data-testid': 'op-elapsed' });
  const bar = el('span', 'op-bar', {
    role: 'progressbar',
    'aria-label': `Enabling HTTPS on ${id}`,
    'aria-valuemin': '0',
    'aria-valuemax': '4',
  });
  bar.append(el('span', 'op-bar-fill'));
  progress.append(bar, live, elapsed);

  // The outcome (success, error, cancelled): also a live region, present from the start so that
  // what is put into it is announced.
  const outcome = el('div', 'op-outcome', { 'aria-live': 'polite', 'data-testid': 'op-outcome' });

  cell.append(actions, progress, outcome);
  tr.append(idCell, description, status, protocol, version, cell);
  updateRow(tr, instance, ops.get(id));
  return tr;
}

function rowOf(instanceId) {
  for (const tr of list.rows.children) if (tr.dataset.instanceId === instanceId) return tr;
  return null;
}

/** Brings a row's cells up to date with the instance and its operation. */
function refreshRow(instanceId) {
  const tr = rowOf(instanceId);
  const instance = instancesShown.find((i) => i.instanceId === instanceId);
  if (tr && instance) updateRow(tr, instance, ops.get(instanceId));
  renderSummary();
}

function updateRow(tr, instance, op) {
  const statusText = String(instance.status ?? 'unknown');
  const protocolText = String(instance.protocol ?? 'unknown');
  tr.dataset.status = statusText;
  tr.dataset.protocol = protocolText;
  tr.dataset.op = op?.state ?? '';
  tr.dataset.opKind = op ? (op.kind ?? (op.fleet ? 'fleet' : 'enable')) : '';
  tr.dataset.phase = op?.phase ?? '';
  tr.dataset.plan = op?.plan ?? '';

  const status = tr.querySelector('[data-kind="status"]');
  status.textContent = statusText;
  status.dataset.value = statusText;
  status.dataset.tone = STATUS_TONES[statusText] ?? 'other';
  status.title = STATUS_TONES[statusText] ? '' : 'A status this page does not know, as the service gave it';
  const protocol = tr.querySelector('[data-kind="protocol"]');
  protocol.textContent = protocolText;
  protocol.dataset.value = protocolText;
  protocol.dataset.tone = isHttps(instance) ? 'ok' : protocolText.toUpperCase() === 'HTTP' ? 'warn' : 'other';

  const running = op?.state === 'running';
  const disabling = op?.kind === 'disable';
  // A fleet run's row before its own ensure starts: planning, or planned and waiting for a slot.
  const queued = op?.state === 'queued';
  const enable = tr.querySelector('[data-action="enable"]');
  const disable = tr.querySelector('[data-action="disable"]');
  const cancel = tr.querySelector('[data-action="cancel"]');
  enable.hidden = running ? disabling : isHttps(instance);
  // While a fleet run goes, no row starts an operation of its own.
  enable.disabled = running || fleetRunning();
  enable.setAttribute('aria-busy', String(running && !disabling));
  enable.querySelector('.btn-label').textContent = running && !disabling ? 'Enabling…' : 'Enable HTTPS';
  // Only an active instance can change its protocol: an activating one gets no Disable.
  disable.hidden = running ? !disabling : !(isHttps(instance) && instance.status === 'active');
  disable.disabled = running || queued || fleetRunning();
  disable.setAttribute('aria-busy', String(running && disabling));
  disable.querySelector('.btn-label').textContent = running && disabling ? 'Disabling…' : 'Disable HTTPS';
  cancel.hidden = !running || op.fleet === true; // a fleet run has one Stop for all its rows
  cancel.disabled = !running || op.controller?.signal.aborted === true;
  cancel.setAttribute('aria-label', `Cancel ${disabling ? 'disabling' : 'enabling'} HTTPS on ${instance.instanceId}`);
  const note = tr.querySelector('.op-note');
  // "Nothing to do" explains a row without a button; with Disable offered it would contradict it.
  note.textContent = isHttps(instance) && disable.hidden && !running && !queued && op?.state !== 'done' && !op?.plan && !disabling ? 'Nothing to do' : '';
  renderPlan(tr.querySelector('.op-plan'), op);

  const progress = tr.querySelector('.op-progress');
  progress.hidden = !running && !queued;
  if (op) {
    const phase = (disabling ? DISABLE_PHASES : PHASES)[op.phase] ?? { label: op.phase, step: 0 };
    const bar = tr.querySelector('.op-bar');
    bar.setAttribute('aria-label', `${disabling ? 'Disabling' : 'Enabling'} HTTPS on ${instance.instanceId}`);
    bar.dataset.step = String(phase.step);
    bar.dataset.running = String(running || queued);
    bar.setAttribute('aria-valuenow', String(phase.step));
    bar.setAttribute('aria-valuetext', phase.label);
    const live = tr.querySelector('.op-phase');
    const label = running || queued ? `${phase.label}…` : phase.label;
    if (live.textContent !== label) live.textContent = label;
    // A queued row has not started: no time to show yet.
    tr.querySelector('.op-elapsed').textContent =
      op.startedAt === null ? '' : seconds(running ? performance.now() - op.startedAt : op.elapsedMs);
  }
  renderOutcome(tr.querySelector('.op-outcome'), op);
}

function renderOutcome(box, op) {
  const state = op?.state ?? '';
  // Rebuilt only when the outcome changes, so the live region announces it once.
  const key = String(op?.serial ?? op?.startedAt);
  if (box.dataset.state === state && box.dataset.for === key) return;
  box.dataset.state = state;
  box.dataset.for = key;
  const parts = [];
  if (op?.fleet) {
    parts.push(...fleetOutcome(op));
  } else if (op?.kind === 'disable') {
    parts.push(...disableOutcome(op));
  } else if (state === 'done') {
    const r = op.result;
    parts.push(el('p', 'op-success', { 'data-testid': 'op-success' },
      r.changed ? `HTTPS enabled in ${seconds(r.elapsedMs)}` : `HTTPS is on (no OpenHttps needed) · ${seconds(r.elapsedMs)}`));
    const meta = [`${r.polls} ${r.polls === 1 ? 'poll' : 'polls'}`, r.requestId ? `RequestId ${r.requestId}` : null];
    parts.push(el('p', 'op-meta mono', {}, meta.filter(Boolean).join(' · ')));
  } else if (state === 'cancelled') {
    let text = 'Cancelled before OpenHttps was sent: nothing changed.';
    if (op.openedAt === 'activating') {
      text = 'Cancelled. OpenHttps had been accepted: the instance goes on activating and turns HTTPS on by itself. Refresh to see.';
    } else if (op.openedAt === 'opening') {
      text = 'Cancelled while OpenHttps was being sent: it may have reached the service. Refresh to see.';
    }
    parts.push(el('p', 'op-cancelled', { 'data-testid': 'op-cancelled' }, text));
  } else if (state === 'error') {
    const e = op.error;
    parts.push(el('p', 'error-code error-code-small', { 'data-testid': 'op-error-code' }, e.code));
    parts.push(el('p', 'op-error-message', { 'data-testid': 'op-error-message' }, e.message));
    if (ROW_ADVICE[e.code]) parts.push(el('p', 'op-advice', {}, ROW_ADVICE[e.code]));
    const meta = [e.httpStatus !== undefined ? `HTTP ${e.httpStatus}` : null, e.requestId ? `RequestId ${e.requestId}` : null];
    if (meta.some(Boolean)) parts.push(el('p', 'op-meta mono', {}, meta.filter(Boolean).join(' · ')));
  }
  box.replaceChildren(...parts);
}

/** Runs ensureHttps for one row: progress in the row, then the outcome. */
async function ensureOnRow(instanceId) {
  if (!lib || ops.get(instanceId)?.state === 'running' || fleetRunning()) return;
  const controller = new AbortController();
  const op = {
    state: 'running',
    phase: 'checking',
    startedAt: performance.now(),
    elapsedMs: 0,
    controller,
    result: null,
    error: null,
    openedAt: null, // the furthest of 'opening' / 'activating' reached
  };
  ops.set(instanceId, op);
  refreshRow(instanceId);
  startTicker();
  updateFleetControls(); // no fleet run while a row runs

  const options = {
    pollIntervalMs: POLL_INTERVAL_MS,
    waitTimeoutMs: WAIT_TIMEOUT_MS,
    signal: controller.signal,
    onProgress(event) {
      if (ops.get(instanceId) !== op || op.state !== 'running') return;
      op.phase = event.phase;
      op.elapsedMs = event.elapsedMs;
      if (event.phase === 'opening' && op.openedAt === null) op.openedAt = 'opening';
      if (event.phase === 'activating') op.openedAt = 'activating';
      noteInstance(instanceId, event);
      refreshRow(instanceId);
    },
  };
  const token = retryTokens.get(instanceId);
  if (token !== undefined) options.clientToken = token;

  const config = buildConfig();
  let client;
  try {
    client = new lib.Client(config);
    const result = await client.ensureHttps(instanceId, options);
    op.state = 'done';
    op.phase = 'done';
    op.result = result;
    op.elapsedMs = result.elapsedMs;
    retryTokens.delete(instanceId);
    closeTokens.delete(instanceId); // HTTPS on again: a later Disable is a new operation
    noteInstance(instanceId, result);
  } catch (err) {
    const error = failOp(op, err, controller.signal);
    if (typeof error.clientToken === 'string') retryTokens.set(instanceId, error.clientToken);
  } finally {
    endOp(instanceId, op, client);
  }
  // Cancelled after OpenHttps went out: the instance may be changing; show what it is now.
  if (op.state === 'cancelled' && op.openedAt !== null && ops.get(instanceId) === op) {
    await describeIntoRow(instanceId, config, op);
  }
}

/** One DescribeInstance, into the row (unless another operation started meanwhile). */
async function describeIntoRow(instanceId, config, op) {
  let client;
  try {
    client = new lib.Client(config);
    const now = await client.describeInstance(instanceId);
    if (ops.get(instanceId) !== op) return;
    noteInstance(instanceId, now);
    refreshRow(instanceId);
  } catch {
    // The row keeps what was last seen; Refresh is there.
  } finally {
    client?.free();
  }
}

/**
 * Disable HTTPS for one row: one CloseHttps (its clientToken kept until the close is settled,
 * so a retry cannot apply twice), then DescribeInstance every POLL_INTERVAL_MS until the
 * instance is active on HTTP, bounded by WAIT_TIMEOUT_MS; Cancel aborts whichever call or wait
 * is under way. The library has no "ensure HTTP", so the page follows the change itself.
 */
async function disableOnRow(instanceId) {
  if (!lib || ops.get(instanceId)?.state === 'running' || fleetRunning()) return;
  const controller = new AbortController();
  const clientToken = closeTokens.get(instanceId) ?? uuid();
  closeTokens.set(instanceId, clientToken);
  const op = {
    kind: 'disable',
    state: 'running',
    phase: 'closing',
    startedAt: performance.now(),
    elapsedMs: 0,
    controller,
    result: null,
    error: null,
    closedAt: 'closing', // the furthest of 'closing' / 'activating' reached: CloseHttps goes out at once
    polls: 0,
  };
  ops.set(instanceId, op);
  refreshRow(instanceId);
  startTicker();
  updateFleetControls(); // no fleet run while a row runs

  const signal = controller.signal;
  const current = () => ops.get(instanceId) === op && op.state === 'running';
  const config = buildConfig();
  let client;
  try {
    client = new lib.Client(config);
    const answer = await client.closeHttps(instanceId, clientToken, { signal });
    if (!answer.result) {
      // Not an error of the call, but nothing will change: no point in waiting for HTTP.
      throw { code: 'CloseHttpsRejected', message: 'The service answered Result: false: HTTPS was not turned off.', requestId: answer.requestId };
    }
    op.result = { requestId: answer.requestId };
    op.closedAt = 'activating';
    if (current()) {
      op.phase = 'activating';
      refreshRow(instanceId);
    }
    const deadline = op.startedAt + WAIT_TIMEOUT_MS;
    let seen = null;
    for (;;) {
      await sleep(POLL_INTERVAL_MS, signal);
      if (performance.now() >= deadline) {
        const last = seen ? ` (last seen: ${seen.status}, ${seen.protocol})` : '';
        throw {
          code: 'WaitTimeout',
          message: `CloseHttps was accepted, but the instance was not active on HTTP after ${duration(WAIT_TIMEOUT_MS)}${last}.`,
          requestId: answer.requestId,
        };
      }
      seen = await client.describeInstance(instanceId, { signal });
      op.polls += 1;
      if (!current()) return; // another list (or operation) took the row over
      noteInstance(instanceId, seen);
      if (seen.status === 'active' && !isHttps(seen)) break;
      // Only `activating` (or `active` still on HTTPS, before the change shows) leads to HTTP.
      if (seen.status !== 'active' && seen.status !== 'activating') {
        throw { code: 'InstanceNotActive', message: `HTTPS not turned off: the instance is ${seen.status}.`, requestId: answer.requestId };
      }
      refreshRow(instanceId);
    }
    op.state = 'done';
    op.phase = 'done';
    op.elapsedMs = performance.now() - op.startedAt;
    closeTokens.delete(instanceId);
    retryTokens.delete(instanceId); // HTTP again: a later Enable is a new operation
  } catch (err) {
    failOp(op, err, signal);
  } finally {
    endOp(instanceId, op, client);
  }
  // Cancelled after CloseHttps went out: the instance may be changing; show what it is now.
  if (op.state === 'cancelled' && ops.get(instanceId) === op) await describeIntoRow(instanceId, config, op);
}

/** What a Disable HTTPS row says once it is over. */
function disableOutcome(op) {
  const parts = [];
  if (op.state === 'done') {
    parts.push(el('p', 'op-success', { 'data-testid': 'op-success' }, `HTTPS disabled in ${seconds(op.elapsedMs)}`));
    const meta = [`${op.polls} ${op.polls === 1 ? 'poll' : 'polls'}`, `RequestId ${op.result.requestId}`];
    parts.push(el('p', 'op-meta mono', {}, meta.join(' · ')));
  } else if (op.state === 'cancelled') {
    let text = 'Cancelled while CloseHttps was being sent: it may have reached the service. Refresh to see; Disable again retries it with the same client token.';
    if (op.closedAt === 'activating') {
      text = 'Cancelled. CloseHttps had been accepted: the instance goes on activating and turns back to HTTP by itself. Refresh to see.';
    }
    parts.push(el('p', 'op-cancelled', { 'data-testid': 'op-cancelled' }, text));
  } else if (op.state === 'error') {
    const e = op.error;
    parts.push(el('p', 'error-code error-code-small', { 'data-testid': 'op-error-code' }, e.code));
    parts.push(el('p', 'op-error-message', { 'data-testid': 'op-error-message' }, e.message));
    if (DISABLE_ADVICE[e.code]) parts.push(el('p', 'op-advice', {}, DISABLE_ADVICE[e.code]));
    const meta = [e.httpStatus !== undefined ? `HTTP ${e.httpStatus}` : null, e.requestId ? `RequestId ${e.requestId}` : null];
    if (meta.some(Boolean)) parts.push(el('p', 'op-meta mono', {}, meta.filter(Boolean).join(' · ')));
  }
  return parts;
}

/** setTimeout as a promise, cut short by `signal` with the library's own `Aborted` code. */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    let timer;
    const abort = () => {
      clearTimeout(timer);
      reject({ code: 'Aborted', message: 'Cancelled.', retryable: false });
    };
    if (signal.aborted) return abort();
    timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal.addEventListener('abort', abort, { once: true });
  });
}

/** Keeps the shown instance up to date with what ensureHttps saw (status, protocol). */
function noteInstance(instanceId, seen) {
  const instance = instancesShown.find((i) => i.instanceId === instanceId);
  if (!instance) return;
  if (seen.status !== undefined) instance.status = seen.status;
  if (seen.protocol !== undefined) instance.protocol = seen.protocol;
  settleClose(instance);
}

/** An instance seen active on HTTP has no Disable HTTPS left to retry: its token is spent. */
function settleClose(instance) {
  if (instance.status === 'active' && String(instance.protocol).toUpperCase() === 'HTTP') closeTokens.delete(instance.instanceId);
}

function startTicker() {
  ticker ??= setInterval(() => {
    for (const [id, op] of ops) {
      if (op.state !== 'running' || op.startedAt === null) continue;
      const elapsed = rowOf(id)?.querySelector('.op-elapsed');
      if (elapsed) elapsed.textContent = seconds(performance.now() - op.startedAt);
    }
    if (fleetRunning()) renderFleetEta();
  }, 250);
}

/**
 * A row's operation failed with `err`: cancelled when the user stopped it (`signal`), else an
 * error shown on the row. Returns the normalised error.
 */
function failOp(op, err, signal) {
  const error = normaliseError(err);
  op.elapsedMs = performance.now() - op.startedAt;
  if (error.code === 'Aborted' && signal.aborted) {
    op.state = 'cancelled';
  } else {
    op.state = 'error';
    op.error = error;
  }
  return error;
}

/** A row's operation is over (however it ended): release its client and redraw. */
function endOp(instanceId, op, client) {
  client?.free();
  op.controller = null;
  if (ops.get(instanceId) === op) refreshRow(instanceId);
  stopTickerIfIdle();
  updateFleetControls();
}

function stopTickerIfIdle() {
  if (ticker !== null && !fleetRunning() && ![...ops.values()].some((op) => op.state === 'running')) {
    clearInterval(ticker);
    ticker = null;
  }
}

function seconds(ms) {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** document.createElement with a class, attributes and text. */
function el(tag, className, attributes = {}, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---------------------------------------------------------------------------------------------
// Enable HTTPS on all shown (ensureHttpsAll): one run over the listed instances, its progress
// per row and overall, Stop, and a journal in localStorage that makes a run resumable
// ---------------------------------------------------------------------------------------------

/** Instances changed at once: the library's default, said out loud. */
const FLEET_CONCURRENCY = 4;
/**
 * The journal of a fleet run, per target (the endpoint or the region's host), as one JSON
 * value: `{ version, target, accessKeyId, ids, outcomes, lines, startedAt, updatedAt }` —
 * `lines` are the library's journal lines (client tokens before each OpenHttps, phases,
 * outcomes), `outcomes` what this page saw finish, per instance id. No secret is stored.
 */
const JOURNAL_PREFIX = 'aliyun-es-https.fleet-journal:';
/** Outcomes after which an instance needs nothing more (the others are left for Resume). */
const FINISHED = new Set(['https', 'cannot']);
const PLAN_LABELS = {
  skip: ['Plan: skip', 'Already HTTPS: nothing to send'],
  open: ['Plan: open', 'Active on HTTP: OpenHttps is sent, then the activation followed'],
  busy: ['Plan: busy', 'Busy with another change: the run waits for it, then decides'],
  cannot: ['Plan: cannot', 'Cannot be changed: inactive, invalid or without client nodes; nothing is sent'],
};

/**
 * The current (or last) fleet run: { serial, state: 'running' | 'stopping' | 'done' | 'stopped'
 * | 'failed', mode: 'all' | 'resume', target, ids, total, controller, counts, toChange,
 * changeDone, changeMs, startedAt, planned, record, result, error, journalNote }.
 */
let fleet = null;
let fleetSerial = 0;

function fleetRunning() {
  return fleet?.state === 'running' || fleet?.state === 'stopping';
}

/** The journal's storage, or null when this browser does not allow localStorage. */
function journalStore() {
  try {
    return window.localStorage ?? null;
  } catch {
    return null;
  }
}

function journalKey(target) {
  return `${JOURNAL_PREFIX}${target}`;
}

/** The stored journal of `target`: null (none), { broken, why }, or the record. */
function readJournal(target) {
  const store = journalStore();
  if (!store) return null;
  let raw;
  try {
    raw = store.getItem(journalKey(target));
  } catch {
    return null;
  }
  if (raw === null) return null;
  try {
    const record = JSON.parse(raw);
    const ok =
      record?.version === 1 &&
      Array.isArray(record.ids) &&
      Array.isArray(record.lines) &&
      record.outcomes !== null &&
      typeof record.outcomes === 'object';
    if (!ok) throw new Error('not a journal this page wrote');
    return record;
  } catch (err) {
    return { broken: true, why: String(err?.message ?? err) };
  }
}

/** Writes the journal (synchronously: written once this returns). Throws when it cannot. */
function writeJournal(record) {
  record.updatedAt = new Date().toISOString();
  journalStore().setItem(journalKey(record.target), JSON.stringify(record));
}

function removeJournal(target) {
  try {
    journalStore()?.removeItem(journalKey(target));
  } catch {
    // Nothing stored, or nothing to do about it.
  }
}

/** The instances of a journal that are not finished (not HTTPS, not "cannot"), in order. */
function unfinishedOf(record) {
  return record.ids.filter((id) => !FINISHED.has(record.outcomes[id]));
}

/** The button, Stop, the hint, the Resume offer: what can be done now. */
function updateFleetControls() {
  const running = fleetRunning();
  const rowBusy = [...ops.values()].some((op) => !op.fleet && op.state === 'running');
  const current = loadedFrom !== null && loadedFrom === targetKey();
  const n = instancesShown.length;
  fleetEls.run.disabled = !lib || loading || running || rowBusy || !current || n === 0;
  fleetEls.run.setAttribute('aria-busy', String(running));
  fleetEls.runLabel.textContent = running && fleet.mode === 'all' ? 'Enabling on all shown…' : 'Enable HTTPS on all shown';
  fleetEls.stop.hidden = !running;
  fleetEls.stop.disabled = fleet?.state !== 'running';
  fleetEls.stop.textContent = fleet?.state === 'stopping' ? 'Stopping…' : 'Stop';
  list.refresh.disabled = loading || !lib || running;
  for (const tr of list.rows.children) {
    const rowRunning = ops.get(tr.dataset.instanceId)?.state === 'running';
    for (const button of tr.querySelectorAll?.('[data-action="enable"], [data-action="disable"]') ?? []) {
      button.disabled = running || rowRunning;
    }
  }

  let hint = '';
  if (running) hint = '';
  else if (!lib) hint = '';
  else if (loadedFrom === null || loading) hint = 'Load the instances first.';
  else if (!current) hint = 'The target or the key changed since the list was loaded: Refresh it first.';
  else if (n === 0) hint = 'No instances shown.';
  else if (rowBusy) {
    const disabling = [...ops.values()].some((op) => op.kind === 'disable' && op.state === 'running');
    hint = `${disabling ? 'A row’s HTTPS is being turned off' : 'A row is being enabled'}: wait for it to finish (or cancel it).`;
  }
  else {
    hint = `All ${n} shown, ${FLEET_CONCURRENCY} at a time: each is looked at first, and only those on HTTP get OpenHttps.`;
  }
  if (fleetEls.hint.textContent !== hint) fleetEls.hint.textContent = hint;
  fleetEls.hint.hidden = hint === '' || !fleetEls.progress.hidden;
  fleetEls.box.dataset.state = fleet?.state ?? 'idle';
  refreshResumeOffer(rowBusy);
}

/** Offers Resume when the target in the form has a journal with unfinished instances. */
function refreshResumeOffer(rowBusy = false) {
  const box = fleetEls.resumeBox;
  if (fleetRunning()) {
    box.hidden = true;
    return;
  }
  const target = describeTarget();
  const record = readJournal(target);
  if (record === null) {
    box.hidden = true;
    return;
  }
  let text;
  let left = [];
  if (record.broken) {
    text = `A journal is stored for ${target}, but it cannot be read (${record.why}). Discard it to start afresh.`;
  } else {
    left = unfinishedOf(record);
    if (left.length === 0) {
      // Everything in it finished (e.g. a run that ended while this tab was being closed).
      removeJournal(target);
      box.hidden = true;
      return;
    }
    const count = (outcome) => left.filter((id) => record.outcomes[id] === outcome).length;
    const interrupted = count('interrupted');
    const failed = count('failed');
    const notStarted = left.length - interrupted - failed;
    const why = [
      interrupted ? `${interrupted} interrupted` : null,
      failed ? `${failed} failed` : null,
      notStarted ? `${notStarted} not finished when the page was left` : null,
    ].filter(Boolean);
    const when = record.updatedAt ? new Date(record.updatedAt).toLocaleTimeString([], { hour12: false }) : '?';
    const key = record.accessKeyId && record.accessKeyId !== els.accessKeyId.value ? ` (recorded with AccessKey ID ${record.accessKeyId})` : '';
    text =
      `A run at ${target} did not finish: ${left.length} of ${record.ids.length} instances left ` +
      `(${why.join(', ')}; last written at ${when})${key}. Resume runs them again: one whose OpenHttps ` +
      'may have gone out is retried with the client token on record, so nothing is applied twice.';
  }
  if (fleetEls.resumeText.textContent !== text) fleetEls.resumeText.textContent = text;
  fleetEls.resume.hidden = Boolean(record.broken);
  fleetEls.resume.textContent = `Resume (${left.length} left)`;
  fleetEls.resume.disabled = !lib || loading || rowBusy;
  box.hidden = false;
}

function discardJournal() {
  if (fleetRunning()) return;
  removeJournal(describeTarget());
  updateFleetControls();
}

async function resumeFleet() {
  if (!lib || fleetRunning()) return;
  const record = readJournal(describeTarget());
  if (!record || record.broken) return updateFleetControls();
  const left = unfinishedOf(record);
  // The rows show the progress: list the target first if the table is another's (or empty).
  if (loadedFrom !== targetKey()) {
    await loadInstances();
    if (loadedFrom !== targetKey()) return;
  }
  await runFleet(left, 'resume');
}

function stopFleet() {
  if (fleet?.state !== 'running') return;
  fleet.state = 'stopping';
  fleet.controller.abort();
  updateFleetControls();
  renderFleet();
}

/** Runs ensureHttpsAll over `ids`, with the stored journal of the target. */
async function runFleet(ids, mode) {
  if (!lib || fleetRunning() || loading || ids.length === 0) return;
  const target = describeTarget();
  const store = journalStore();
  let record = null;
  let recordBefore = null; // the stored journal as it was, to put back if the run cannot start
  let journalNote = '';
  if (store) {
    record = readJournal(target);
    recordBefore = record ? JSON.stringify(record) : null;
    if (record?.broken) {
      setFleetNote('error', `The journal stored for ${target} cannot be read: discard it first.`);
      return updateFleetControls();
    }
    // A new run at a target with a journal continues it: its client tokens are reused.
    record ??= {
      version: 1,
      target,
      accessKeyId: els.accessKeyId.value,
      ids: [],
      outcomes: {},
      lines: [],
      startedAt: new Date().toISOString(),
    };
    for (const id of ids) {
      if (!record.ids.includes(id)) record.ids.push(id);
      delete record.outcomes[id]; // this run decides them anew
    }
    try {
      writeJournal(record);
    } catch (err) {
      setFleetNote('error', `Could not store the journal (${err?.message ?? err}): nothing was started.`);
      return updateFleetControls();
    }
  } else {
    journalNote = ' This browser does not allow localStorage: the run keeps no journal and cannot be resumed after a reload.';
  }

  const run = {
    serial: ++fleetSerial,
    state: 'running',
    mode,
    target,
    ids,
    total: ids.length,
    controller: new AbortController(),
    counts: { https: 0, changed: 0, failed: 0, cannot: 0, interrupted: 0 },
    toChange: 0,
    changeDone: 0,
    changeMs: 0,
    startedAt: performance.now(),
    planned: false,
    record,
    recordBefore,
    linesBefore: record?.lines.length ?? 0,
    result: null,
    error: null,
    journalNote,
    seen: new Set(), // instance ids whose result event came
  };
  fleet = run;
  for (const id of ids) ops.set(id, fleetOp(run));
  setFleetNote('info', '');
  refreshAllRows();
  updateFleetControls();
  renderFleet();
  startTicker();

  const options = {
    concurrency: FLEET_CONCURRENCY,
    pollIntervalMs: POLL_INTERVAL_MS,
    waitTimeoutMs: WAIT_TIMEOUT_MS,
    onEvent: (event) => onFleetEvent(run, event),
    signal: run.controller.signal,
  };
  if (record) {
    options.journal = {
      load: () => record.lines.slice(),
      // localStorage writes synchronously: the line is stored once this returns, which is
      // what the library needs before each OpenHttps. A failure to store throws, and the
      // library then does not send.
      append: (line) => {
        record.lines.push(line);
        writeJournal(record);
      },
    };
  }
  let client;
  try {
    client = new lib.Client(buildConfig());
    const result = await client.ensureHttpsAll({ instanceIds: ids }, options);
    finishFleet(run, result);
  } catch (err) {
    failFleet(run, normaliseError(err));
  } finally {
    client?.free();
  }
}

/** A row's operation in a fleet run, before its plan. */
function fleetOp(run) {
  return {
    fleet: true,
    run: run.serial,
    serial: `fleet-${run.serial}`,
    state: 'queued',
    phase: 'planning',
    plan: null,
    resumed: false,
    startedAt: null,
    elapsedMs: 0,
    controller: null,
    result: null,
    error: null,
    openedAt: null,
  };
}

/** The row's operation if it belongs to `run`. */
function opOf(run, instanceId) {
  const op = ops.get(instanceId);
  return op?.fleet && op.run === run.serial ? op : null;
}

function onFleetEvent(run, event) {
  if (fleet !== run || !event || typeof event !== 'object') return;
  const id = event.instanceId;
  if (event.type === 'start') {
    run.total = event.total;
    if (event.journalTornLastLine) {
      run.journalNote += ' The journal’s last line was torn (a write cut off) and was dropped.';
    }
  } else if (event.type === 'planned') {
    run.planned = true;
  } else if (event.type === 'plan') {
    const op = opOf(run, id);
    if (event.plan === 'open' || event.plan === 'busy') {
      run.toChange += 1;
      run.changeStartedAt ??= performance.now();
    }
    noteInstance(id, event);
    if (op) {
      op.plan = event.plan;
      op.resumed = event.resumed === true;
      op.code = event.code;
      op.phase = 'queued';
    }
    refreshRow(id);
  } else if (event.type === 'phase') {
    const op = opOf(run, id);
    noteInstance(id, event);
    if (op && (op.state === 'queued' || op.state === 'running')) {
      op.state = 'running';
      op.startedAt ??= performance.now() - (event.elapsedMs ?? 0);
      op.phase = event.phase;
      op.elapsedMs = event.elapsedMs;
      if (event.phase === 'opening' && op.openedAt === null) op.openedAt = 'opening';
      if (event.phase === 'activating') op.openedAt = 'activating';
    }
    refreshRow(id);
  } else if (event.type === 'result') {
    applyFleetResult(run, event);
  }
  renderFleet();
}

/** One instance's outcome (from its `result` event, or from the run's final results). */
function applyFleetResult(run, result) {
  const id = result.instanceId;
  if (run.seen.has(id)) return;
  run.seen.add(id);
  const outcome = result.outcome;
  if (outcome in run.counts) run.counts[outcome] += 1;
  if (result.changed) run.counts.changed += 1;
  const op = opOf(run, id);
  if (op) {
    op.plan = result.plan ?? op.plan;
    op.result = result;
    op.elapsedMs = result.elapsedMs ?? 0;
    op.phase = outcome === 'https' ? 'done' : op.phase;
    op.state = { https: 'done', failed: 'error', cannot: 'cannot', interrupted: 'interrupted', planned: 'planned' }[outcome] ?? outcome;
    if (outcome === 'failed') op.error = { code: result.code ?? 'Failed', message: result.message ?? '', requestId: result.requestId };
    if ((op.plan === 'open' || op.plan === 'busy') && (outcome === 'https' || outcome === 'failed')) {
      run.changeDone += 1;
      run.changeMs += result.elapsedMs ?? 0;
    }
  }
  if (outcome === 'https') {
    noteInstance(id, { status: 'active', protocol: 'HTTPS' });
    retryTokens.delete(id); // a row's earlier failed attempt is settled
    closeTokens.delete(id); // and a later Disable is a new operation
  }
  if (run.record) {
    run.record.outcomes[id] = outcome;
    try {
      writeJournal(run.record);
    } catch {
      // The library's own lines (client tokens) were stored; this is only the page's tally.
    }
  }
  refreshRow(id);
}

function finishFleet(run, result) {
  if (fleet !== run) return;
  // Every instance ends with an outcome. The final results are applied too because the
  // library sends no `result` event for some: when Stop comes during the plan, the instances
  // planned `open`/`busy` get their `plan` event and then only appear in `results`, as
  // `interrupted` (without `plan`). Those already reported are skipped (run.seen).
  for (const r of result.results ?? []) applyFleetResult(run, r);
  run.counts = {
    https: result.https,
    changed: result.changed,
    failed: result.failed,
    cannot: result.cannot,
    interrupted: result.interrupted,
  };
  run.result = result;
  run.state = result.stopped ? 'stopped' : 'done';
  run.elapsedMs = result.elapsedMs;
  let left = [];
  if (run.record) {
    left = unfinishedOf(run.record);
    // A clean finish: nothing left to resume, so the journal (and its tokens) can go.
    if (left.length === 0) removeJournal(run.target);
  }
  const c = run.counts;
  // HTTPS on without an OpenHttps of this run, for an instance an earlier run had sent one for.
  const resumedOn = run.ids.filter((id) => {
    const op = opOf(run, id);
    return op?.state === 'done' && op.resumed && !op.result?.changed;
  }).length;
  const parts = [
    `${c.changed} turned on`,
    resumedOn ? `${resumedOn} on after the earlier run’s OpenHttps (resumed)` : null,
    `${c.https - c.changed - resumedOn} already HTTPS`,
    c.cannot ? `${c.cannot} cannot be changed` : null,
    c.failed ? `${c.failed} failed` : null,
    c.interrupted ? `${c.interrupted} interrupted` : null,
  ].filter(Boolean);
  const head = result.stopped ? `Stopped after ${seconds(result.elapsedMs)}` : `Finished in ${seconds(result.elapsedMs)}`;
  let tail = '';
  if (run.record && left.length) {
    tail = ` ${left.length} left: Resume (below) finishes ${left.length === 1 ? 'it' : 'them'} with the client tokens on record.`;
  }
  else if (run.record) tail = ' Nothing left to do: the journal was cleared.';
  setFleetNote(c.failed || c.interrupted ? 'warn' : 'ok', `${head}: ${parts.join(', ')}.${tail}${run.journalNote}`);
  endFleet();
}

function failFleet(run, error) {
  if (fleet !== run) return;
  run.state = 'failed';
  run.error = error;
  // The run did not start its instances (the library rejects only before planning): the rows
  // go back to what they were.
  for (const id of run.ids) {
    const op = opOf(run, id);
    if (op && (op.state === 'queued' || op.state === 'running')) ops.delete(id);
  }
  if (run.record && run.record.lines.length === run.linesBefore) {
    // Nothing was recorded: the journal goes back to what it was (or away, if there was none).
    if (run.recordBefore === null) removeJournal(run.target);
    else {
      try {
        journalStore().setItem(journalKey(run.target), run.recordBefore);
      } catch {
        // It stays as this run left it: its ids and outcomes only, no line was added.
      }
    }
  }
  const meta = [error.httpStatus !== undefined ? `HTTP ${error.httpStatus}` : null, error.requestId ? `RequestId ${error.requestId}` : null];
  setFleetNote('error', `The run could not start: ${error.code}: ${error.message}${meta.some(Boolean) ? ` (${meta.filter(Boolean).join(' · ')})` : ''}`);
  endFleet();
}

function endFleet() {
  refreshAllRows();
  updateFleetControls();
  renderFleet();
  stopTickerIfIdle();
}

function refreshAllRows() {
  for (const tr of list.rows.children) if (tr.dataset.instanceId) refreshRow(tr.dataset.instanceId);
}

function setFleetNote(tone, text) {
  fleetEls.note.dataset.tone = tone;
  if (fleetEls.note.textContent !== text) fleetEls.note.textContent = text;
}

/** The overall bar and counts of the current (or last) run. */
function renderFleet() {
  const run = fleet;
  fleetEls.progress.hidden = run === null || run.state === 'failed';
  fleetEls.hint.hidden = fleetEls.hint.textContent === '' || !fleetEls.progress.hidden;
  if (!run || run.state === 'failed') return;
  const c = run.counts;
  const total = run.total;
  const done = c.https + c.cannot + c.failed;
  const bar = fleetEls.bar;
  bar.setAttribute('aria-valuemax', String(total));
  bar.setAttribute('aria-valuenow', String(done));
  bar.setAttribute('aria-valuetext', `${done} of ${total} done, ${c.failed} failed`);
  bar.dataset.running = String(fleetRunning());
  for (const seg of bar.children) {
    const n = c[seg.dataset.seg] ?? 0;
    seg.style.width = total ? `${(100 * n) / total}%` : '0';
  }
  fleetEls.done.textContent = `${done} / ${total} done`;
  const count = (elem, n, word) => {
    elem.textContent = `${n} ${word}`;
    elem.dataset.n = String(n);
  };
  count(fleetEls.failed, c.failed, 'failed');
  count(fleetEls.cannot, c.cannot, 'cannot');
  count(fleetEls.interrupted, c.interrupted, 'interrupted');
  fleetEls.interrupted.hidden = c.interrupted === 0;
  renderFleetEta();
  if (fleetRunning()) {
    const inFlight = run.ids.filter((id) => opOf(run, id)?.state === 'running').length;
    if (run.state === 'stopping' && !run.planned) {
      // The library still sends the looks its planners had already queued (paced by its rate
      // limit), then ends the run: nothing is changed.
      setFleetNote('warn', 'Stopping before any change: the looks at instances (DescribeInstance) already queued still go out, then the run ends.');
    } else if (run.state === 'stopping') {
      setFleetNote(
        'warn',
        inFlight === 0
          ? 'Stopping: no new instance starts.'
          : `Stopping: no new instance starts. ${inFlight} in flight ${inFlight === 1 ? 'finishes its' : 'finish their'} current ` +
              'request first (nothing is cut off mid-request), then ' + (inFlight === 1 ? 'shows' : 'show') + ' as interrupted.',
      );
    } else {
      setFleetNote(
        'info',
        (run.planned
          ? `${run.toChange - run.changeDone} of ${run.toChange} to change still going, ${inFlight} in flight. `
          : 'Looking at every instance first (the plan)… ') +
          'Stop starts no new instance; those in flight finish their current request first.' + run.journalNote,
      );
    }
  }
}

/** "about 12 s left", refreshed by the ticker. */
function renderFleetEta() {
  const run = fleet;
  if (!run) return;
  let text = '';
  if (run.state === 'stopping') text = 'stopping…';
  else if (run.state === 'running') {
    if (!run.planned) text = 'planning…';
    else if (run.toChange === 0) text = 'finishing…';
    else {
      const now = performance.now();
      const inFlight = run.ids.map((id) => opOf(run, id)).filter((op) => op?.state === 'running' && op.startedAt !== null);
      const queued = Math.max(0, run.toChange - run.changeDone - inFlight.length);
      const mean = run.changeDone ? run.changeMs / run.changeDone : 0;
      if (run.changeDone === 0 || (queued > 0 && run.changeDone < Math.min(FLEET_CONCURRENCY, run.toChange))) {
        // One quick instance says little about the others: wait for a slot-full of them.
        text = 'estimating time left…';
      } else if (queued === 0 && inFlight.length > 0 && inFlight.every((op) => now - op.startedAt > 2 * mean)) {
        // The last ones take much longer than the others did (an instance busy for long):
        // no honest estimate.
        text = `waiting for the last ${inFlight.length === 1 ? 'one' : inFlight.length}…`;
      } else {
        // The mean time one instance took, over the slots: what is queued, plus what the ones
        // in flight still need (at least one more poll for one already past the mean).
        const longest = Math.max(0, ...inFlight.map((op) => Math.max(POLL_INTERVAL_MS, mean - (now - op.startedAt))));
        text = `about ${duration((queued * mean) / FLEET_CONCURRENCY + longest)} left`;
      }
    }
  } else if (run.elapsedMs !== undefined) text = `took ${seconds(run.elapsedMs)}`;
  if (fleetEls.eta.textContent !== text) fleetEls.eta.textContent = text;
}

function duration(ms) {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/** The plan badge of a row in a fleet run. */
function renderPlan(badge, op) {
  // Once an instance cannot be changed, its outcome says so (with the code): no badge too.
  const plan = op?.fleet && op.state !== 'cannot' ? op.plan : null;
  badge.hidden = !plan;
  if (!plan) return;
  const [label, title] = PLAN_LABELS[plan] ?? [`Plan: ${plan}`, ''];
  const text = op.resumed ? `${label} · resumed` : label;
  if (badge.textContent !== text) badge.textContent = text;
  badge.dataset.plan = plan;
  badge.title = op.resumed ? `${title}. An earlier run recorded a client token for it: that token is reused.` : title;
}

/** What a fleet run's row says once its instance is done (or the run stopped first). */
function fleetOutcome(op) {
  const r = op.result;
  const parts = [];
  const requestMeta = (requestId, extra) => {
    const meta = [extra, requestId ? `RequestId ${requestId}` : null].filter(Boolean);
    return meta.length ? [el('p', 'op-meta mono', {}, meta.join(' · '))] : [];
  };
  if (op.state === 'done') {
    let text;
    if (r.changed) text = `HTTPS turned on in ${seconds(r.elapsedMs)}`;
    else if (op.resumed) {
      // An earlier run recorded a client token for it (its OpenHttps may have gone out): not
      // "already HTTPS" as if nobody had touched it.
      text = 'HTTPS is on (resumed: no new OpenHttps was needed)';
      if (op.plan !== 'skip') text += ` · ${seconds(r.elapsedMs)}`;
    } else if (op.plan === 'skip') text = 'Already HTTPS';
    else text = `HTTPS is on (no OpenHttps needed) · ${seconds(r.elapsedMs)}`;
    parts.push(el('p', 'op-success', { 'data-testid': 'op-success' }, text));
    parts.push(...requestMeta(r.requestId, null));
  } else if (op.state === 'cannot') {
    const line = el('p', 'op-cannot', { 'data-testid': 'op-cannot' }, 'Cannot: ');
    line.append(el('span', 'mono', { 'data-testid': 'op-error-code' }, r.code ?? op.code ?? '?'));
    // The library's message says why ("not changed: the instance is inactive").
    if (r.message) line.append(el('span', 'op-cannot-why', { 'data-testid': 'op-error-message' }, ` · ${r.message}`));
    parts.push(line);
    if (ROW_ADVICE[r.code]) parts.push(el('p', 'op-advice', {}, ROW_ADVICE[r.code]));
  } else if (op.state === 'error') {
    const e = op.error;
    const line = el('p', 'op-failed', { 'data-testid': 'op-failed' }, 'Failed: ');
    line.append(el('span', 'error-code error-code-small', { 'data-testid': 'op-error-code' }, e.code));
    parts.push(line);
    parts.push(el('p', 'op-error-message', { 'data-testid': 'op-error-message' }, e.message));
    if (ROW_ADVICE[e.code]) parts.push(el('p', 'op-advice', {}, ROW_ADVICE[e.code]));
    parts.push(...requestMeta(e.requestId, null));
  } else if (op.state === 'interrupted') {
    let text = 'Interrupted: the run was stopped before this instance started. Nothing was sent for it.';
    if (op.openedAt === 'activating') {
      text = 'Interrupted while HTTPS was activating: OpenHttps had been accepted, the instance turns HTTPS on by itself. Resume confirms it.';
    } else if (op.openedAt === 'opening') {
      text = 'Interrupted after OpenHttps was sent: Resume retries it with the same client token, so it is not applied twice.';
    } else if (op.startedAt !== null) {
      text = 'Interrupted before OpenHttps was sent.';
    }
    parts.push(el('p', 'op-interrupted', { 'data-testid': 'op-interrupted' }, text));
  }
  return parts;
}
