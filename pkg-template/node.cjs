// Node entry (`require`, and `import` through index.mjs: one wasm instance for both). Installs
// the keep-alive node:http transport as the default — Node's own fetch reaches a third to two
// thirds of its request rate — behind the same fetch-shaped seam; a client's `fetch` option
// (e.g. `fetch: globalThis.fetch`) still replaces it.
'use strict';
const glue = require('./aliyun_es_https.cjs');
const { createNodeFetch } = require('./node-transport.cjs');
const top = require('./top-level.cjs');

const driver = top.installDriver(glue, createNodeFetch());
const ensureHttpsAll = top.fleetMode(glue, driver, top.FLEET_LIB);
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
