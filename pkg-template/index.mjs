// Node ESM entry: re-exports the CommonJS entry so that `import` and `require` share one
// wasm instance (and one default client set by `configure`).
export {
  Client,
  configure,
  openHttps,
  closeHttps,
  describeInstance,
  listInstances,
  instances,
  ensureHttps,
  ensureHttpsAll,
  signOpenHttps,
  isOpenHttpsError,
} from './node.cjs';
