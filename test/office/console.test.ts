/**
 * The office console over HTTP (in memory through app.request, as a browser would send it): the
 * door (no token, a wrong one, too many wrong ones, the right one; the cookie's flags), CSRF and
 * origin checks on every change, a phrasing added in the console answering the question on the
 * next turn (also on a second instance sharing Redis), an invalid change refused with the loader's
 * message, undo, the exports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../adapters/admin/index.ts';
import { clientOf } from '../../adapters/shared/rate-limit.ts';
import { createApp, type App } from '../../adapters/http.ts';
import type { RawResponse } from '../../adapters/shared/http.ts';
import type { Bot } from '../../src/bot/index.ts';
import { hasRedisServer, startRedisServer, type RedisServer } from '../store/redis-server.ts';
import { ConfigError, parseConfig } from '../../src/config.ts';
import { AUG, quietLog, testBot } from '../kit.ts';

const TOKEN = 'office-token-0123456789';
/** A question the 2023 knowledge does not answer, in words no entry uses. */
const MISS = '职称证书丢了去哪补办';

function consoleOf(bot: Bot, options: { maxFailures?: number } = {}): App {
  return createApp(bot, [], quietLog(), createAdmin(bot, { token: TOKEN, log: quietLog(), evalFiles: [], ...options }));
}

/** A browser of the console: keeps the cookie, sends forms. */
function browser(app: App, remote = '10.0.0.1') {
  let cookie = '';
  const request = async (method: string, path: string, form?: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<RawResponse> => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form ?? {})) for (const x of [v].flat()) body.append(k, x);
    const [p, q = ''] = path.split('?');
    const res = await app.request({ method, path: p!, query: new URLSearchParams(q), headers: { host: 'office.test', ...(cookie && { cookie }), ...headers }, body: Buffer.from(body.toString()), remote });
    const set = res.headers?.['set-cookie'];
    if (set) cookie = set.split(';')[0]!;
    return res;
  };
  return {
    request,
    get cookie() { return cookie; },
    login: (token = TOKEN) => request('POST', '/admin/login', { token, name: '王老师' }),
    page: async () => String((await request('GET', '/admin')).body),
    /** The CSRF token of the page now shown. */
    csrf: async () => /name="csrf" value="([^"]+)"/.exec(String((await request('GET', '/admin')).body))?.[1] ?? '',
  };
}

let bot: Bot;
beforeAll(async () => { bot = await testBot({ now: new Date(AUG) }); });
afterAll(async () => { await bot.close(); });

