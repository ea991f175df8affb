/**
 * The WeChat Official Account under loopback load (part of `npm run bench`): 200 followers send 5
 * messages each (one after another, all followers at once) as signed callbacks to the service in
 * its own process on the default SQLite store; a fake WeChat API takes customer-service messages.
 * Measures the share of messages answered by a passive reply (in the callback's own answer, which
 * WeChat waits 5 s for; the service gives up on it at 4.5 s and sends through the API instead) and
 * the callback's answer time.
 */
import { getSignature } from '@wecom/crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const USERS = Number(process.env.LOAD_USERS ?? 200);
const MESSAGES = Number(process.env.LOAD_MESSAGES ?? 5);
const QUESTIONS = ['继续教育要多少学时', '个人申报截止到哪天', '照片有什么要求', '本科要工作几年', '纸质材料寄到哪里'];
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

export async function runWechatLoad() {
  let customerService = 0;
  const api = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/cgi-bin/token') return res.end(JSON.stringify({ access_token: 'T', expires_in: 7200 }));
      customerService++;
      res.end('{"errcode":0}');
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(path.join(tmpdir(), 'wechat-load-'));
  const tsx = path.resolve(import.meta.dirname, '../node_modules/.bin/tsx');
  const proc = spawn(tsx, [path.resolve(import.meta.dirname, 'load-server.ts'), 'wechat', `http://127.0.0.1:${(api.address() as AddressInfo).port}`, path.join(dir, 'bot.sqlite')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    proc.once('exit', (code) => reject(new Error(`wechat load server exited with ${code}`)));
  });
  let msgId = 1;
  const send = async (user: string, text: string): Promise<{ ms: number; passive: boolean }> => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(msgId);
    const query = new URLSearchParams({ timestamp, nonce, signature: getSignature('benchtoken', timestamp, nonce, '') });
    const body = `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[${user}]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${msgId++}</MsgId></xml>`;
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/wechat?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    const answer = await res.text();
    if (res.status !== 200) throw new Error(`wechat webhook answered ${res.status}`);
    return { ms: performance.now() - t0, passive: answer.startsWith('<xml>') };
  };
  const drive = async () => {
    const results: { ms: number; passive: boolean }[] = [];
    const started = performance.now();
    await Promise.all(Array.from({ length: USERS }, async (_, u) => {
      for (let m = 0; m < MESSAGES; m++) results.push(await send(`o-bench-${u}`, QUESTIONS[(u + m) % QUESTIONS.length]!));
    }));
    return { results, seconds: (performance.now() - started) / 1000 };
  };
  try {
    await drive(); // warm-up (first-time users, the token)
    const { results, seconds } = await drive();
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    return {
      users: USERS, messagesPerUser: MESSAGES,
      passiveShare: Number((results.filter((r) => r.passive).length / results.length).toFixed(4)),
      within4500ms: Number((ms.filter((x) => x <= 4500).length / ms.length).toFixed(4)),
      p50Ms: Number(pct(ms, 0.5).toFixed(1)), p99Ms: Number(pct(ms, 0.99).toFixed(1)), maxMs: Number(ms.at(-1)!.toFixed(1)),
      messagesPerSecond: Math.round(results.length / seconds),
      customerServiceMessages: customerService,
    };
  } finally {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGINT');
    await exited;
    api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runWechatLoad()));
}
