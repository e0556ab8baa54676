// The minimal app of the bundle-size comparison: one openHttps call with aliyun-es-https.
// (scripts/bench.sh copies it into a project where the packed package is installed, bundles it
// with esbuild for Node and for the browser, and runs the Node bundle against the emulator.)
import { Client } from 'aliyun-es-https';

const port = (typeof process !== 'undefined' && process.env.BENCH_PORT) || '8080';
const client = new Client({
  endpoint: `http://127.0.0.1:${port}`,
  credentials: { accessKeyId: 'testid', accessKeySecret: 'testsecret' },
});
client.openHttps('es-active-bundle', 'bundle-ours-1').then((r) => console.log(JSON.stringify(r)));
