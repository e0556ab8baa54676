// The top-level functions (`openHttps`, `ensureHttps`, …): each runs the same method of the
// client set by configure() — or, in Node, of one built from the ALIBABA_CLOUD_* environment.
// scripts/build.sh puts this beside both glues; `defaultClient` is their `__defaultClient`.
function topLevel(defaultClient) {
  const onDefault = (name) =>
    function (...args) {
      let client;
      try {
        client = defaultClient();
      } catch (e) {
        if (name !== 'instances') return Promise.reject(e);
        // An iterator whose first step rejects, as a page that cannot be read does.
        return {
          next: () => Promise.reject(e),
          return: async () => ({ value: undefined, done: true }),
          [Symbol.asyncIterator]() {
            return this;
          },
        };
      }
      try {
        return client[name](...args);
      } finally {
        // The call keeps its own reference to the configuration.
        client.free();
      }
    };
  return {
    openHttps: onDefault('openHttps'),
    closeHttps: onDefault('closeHttps'),
    describeInstance: onDefault('describeInstance'),
    listInstances: onDefault('listInstances'),
    instances: onDefault('instances'),
    ensureHttps: onDefault('ensureHttps'),
  };
}
