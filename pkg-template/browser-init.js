// Appended by scripts/build.sh to wasm-bindgen's web glue (after top-level.js) to make
// pkg/index.js, the browser and bundler entry: the Client guard, the top-level functions, and
// the statement that loads the wasm file beside it, so a page needs no init(). It lives in the
// glue module itself (not in a wrapper that re-exports it) so that a bundler honouring
// `"sideEffects": false` cannot skip the wrapper and drop that statement.
// The package's Client, configure and signOpenHttps, and the calls, over the glue's internal
// exports (build.sh checks that every one is listed, and nothing else); ensureHttpsAll over
// the same, with the driver's run and drive, from fleet.js: a module of its own with fleet
// mode's own wasm, both fetched on the first ensureHttpsAll, so that a page which never runs
// fleet mode never downloads them (a bundler makes them a chunk and an asset of their own).
const wasmSteps = {
  __abort, __answer, __call, __checkInstanceId, __client, __configure, __configured,
  __credentials, __drop, __dropLimiter, __ensure, __ensureCall, __ensureFeed, __ensureFinish,
  __ensureFrom, __ensureProgress, __ensureState, __ensureWake, __failed, __fetch, __finish,
  __freeClient, __limiter, __paced, __reserve, __share, __sign, __signOpenHttps, __state, __wake,
};
const wasmDriver = installDriver(wasmSteps, undefined);
/** The promise of fleet mode's `ensureHttpsAll`, once asked for. */
let fleetMode;
Object.defineProperty(wasmDriver.Client.prototype, 'ensureHttpsAll', {
  configurable: true,
  writable: true,
  value: function ensureHttpsAll(target, options) {
    fleetMode ??= import('./fleet.js')
      .then(
        // fleet.js then loads fleet mode's own wasm, with loadWasm.
        (m) => m.fleetMode(wasmSteps, wasmDriver, FLEET_LIB, loadWasm),
        (e) => {
          throw openHttpsError('NetworkError', `fleet mode's code (fleet.js, beside index.js) could not be loaded: ${describeThrown(e)}`);
        },
      )
      .catch((e) => {
        fleetMode = undefined; // a later call tries again
        throw e;
      });
    return fleetMode.then((run) => run.call(this, target, options));
  },
});
guardClient(wasmDriver.Client, wasmDriver.isOpen);
export const { Client, configure, signOpenHttps } = wasmDriver;
// The build minifies this file's identifiers: the public names are given back, so that
// `Client.name`, a logged client and stack traces' function names read as in the docs.
for (const [name, value] of Object.entries({ Client, configure, signOpenHttps })) {
  Object.defineProperty(value, 'name', { value: name });
}
export { isOpenHttpsError };
export const { openHttps, closeHttps, describeInstance, listInstances, instances, ensureHttps, ensureHttpsAll } =
  topLevel(wasmDriver.defaultClient);

/**
 * Fetches and instantiates the wasm at `url` with `imports`: `{ instance, module }`, compiled
 * while it downloads, or from its bytes where a server sends it with another MIME type than
 * application/wasm (which streaming compilation requires). A failed fetch is a NetworkError.
 * The package's own loader rather than the glue's __wbg_init, whose general one (any source,
 * sync or not, its warnings) is larger; fleet mode loads its wasm with it too (fleet-init.js).
 */
async function loadWasm(url, imports) {
  const failed = (why) => openHttpsError('NetworkError', `the package's wasm (${url}) could not be loaded: ${why}`);
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw failed(describeThrown(e));
  }
  if (!response.ok) throw failed(`HTTP ${response.status}`);
  try {
    return await WebAssembly.instantiateStreaming(response.clone(), imports);
  } catch {
    return WebAssembly.instantiate(await response.arrayBuffer(), imports);
  }
}

// The wasm beside this file.
{
  const loaded = await loadWasm(new URL('aliyun_es_https_bg.wasm', import.meta.url), __wbg_get_imports());
  __wbg_finalize_init(loaded.instance, loaded.module);
}
