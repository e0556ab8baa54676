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

// Loaded dynamically so that a failure (pkg/ not built, wasm not served) is shown on the page
// instead of leaving a dead form.
import('./pkg/index.js').then(
  (module) => {
    lib = module;
    setLibraryStatus('ready', 'Library ready');
    els.enable.disabled = false;
    els.enableLabel.textContent = 'Enable HTTPS';
    document.body.dataset.ready = 'true';
  },
  (err) => {
    setLibraryStatus('failed', 'Library failed to load');
    els.enableLabel.textContent = 'Unavailable';
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
