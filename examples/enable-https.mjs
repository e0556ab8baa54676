#!/usr/bin/env node
// Quick start: turn on HTTPS for one instance and wait until it is really on.
//
//   ALIBABA_CLOUD_ACCESS_KEY_ID=… ALIBABA_CLOUD_ACCESS_KEY_SECRET=… \
//   node enable-https.mjs es-cn-n6w1o1x0w001c --region cn-hangzhou [--client-token T]
//       [--endpoint URL] [--signature-version v3|v1] [--no-wait] [--poll-interval MS]
//
// Credentials come from the ALIBABA_CLOUD_* variables. Exit code 0 when HTTPS is on (with
// --no-wait: when the single OpenHttps call was accepted).
import { parseArgs } from 'node:util';
import { Client, isOpenHttpsError } from 'aliyun-es-https';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    region: { type: 'string' },
    endpoint: { type: 'string' },
    'client-token': { type: 'string' },
    'signature-version': { type: 'string' },
    'no-wait': { type: 'boolean' },
    'poll-interval': { type: 'string' },
  },
});
if (positionals.length !== 1) {
  console.error(
    'usage: node enable-https.mjs INSTANCE_ID [--region R | --endpoint URL] [--client-token T] ' +
      '[--signature-version v3|v1] [--no-wait] [--poll-interval MS]',
  );
  process.exit(2);
}
const [id] = positionals;

try {
  const client = new Client({
    regionId: values.region,
    endpoint: values.endpoint,
    signatureVersion: values['signature-version'],
  });
  if (values['no-wait']) {
    const { result, requestId, clientToken } = await client.openHttps(id, values['client-token']);
    console.log(`${id}: OpenHttps ${result ? 'accepted' : 'NOT accepted (Result: false)'} (RequestId ${requestId}, clientToken ${clientToken})`);
    process.exit(result ? 0 : 1);
  }
  const done = await client.ensureHttps(id, {
    clientToken: values['client-token'],
    pollIntervalMs: values['poll-interval'] ? Number(values['poll-interval']) : undefined,
    onProgress: (e) => console.log(`${id}: ${e.phase}${e.status ? ` (${e.status}, ${e.protocol})` : ''} after ${(e.elapsedMs / 1000).toFixed(1)} s`),
  });
  console.log(`${id}: HTTPS is on${done.changed ? ` (turned on, RequestId ${done.requestId})` : ' (it already was)'}`);
} catch (e) {
  if (!isOpenHttpsError(e)) throw e;
  console.error(`${id}: ${e.code}: ${e.message}${e.requestId ? ` (RequestId ${e.requestId})` : ''}`);
  process.exit(1);
}
