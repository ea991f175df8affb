/**
 * Loopback load runs (part of `npm run bench`): simulated users post webhooks (LINE or Telegram)
 * or /api/chat requests at once, each user one message after another, to a server in a process of
 * its own (bench/servers.ts); a fake platform API here takes the reply calls.
 *
 * The generator is light on purpose (its CPU per message is reported beside the server's, and must
 * stay below the bare server's): requests written as text on one kept-alive socket per user (not
 * node:http's client, not fetch), bodies built from counters. Measured per run: messages per second, p50/p99 from the post to the reply (the reply call
 * at the fake API; for /api/chat, the response), replies lost (none within 30 s, or the post
 * refused) and duplicated (a second reply call for one message: LINE, by its reply token), and the
 * CPU milliseconds per message of the server (from /proc) and of the generator.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
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

/**
 * One simulated user's connection: HTTP/1.1 requests written as plain text on a kept-alive socket,
 * responses read by their Content-Length (or chunked end). Far lighter than node:http's client, so
 * the generator costs less CPU per message than the lightest server it measures.
 */
class RawClient {
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: ((r: { status: number; body: string }) => void) | undefined;

  constructor(private readonly port: number) {}

  post(urlPath: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve) => {
      const socket = this.open();
      this.pending = resolve;
      let head = `POST ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
      for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
      socket.write(`${head}\r\n${body}`);
    });
  }

  get(urlPath: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve) => {
      const socket = this.open();
      this.pending = resolve;
      socket.write(`GET ${urlPath} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    });
  }

  close(): void {
    this.socket?.destroy();
  }

  private open(): Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = connect(this.port, '127.0.0.1');
    socket.setNoDelay(true);
    this.buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.parse();
    });
    const fail = () => {
      this.socket = undefined;
      const done = this.pending;
      this.pending = undefined;
      done?.({ status: 0, body: '' });
    };
    socket.on('error', fail);
    socket.on('close', fail);
    this.socket = socket;
    return socket;
  }

  private parse(): void {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let body: Buffer;
    let rest: Buffer;
    if (length) {
      const size = Number(length[1]);
      if (this.buffer.length < end + 4 + size) return;
      body = this.buffer.subarray(end + 4, end + 4 + size);
      rest = this.buffer.subarray(end + 4 + size);
    } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const last = this.buffer.indexOf('0\r\n\r\n', end + 4);
      if (last < 0) return;
      body = Buffer.alloc(0); // the bench reads no chunked bodies
      rest = this.buffer.subarray(last + 5);
    } else {
      body = Buffer.alloc(0);
      rest = this.buffer.subarray(end + 4);
    }
    this.buffer = rest;
    if (/\r\nconnection: *close/i.test(head)) this.socket?.end();
    const done = this.pending;
    this.pending = undefined;
    done?.({ status, body: body.toString('utf8') });
  }
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
  // The platform's side in a process of its own too: its work is neither the server's nor the generator's.
  const api = await startServer(['fake-api']);
  const apiOrigin = `http://127.0.0.1:${api.port}`;
  const server = await startServer([t.kind, apiOrigin, t.storeUrl ?? 'memory://']);
  const clients: RawClient[] = [];
  const client = (u: number): RawClient => (clients[u] ??= new RawClient(server.port));
  const counts = async (): Promise<Record<string, number>> => JSON.parse((await new RawClient(api.port).get('/counts')).body) as Record<string, number>;
  try {
    // Web users need ids the service issued (GET /api/state), made before the clock starts.
    const webIds: string[] = [];
    for (let u = 0; u < t.users; u++) {
      webIds.push(t.protocol === 'web' && !t.answersItself ? (JSON.parse((await client(u).get('/api/state')).body) as { user: string }).user : `u${u}`);
    }
    const drive = async (users: number): Promise<{ seconds: number; latencies: number[]; refused: Record<string, number>; keys: string[] }> => {
      const latencies: number[] = [];
      const refused: Record<string, number> = {};
      const keys: string[] = [];
      const started = performance.now();
      await Promise.all(Array.from({ length: users }, async (_, u) => {
        for (let m = 0; m < t.messages; m++) {
          const msg = message(t.protocol, u, QUESTIONS[(u + m) % QUESTIONS.length]!, webIds);
          const t0 = performance.now();
          const res = await client(u).post(msg.path, msg.headers, msg.body);
          if (res.status !== 200) {
            const why = res.status === 0 ? 'no connection' : String(res.status);
            refused[why] = (refused[why] ?? 0) + 1;
            continue;
          }
          // The webhook is answered once its events are handled, the reply call made (or after the
          // channel's own acknowledgement bound): the response time is the reply time.
          latencies.push(performance.now() - t0);
          if (msg.replyKey && !t.answersItself) keys.push(msg.replyKey);
        }
      }));
      return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b), refused, keys };
    };
    await drive(Math.min(t.users, 200)); // warm-up
    const before = await counts();
    const serverCpu0 = cpuMsOf(server.pid);
    const myCpu0 = process.cpuUsage();
    const run = await drive(t.users);
    const myCpu = process.cpuUsage(myCpu0);
    const serverCpu = cpuMsOf(server.pid) - serverCpu0;
    // Replies still on their way (a turn past the acknowledgement bound): wait for them, up to 30 s.
    const expected = new Map<string, number>();
    for (const k of run.keys) expected.set(k, (expected.get(k) ?? 0) + 1);
    const delivered = async () => {
      const now = await counts();
      return (k: string) => (now[k] ?? 0) - (before[k] ?? 0);
    };
    let got = await delivered();
    for (const deadline = Date.now() + LOST_AFTER_MS; Date.now() < deadline && [...expected].some(([k, n]) => got(k) < n);) {
      await new Promise((r) => setTimeout(r, 250));
      got = await delivered();
    }
    await new Promise((r) => setTimeout(r, 300)); // late duplicates
    got = await delivered();
    const refusedCount = Object.values(run.refused).reduce((a, b) => a + b, 0);
    // LINE: one reply token per message, a reply each. Telegram: a chat's messages get one reply or more each.
    let lost = refusedCount;
    let duplicated = 0;
    for (const [k, n] of expected) {
      lost += Math.max(0, n - got(k));
      if (t.protocol === 'line') duplicated += Math.max(0, got(k) - n);
    }
    const total = t.users * t.messages;
    return {
      name: t.name,
      users: t.users,
      messagesPerUser: t.messages,
      messagesPerSecond: Math.round(total / run.seconds),
      p50Ms: round(pct(run.latencies, 0.5)),
      p99Ms: round(pct(run.latencies, 0.99)),
      lost,
      refused: run.refused,
      duplicated,
      serverCpuMsPerMessage: round(serverCpu / total, 3),
      generatorCpuMsPerMessage: round(((myCpu.user + myCpu.system) / 1000) / total, 3),
    };
  } finally {
    for (const c of clients) c?.close();
    await server.stop();
    await api.stop();
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
