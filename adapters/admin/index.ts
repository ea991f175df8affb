/**
 * The evaluation office's console at /admin, on the service's own server, off unless ADMIN_TOKEN
 * is set. A login page takes the token (compared in constant time; wrong ones rate-limited per
 * client); a login is a random cookie (HttpOnly, SameSite=Strict, path /admin) whose hash names a
 * session in the store, so every instance accepts it; every change carries the session's CSRF
 * token and a same-origin check. One page, rendered on the server, no script: the figures, the
 * unanswered and 👎 questions with the nearest entries, and forms that turn a miss into a phrasing,
 * a synonym or a new entry, each checked by the knowledge loader, re-evaluated on the dev set, in
 * force at once (here and, from their next turn, on every instance), and undoable. Exports of the
 * log as CSV and JSONL (cookie, or `Authorization: Bearer <token>` for scripts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Bot } from '../../src/bot/index.ts';
import { evalFileSchema, runEval, type EvalItem } from '../../src/bot/eval.ts';
import { projectPath } from '../../src/core/paths.ts';
import { step } from '../../src/dialogue/step.ts';
import { changeSchema, describeChange, type KnowledgeChange } from '../../src/office/changes.ts';
import { buildReport } from '../../src/office/stats.ts';
import { dateInZone } from '../../src/rules/months.ts';
import { keys } from '../../src/store/keys.ts';
import { header, json, sameSecret, type HttpRoute, type RawRequest, type RawResponse } from '../shared/http.ts';
import { clientOf } from '../shared/rate-limit.ts';
import { toCsv, toJsonl } from './export.ts';
import { consolePage, loginPage, type EvalSummary } from './page.ts';

export interface AdminOptions {
  token: string;
  log: Logger;
  /** Question sets re-run on every change (default: ../shared/eval/qa-dev*.json when present). */
  evalFiles?: readonly string[];
  /** How long a login lasts; default 12 hours. */
  sessionTtlMs?: number;
  /** Wrong tokens allowed per client in the window before 429; default 5 in 15 minutes. */
  maxFailures?: number;
  failureWindowMs?: number;
}

/** A login: who, its CSRF token, when it ends (fixed at login), and a hash of the token it was made with (a new ADMIN_TOKEN ends it). */
interface AdminSession { name: string; csrf: string; expiresAt: number; token: string }
/** What the last change did, shown once on the next page. */
interface Flash { ok: boolean; text: string; evals?: EvalSummary[] }

const COOKIE = 'zc_admin';

/** The dev question sets beside the project, when they are there. */
export function defaultEvalFiles(): string[] {
  return ['qa-dev.json', 'qa-dev-conversations.json'].map((f) => path.resolve(projectPath(), '../shared/eval', f)).filter((f) => existsSync(f));
}

