// The option and result types of the JS surface, appended to the generated typings
// (crates/wasm/src/lib.rs pulls this file in with include_str!).
declare global {
  interface SymbolConstructor {
    /**
     * `Client` has a `[Symbol.dispose]()` (for `using`); declared here as
     * `@types/node` does, so projects whose `lib` predates ES2025 still type-check.
     */
    readonly dispose: unique symbol;
  }
}

/** An Alibaba Cloud access key, optionally with an STS security token. */
export interface Credentials {
  /** The AccessKey ID (for STS credentials, the temporary `STS.…` id). */
  accessKeyId: string;
  /** The AccessKey secret. Never appears in errors, logs or `Debug` output. */
  accessKeySecret: string;
  /** The STS security token, for temporary credentials. */
  securityToken?: string;
  /**
   * When temporary credentials expire (ISO 8601 string such as STS's `Expiration`, a `Date`,
   * or milliseconds since 1970). Used only for credentials returned by a
   * {@link CredentialsProvider}: they are reused until 5 minutes before this time.
   */
  expiration?: string | number | Date;
}

/**
 * A function that returns credentials (or a Promise of them), e.g. short-lived STS
 * credentials fetched from your backend. Called on the first call; its answer is reused until
 * 5 minutes before its `expiration` (without `expiration`: called again for every call).
 * Concurrent calls share one pending invocation.
 */
export type CredentialsProvider = () => Credentials | Promise<Credentials>;

/** The answer a `fetch` replacement must give: a status and the body as text. */
export interface FetchResponse {
  /** The HTTP status code. */
  status: number;
  /** Reads the whole body as text. */
  text(): Promise<string>;
}

/**
 * A `fetch`-compatible function: called with the URL and `{ method, headers, signal }`;
 * `signal` aborts the request when an attempt times out or the caller aborts.
 */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; signal?: AbortSignal },
) => Promise<FetchResponse>;

/** How to reach and sign for the service. */
export interface ClientConfig {
  /**
   * The access key, or a function returning it. Omitted: in Node, from
   * `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
   * `ALIBABA_CLOUD_SECURITY_TOKEN`.
   */
  credentials?: Credentials | CredentialsProvider;
  /** The region, e.g. `"cn-hangzhou"`. Omitted: in Node, `ALIBABA_CLOUD_REGION_ID`. */
  regionId?: string;
  /** `host`, `host:port` or `http(s)://host[:port]`; wins over `regionId` and `network`. */
  endpoint?: string;
  /** `"public"` (default) or `"vpc"` (`elasticsearch-vpc.<region>.aliyuncs.com`). */
  network?: "public" | "vpc";
  /** `"v3"` (default, ACS3-HMAC-SHA256) or `"v1"` (ROA HMAC-SHA1; not from a browser). */
  signatureVersion?: "v3" | "v1";
  /**
   * Send the request here instead of to the endpoint, still signed for the endpoint's host:
   * `http(s)://host[:port][/path]`, or a path such as `"/aliyun"` on the page's own origin.
   * The proxy must forward method, path after this prefix, query, headers and body unchanged,
   * with `Host` set to the endpoint's host (e.g. `elasticsearch.cn-hangzhou.aliyuncs.com`).
   */
  proxyUrl?: string;
  /** Replaces the global `fetch`. It receives `init.signal` and should honour it. */
  fetch?: FetchLike;
  /**
   * Attempts in all, 1–10 (default 3). Network errors, timeouts, cut-short answers, HTTP 5xx,
   * `Throttling*`, `ServiceUnavailable` and `InternalError` are retried with exponential
   * backoff and full jitter, waiting at least what `x-acs-retry-after` / `Retry-After` ask;
   * every attempt reuses the call's clientToken, so the change is applied at most once.
   */
  maxAttempts?: number;
  /** Time for one attempt, request and whole answer, in ms (default 10000). */
  timeoutMs?: number;
  /** Time for the whole call, retries and waits included, in ms (default: no limit). */
  deadlineMs?: number;
}

