// Node entry (`require`, and `import` through index.mjs: one wasm instance for both). Installs
// the keep-alive node:http transport as the default — Node's own fetch reaches a third to two
// thirds of its request rate — behind the same fetch-shaped seam; a client's `fetch` option
// (e.g. `fetch: globalThis.fetch`) still replaces it.
'use strict';
const glue = require('./aliyun_es_https.cjs');
const { createNodeFetch } = require('./node-transport.cjs');
const { topLevel, guardClient, isOpenHttpsError, installDriver, installFleet } = require('./top-level.cjs');

const driver = installDriver(glue, createNodeFetch());
installFleet(driver.Core, glue, driver);
guardClient(driver.Core);
const top = topLevel(driver.defaultClient);

// One assignment per name: the form Node's ESM loader detects as named exports of CommonJS.
exports.Client = driver.Client;
exports.configure = driver.configure;
exports.openHttps = top.openHttps;
exports.closeHttps = top.closeHttps;
exports.describeInstance = top.describeInstance;
exports.listInstances = top.listInstances;
exports.instances = top.instances;
exports.ensureHttps = top.ensureHttps;
exports.ensureHttpsAll = top.ensureHttpsAll;
exports.signOpenHttps = driver.signOpenHttps;
exports.isOpenHttpsError = isOpenHttpsError;
