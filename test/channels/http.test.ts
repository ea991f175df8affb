import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/index.ts';
import { createApp, MAX_BODY, type App } from '../../adapters/http.ts';
import { register } from '../../adapters/registry.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { createWeb } from '../../adapters/web/index.ts';
import { webIdentity } from '../../adapters/web/identity.ts';
import { jpeg } from '../photo/images.ts';

let bot: Bot;
let app: App;
let server: Server;
let base: string;

beforeAll(async () => {
  bot = await createBot({ storeUrl: 'memory://', now: new Date('2023-08-01T09:00:00+08:00') });
  const log = pino({ level: 'silent' });
  app = createApp(bot, [register(bot, createWeb(createKit(bot, log)))], log);
  server = await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { await app.close(); await bot.close(); });

const post = (path: string, body: string | Uint8Array, type = 'application/json') =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : Buffer.from(body) });

describe('the HTTP service', () => {
  it('serves the web chat page and health', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, edition: '2023' });
  });

  it('keeps reminders for a web user and hands them over in `pushed` with the next answer', async () => {
    const w1 = await webIdentity(bot.store).issue();
    const sub = await (await post('/api/chat', JSON.stringify({ user: w1, action: 'remind:applicant' }))).json() as { replies: { text: string }[]; pushed: unknown[] };
    expect(sub.replies[0]!.text).toContain('已订阅');
    expect((await bot.runDue(new Date('2023-09-01T09:00:00+08:00'))).sent).toBe(1);
    const next = await (await post('/api/chat', JSON.stringify({ user: w1, text: '菜单' }))).json() as { pushed: { user: string; text: string }[] };
    expect(next.pushed).toHaveLength(1);
    expect(next.pushed[0]!.user).toBe(w1);
    expect(next.pushed[0]!.text).toContain('还有7天');
    const again = await (await post('/api/chat', JSON.stringify({ user: w1, text: '菜单' }))).json() as { pushed: unknown[] };
    expect(again.pushed).toEqual([]);
  });

  it('answers POST /api/chat with the scriptable chat output and the web user id it issued', async () => {
    const r = await post('/api/chat', JSON.stringify({ text: '继续教育要多少学时' }));
    expect(r.status).toBe(200);
    const out = await r.json() as { replies: { text: string; citations: { id: string }[] }[]; ask: unknown; fallback: boolean; pushed: unknown[]; user: string };
    expect(Object.keys(out).sort()).toEqual(['ask', 'assessment', 'fallback', 'pushed', 'replies', 'user']);
    expect(out.replies[0]!.text).toContain('270');
    expect(out.replies[0]!.citations.map((c) => c.id)).toContain('s3-3');
    const u1 = out.user;
    const interview = await (await post('/api/chat', JSON.stringify({ user: u1, action: 'interview:start' }))).json() as { ask: { field: string }; user: string };
    expect(interview.ask.field).toBe('employerInZone');
    expect(interview.user).toBe(u1);
    const next = await (await post('/api/chat', JSON.stringify({ user: u1, value: true }))).json() as { ask: { field: string } };
    expect(next.ask.field).toBe('employerPrivate');
  });

  it('refuses an id it did not issue (a guess, another person\'s made up, a forged signature) with 401 on every web route', async () => {
    const real = await webIdentity(bot.store).issue();
    const forged = `${real.split('.')[0]}.${'A'.repeat(22)}`;
    for (const user of ['w1', 'alice', forged, `${real}x`]) {
      const chat = await post('/api/chat', JSON.stringify({ user, text: '你好' }));
      expect(chat.status, user).toBe(401);
      expect((await chat.json() as { error: string }).error).toContain('omit "user"');
      expect((await fetch(`${base}/api/state?user=${encodeURIComponent(user)}`)).status).toBe(401);
      expect((await fetch(`${base}/checklist?user=${encodeURIComponent(user)}`)).status).toBe(401);
      expect((await post(`/api/photo?user=${encodeURIComponent(user)}`, jpeg(330, 441), 'image/jpeg')).status).toBe(401);
    }
    // Another instance on the same store accepts it.
    expect(await webIdentity(bot.store).verify(real)).toBe(true);
  });

  it('checks an uploaded photo', async () => {
    const u2 = await webIdentity(bot.store).issue();
    const r = await post(`/api/photo?user=${u2}`, jpeg(330, 441, 60_000), 'image/jpeg');
    expect(r.status).toBe(200);
    const out = await r.json() as { replies: { text: string }[] };
    expect(out.replies[0]!.text).toContain('符合');
    const bad = await (await post(`/api/photo?user=${u2}`, new TextEncoder().encode('plain text'), 'image/jpeg')).json() as { replies: { text: string }[] };
    expect(bad.replies[0]!.text).toContain('不是能识别的图片');
  });

  it('answers bad requests with a status and a short JSON error, and keeps serving', async () => {
    const cases: [Promise<Response>, number][] = [
      [post('/api/chat', '{not json'), 400],
      [post('/api/chat', JSON.stringify({ user: 'u', text: 'a', action: 'b' })), 400],
      [post('/api/chat', JSON.stringify({ user: 'u', colour: 'red', text: 'x' })), 400],
      [post('/api/chat', JSON.stringify({ user: 'u', text: 'x' })), 401],
      [post('/api/photo', jpeg(330, 441)), 400],
      [post('/api/chat', 'x'.repeat(2 * MAX_BODY)), 413],
      [fetch(`${base}/nowhere`), 404],
      [fetch(`${base}/webhooks/telegram`, { method: 'POST', body: '{}' }), 404], // Telegram is off
      [fetch(`${base}/api/chat`), 405],
    ];
    for (const [response, status] of cases) {
      const r = await response;
      expect(r.status).toBe(status);
      const body = await r.json() as { error: string };
      expect(typeof body.error).toBe('string');
      expect(body.error).not.toMatch(/at .*\.ts|Error:/);
    }
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('serves 50 users at once, each user\'s turns in order', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, async () => {
      const a = await (await post('/api/chat', JSON.stringify({ action: 'interview:start' }))).json() as { ask: { field: string }; user: string };
      const b = await (await post('/api/chat', JSON.stringify({ user: a.user, value: true }))).json() as { ask: { field: string } };
      return [a.ask.field, b.ask.field];
    }));
    for (const r of results) expect(r).toEqual(['employerInZone', 'employerPrivate']);
  });

  it('answers in memory too, without a socket', async () => {
    const r = await app.request({ method: 'GET', path: '/healthz', query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0) });
    expect(r.status).toBe(200);
  });
});