/** What `signOpenHttps` signs: the call, the credentials, and where it goes. */
export interface SignOpenHttpsRequest {
  /** The instance, e.g. `"es-cn-n6w1o1x0w001c"`. */
  instanceId: string;
  /** Makes the call idempotent; generated (and returned) when omitted. */
  clientToken?: string;
  /** The access key (a value, not a function: signing is synchronous). */
  credentials: Credentials;
  /** As in {@link ClientConfig}. */
  regionId?: string;
  /** As in {@link ClientConfig}. */
  endpoint?: string;
  /** As in {@link ClientConfig}. */
  network?: "public" | "vpc";
  /** As in {@link ClientConfig}. */
  signatureVersion?: "v3" | "v1";
  /** As in {@link ClientConfig}: the URL points here, the signature covers the endpoint. */
  proxyUrl?: string;
  /** The signing time in ms since 1970 (default: now). */
  timestamp?: number;
  /** The signature nonce (default: 64 random hex characters); must be unique per request. */
  nonce?: string;
}

/** A signed request, ready to send. */
export interface SignedOpenHttpsRequest {
  /** Always `"POST"`. */
  method: "POST";
  /** Where to send it. */
  url: string;
  /** Exactly the headers to send (lower-case names; `Host` comes from the URL). */
  headers: Record<string, string>;
  /** The clientToken in the URL (the one given, or a generated UUID). */
  clientToken: string;
}

/** Options of one call. */
export interface CallOptions {
  /** Cancels the call at once (the request in flight is aborted; no retry follows). */
  signal?: AbortSignal;
}

/** The options of `openHttps` (the same as every call's). */
export type OpenHttpsOptions = CallOptions;

/** An instance as DescribeInstance and ListInstance report it. */
export interface Instance {
  /** The instance id, e.g. `"es-cn-n6w1o1x0w001c"`. */
  instanceId: string;
  /**
   * `"active"`, `"activating"` (being created or changed), `"inactive"`, `"invalid"`, or
   * another word the service may add (passed on as it is).
   */
  status: string;
  /** `"HTTP"` or `"HTTPS"` (passed on as the service says it). */
  protocol: string;
  /** The name shown in the console. */
  description?: string;
  /** The Elasticsearch version, e.g. `"7.10_with_X-Pack"`. */
  esVersion?: string;
  /** Whether the instance has client nodes (HTTPS needs them on some versions). */
  haveClientNode?: boolean;
  /** The service's RequestId (DescribeInstance only). */
  requestId?: string;
}

/** The query of `listInstances`: one page. */
export interface ListInstancesQuery {
  /** Only instances whose description contains this. */
  description?: string;
  /** Only the instance with this id. */
  instanceId?: string;
  /** The page, from 1 (default 1). */
  page?: number;
  /** Instances per page, 1–100 (default 10). */
  size?: number;
  /** Cancels the call. */
  signal?: AbortSignal;
}

/** One page of instances. */
export interface InstancePage {
  /** The page's instances, in the service's order. */
  instances: Instance[];
  /** How many instances match in all (`X-Total-Count`). */
  total: number;
  /** The service's RequestId. */
  requestId: string;
}

/** The query of `instances`: every page. */
export interface InstancesQuery {
  /** Only instances whose description contains this. */
  description?: string;
  /** Only the instance with this id. */
  instanceId?: string;
  /** Instances per ListInstance call, 1–100 (default 100: the fewest calls). */
  size?: number;
  /** Cancels the walk (the page in flight rejects with `Aborted`). */
  signal?: AbortSignal;
}

