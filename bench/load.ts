/**
 * Loopback load runs (part of `npm run bench`): simulated users post webhooks (LINE or Telegram)
 * or /api/chat requests at once, each user one message after another, to a server in a process of
 * its own (bench/servers.ts); a fake platform API here takes the reply calls.
 *
 * The generator is light on purpose (its CPU per message is reported beside the server's, and must
 * stay below the bare server's): node:http on a keep-alive agent, bodies built from counters, no
 * fetch. Measured per run: messages per second, p50/p99 from the post to the reply (the reply call
 * at the fake API; for /api/chat, the response), replies lost (none within 30 s, or the post
 * refused) and duplicated (a second reply call for one message: LINE, by its reply token), and the
 * CPU milliseconds per message of the server (from /proc) and of the generator.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const SERVERS = path.join(ROOT, 'bench/servers.ts');
const LINE_SECRET = 'bench-secret';
const TELEGRAM_TOKEN = '123456:BENCH-token';
const TELEGRAM_SECRET = 'bench-telegram-secret';
/** How long a reply may take before it counts as lost. */
const LOST_AFTER_MS = 30_000;
const QUESTIONS = ['继续教育要多少学时', '个人申报截止到哪天', '照片有什么要求', '本科要工作几年', '纸质材料寄到哪里'];

/** How the simulated users talk to the server, and how a reply is recognised. */
export type Protocol = 'line' | 'telegram' | 'web';

export interface RunResult {
  name: string;
  users: number;
  messagesPerUser: number;
  messagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  lost: number;
  /** Of the lost: posts not taken, by status ("no connection" when the connection failed). */
  refused: Record<string, number>;
  duplicated: number;
  /** The server's CPU time per message (user + system, from /proc), and the generator's. */
  serverCpuMsPerMessage: number;
  generatorCpuMsPerMessage: number;
}

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]! : NaN);
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** CPU time (ms, user + system) a process has used, from /proc (Linux); NaN elsewhere. */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in ticks of 1/100 s
  } catch {
    return NaN;
  }
}

/** A server of bench/servers.ts in its own process (node with tsx's loader: one process, its pid is the server's). */
async function startServer(args: string[]): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', SERVERS, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    proc.once('exit', (code) => reject(new Error(`bench server ${args[0]} exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return { port, pid: proc.pid!, stop: async () => { proc.kill('SIGTERM'); await exited; } };
}

/** The fake platform API: LINE's reply call (by reply token) and the Bot API (by chat id), both answered at once. */
function fakeApi() {
  const waiters = new Map<string, (at: number) => void>();
  const replies = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const url = req.url ?? '';
      let key: string | undefined;
      let answer = '{}';
      if (url.startsWith('/v2/bot/message/reply')) {
        key = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { replyToken?: string }).replyToken;
      } else if (url.startsWith('/bot')) {
        const method = url.slice(url.lastIndexOf('/') + 1);
        const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { chat_id?: number }) : {};
        if (method === 'sendMessage') key = `chat:${body.chat_id}`;
        answer = method === 'sendMessage'
          ? JSON.stringify({ ok: true, result: { message_id: 1, date: 0, chat: { id: body.chat_id, type: 'private' }, text: '' } })
          : '{"ok":true,"result":true}';
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
      if (key) {
        replies.set(key, (replies.get(key) ?? 0) + 1);
        waiters.get(key)?.(at);
      }
    });
  });
  /** Resolves with the instant the reply for `key` arrived, or null after LOST_AFTER_MS. */
  const replyOf = (key: string) => new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => { waiters.delete(key); resolve(null); }, LOST_AFTER_MS);
    waiters.set(key, (at) => { clearTimeout(timer); waiters.delete(key); resolve(at); });
  });
  return { server, replies, replyOf };
}

/** One POST on the keep-alive agent; the status, or 0 when the connection failed. */
function post(agent: Agent, port: number, urlPath: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: 0, body: '' }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(body);
  });
}

let sequence = 0;

/** What one simulated message is: the request, and the key its reply arrives under (null: the response is the reply). */
function message(protocol: Protocol, user: number, text: string, webIds: string[]): { path: string; headers: Record<string, string>; body: string; replyKey: string | null } {
  const n = ++sequence;
  if (protocol === 'line') {
    const token = `rt${n}`;
    const body = `{"destination":"bench","events":[{"type":"message","mode":"active","timestamp":${Date.now()},"webhookEventId":"ev${n}","deliveryContext":{"isRedelivery":false},"source":{"type":"user","userId":"U${user}"},"replyToken":"${token}","message":{"id":"m${n}","type":"text","quoteToken":"q","text":"${text}"}}]}`;
    return { path: '/webhooks/line', headers: { 'x-line-signature': createHmac('sha256', LINE_SECRET).update(body).digest('base64') }, body, replyKey: token };
  }
  if (protocol === 'telegram') {
    const chat = 100000 + user;
    const body = `{"update_id":${n},"message":{"message_id":${n},"date":1690851600,"chat":{"id":${chat},"type":"private"},"from":{"id":${chat},"is_bot":false,"first_name":"B"},"text":"${text}"}}`;
    return { path: '/webhooks/telegram', headers: { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }, body, replyKey: `chat:${chat}` };
  }
  return { path: '/api/chat', headers: {}, body: JSON.stringify({ user: webIds[user], text }), replyKey: null };
}