describe('the web chat under a flood', () => {
  it('answers 429 with Retry-After to a client or a user asking too fast, and not to anyone else', async () => {
    const b = await createBot({ storeUrl: 'memory://', now: new Date('2023-08-01T09:00:00+08:00') });
    const log = pino({ level: 'silent' });
    const web = createApp(b, [register(b, createWeb(createKit(b, log), { clientLimit: { burst: 5, perSecond: 0.01 }, userLimit: { burst: 3, perSecond: 0.01 } }))], log);
    const ask = (remote: string, user?: string) => web.request({ method: 'POST', path: '/api/chat', query: new URLSearchParams(), headers: {}, body: Buffer.from(JSON.stringify({ ...(user && { user }), text: '你好' })), remote });
    const first = JSON.parse(String((await ask('10.0.0.1')).body)) as { user: string };
    expect((await ask('10.0.0.2', first.user)).status).toBe(200);
    expect((await ask('10.0.0.3', first.user)).status).toBe(200);
    const user = await ask('10.0.0.4', first.user); // the user's fourth message in no time
    expect(user.status).toBe(429);
    expect(Number(user.headers?.['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect((await ask('10.0.0.9')).status).toBe(200);
    const client = await ask('10.0.0.9');
    expect(client.status).toBe(429);
    expect((await ask('10.0.0.10')).status).toBe(200); // someone else
    await b.close();
  });
});

describe('webhooks flooded from one address', () => {
  it('answer 429 with Retry-After before the signature is checked, per client address', async () => {
    const log = pino({ level: 'silent' });
    // The limit's clock stands still: what is refused does not depend on how fast this machine posts.
    const hooks = createApp(bot, [], log, [{ method: 'POST', path: '/webhooks/test', handle: async () => ({ status: 401, headers: {}, body: '{"error":"bad signature"}' }) }], { now: () => 0 });
    const hit = (remote: string) => hooks.request({ method: 'POST', path: '/webhooks/test', query: new URLSearchParams(), headers: {}, body: Buffer.from('{}'), remote, receivedAt: Date.now() });
    const statuses: number[] = [];
    for (let i = 0; i < 2000; i++) statuses.push((await hit('203.0.113.7')).status);
    expect(statuses.every((s) => s === 401)).toBe(true); // the burst reaches the route
    // The burst used up, the next one waits (at most 500 a second come back).
    const limited = await hit('203.0.113.7');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await hit('198.51.100.9')).status).toBe(401); // another address is not held up
    expect((await hit('2001:db8:1:2::5')).status).toBe(401);
  });

  it('never turn away posts the channel accepts: a platform posts everyone\'s messages from one address', async () => {
    const log = pino({ level: 'silent' });
    let handled = 0;
    const hooks = createApp(bot, [], log, [{ method: 'POST', path: '/webhooks/test', handle: async (req) => {
      handled++;
      return req.body.toString() === 'bad' ? { status: 401, headers: {}, body: '{"error":"bad signature"}' } : { status: 200, headers: {}, body: '{}' };
    } }], { now: () => 0 });
    const post = (body: string) => hooks.request({ method: 'POST', path: '/webhooks/test', query: new URLSearchParams(), headers: {}, body: Buffer.from(body), remote: '203.0.113.8', receivedAt: Date.now() });
    const statuses: number[] = [];
    for (let i = 0; i < 6000; i++) statuses.push((await post('{}')).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(handled).toBe(6000);
    // Refused posts from the same address do count, and then everything from it waits.
    const refused: number[] = [];
    for (let i = 0; i <= 2000; i++) refused.push((await post('bad')).status);
    expect(refused.slice(0, 2000).every((s) => s === 401)).toBe(true);
    expect(refused[2000]).toBe(429);
    expect((await post('{}')).status).toBe(429);
  });
});
