// Appended by scripts/build.sh to fleet mode's wasm glue (crates/fleet, wasm-bindgen's web
// target) and fleet.js to make pkg/fleet.js: the module the browser entry imports on the first
// ensureHttpsAll (browser-init.js). It loads fleet mode's wasm, beside it, with the entry's
// loader.

/**
 * Fleet mode's `ensureHttpsAll` over the main wasm's steps `w`, once fleet mode's own wasm is
 * loaded with `loadWasm` (browser-init.js; a NetworkError when it cannot be).
 */
async function loadFleetMode(w, driver, lib, loadWasm) {
  const loaded = await loadWasm(new URL('aliyun_es_https_fleet_bg.wasm', import.meta.url), __wbg_get_imports());
  __wbg_finalize_init(loaded.instance, loaded.module);
  return fleetMode(w, { __journal, __plan, __record }, driver, lib);
}

export { loadFleetMode as fleetMode };
