/**
 * A reminder run killed with SIGKILL during a retry wait loses nothing: the claim it held is a
 * lease, and a second run on the same SQLite file, after the lease, sends what was left (issue 15:
 * one of 20 reminders was lost for good, claimed and never sent). On LINE the re-send carries the
 * same retry key, so a message LINE had already taken is not doubled. Short leases (2 s) and long
 * retry waits (10 s) keep each case to a few seconds: the killed run is a process of its own, the
 * second runs in the test's process on the same file.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/index.ts';
import type { Subscription } from '../../src/bot/runner.ts';
import type { Claim } from '../../src/reminders/claims.ts';
import { keys } from '../../src/store/keys.ts';
import pino from 'pino';
import { createLine } from '../../adapters/line/index.ts';
import { register } from '../../adapters/registry.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { startFakeLine, type FakeLine } from '../channels/fake-line.ts';
import { ROOT } from '../e2e/spawn.ts';

const RUN = 'test/faults/reminders-run.ts';
const NINE = '2023-09-01T09:00:00+08:00';
/** A minute later: past the 2 s leases, still the day of the 7-day reminder. */
const NINE_ONE = '2023-09-01T09:01:00+08:00';
const LEASE_MS = '2000';
const RETRY_MS = '10000';
let dir = '';

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'reminder-faults-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

interface Run { done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>; kill(): void }

/** One run in its own process (node with tsx's loader, so a SIGKILL reaches the run itself). */
function run(...args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', RUN, ...args], { cwd: ROOT, env: process.env });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, out, err })));
  return { done, kill: () => child.kill('SIGKILL') };
}

/** A bot on a SQLite file with `users` subscribed (applicants, on 8-01), and each user's claim key of the 7-day reminder. */
async function subscribed(name: string, users: string[]): Promise<{ url: string; bot: Bot; claims: Map<string, string> }> {
  const url = `sqlite://${join(dir, `${name}.sqlite`)}`;
  const bot = await createBot({ storeUrl: url, now: new Date('2023-08-01T09:00:00+08:00'), log: () => {}, reminderDelivery: { leaseMs: Number(LEASE_MS), sendTimeoutMs: 1000 } });
  const claims = new Map<string, string>();
  for (const u of users) {
    await bot.handle(u, { kind: 'action', action: 'remind:applicant' });
    claims.set(u, keys.claim(u, (await bot.store.get<Subscription>(keys.subscription(u)))!.id, 'individual:7'));
  }
  return { url, bot, claims };
}

/** Resolves once `pred` holds (polled), or fails after `ms`. */
async function until(pred: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The claims' states, read from the store file (written by the other process). */
async function states(bot: Bot, claims: Map<string, string>): Promise<Map<string, Claim['state'] | undefined>> {
  const out = new Map<string, Claim['state'] | undefined>();
  for (const [user, key] of claims) out.set(user, (await bot.store.get<Claim>(key))?.state);
  return out;
}

describe('a run killed with SIGKILL during a retry wait', () => {
  it('loses no reminder: the next run sends the one it held, once (20 users, a plain HTTP channel)', async () => {
    const users = Array.from({ length: 20 }, (_, i) => `u${i}`);
    const { url, bot, claims } = await subscribed('http', users);
    // The platform: one user's first push fails (500), every other push is taken.
    const deliveries: string[] = [];
    const tries = new Map<string, number>();
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => { body += d.toString('utf8'); });
      req.on('end', () => {
        const { chat } = JSON.parse(body) as { chat: string };
        tries.set(chat, (tries.get(chat) ?? 0) + 1);
        if (chat === 'u7' && tries.get(chat) === 1) {
          res.writeHead(500).end();
          return;
        }
        deliveries.push(chat);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const pushUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const first = run(url, NINE, 'http', pushUrl, LEASE_MS, RETRY_MS);
    try {
      // 19 sent and marked, u7's first try failed: the run is in its 10 s wait before u7's second try.
      await until(async () => {
        if (deliveries.length < 19 || tries.get('u7') !== 1) return false;
        const s = await states(bot, claims);
        return users.every((u) => s.get(u) === (u === 'u7' ? 'claimed' : 'sent'));
      }, 8000, '19 sent and u7 waiting for its retry');
      first.kill();
      const killed = await first.done;
      expect(killed.signal).toBe('SIGKILL');
      expect(deliveries).not.toContain('u7');

      // The next run, past the lease: u7 is sent, nobody else again.
      bot.registerChannel({ name: 'terminal', prefix: '', push: async (chat, _text, key) => {
        const res = await fetch(`${pushUrl}/push`, { method: 'POST', body: JSON.stringify({ chat, key }) });
        return res.status === 200 ? 'sent' : 'retry';
      } });
      expect(await bot.runDue(new Date(NINE_ONE))).toEqual({ sent: 1, failed: 0, waiting: 0 });
      // Every reminder delivered, none twice.
      expect([...deliveries].sort()).toEqual([...users].sort());
      expect([...(await states(bot, claims)).values()].every((s) => s === 'sent')).toBe(true);
    } finally {
      first.kill();
      await bot.close();
      await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
    }
  }, 20_000);

  it('on LINE, re-sends with the same retry key: a push LINE had taken before the kill is not doubled', async () => {
    const users = Array.from({ length: 5 }, (_, i) => `line:U${i}`);
    const { url, bot, claims } = await subscribed('line', users);
    const fake: FakeLine = await startFakeLine('fault-token');
    // The first push is taken (delivered) but answered 500, as when the answer is lost.
    fake.failNextPushes(1, 500);
    const first = run(url, NINE, 'line', fake.apiUrl, LEASE_MS, RETRY_MS);
    try {
      await until(async () => {
        if (fake.calls.length < 5) return false;
        const s = await states(bot, claims);
        return [...s.values()].filter((v) => v === 'sent').length === 4;
      }, 8000, '4 sent and one waiting for its retry');
      first.kill();
      expect((await first.done).signal).toBe('SIGKILL');
      const lost = fake.calls.find((c) => c.status === 500)!;
      expect(lost.delivered).toBe(true);

      // The next run, past the lease, through the real LINE channel.
      register(bot, createLine(createKit(bot, pino({ level: 'silent' })), { channelSecret: 'fault-secret', channelAccessToken: 'fault-token', apiBaseUrl: fake.apiUrl }));
      expect(await bot.runDue(new Date(NINE_ONE))).toEqual({ sent: 1, failed: 0, waiting: 0 });
      const again = fake.calls.slice(5);
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ status: 409, delivered: false });
      expect(again[0]!.body.to).toBe(lost.body.to);
      expect(again[0]!.headers['x-line-retry-key']).toBe(lost.headers['x-line-retry-key']);
      // Each user got the reminder exactly once.
      expect(fake.delivered().map((c) => c.body.to).sort()).toEqual(users.map((u) => u.slice('line:'.length)).sort());
      expect([...(await states(bot, claims)).values()].every((s) => s === 'sent')).toBe(true);
    } finally {
      first.kill();
      await bot.close();
      await fake.close();
    }
  }, 20_000);
});