/** A progress report of `ensureHttps`. */
export interface EnsureProgress {
  /** The instance. */
  instanceId: string;
  /**
   * `checking`: looking at the instance; `waiting`: it is busy with another change;
   * `opening`: sending OpenHttps; `activating`: OpenHttps was accepted, waiting until HTTPS is
   * on; `done`.
   */
  phase: "checking" | "waiting" | "opening" | "activating" | "done";
  /** The last status seen. */
  status?: string;
  /** The last protocol seen. */
  protocol?: string;
  /** Milliseconds since `ensureHttps` started. */
  elapsedMs: number;
}

/** The options of `ensureHttps`. */
export interface EnsureHttpsOptions {
  /** The clientToken of every OpenHttps of this ensure (generated when omitted). */
  clientToken?: string;
  /**
   * `true` (default): resolve only when the instance is active and serves HTTPS. `false`:
   * resolve once OpenHttps was accepted (or nothing needed changing).
   */
  wait?: boolean;
  /** Longest time to wait in all, in ms (default 3600000: an hour; at most a day). */
  waitTimeoutMs?: number;
  /** Time between two DescribeInstance polls, in ms (default 10000). */
  pollIntervalMs?: number;
  /** Called at each change of phase, status or protocol; what it throws is ignored. */
  onProgress?: (event: EnsureProgress) => void;
  /** Cancels at once: nothing is left in flight, and the call rejects with `Aborted`. */
  signal?: AbortSignal;
}

/** What `ensureHttps` resolves to. */
export interface EnsureHttpsResult {
  /** The instance. */
  instanceId: string;
  /** `true`: this ensure turned HTTPS on. `false`: it was already on. */
  changed: boolean;
  /** The last status seen (`"active"` unless `wait` was `false`). */
  status: string;
  /** The last protocol seen (`"HTTPS"` unless `wait` was `false`). */
  protocol: string;
  /** The clientToken of this ensure's OpenHttps (sent only when `changed`). */
  clientToken: string;
  /** The RequestId of the accepted OpenHttps, when one was sent. */
  requestId?: string;
  /** Milliseconds it took. */
  elapsedMs: number;
  /** DescribeInstance calls made. */
  polls: number;
}

/** The answer of a successful call. */
export interface OpenHttpsResult {
  /** `true`: HTTPS is on. `false`: the service answered that it did not enable HTTPS. */
  result: boolean;
  /** The service's RequestId, for support tickets. */
  requestId: string;
  /** The clientToken sent (generated when none was given); reuse it to retry safely. */
  clientToken: string;
  /** How many requests the call took (1 unless it retried). */
  attempts: number;
}

/** Every rejection is an `Error` with these fields; `name` is always `"OpenHttpsError"`. */
export interface OpenHttpsError extends Error {
  name: "OpenHttpsError";
  /**
   * The service's Code (`InstanceNotFound`, `InstanceActivating`, `HttpsNeedClientNode`, …) or
   * ours: `InvalidInstanceId`, `InvalidClientToken`, `InvalidConfig`, `InvalidArgument`,
   * `MissingCredentials`, `InvalidCredentials`, `MissingRegion`, `InvalidRegion`,
   * `InvalidEndpoint`, `UnsupportedRuntime`, `NetworkError`, `Timeout`, `Aborted`,
   * `MalformedResponse`, `ClientClosed`, `InvalidThis`, and from `ensureHttps`
   * `InstanceNotActive`, `OpenHttpsRejected`, `WaitTimeout`.
   */
  code: string;
  /** Whether the same call (same clientToken) may succeed if repeated. */
  retryable: boolean;
  /** The HTTP status, when an answer arrived. */
  httpStatus?: number;
  /** The service's RequestId, when known. */
  requestId?: string;
  /** The service's HostId, when known. */
  hostId?: string;
  /** The service's troubleshooting link, when known. */
  recommend?: string;
  /** For validation errors: the option or argument at fault. */
  field?: string;
  /** The clientToken of the call, when it got that far. */
  clientToken?: string;
  /** Why each attempt failed, in order, when a request was sent (e.g. `"ServiceUnavailable (HTTP 503, RequestId …)"`). */
  attempts?: string[];
  /** For `SignatureDoesNotMatch`: what we signed (V1 string to sign or V3 canonical request; STS token redacted). */
  stringToSign?: string;
  /** For `SignatureDoesNotMatch`: the server's string to sign, when its message shows it. */
  serverStringToSign?: string;
}