export interface TargetOptions {
  name: string;
  protocol: Protocol;
  /** bench/servers.ts arguments after the kind's API origin is filled in: the kind, then (for the service) the store. */
  kind: string;
  storeUrl?: string;
  users: number;
  messages: number;
  /** Plain servers answer the post themselves: the response is the reply. */
  answersItself?: boolean;
}

/** Runs one server under load: a warm-up of up to 200 users, then the measured run. */
export async function runTarget(t: TargetOptions): Promise<RunResult> {
  const api = fakeApi();
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', () => resolve()));
  const apiOrigin = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  const server = await startServer([t.kind, apiOrigin, t.storeUrl ?? 'memory://']);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  try {
    // Web users need ids the server issued (GET /api/state), made before the clock starts.
    const webIds: string[] = [];
    if (t.protocol === 'web') {
      for (let u = 0; u < t.users; u++) {
        const r = await new Promise<string>((resolve) => {
          request({ host: '127.0.0.1', port: server.port, path: '/api/state', agent }, (res) => {
            let s = '';
            res.on('data', (c: Buffer) => { s += c.toString(); });
            res.on('end', () => resolve(s));
          }).end();
        });
        webIds.push((JSON.parse(r) as { user: string }).user);
      }
    }
    const drive = async (users: number): Promise<{ seconds: number; latencies: number[]; lost: number; refused: Record<string, number>; keys: string[] }> => {
      const latencies: number[] = [];
      const refused: Record<string, number> = {};
      const keys: string[] = [];
      let lost = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: users }, async (_, u) => {
        for (let m = 0; m < t.messages; m++) {
          const msg = message(t.protocol, u, QUESTIONS[(u + m) % QUESTIONS.length]!, webIds);
          const replied = t.answersItself || !msg.replyKey ? null : api.replyOf(msg.replyKey);
          if (msg.replyKey) keys.push(msg.replyKey);
          const t0 = performance.now();
          const res = await post(agent, server.port, msg.path, msg.headers, msg.body);
          if (res.status !== 200) {
            const why = res.status === 0 ? 'no connection' : String(res.status);
            refused[why] = (refused[why] ?? 0) + 1;
            lost++;
            continue;
          }
          const at = replied ? await replied : performance.now();
          if (at === null) lost++;
          else latencies.push(at - t0);
        }
      }));
      return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b), lost, refused, keys };
    };
    await drive(Math.min(t.users, 200)); // warm-up
    api.replies.clear();
    const serverCpu0 = cpuMsOf(server.pid);
    const myCpu0 = process.cpuUsage();
    const run = await drive(t.users);
    const myCpu = process.cpuUsage(myCpu0);
    const serverCpu = cpuMsOf(server.pid) - serverCpu0;
    await new Promise((r) => setTimeout(r, 300)); // late duplicates
    // LINE's reply tokens are one per message: a second reply call to one is a duplicate.
    const duplicated = t.protocol === 'line' && !t.answersItself
      ? run.keys.reduce((n, k) => n + Math.max(0, (api.replies.get(k) ?? 0) - 1), 0)
      : 0;
    const total = t.users * t.messages;
    return {
      name: t.name,
      users: t.users,
      messagesPerUser: t.messages,
      messagesPerSecond: Math.round(total / run.seconds),
      p50Ms: round(pct(run.latencies, 0.5)),
      p99Ms: round(pct(run.latencies, 0.99)),
      lost: run.lost,
      refused: run.refused,
      duplicated,
      serverCpuMsPerMessage: round(serverCpu / total, 3),
      generatorCpuMsPerMessage: round(((myCpu.user + myCpu.system) / 1000) / total, 3),
    };
  } finally {
    agent.destroy();
    await server.stop();
    api.server.close();
  }
}

export interface LoadOptions {
  users?: number;
  messages?: number;
  /** The service's store (default memory://). */
  storeUrl?: string;
  /** Also measure a bare node:http server for the ratio (default true). */
  bare?: boolean;
}

export interface LoadResult extends RunResult {
  store: string;
  bareMessagesPerSecond?: number;
  ratioToBare?: number;
}

/** The service's LINE path under load on one store, and (unless `bare: false`) a bare server for the ratio. */
export async function runLoad(options: LoadOptions = {}): Promise<LoadResult> {
  const users = options.users ?? Number(process.env.LOAD_USERS ?? 200);
  const messages = options.messages ?? Number(process.env.LOAD_MESSAGES ?? 5);
  const storeUrl = options.storeUrl ?? 'memory://';
  const store = storeUrl.replace(/^(\w+):.*/, '$1');
  const service = await runTarget({ name: `service (LINE, ${store})`, protocol: 'line', kind: 'service-line', storeUrl, users, messages });
  if (options.bare === false) return { ...service, store };
  const bare = await runTarget({ name: 'bare node:http', protocol: 'line', kind: 'bare', users, messages, answersItself: true });
  return { ...service, store, bareMessagesPerSecond: bare.messagesPerSecond, ratioToBare: round(service.messagesPerSecond / bare.messagesPerSecond, 3) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runLoad()));
}
