/**
 * A server for the load run, in its own process so the load generator does not share its CPU:
 * `service <lineApiUrl> [storeUrl]` (the bot with LINE, as `npm start` runs it; memory:// by default), `wechat <wechatApiUrl>
 * <sqliteFile>` (the bot with the WeChat Official Account on the default SQLite store) or `bare`
 * (node:http answering the same posts). Prints its port on stdout, then serves until killed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';

const [kind, apiUrl] = process.argv.slice(2);
const silent = pino({ level: 'silent' });

if (kind === 'bare') {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
} else if (kind === 'wechat') {
  const { createBot } = await import('../src/bot/index.ts');
  const { createApp } = await import('../adapters/http.ts');
  const { createWechat } = await import('../adapters/wechat/index.ts');
  const { createKit } = await import('../adapters/shared/kit.ts');
  const bot = await createBot({ storeUrl: `sqlite://${process.argv[4]}`, now: new Date('2023-08-01T09:00:00+08:00'), log: (l) => console.error(l) });
  const wechat = createWechat(createKit(bot, silent), { token: 'benchtoken', appId: 'wxbench', appSecret: 's', apiBaseUrl: apiUrl });
  const server = await createApp(bot, [wechat], silent).listen(0, '127.0.0.1');
  console.log((server.address() as AddressInfo).port);
} else {
  const { createBot } = await import('../src/bot/index.ts');
  const { createApp } = await import('../adapters/http.ts');
  const { createLine } = await import('../adapters/line/index.ts');
  const { createKit } = await import('../adapters/shared/kit.ts');
  const bot = await createBot({ storeUrl: process.argv[4] ?? 'memory://', now: new Date('2023-08-01T09:00:00+08:00') });
  const line = createLine(createKit(bot, silent), { channelSecret: 'bench-secret', channelAccessToken: 'bench-token', apiBaseUrl: apiUrl });
  const server = await createApp(bot, [line], silent).listen(0, '127.0.0.1');
  console.log((server.address() as AddressInfo).port);
}
