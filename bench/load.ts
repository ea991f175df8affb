/**
 * Loopback load run of the service (part of `npm run bench`): 200 simulated LINE users post
 * signed webhooks at once; a fake LINE API on 127.0.0.1 takes the reply calls. Measures messages
 * per second, p50/p99 time from the webhook post to the reply call, and the throughput ratio to
 * a bare node:http server answering the same posts on the same machine in the same run.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import path from 'node:path';

const USERS = Number(process.env.LOAD_USERS ?? 200);
const MESSAGES = Number(process.env.LOAD_MESSAGES ?? 5);
const SECRET = 'bench-secret';
const TOKEN = 'bench-token';
const QUESTIONS = ['继续教育要多少学时', '个人申报截止到哪天', '照片有什么要求', '本科要工作几年', '纸质材料寄到哪里'];

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const readBody = (req: NodeJS.ReadableStream) => new Promise<string>((resolve) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
});

/** A fake LINE API that resolves a waiter per reply token when the reply call arrives. */
function fakeLine() {
  const waiters = new Map<string, (t: number) => void>();
  const server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as { replyToken?: string };
    const at = performance.now();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (body.replyToken) waiters.get(body.replyToken)?.(at);
  });
  return { server, waiters };
}

function webhook(user: string, text: string, replyToken: string): string {
  return JSON.stringify({ destination: 'bench', events: [{
    type: 'message', mode: 'active', timestamp: Date.now(), webhookEventId: randomUUID(), deliveryContext: { isRedelivery: false },
    source: { type: 'user', userId: user }, replyToken, message: { id: randomUUID(), type: 'text', quoteToken: 'q', text },
  }] });
}

async function post(url: string, body: string): Promise<void> {
  const signature = createHmac('sha256', SECRET).update(body).digest('base64');
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': signature }, body });
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`webhook answered ${r.status}`);
}

/** Every user sends MESSAGES messages one after another; all users at once. */
async function drive(url: string, onSent: (token: string) => Promise<number> | null): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: USERS }, async (_, u) => {
    for (let m = 0; m < MESSAGES; m++) {
      const token = randomUUID();
      const replied = onSent(token);
      const t0 = performance.now();
      await post(url, webhook(`U${u}`, QUESTIONS[(u + m) % QUESTIONS.length]!, token));
      latencies.push((replied ? await replied : performance.now()) - t0);
    }
  }));
  return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/** Starts bench/load-server.ts in a child process; resolves with its port and a stop function. */
async function child(args: string[]): Promise<{ port: number; stop: () => void }> {
  const tsx = path.resolve(import.meta.dirname, '../node_modules/.bin/tsx');
  const proc = spawn(tsx, [...(process.env.LOAD_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.LOAD_PROF] : []), path.resolve(import.meta.dirname, 'load-server.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    proc.once('exit', (code) => reject(new Error(`load server exited with ${code}`)));
  });
  return { port, stop: () => proc.kill('SIGINT') };
}

export async function runLoad() {
  // The bot service with LINE, in its own process, against the fake API here.
  const fake = fakeLine();
  const apiPort = await listen(fake.server);
  const service = await child(['service', `http://127.0.0.1:${apiPort}`]);
  const serviceUrl = `http://127.0.0.1:${service.port}/webhooks/line`;
  const replyOf = (token: string) => new Promise<number>((resolve) => fake.waiters.set(token, (t) => { fake.waiters.delete(token); resolve(t); }));
  await drive(serviceUrl, replyOf); // warm-up
  const bot1 = await drive(serviceUrl, replyOf);
  service.stop();
  fake.server.close();

  // A bare node:http server answering the same posts (reads the body, parses it, answers 200).
  const bare = await child(['bare']);
  const bareUrl = `http://127.0.0.1:${bare.port}/`;
  await drive(bareUrl, () => null);
  const bare1 = await drive(bareUrl, () => null);
  bare.stop();

  const messages = USERS * MESSAGES;
  const botRate = messages / bot1.seconds;
  const bareRate = messages / bare1.seconds;
  return {
    users: USERS,
    messagesPerUser: MESSAGES,
    messagesPerSecond: Math.round(botRate),
    p50Ms: Number(pct(bot1.latencies, 0.5).toFixed(2)),
    p99Ms: Number(pct(bot1.latencies, 0.99).toFixed(2)),
    bareMessagesPerSecond: Math.round(bareRate),
    bareP50Ms: Number(pct(bare1.latencies, 0.5).toFixed(2)),
    ratioToBare: Number((botRate / bareRate).toFixed(3)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runLoad()));
}
