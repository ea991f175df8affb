/**
 * The HTTP API of WeChat (the Official Account) and WeCom: the same shape (`?access_token=`,
 * JSON answers with `errcode`), so one client serves both. The access token is kept in the store
 * with its expiry, so every instance uses one token, and fetched again by one instance at a time
 * (under the store's lock; each fetch of the plain endpoint makes the previous token invalid); a
 * call answered 40001/42001/40014 (token invalid or expired) gets a fresh token and is tried once
 * more. Every call is bounded in time, and goes through the channels' keep-alive agents
 * (shared/keep-alive.ts).
 */
import type { Store } from '../../src/store/index.ts';
import { call, type CallOptions } from '../shared/keep-alive.ts';

export interface WxApiOptions {
  /** Origin of the API, e.g. https://api.weixin.qq.com (tests: a fake server). */
  baseUrl: string;
  /** Path and query that fetch a token, e.g. /cgi-bin/token?grant_type=client_credential&appid=…&secret=… */
  tokenPath: string;
  /** Store key of the cached token. */
  cacheKey: string;
  store: Store;
  timeoutMs?: number;
}

/** An answer of the platform with a non-zero errcode. */
export class WxApiError extends Error {
  override readonly name = 'WxApiError';
  constructor(readonly errcode: number, errmsg: string, readonly path: string) {
    super(`${path}: errcode ${errcode} ${errmsg}`);
  }
}

/** The token is invalid or expired: fetch another and try again. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);

interface CachedToken { token: string; expiresAt: number }

export interface WxApi {
  /** POST `body` as JSON to `path` (the token added); the parsed answer, or a WxApiError. */
  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<T>;
  /** GET binary content (media); a JSON answer is an error. */
  download(path: string, maxBytes: number): Promise<Buffer | null>;
  /** The current token (fetched when there is none or it is about to expire). */
  token(): Promise<string>;
}

export function wxApi(opts: WxApiOptions): WxApi {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const base = opts.baseUrl.replace(/\/$/, '');

  async function fetchJson(url: string, init?: Pick<CallOptions, 'method' | 'headers' | 'body'>): Promise<Record<string, unknown>> {
    const res = await call(url, { ...init, timeoutMs });
    if (!ok(res.status)) throw new WxApiError(-res.status, `HTTP ${res.status}`, new URL(url).pathname);
    try {
      return JSON.parse(res.body!.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new WxApiError(-1, 'answer is not JSON', new URL(url).pathname);
    }
  }

  function check(answer: Record<string, unknown>, path: string): void {
    const code = typeof answer.errcode === 'number' ? answer.errcode : 0;
    if (code !== 0) throw new WxApiError(code, String(answer.errmsg ?? ''), path);
  }

  async function token(): Promise<string> {
    const cached = await opts.store.get<CachedToken>(opts.cacheKey);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    return opts.store.withLock(opts.cacheKey, async () => {
      // Another instance may have fetched one while this one waited for the lock.
      const again = await opts.store.get<CachedToken>(opts.cacheKey);
      if (again && again.expiresAt > Date.now()) return again.token;
      const answer = await fetchJson(`${base}${opts.tokenPath}`);
      check(answer, '/token');
      const fresh = String(answer.access_token ?? '');
      const seconds = Number(answer.expires_in ?? 7200);
      if (!fresh) throw new WxApiError(-1, 'no access_token in the answer', '/token');
      // Renewed five minutes early (at most halfway), so a call never carries a token about to lapse.
      const lifeMs = Math.max(1000, (seconds - Math.min(300, seconds / 2)) * 1000);
      await opts.store.set<CachedToken>(opts.cacheKey, { token: fresh, expiresAt: Date.now() + lifeMs }, lifeMs);
      return fresh;
    });
  }

  /** Forgets `bad` (only if it is still the cached one: another instance may have renewed it already). */
  async function invalidate(bad: string): Promise<void> {
    await opts.store.withLock(opts.cacheKey, async () => {
      const cached = await opts.store.get<CachedToken>(opts.cacheKey);
      if (cached?.token === bad) await opts.store.delete(opts.cacheKey);
    });
  }

  const withToken = (path: string, t: string) => `${base}${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(t)}`;

  async function withFreshToken<T>(run: (t: string) => Promise<T>): Promise<T> {
    const t = await token();
    try {
      return await run(t);
    } catch (err) {
      if (!(err instanceof WxApiError && TOKEN_ERRORS.has(err.errcode))) throw err;
      await invalidate(t);
      return run(await token());
    }
  }

  return {
    token,
    post: <T>(path: string, body: unknown) => withFreshToken(async (t) => {
      const answer = await fetchJson(withToken(path, t), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      check(answer, path);
      return answer as T;
    }),
    download: (path, maxBytes) => withFreshToken(async (t) => {
      const res = await call(withToken(path, t), { timeoutMs, maxBytes });
      const type = String(res.headers['content-type'] ?? '');
      if (!ok(res.status)) throw new WxApiError(-res.status, `HTTP ${res.status}`, path);
      if (type.includes('json') || type.startsWith('text/plain')) {
        if (!res.body) throw new WxApiError(-1, 'no media in the answer', path);
        const answer = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
        check(answer, path);
        throw new WxApiError(-1, 'no media in the answer', path);
      }
      return res.body;
    }),
  };
}

/**
 * Whether a failed call is the platform's refusal (a positive errcode: outside the 48-hour window,
 * not authorised, not in the app's range, …): final, never to be retried. Busy (-1), HTTP and
 * network failures are not.
 */
export function isRefusal(err: unknown): err is WxApiError {
  return err instanceof WxApiError && err.errcode > 0;
}

/** A 2xx status. */
const ok = (status: number): boolean => status >= 200 && status < 300;

/** What a log may say about an error: its kind and code, never a body that may quote a user. */
export function errInfo(err: unknown): { name: string; errcode?: number } {
  if (err instanceof WxApiError) return { name: err.name, errcode: err.errcode };
  return { name: err instanceof Error ? err.name : typeof err };
}
