/**
 * Loopback load run of the service (part of `npm run bench`): simulated LINE users (200 by
 * default) post signed webhooks at once; a fake LINE API on 127.0.0.1 takes the reply calls.
 * Measures messages per second, p50/p99 time from the webhook post to the reply call, replies lost
 * (none within 30 s, or the webhook refused) and duplicated (two reply calls for one message), and
 * the throughput ratio to a bare node:http server answering the same posts in the same run.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import path from 'node:path';

/** How long a reply may take before it counts as lost. */
const LOST_AFTER_MS = 30_000;
const SECRET = 'bench-secret';
const TOKEN = 'bench-token';
const QUESTIONS = ['继续教育要多少学时', '个人申报截止到哪天', '照片有什么要求', '本科要工作几年', '纸质材料寄到哪里'];

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const readBody = (req: NodeJS.ReadableStream) => new Promise<string>((resolve) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
});

/** A fake LINE API that resolves a waiter per reply token when the reply call arrives, and counts the calls per token. */
function fakeLine() {
  const waiters = new Map<string, (t: number) => void>();
  const replies = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as { replyToken?: string };
    const at = performance.now();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (body.replyToken) {
      replies.set(body.replyToken, (replies.get(body.replyToken) ?? 0) + 1);
      waiters.get(body.replyToken)?.(at);
    }
  });
  return { server, waiters, replies };
}

function webhook(user: string, text: string, replyToken: string): string {
  return JSON.stringify({ destination: 'bench', events: [{
    type: 'message', mode: 'active', timestamp: Date.now(), webhookEventId: randomUUID(), deliveryContext: { isRedelivery: false },
    source: { type: 'user', userId: user }, replyToken, message: { id: randomUUID(), type: 'text', quoteToken: 'q', text },
  }] });
}

/** What went wrong with posts that were not taken: status codes, or "no connection". */
const refusals = new Map<string, number>();

/** Posts one webhook; false when it was not taken (a status other than 200, or no connection). */
async function post(url: string, body: string): Promise<boolean> {
  const signature = createHmac('sha256', SECRET).update(body).digest('base64');
  let why: string;
  try {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': signature }, body });
    await r.arrayBuffer();
    if (r.status === 200) return true;
    why = String(r.status);
  } catch {
    why = 'no connection';
  }
  refusals.set(why, (refusals.get(why) ?? 0) + 1);
  return false;
}

interface Drive { seconds: number; latencies: number[]; lost: number; tokens: string[] }

/** Every user sends `messages` messages one after another; all users at once. */
async function drive(url: string, users: number, messages: number, onSent: (token: string) => Promise<number | null> | null): Promise<Drive> {
  const latencies: number[] = [];
  const tokens: string[] = [];
  let lost = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: users }, async (_, u) => {
    for (let m = 0; m < messages; m++) {
      const token = randomUUID();
      tokens.push(token);
      const replied = onSent(token);
      const t0 = performance.now();
      const taken = await post(url, webhook(`U${u}`, QUESTIONS[(u + m) % QUESTIONS.length]!, token));
      const at = taken ? (replied ? await replied : performance.now()) : null;
      if (at === null) lost++;
      else latencies.push(at - t0);
    }
  }));
  return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b), lost, tokens };
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/** Starts bench/load-server.ts in a child process; resolves with its port and a stop function. */
async function child(args: string[]): Promise<{ port: number; stop: () => Promise<void> }> {
  const tsx = path.resolve(import.meta.dirname, '../node_modules/.bin/tsx');
  const proc = spawn(tsx, [...(process.env.LOAD_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.LOAD_PROF] : []), path.resolve(import.meta.dirname, 'load-server.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    proc.once('exit', (code) => reject(new Error(`load server exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return { port, stop: async () => { proc.kill('SIGINT'); await exited; } };
}

export interface LoadOptions {
  users?: number;
  messages?: number;
  /** The service's store (default memory://). */
  storeUrl?: string;
  /** Also measure a bare node:http server for the ratio (default true). */
  bare?: boolean;
}

export interface LoadResult {
  users: number;
  messagesPerUser: number;
  store: string;
  messagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  lost: number;
  /** Of the lost: webhooks not taken, by status ("no connection" when the connection failed). */
  refused: Record<string, number>;
  duplicated: number;
  bareMessagesPerSecond?: number;
  bareP50Ms?: number;
  ratioToBare?: number;
}

export async function runLoad(options: LoadOptions = {}): Promise<LoadResult> {
  const users = options.users ?? Number(process.env.LOAD_USERS ?? 200);
  const messages = options.messages ?? Number(process.env.LOAD_MESSAGES ?? 5);
  const storeUrl = options.storeUrl ?? 'memory://';
  // The bot service with LINE, in its own process, against the fake API here.
  refusals.clear();
  const fake = fakeLine();
  const apiPort = await listen(fake.server);
  const service = await child(['service', `http://127.0.0.1:${apiPort}`, storeUrl]);
  const serviceUrl = `http://127.0.0.1:${service.port}/webhooks/line`;
  const replyOf = (token: string) => new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => { fake.waiters.delete(token); resolve(null); }, LOST_AFTER_MS);
    fake.waiters.set(token, (t) => { clearTimeout(timer); fake.waiters.delete(token); resolve(t); });
  });
  await drive(serviceUrl, Math.min(users, 200), messages, replyOf); // warm-up
  const bot1 = await drive(serviceUrl, users, messages, replyOf);
  await new Promise((r) => setTimeout(r, 500)); // late duplicates
  const duplicated = bot1.tokens.reduce((n, t) => n + Math.max(0, (fake.replies.get(t) ?? 0) - 1), 0);
  await service.stop(); // lets it flush its log into the store
  fake.server.close();

  const total = users * messages;
  const botRate = total / bot1.seconds;
  const result: LoadResult = {
    users,
    messagesPerUser: messages,
    store: storeUrl.replace(/^(\w+):.*/, '$1'),
    messagesPerSecond: Math.round(botRate),
    p50Ms: Number(pct(bot1.latencies, 0.5).toFixed(2)),
    p99Ms: Number(pct(bot1.latencies, 0.99).toFixed(2)),
    lost: bot1.lost,
    refused: Object.fromEntries(refusals),
    duplicated,
  };
  if (options.bare === false) return result;

  // A bare node:http server answering the same posts (reads the body, parses it, answers 200).
  const bare = await child(['bare']);
  const bareUrl = `http://127.0.0.1:${bare.port}/`;
  await drive(bareUrl, Math.min(users, 200), messages, () => null);
  const bare1 = await drive(bareUrl, users, messages, () => null);
  await bare.stop();
  const bareRate = total / bare1.seconds;
  return {
    ...result,
    bareMessagesPerSecond: Math.round(bareRate),
    bareP50Ms: Number(pct(bare1.latencies, 0.5).toFixed(2)),
    ratioToBare: Number((botRate / bareRate).toFixed(3)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runLoad()));
}