export function createAdmin(bot: Bot, options: AdminOptions): HttpRoute[] {
  const ttlMs = options.sessionTtlMs ?? 12 * 3600 * 1000;
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.failureWindowMs ?? 15 * 60 * 1000;
  const sha = (s: string) => createHash('sha256').update(s).digest();
  const tokenHash = sha(options.token);
  const evalSets = (options.evalFiles ?? defaultEvalFiles()).map((file) => ({
    name: path.basename(file),
    items: evalFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) as EvalItem[],
  }));

  // ── sessions ──

  const sessionKey = (cookie: string) => keys.adminSession(sha(cookie).toString('hex'));

  async function sessionOf(req: RawRequest): Promise<{ cookie: string; session: AdminSession } | null> {
    const cookie = cookieValue(header(req, 'cookie'), COOKIE);
    if (!cookie || !/^[\w-]{20,100}$/.test(cookie)) return null;
    const session = await bot.store.get<AdminSession>(sessionKey(cookie));
    if (!session || session.expiresAt <= Date.now() || session.token !== tokenHash.toString('hex')) return null;
    return { cookie, session };
  }

  // What the last change did, shown once: kept beside the session (never rewriting it, so a page
  // loaded while logging out cannot bring a session back).
  const flashKey = (cookie: string) => keys.adminFlash(sha(cookie).toString('hex'));

  // ── login, with a limit on wrong tokens ──

  const clientKey = (req: RawRequest) => keys.adminFailures(sha(clientOf(req.remote)).toString('hex').slice(0, 16));

  /** Seconds this client must wait before trying a token again, or 0. */
  async function lockedFor(req: RawRequest): Promise<number> {
    const failures = await bot.store.get<{ count: number; since: number }>(clientKey(req));
    if (!failures || failures.count < maxFailures || Date.now() - failures.since >= windowMs) return 0;
    return Math.ceil((failures.since + windowMs - Date.now()) / 1000);
  }

  /** One more wrong token from this client (counted under the store's lock, so parallel guesses all count). */
  async function countFailure(req: RawRequest): Promise<void> {
    const key = clientKey(req);
    await bot.store.withLock(key, async () => {
      const now = Date.now();
      const before = await bot.store.get<{ count: number; since: number }>(key);
      const recent = before && now - before.since < windowMs ? before : null;
      await bot.store.set(key, { count: (recent?.count ?? 0) + 1, since: recent?.since ?? now }, windowMs);
    });
    options.log.warn({ part: 'admin' }, 'console token refused');
  }

  async function login(req: RawRequest): Promise<RawResponse> {
    const form = new URLSearchParams(req.body.toString('utf8'));
    const wait = await lockedFor(req);
    if (wait) return html(429, loginPage(`口令错误次数过多，请 ${Math.ceil(wait / 60)} 分钟后再试。`), { 'retry-after': String(wait) });
    if (!sameSecret(form.get('token'), options.token)) {
      await countFailure(req);
      return html(401, loginPage('口令不对。'));
    }
    await bot.store.delete(clientKey(req));
    const cookie = randomBytes(32).toString('base64url');
    const name = (form.get('name') ?? '').trim().slice(0, 40) || '评审办';
    await bot.store.set(sessionKey(cookie), { name, csrf: randomBytes(24).toString('base64url'), expiresAt: Date.now() + ttlMs, token: tokenHash.toString('hex') } satisfies AdminSession, ttlMs);
    const secure = header(req, 'x-forwarded-proto') === 'https' ? '; Secure' : '';
    return redirect({ 'set-cookie': `${COOKIE}=${cookie}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(ttlMs / 1000)}${secure}` });
  }

  /**
   * A change request: a login, its CSRF token in the form, and (when the browser says where the
   * form came from) this same origin. Null when refused, with the response to give.
   */
  async function authorised(req: RawRequest): Promise<{ cookie: string; session: AdminSession; form: URLSearchParams } | RawResponse> {
    const found = await sessionOf(req);
    if (!found) return html(401, loginPage('请先登录。'));
    const form = new URLSearchParams(req.body.toString('utf8'));
    const csrf = form.get('csrf') ?? '';
    if (!sameSecret(csrf, found.session.csrf)) return json(403, { error: 'missing or wrong CSRF token: reload the console and try again' });
    // Browsers name the page a form came from (Referrer-Policy same-origin keeps it named); behind a proxy, the host it was asked for.
    const origin = header(req, 'origin');
    const host = header(req, 'x-forwarded-host') ?? header(req, 'host');
    if (origin && (!URL.canParse(origin) || new URL(origin).host !== host)) return json(403, { error: 'cross-origin request refused' });
    return { ...found, form };
  }

  async function flash(cookie: string, session: AdminSession, value: Flash): Promise<RawResponse> {
    await bot.store.set(flashKey(cookie), value, Math.max(1000, session.expiresAt - Date.now()));
    return redirect();
  }

  // ── the page ──

  async function page(req: RawRequest): Promise<RawResponse> {
    const found = await sessionOf(req);
    if (!found) return html(200, loginPage());
    const { cookie, session } = found;
    // The edition in force may have changed since the last turn: its office changes applied first.
    await bot.syncKnowledge();
    const shown = await bot.store.get<Flash>(flashKey(cookie));
    if (shown) await bot.store.delete(flashKey(cookie));
    const today = dateInZone(bot.clock.now(), bot.timeZone);
    const report = buildReport(await bot.office.read(), { knowledge: bot.knowledge, index: bot.index, today });
    // A miss fixed since (by a change here, or a new release) says what answers it now.
    const nowAnswered = new Map(report.misses.filter((m) => m.fallbacks > 0).map((m) => [m.text, answeredFrom(bot, m.text)]));
    return html(200, consolePage({
      report, nowAnswered, name: session.name, csrf: session.csrf, flash: shown ?? null,
      changes: (await bot.changes.list()).slice().reverse(), knowledge: bot.knowledge, retentionDays: bot.office.retentionDays,
      evalSets: evalSets.map((s) => `${s.name}（${s.items.length}）`),
    }));
  }

  // ── changes ──

  /** The dev sets' hit rates with the knowledge in force, computed once per knowledge. */
  const rates = new WeakMap<object, Promise<{ name: string; passed: number; total: number }[]>>();
  function evaluateNow(): Promise<{ name: string; passed: number; total: number }[]> {
    let r = rates.get(bot.knowledge);
    if (!r) rates.set(bot.knowledge, (r = evaluate(bot)));
    return r;
  }

  /** The dev sets' hit rates with `env` (the knowledge as it is, or as a change would make it). */
  async function evaluate(source: Pick<Bot, 'env'>): Promise<{ name: string; passed: number; total: number }[]> {
    const out = [];
    for (const set of evalSets) {
      const outcomes = await runEval(source, set.items);
      out.push({ name: set.name, passed: outcomes.filter((o) => o.pass).length, total: outcomes.length });
    }
    return out;
  }

  /** What a new person asking `text` now gets it answered from (the entry's first question), with `env`. */
  function answeredFrom(source: Pick<Bot, 'env'>, text: string): string | null {
    const env = source.env();
    const greeted = step(undefined, { kind: 'text', text: '你好' }, env).session;
    const logged = step(greeted, { kind: 'text', text }, env).effects.find((e) => e.kind === 'log-question');
    if (!logged || !logged.answered || !logged.entry) return null;
    return logged.entry.startsWith('faq:') ? `${env.knowledge.faqById.get(logged.entry.slice(4))?.questions[0] ?? logged.entry}` : logged.entry;
  }

  async function change(req: RawRequest): Promise<RawResponse> {
    const auth = await authorised(req);
    if ('status' in auth) return auth;
    const { cookie, session, form } = auth;
    const parsed = changeSchema.safeParse(changeFromForm(form));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return flash(cookie, session, { ok: false, text: `未保存：${issue.path.join('.') || '表单'}：${issue.message}` });
    }
    // Applying skips an entry whose id exists (so an exported change applies as nothing): here that would be a silent no-op.
    if (parsed.data.kind === 'entry' && bot.knowledge.faqById.has(parsed.data.id)) {
      return flash(cookie, session, { ok: false, text: `未保存：条目 id “${parsed.data.id}” 已经存在，请换一个。` });
    }
    const before = await evaluateNow();
    let evals: EvalSummary[] = [];
    let asked: string | null = null;
    try {
      await bot.changes.add(parsed.data, session.name, bot.clock.now(), async (active, edition) => {
        const candidate = bot.candidate(active, edition);
        const source = { env: () => ({ ...bot.env(), ...candidate }) };
        const after = await evaluate(source);
        evals = after.map((a, i) => ({ ...a, before: before[i]!.passed }));
        if (parsed.data.kind !== 'synonym') asked = answeredFrom(source, parsed.data.kind === 'phrasing' ? parsed.data.text : parsed.data.questions[0]!);
      });
    } catch (err) {
      return flash(cookie, session, { ok: false, text: `未保存，知识库检查不通过：${(err as Error).message}` });
    }
    await bot.syncKnowledge();
    options.log.info({ part: 'admin', change: parsed.data.kind }, 'knowledge changed in the console');
    const now = asked ? `；现在问“${questionOf(parsed.data)}”，回答来自：${asked}` : '';
    return flash(cookie, session, { ok: true, text: `已生效：${describeChange(parsed.data)}${now}`, evals });
  }

  async function undo(req: RawRequest): Promise<RawResponse> {
    const auth = await authorised(req);
    if ('status' in auth) return auth;
    const { cookie, session, form } = auth;
    const id = Number(form.get('id'));
    try {
      const undone = await bot.changes.undo(id, session.name, bot.clock.now(), (active, edition) => { bot.candidate(active, edition); });
      await bot.syncKnowledge();
      return flash(cookie, session, { ok: true, text: `已撤销：${describeChange(undone.change)}` });
    } catch (err) {
      return flash(cookie, session, { ok: false, text: `未撤销：${(err as Error).message}` });
    }
  }

  async function logout(req: RawRequest): Promise<RawResponse> {
    const auth = await authorised(req);
    if ('status' in auth) return auth;
    await bot.store.delete(sessionKey(auth.cookie));
    await bot.store.delete(flashKey(auth.cookie));
    return redirect({ 'set-cookie': `${COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0` });
  }

  // ── exports ──

  function exporter(kind: 'csv' | 'jsonl') {
    return async (req: RawRequest): Promise<RawResponse> => {
      // A bearer token (for scripts) counts against the same limit as the login form.
      const auth = header(req, 'authorization');
      if (auth?.startsWith('Bearer ')) {
        const wait = await lockedFor(req);
        if (wait) return json(429, { error: 'too many wrong tokens; try again later' }, { 'retry-after': String(wait) });
        if (!sameSecret(auth.slice(7).trim(), options.token)) {
          await countFailure(req);
          return json(401, { error: 'wrong token' });
        }
      } else if (!(await sessionOf(req))) return json(401, { error: 'log in at /admin, or send Authorization: Bearer <ADMIN_TOKEN>' });
      const since = req.query.get('since') ?? undefined;
      if (since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(since)) return json(400, { error: 'since: expected YYYY-MM-DD' });
      const records = await bot.office.read({ since });
      const day = dateInZone(bot.clock.now(), bot.timeZone);
      return {
        status: 200,
        headers: {
          ...SECURITY_HEADERS,
          'content-type': kind === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
          'content-disposition': `attachment; filename="office-log-${day}.${kind}"`,
        },
        body: kind === 'csv' ? toCsv(records) : toJsonl(records),
      };
    };
  }

  return [
    { method: 'GET', path: '/admin', handle: page },
    { method: 'POST', path: '/admin/login', handle: login },
    { method: 'POST', path: '/admin/logout', handle: logout },
    { method: 'POST', path: '/admin/change', handle: change },
    { method: 'POST', path: '/admin/undo', handle: undo },
    { method: 'GET', path: '/admin/export.csv', handle: exporter('csv') },
    { method: 'GET', path: '/admin/export.jsonl', handle: exporter('jsonl') },
  ];
}