/**
 * Whether `e` is an error this package threw or rejected with: an `Error` named
 * `OpenHttpsError` with a string `code`. Narrows `unknown` in a `catch`:
 * `catch (e) { if (isOpenHttpsError(e)) console.error(e.code, e.requestId); else throw e; }`
 */
export function isOpenHttpsError(e: unknown): e is OpenHttpsError;

/** What `ensureHttpsAll` works on: the given ids, or every instance (matching `description`). */
export interface FleetTarget {
  /** These instances (duplicates are dropped, the order is kept). */
  instanceIds?: string[];
  /** Without `instanceIds`: every instance whose description contains this (all pages). */
  description?: string;
}

/** A journal of a run: lines of JSON, loaded at the start and appended as the run goes. */
export interface FleetJournal {
  /** The lines of earlier runs (an array of lines, or the whole text), or a Promise of them. */
  load(): string[] | string | null | undefined | Promise<string[] | string | null | undefined>;
  /**
   * Appends one line (no line break included). Before each OpenHttps the run waits for a
   * Promise this returns: write and flush the clientToken record before resolving it. For the
   * other records a rejection is ignored (a resume checks those instances again anyway).
   */
  append(line: string): void | Promise<void>;
}

/** The options of `ensureHttpsAll`. */
export interface FleetOptions {
  /** Instances changed at once, 1–64 (default 4). Planning looks at max(concurrency, 8) at once. */
  concurrency?: number;
  /**
   * Most requests per second, 1–10000, every request of the run counted; the run starts at
   * this rate (without it: starts at 20 and may grow to 100). Requests are spaced evenly, so
   * set it a little under a server's own limit. `Throttling*` answers slow the whole run down
   * (honouring the server's wait); successes speed it up again by about one request per
   * second each second.
   */
  maxRps?: number;
  /** Plan only: look at every instance and report the plan, change nothing. */
  dryRun?: boolean;
  /** As in `ensureHttps`, per instance (default 10000). */
  pollIntervalMs?: number;
  /** As in `ensureHttps`, per instance (default an hour). */
  waitTimeoutMs?: number;
  /** Called with each event; what it throws (or rejects with) is ignored. */
  onEvent?: (event: FleetEvent) => void;
  /**
   * Stops the run: no new instance starts; each one in flight ends after its current request
   * (nothing is cut mid-request), as `interrupted`. Resume with the same journal. Aborted
   * from within the `planned` event's handler, it starts no change at all: a confirmation
   * step ("N instances will be changed: go on?") needs no second plan.
   */
  signal?: AbortSignal;
  /**
   * Asked once the plan is complete, before any change, with the `planned` event's counts:
   * `true` (or a Promise of it) goes on; anything else — `false`, a throw, a rejection —
   * changes nothing (those instances end `interrupted` with code `NotConfirmed`). Not asked
   * when there is nothing to change or in a dry run.
   */
  confirm?: (plan: FleetPlan) => boolean | Promise<boolean>;
  /**
   * Makes the run resumable: instances recorded done are confirmed with one DescribeInstance,
   * and an instance whose OpenHttps may have been sent is retried with the recorded
   * clientToken — so nothing is applied twice, even after a crash at any moment.
   */
  journal?: FleetJournal;
}

