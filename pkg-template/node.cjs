// Node entry (`require`, and `import` through index.mjs: one wasm instance for both). Installs
// the keep-alive node:http transport as the default — Node's own fetch reaches a third to two
// thirds of its request rate — behind the same fetch-shaped seam; a client's `fetch` option
// (e.g. `fetch: globalThis.fetch`) still replaces it.
'use strict';
const glue = require('./aliyun_es_https.cjs');
const { createNodeFetch } = require('./node-transport.cjs');
const top = require('./top-level.cjs');

const driver = top.installDriver(glue, createNodeFetch());
/** Fleet mode, once its own wasm (crates/fleet) is loaded: on the first ensureHttpsAll. */
let fleetMode;
function ensureHttpsAll(target, options) {
  try {
    fleetMode ??= top.fleetMode(glue, require('./aliyun_es_https_fleet.cjs'), driver, top.FLEET_LIB);
  } catch (e) {
    const message = `fleet mode's wasm (aliyun_es_https_fleet.cjs, beside node.cjs) could not be loaded: ${top.FLEET_LIB.describeThrown(e)}`;
    return Promise.reject(top.FLEET_LIB.openHttpsError('UnsupportedRuntime', message));
  }
  return fleetMode.call(this, target, options);
}
Object.defineProperty(driver.Client.prototype, 'ensureHttpsAll', { configurable: true, writable: true, value: ensureHttpsAll });
top.guardClient(driver.Client, driver.isOpen);
const calls = top.topLevel(driver.defaultClient);

// One assignment per name: the form Node's ESM loader detects as named exports of CommonJS.
exports.Client = driver.Client;
exports.configure = driver.configure;
exports.openHttps = calls.openHttps;
exports.closeHttps = calls.closeHttps;
exports.describeInstance = calls.describeInstance;
exports.listInstances = calls.listInstances;
exports.instances = calls.instances;
exports.ensureHttps = calls.ensureHttps;
exports.ensureHttpsAll = calls.ensureHttpsAll;
exports.signOpenHttps = driver.signOpenHttps;
exports.isOpenHttpsError = top.isOpenHttpsError;