/** The change a console form describes (checked by changeSchema next). */
function changeFromForm(form: URLSearchParams): unknown {
  const text = (name: string) => form.get(name) ?? '';
  switch (form.get('kind')) {
    // The entry chosen among the nearest, or another typed by its id.
    case 'phrasing': return { kind: 'phrasing', entry: text('other').trim() || text('entry'), text: text('text') };
    case 'synonym': return { kind: 'synonym', canonical: text('canonical'), variant: text('variant') };
    case 'entry': return {
      kind: 'entry', id: text('id'), topic: text('topic'),
      questions: text('questions').split(/\r?\n/).map((q) => q.trim()).filter(Boolean),
      answer: text('answer'), answerEn: text('answerEn'), clauses: form.getAll('clauses'),
    };
    default: return { kind: form.get('kind') };
  }
}

function questionOf(c: KnowledgeChange): string {
  return c.kind === 'phrasing' ? c.text : c.kind === 'entry' ? c.questions[0]! : c.variant;
}

/** What every console response carries: no framing, no scripts, no caching, no referrer. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

function html(status: number, body: string, extra: Record<string, string> = {}): RawResponse {
  return { status, headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', ...extra }, body };
}

/** After a form: back to the console (303, so a reload does not post again). */
function redirect(extra: Record<string, string> = {}): RawResponse {
  return { status: 303, headers: { ...SECURITY_HEADERS, location: '/admin', ...extra }, body: '' };
}

function cookieValue(cookies: string | undefined, name: string): string | undefined {
  for (const part of (cookies ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