/** What happened to one instance of a fleet run. */
export interface FleetInstanceResult {
  /** The instance. */
  instanceId: string;
  /**
   * `https`: HTTPS is on; `failed`: see `code`; `cannot`: inactive, invalid or without client
   * nodes (not tried); `interrupted`: the run was stopped first; `planned` (dry run): would
   * be changed.
   */
  outcome: "https" | "failed" | "cannot" | "interrupted" | "planned";
  /** The plan: `skip` (already HTTPS), `open`, `busy` (waited for first), `cannot`. */
  plan?: "skip" | "open" | "busy" | "cannot";
  /** Whether this run turned HTTPS on. */
  changed: boolean;
  /** Time spent changing it, in ms. */
  elapsedMs: number;
  /** The accepted OpenHttps's RequestId, or the failure's. */
  requestId?: string;
  /** Why it failed or cannot be changed (`HttpsNeedClientNode`, `InstanceNotActive`, …). */
  code?: string;
  /** The message of that error. */
  message?: string;
  /**
   * An earlier run (the journal) recorded a clientToken for it, reused here: an OpenHttps of
   * that run may be what turned HTTPS on (then `changed` is `false` in this run).
   */
  resumed: boolean;
}

/** What `ensureHttpsAll` resolves to. */
export interface FleetResult {
  /** Instances targeted. */
  total: number;
  /** How many serve HTTPS now. */
  https: number;
  /** How many this run changed. */
  changed: number;
  /** How many failed. */
  failed: number;
  /** How many cannot be changed (inactive, invalid, no client node). */
  cannot: number;
  /** How many the run did not finish (stopped). */
  interrupted: number;
  /** Dry run: how many would be changed. */
  planned: number;
  /** Whether this was a dry run. */
  dryRun: boolean;
  /** Whether `signal` stopped the run. */
  stopped: boolean;
  /** Time the run took, in ms. */
  elapsedMs: number;
  /** Per instance, in target order. */
  results: FleetInstanceResult[];
}

/** The plan of a fleet run, in counts. */
export interface FleetPlan {
  /** Instances that will be changed (dry run: would be). */
  toChange: number;
  /** Instances already serving HTTPS. */
  https: number;
  /** Instances that cannot be changed. */
  cannot: number;
  /** Instances whose DescribeInstance failed. */
  failed: number;
  /** Instances not looked at, or not started, because the run was stopped. */
  interrupted: number;
}

/** An event of a fleet run (for live progress, or one JSON line each with `--json`). */
export type FleetEvent =
  | { type: "start"; total: number; journalRecords: number; journalTornLastLine: boolean }
  | {
      type: "plan";
      instanceId: string;
      plan: "skip" | "open" | "busy" | "cannot";
      status: string;
      protocol: string;
      code?: string;
      /** An earlier run recorded a clientToken for it: that token is reused. */
      resumed: boolean;
    }
  | ({
      /** The plan is complete (every instance looked at): the changes start now. */
      type: "planned";
    } & FleetPlan)
  | ({ type: "phase" } & EnsureProgress)
  | ({ type: "result" } & FleetInstanceResult);

/**
 * A configured connection to the Elasticsearch API. Construction validates the configuration
 * and throws an `OpenHttpsError` when something is wrong; nothing is sent until a call. Each
 * call rejects with an `OpenHttpsError`.
 */
