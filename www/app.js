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
  else if (button.dataset.action === 'cancel') ops.get(row.dataset.instanceId)?.controller?.abort();
});

// Loaded dynamically so that a failure (pkg/ not built, wasm not served) is shown on the page
// instead of leaving a dead form.
import('./pkg/index.js').then(
  (module) => {
    lib = module;
    setLibraryStatus('ready', 'Library ready');
    els.enable.disabled = false;
    els.enableLabel.textContent = 'Enable HTTPS';
    list.refresh.disabled = false;
    document.body.dataset.ready = 'true';
  },
  (err) => {
    setLibraryStatus('failed', 'Library failed to load');
    els.enableLabel.textContent = 'Unavailable';
    list.refreshLabel.textContent = 'Unavailable';
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
// The instance list (ListInstance) and, per row, Enable HTTPS (ensureHttps)
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
  checking: { label: 'Checking the instance', step: 1 },
  waiting: { label: 'Waiting for another change to finish', step: 1 },
  opening: { label: 'Sending OpenHttps', step: 2 },
  activating: { label: 'Activating HTTPS', step: 3 },
  done: { label: 'HTTPS on', step: 4 },
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

/** The instances shown, in the service's order (as ListInstance gave them, then kept up to date). */
let instancesShown = [];
/** What the shown list was loaded from (see targetKey), or null before the first load. */
let loadedFrom = null;
/** Where and when the shown list was loaded: { target, time }. */
let loadedInfo = null;
let loading = false;
/**
 * The last ensureHttps per instance id: { state: 'running' | 'done' | 'error' | 'cancelled',
 * phase, startedAt, elapsedMs, controller, result, error, openedAt }.
 */
const ops = new Map();
/**
 * The clientToken of an ensureHttps that failed or was cancelled, per instance id: pressing
 * Enable HTTPS again retries the same operation with it, so an OpenHttps that did reach the
 * service is not applied a second time. Dropped after a success.
 */
const retryTokens = new Map();
/** Refreshes the elapsed time of the running rows. */
let ticker = null;

/** The target and identity a list belongs to: another one is another account's list. */
function targetKey() {
  return JSON.stringify([describeTarget(), els.accessKeyId.value, els.signatureVersion.value]);
}

async function loadInstances() {
  if (!lib || loading) return;
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
  loadedFrom = key;
  instancesShown = found;
  loading = false;
  setListBusy(false);
  if (found.length === 0) setPlaceholder(`No instances at ${target}.`);
  else list.rows.replaceChildren(...found.map(buildRow));
  loadedInfo = { target, time: new Date().toLocaleTimeString([], { hour12: false }) };
  renderSummary();
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

/** Cancels every running ensureHttps and forgets all outcomes and retry tokens. */
function forgetOperations() {
  for (const op of ops.values()) op.controller?.abort();
  ops.clear();
  retryTokens.clear();
}

function setListBusy(on) {
  list.refresh.disabled = on || !lib;
  list.refresh.setAttribute('aria-busy', String(on));
  list.table.setAttribute('aria-busy', String(on));
  list.section.dataset.state = on ? 'loading' : loadedFrom === null ? 'idle' : 'loaded';
  list.refreshLabel.textContent = on ? 'Loading…' : loadedFrom === null ? 'Load instances' : 'Refresh';
  if (on) {
    list.summary.textContent = `Listing the instances at ${describeTarget()}…`;
    // Keep the rows of a previous load on screen (dimmed) until the new list is in.
    if (loadedFrom === null) setPlaceholder('Loading instances…', true);
  }
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
  const enable = el('button', 'btn btn-small btn-accent', {
    type: 'button',
    'data-action': 'enable',
    'data-testid': 'enable-https',
    'aria-label': `Enable HTTPS on ${id}`,
  });
  enable.append(el('span', 'spinner', { 'aria-hidden': 'true' }), el('span', 'btn-label', {}, 'Enable HTTPS'));
  const cancel = el('button', 'btn btn-small btn-ghost', {
    type: 'button',
    'data-action': 'cancel',
    'data-testid': 'cancel-https',
    'aria-label': `Cancel enabling HTTPS on ${id}`,
  }, 'Cancel');
  const note = el('span', 'op-note', { 'data-testid': 'op-note' });
  actions.append(enable, cancel, note);

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
  tr.dataset.phase = op?.phase ?? '';

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
  const enable = tr.querySelector('[data-action="enable"]');
  const cancel = tr.querySelector('[data-action="cancel"]');
  enable.hidden = isHttps(instance) && !running;
  enable.disabled = running;
  enable.setAttribute('aria-busy', String(running));
  enable.querySelector('.btn-label').textContent = running ? 'Enabling…' : 'Enable HTTPS';
  cancel.hidden = !running;
  cancel.disabled = !running || op.controller?.signal.aborted === true;
  const note = tr.querySelector('.op-note');
  note.textContent = isHttps(instance) && !running && op?.state !== 'done' ? 'Nothing to do' : '';

  const progress = tr.querySelector('.op-progress');
  progress.hidden = !running;
  if (op) {
    const phase = PHASES[op.phase] ?? { label: op.phase, step: 0 };
    const bar = tr.querySelector('.op-bar');
    bar.dataset.step = String(phase.step);
    bar.dataset.running = String(running);
    bar.setAttribute('aria-valuenow', String(phase.step));
    bar.setAttribute('aria-valuetext', phase.label);
    const live = tr.querySelector('.op-phase');
    const label = running ? `${phase.label}…` : phase.label;
    if (live.textContent !== label) live.textContent = label;
    tr.querySelector('.op-elapsed').textContent = seconds(running ? performance.now() - op.startedAt : op.elapsedMs);
  }
  renderOutcome(tr.querySelector('.op-outcome'), op);
}

function renderOutcome(box, op) {
  const state = op?.state ?? '';
  // Rebuilt only when the outcome changes, so the live region announces it once.
  if (box.dataset.state === state && box.dataset.for === String(op?.startedAt)) return;
  box.dataset.state = state;
  box.dataset.for = String(op?.startedAt);
  const parts = [];
  if (state === 'done') {
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
  if (!lib || ops.get(instanceId)?.state === 'running') return;
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
    noteInstance(instanceId, result);
  } catch (err) {
    const error = normaliseError(err);
    op.elapsedMs = performance.now() - op.startedAt;
    if (error.code === 'Aborted' && controller.signal.aborted) {
      op.state = 'cancelled';
    } else {
      op.state = 'error';
      op.error = error;
    }
    if (typeof error.clientToken === 'string') retryTokens.set(instanceId, error.clientToken);
  } finally {
    client?.free();
    op.controller = null;
    if (ops.get(instanceId) === op) refreshRow(instanceId);
    stopTickerIfIdle();
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

/** Keeps the shown instance up to date with what ensureHttps saw (status, protocol). */
function noteInstance(instanceId, seen) {
  const instance = instancesShown.find((i) => i.instanceId === instanceId);
  if (!instance) return;
  if (seen.status !== undefined) instance.status = seen.status;
  if (seen.protocol !== undefined) instance.protocol = seen.protocol;
}

function startTicker() {
  ticker ??= setInterval(() => {
    for (const [id, op] of ops) {
      if (op.state !== 'running') continue;
      const elapsed = rowOf(id)?.querySelector('.op-elapsed');
      if (elapsed) elapsed.textContent = seconds(performance.now() - op.startedAt);
    }
  }, 250);
}

function stopTickerIfIdle() {
  if (ticker !== null && ![...ops.values()].some((op) => op.state === 'running')) {
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
