// A plain CommonJS user script: `require('aliyun-es-https')`, run from a throwaway project
// where the packed tarball is installed. Prints one JSON report for package.test.mjs.
const { Client, openHttps, configure } = require('aliyun-es-https');
const { scenarios } = require('./scenarios.cjs');

scenarios({ Client, openHttps, configure }).then((report) => {
  process.stdout.write(JSON.stringify({ loader: 'require', ...report }));
});
