// Cold start through `require`: run as a fresh `node` process (see cold-steps.cjs for what it
// prints and bench/cold.mjs for the same through `import`).
//
//   node bench/cold.cjs baseline
//   node bench/cold.cjs ours sign            # require the package, first signOpenHttps result
//   node bench/cold.cjs official sign        # require openapi-core (the SDK's signer), first Authorization
//   node bench/cold.cjs ours request PORT    # require, new Client, first openHttps answered
//   node bench/cold.cjs official request PORT
'use strict';

const { createRequire } = require('node:module');
const path = require('node:path');
const steps = require('./cold-steps.cjs');

const [client, mode, port] = process.argv.slice(2);
const from = (dir) => createRequire(path.join(dir, 'package.json'));

if (client === 'baseline') {
  steps.done();
} else if (client === 'ours') {
  steps.ours(from(process.env.BENCH_OURS_DIR)('aliyun-es-https'), mode, port);
} else if (client === 'official') {
  const req = from(process.env.BENCH_OFFICIAL_DIR);
  steps.official(async (name) => req(name), mode, port);
} else {
  throw new Error('usage: node bench/cold.cjs baseline | ours|official sign | ours|official request PORT');
}