export class Client {
  /**
   * Creates a client. Throws an `OpenHttpsError` (`MissingCredentials`, `MissingRegion`,
   * `InvalidEndpoint`, `InvalidConfig`…) when the configuration cannot work.
   */
  constructor(config: ClientConfig);
  /** Releases the client; its calls under way finish. Later calls reject with `ClientClosed`. */
  free(): void;
  /** The same as `free()`, for `using client = new Client(…)`. */
  [Symbol.dispose](): void;
  /**
   * Turns on HTTPS for `instanceId` (one OpenHttps call: accepted is not yet on — see
   * `ensureHttps`). `clientToken` (1–64 printable ASCII characters) makes the call
   * idempotent; when omitted a UUID is generated and returned.
   */
  openHttps(instanceId: string, clientToken?: string, options?: CallOptions): Promise<OpenHttpsResult>;
  /** Turns off HTTPS for `instanceId` (one CloseHttps call), like `openHttps`. */
  closeHttps(instanceId: string, clientToken?: string, options?: CallOptions): Promise<OpenHttpsResult>;
  /** The instance's current state (DescribeInstance): `status`, `protocol` and more. */
  describeInstance(instanceId: string, options?: CallOptions): Promise<Instance>;
  /** One page of the account's instances in this region (ListInstance). */
  listInstances(query?: ListInstancesQuery): Promise<InstancePage>;
  /**
   * Every instance, page after page, in the service's order: `for await (const i of
   * client.instances({ description: "prod" }))`. Each page is one ListInstance call.
   */
  instances(query?: InstancesQuery): AsyncIterableIterator<Instance>;
  /**
   * Makes sure HTTPS is on: looks at the instance, sends OpenHttps only if needed (one
   * clientToken for every attempt), and waits until it is active and serves HTTPS.
   */
  ensureHttps(instanceId: string, options?: EnsureHttpsOptions): Promise<EnsureHttpsResult>;
  /**
   * Fleet mode: makes sure HTTPS is on for every instance of `target` — the given
   * `instanceIds`, or every instance (whose description contains `description`) — with
   * `concurrency` changes at once, one rate limit for every request, a journal that makes
   * a crashed run resumable without applying anything twice, and events as it goes.
   *
   * In a browser, the first call fetches fleet mode's code (`fleet.js`, beside `index.js`; a
   * bundler makes it a chunk of its own); when that fails, the call rejects with a
   * `NetworkError` and the next one tries again.
   */
  ensureHttpsAll(target?: FleetTarget, options?: FleetOptions): Promise<FleetResult>;
}

/**
 * Sets the client that the top-level functions use. Throws an `OpenHttpsError` when the
 * configuration cannot work (the previous default is then kept).
 */
export function configure(config: ClientConfig): void;

/**
 * Signs an OpenHttps request without sending it. Returns `{ method, url, headers,
 * clientToken }`: send `method` to `url` with exactly `headers` (the `Host` is the URL's).
 * The clientToken is generated when none is given. Throws an `OpenHttpsError` on bad input.
 */
export function signOpenHttps(request: SignOpenHttpsRequest): SignedOpenHttpsRequest;

/*
 * The top-level functions: each runs the same method of the client set by `configure`, or
 * else (in Node) of one built from the `ALIBABA_CLOUD_*` environment variables. Without
 * either they reject with `MissingCredentials` (or `MissingRegion`), saying what to set.
 */

/** `Client.openHttps` on the default client: turns on HTTPS (one OpenHttps call). */
export function openHttps(
  instanceId: string,
  clientToken?: string,
  options?: CallOptions,
): Promise<OpenHttpsResult>;

/** `Client.closeHttps` on the default client: turns off HTTPS (one CloseHttps call). */
export function closeHttps(
  instanceId: string,
  clientToken?: string,
  options?: CallOptions,
): Promise<OpenHttpsResult>;

/** `Client.describeInstance` on the default client: the instance's current state. */
export function describeInstance(instanceId: string, options?: CallOptions): Promise<Instance>;

/** `Client.listInstances` on the default client: one page of instances. */
export function listInstances(query?: ListInstancesQuery): Promise<InstancePage>;

/** `Client.instances` on the default client: every instance, page after page. */
export function instances(query?: InstancesQuery): AsyncIterableIterator<Instance>;

/**
 * `Client.ensureHttps` on the default client: makes sure HTTPS is on, opening it only if
 * needed, and waits until the instance is active and serves HTTPS.
 */
export function ensureHttps(
  instanceId: string,
  options?: EnsureHttpsOptions,
): Promise<EnsureHttpsResult>;

/** `Client.ensureHttpsAll` on the default client: fleet mode. */
export function ensureHttpsAll(target?: FleetTarget, options?: FleetOptions): Promise<FleetResult>;
