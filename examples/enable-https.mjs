#!/usr/bin/env node
// Quick start: turn on HTTPS for one instance.
//
//   ALIBABA_CLOUD_ACCESS_KEY_ID=… ALIBABA_CLOUD_ACCESS_KEY_SECRET=… \
//   node enable-https.mjs es-cn-n6w1o1x0w001c --region cn-hangzhou [--client-token T]
//       [--endpoint URL] [--signature-version v3|v1]
//
// Credentials come from the ALIBABA_CLOUD_* variables. Exit code 0 when HTTPS is on.
import { parseArgs } from 'node:util';
import { Client } from 'aliyun-es-https';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    region: { type: 'string' },
    endpoint: { type: 'string' },
    'client-token': { type: 'string' },
    'signature-version': { type: 'string' },
  },
});
if (positionals.length !== 1) {
  console.error('usage: node enable-https.mjs INSTANCE_ID [--region R | --endpoint URL] [--client-token T] [--signature-version v3|v1]');
  process.exit(2);
}

try {
  const client = new Client({
    regionId: values.region,
    endpoint: values.endpoint,
    signatureVersion: values['signature-version'],
  });
  const { result, requestId, clientToken } = await client.openHttps(positionals[0], values['client-token']);
  console.log(`${positionals[0]}: HTTPS ${result ? 'enabled' : 'NOT enabled (Result: false)'} (RequestId ${requestId}, clientToken ${clientToken})`);
  process.exit(result ? 0 : 1);
} catch (e) {
  console.error(`${positionals[0]}: ${e.code}: ${e.message}${e.requestId ? ` (RequestId ${e.requestId})` : ''}`);
  process.exit(1);
}