describe('the console door', () => {
  it('is configured by ADMIN_TOKEN (at least 16 characters) and LOG_RETENTION_DAYS', () => {
    expect(parseConfig({}).ADMIN_TOKEN).toBeUndefined();
    expect(parseConfig({}).LOG_RETENTION_DAYS).toBe(180);
    expect(() => parseConfig({ ADMIN_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => parseConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN/);
    expect(() => parseConfig({ LOG_RETENTION_DAYS: '0' })).toThrow(/LOG_RETENTION_DAYS/);
    expect(parseConfig({ ADMIN_TOKEN: TOKEN, LOG_RETENTION_DAYS: '30' })).toMatchObject({ ADMIN_TOKEN: TOKEN, LOG_RETENTION_DAYS: 30 });
  });

  it('is not there without ADMIN_TOKEN', async () => {
    const res = await createApp(bot, [], quietLog()).request({ method: 'GET', path: '/admin', query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0) });
    expect(res.status).toBe(404);
  });

  it('shows only the login page without a login, and refuses the exports and changes', async () => {
    const b = browser(consoleOf(bot));
    const page = await b.page();
    expect(page).toContain('name="token"');
    expect(page).not.toContain('未答');
    expect((await b.request('GET', '/admin/export.csv')).status).toBe(401);
    expect((await b.request('POST', '/admin/change', { kind: 'phrasing', entry: 'fee', text: MISS })).status).toBe(401);
  });

  it('refuses a wrong token, rate-limits wrong tokens per client, and lets the right one in with a safe cookie', async () => {
    const app = consoleOf(bot, { maxFailures: 3 });
    const b = browser(app, '10.0.0.7');
    for (let i = 0; i < 3; i++) expect((await b.login('wrong-token-000000000')).status).toBe(401);
    const limited = await b.login();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers?.['retry-after'])).toBeGreaterThan(0);
    // Another client is not held up by this one's mistakes.
    const other = browser(app, '10.0.0.8');
    const ok = await other.login();
    expect(ok.status).toBe(303);
    const cookie = ok.headers!['set-cookie']!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/admin/);
    expect(await other.page()).toContain('本季（');
    expect(ok.headers!['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('counts wrong bearer tokens and parallel guesses against the same limit, per IPv4 address or IPv6 /64', async () => {
    const app = consoleOf(bot, { maxFailures: 3 });
    const guesser = browser(app, '2001:db8:1:2:aaaa::1');
    await Promise.all(Array.from({ length: 10 }, () => guesser.login('wrong-token-000000000')));
    // Another address of the same /64 network is the same client; the right token is refused too while locked.
    const sameNet = browser(app, '2001:db8:1:2:bbbb::9');
    expect((await sameNet.login()).status).toBe(429);
    expect((await sameNet.request('GET', '/admin/export.csv', undefined, { authorization: `Bearer ${TOKEN}` })).status).toBe(429);
    const scripted = browser(app, '10.9.9.9');
    for (let i = 0; i < 3; i++) expect((await scripted.request('GET', '/admin/export.csv', undefined, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await scripted.login()).status).toBe(429);
    expect(clientOf('::ffff:10.9.9.9')).toBe('10.9.9.9');
    expect(clientOf('2001:db8:1:2:aaaa::1')).toBe(clientOf('2001:0db8:0001:0002:ffff:0:0:7'));
  });

  it('a logout ends the session even while a page loads, and a new ADMIN_TOKEN ends every session', async () => {
    const b = browser(consoleOf(bot));
    await b.login();
    const csrf = await b.csrf();
    const cookie = b.cookie;
    await Promise.all([b.request('GET', '/admin'), b.request('POST', '/admin/logout', { csrf }), b.request('GET', '/admin')]);
    const after = await consoleOf(bot).request({ method: 'GET', path: '/admin', query: new URLSearchParams(), headers: { cookie }, body: Buffer.alloc(0) });
    expect(String(after.body)).toContain('name="token"');

    const c = browser(consoleOf(bot));
    await c.login();
    const rotated = createApp(bot, [], quietLog(), createAdmin(bot, { token: 'a-new-office-token-42', log: quietLog(), evalFiles: [] }));
    const old = await rotated.request({ method: 'GET', path: '/admin', query: new URLSearchParams(), headers: { cookie: c.cookie }, body: Buffer.alloc(0) });
    expect(String(old.body)).toContain('name="token"');
  });

  it('a login lasts its fixed time, however often it is used', async () => {
    const app = createApp(bot, [], quietLog(), createAdmin(bot, { token: TOKEN, log: quietLog(), evalFiles: [], sessionTtlMs: 300 }));
    const b = browser(app);
    await b.login();
    for (let i = 0; i < 4; i++) { expect(await b.page()).toContain('本季（'); await new Promise((r) => setTimeout(r, 60)); }
    await new Promise((r) => setTimeout(r, 150));
    expect(await b.page()).toContain('name="token"');
  });

  it('refuses a change without the CSRF token, with a wrong one, or from another origin', async () => {
    const b = browser(consoleOf(bot));
    await b.login();
    const csrf = await b.csrf();
    const form = { kind: 'phrasing', entry: 'fee', text: MISS };
    expect((await b.request('POST', '/admin/change', form)).status).toBe(403);
    expect((await b.request('POST', '/admin/change', { ...form, csrf: 'x'.repeat(csrf.length) })).status).toBe(403);
    expect((await b.request('POST', '/admin/change', { ...form, csrf }, { origin: 'https://evil.test' })).status).toBe(403);
    expect((await b.request('POST', '/admin/undo', { id: '1' })).status).toBe(403);
    expect(await bot.changes.list()).toEqual([]);
  });

  it('a forged cookie is no login', async () => {
    const app = consoleOf(bot);
    const res = await app.request({ method: 'GET', path: '/admin', query: new URLSearchParams(), headers: { cookie: 'zc_admin=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, body: Buffer.alloc(0) });
    expect(String(res.body)).toContain('name="token"');
  });
});

describe('fixing a miss the same day', () => {
  it('shows an unanswered question with its nearest entries; a phrasing added to one answers it on the next turn; undo takes it back', async () => {
    const before = await bot.handle('web:asker', { kind: 'text', text: MISS });
    expect(before.fallback).toBe(true);
    const b = browser(consoleOf(bot));
    await b.login();
    const page = await b.page();
    expect(page).toContain(MISS);
    expect(page).toContain('最接近的条目');

    const csrf = await b.csrf();
    const done = await b.request('POST', '/admin/change', { csrf, kind: 'phrasing', entry: 'contact-person', text: MISS });
    expect(done.status).toBe(303);
    const fixed = await b.page();
    expect(fixed).toContain('已生效');
    expect(fixed).toContain('现在已能回答');
    const after = await bot.handle('web:someone-else', { kind: 'text', text: MISS });
    expect(after.fallback).toBe(false);
    expect(after.replies[0]!.text).toContain(bot.knowledge.params.contact.value.phone);
    const [stored] = await bot.changes.list();
    expect(stored).toMatchObject({ id: 1, who: '王老师', change: { kind: 'phrasing', entry: 'contact-person', text: MISS } });

    expect((await b.request('POST', '/admin/undo', { csrf, id: String(stored!.id) })).status).toBe(303);
    expect(await b.page()).toContain('已撤销');
    expect((await bot.handle('web:third', { kind: 'text', text: MISS })).fallback).toBe(true);
  });

  it('refuses an invalid change with the loader\'s own message, and keeps nothing of it', async () => {
    const b = browser(consoleOf(bot));
    await b.login();
    const csrf = await b.csrf();
    const count = (await bot.changes.list()).length;
    const entry = { csrf, kind: 'entry', id: 'lost-certificate', topic: 'contact', questions: MISS, answerEn: 'Ask the office.' };
    await b.request('POST', '/admin/change', { ...entry, answer: '请咨询评审办。', clauses: 'no-such-clause' });
    expect(await b.page()).toContain('cites clause &quot;no-such-clause&quot;, which does not exist');
    await b.request('POST', '/admin/change', { ...entry, answer: '补办需 280 元，请咨询评审办。', clauses: 'contact' });
    expect(await b.page()).toContain('states 280, which is in none of its clauses (contact)');
    await b.request('POST', '/admin/change', { csrf, kind: 'phrasing', entry: 'no-such-entry', text: MISS });
    expect(await b.page()).toContain('faq &quot;no-such-entry&quot; does not exist');
    await b.request('POST', '/admin/change', { csrf, kind: 'synonym', canonical: '工程师', variant: '助工' });
    expect(await b.page()).toContain('is already a synonym of');
    await b.request('POST', '/admin/change', { csrf, kind: 'synonym', canonical: '__proto__', variant: '电子版' });
    expect(await b.page()).toContain('not a word of the notice');
    await b.request('POST', '/admin/change', { ...entry, id: 'fee-amount', answer: '请咨询评审办。', clauses: 'contact' });
    expect(await b.page()).toContain('已经存在');
    expect(await bot.changes.list()).toHaveLength(count);
    expect((await bot.handle('web:still', { kind: 'text', text: MISS })).fallback).toBe(true);
  });

  it('a new entry drafted in the console is answered at once, and its phrasing and synonym work too', async () => {
    const b = browser(consoleOf(bot));
    await b.login();
    const csrf = await b.csrf();
    await b.request('POST', '/admin/change', {
      csrf, kind: 'entry', id: 'certificate-lost', topic: 'contact', questions: `${MISS}\n证书遗失怎么办`,
      answer: '通知未写明证书遗失后的补办办法，请咨询评审办。', answerEn: 'The notice does not say; please ask the office.', clauses: ['contact'],
    });
    expect(await b.page()).toContain('已生效');
    const r = await bot.handle('web:new-entry', { kind: 'text', text: '证书遗失怎么办' });
    expect(r.replies[0]!.text).toContain('补办办法');
    await b.request('POST', '/admin/change', { csrf, kind: 'synonym', canonical: '遗失', variant: '弄丢' });
    expect((await bot.handle('web:synonym', { kind: 'text', text: '证书弄丢怎么办' })).replies[0]!.text).toContain('补办办法');
  });

  it('exports the log as CSV and JSONL, for a login or a bearer token, with no raw user id', async () => {
    await bot.handle('tg:55554444', { kind: 'text', text: '我手机13800001234，评审费多少' });
    const b = browser(consoleOf(bot));
    expect((await b.request('GET', '/admin/export.csv', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
    const csv = String((await b.request('GET', '/admin/export.csv', undefined, { authorization: `Bearer ${TOKEN}` })).body);
    expect(csv.split('\r\n')[0]).toContain('type,at,day,channel,user,qid,text');
    expect(csv).toContain('我手机〔手机号〕，评审费多少');
    await b.login();
    const jsonl = String((await b.request('GET', '/admin/export.jsonl?since=2023-08-01')).body).trim().split('\n').map((l) => JSON.parse(l));
    expect(jsonl.some((r) => r.type === 'question' && r.channel === 'tg')).toBe(true);
    for (const text of [csv, JSON.stringify(jsonl)]) {
      expect(text).not.toContain('55554444');
      expect(text).not.toContain('13800001234');
    }
    expect((await b.request('GET', '/admin/export.csv?since=yesterday')).status).toBe(400);
  });
});

describe.runIf(hasRedisServer)('two instances on one Redis', () => {
  let redis: RedisServer;
  let a: Bot;
  let c: Bot;
  beforeAll(async () => {
    redis = await startRedisServer();
    [a, c] = await Promise.all([testBot({ now: new Date(AUG), storeUrl: redis.url }), testBot({ now: new Date(AUG), storeUrl: redis.url })]);
  });
  afterAll(async () => { await Promise.all([a?.close(), c?.close()]); await redis?.stop(); });

  it('a phrasing added on one instance answers the question on the other from its next turn, and a login made on one is valid on the other', async () => {
    expect((await c.handle('web:r1', { kind: 'text', text: MISS })).fallback).toBe(true);
    const onA = browser(consoleOf(a));
    await onA.login();
    const csrf = await onA.csrf();
    expect((await onA.request('POST', '/admin/change', { csrf, kind: 'phrasing', entry: 'contact-person', text: MISS })).status).toBe(303);
    const answered = await c.handle('web:r2', { kind: 'text', text: MISS });
    expect(answered.fallback).toBe(false);
    expect(answered.replies[0]!.text).toContain(c.knowledge.params.contact.value.phone);
    // The same cookie on the other instance: one office, several instances.
    const onC = consoleOf(c);
    const page = await onC.request({ method: 'GET', path: '/admin', query: new URLSearchParams(), headers: { cookie: onA.cookie }, body: Buffer.alloc(0) });
    expect(String(page.body)).toContain('知识库修改记录');
    expect(String(page.body)).toContain(MISS);
  });
});
