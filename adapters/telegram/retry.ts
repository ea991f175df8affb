/**
 * Bot API calls whose connection failed (reset, refused, a DNS hiccup) are tried again a few times
 * with a growing pause, as auto-retry treats a 5xx. auto-retry itself cannot do this within bounds:
 * it retries an HttpError forever (its `maxRetryAttempts` counts only 429s and 5xx), so it runs with
 * `rethrowHttpErrors` and this transformer sits beneath it.
 *
 * Retried: grammY's HttpError whose cause is a failed connection (node-fetch's FetchError of type
 * "system"). Not retried: a call that timed out or was aborted (it may still be running, and a turn
 * would wait minutes), a response that is not JSON, and getUpdates (the runner retries it itself).
 * A reset after Telegram received a sendMessage may deliver that message twice; that is accepted.
 */
import { HttpError, type Transformer } from 'grammy';

/** Pauses before the 1st, 2nd and 3rd retry: at most 3.5 s more for a call that keeps failing. */
export const NETWORK_RETRY_DELAYS_MS: readonly number[] = [500, 1000, 2000];

export interface NetworkRetryOptions {
  /** One pause per retry; default NETWORK_RETRY_DELAYS_MS. */
  delaysMs?: readonly number[];
  /** Called before each retry (for a log line). */
  onRetry?: (info: { method: string; retry: number; code: string | undefined }) => void;
}

/** Methods left to their caller's own retry. */
const NOT_RETRIED = new Set(['getUpdates']);

/** A grammY API transformer retrying calls whose connection failed. */
export function retryNetworkErrors(opts: NetworkRetryOptions = {}): Transformer {
  const delays = opts.delaysMs ?? NETWORK_RETRY_DELAYS_MS;
  return async (prev, method, payload, signal) => {
    for (let retry = 0; ; retry++) {
      try {
        return await prev(method, payload, signal);
      } catch (err) {
        if (retry >= delays.length || NOT_RETRIED.has(method) || signal?.aborted || !isConnectionFailure(err)) throw err;
        opts.onRetry?.({ method, retry: retry + 1, code: connectionErrorCode(err) });
        await pause(delays[retry]!, signal);
      }
    }
  };
}

/** True for grammY's HttpError caused by a connection that failed or dropped (no answer came). */
export function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof HttpError)) return false;
  const cause = err.error as { name?: unknown; type?: unknown } | undefined;
  return cause?.name === 'FetchError' && cause.type === 'system';
}

/** The system error code of a failed connection (ECONNRESET, ECONNREFUSED, …), never its message (it holds the URL, and so the token). */
export function connectionErrorCode(err: unknown): string | undefined {
  const code = err instanceof HttpError ? (err.error as { code?: unknown } | undefined)?.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The part of an abort signal used here (grammY's signal type is abort-controller's, not the DOM's). */
interface Abortable {
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

function pause(ms: number, signal: Abortable | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      signal?.removeEventListener('abort', abort);
      resolve();
    };
    const abort = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      reject(new Error('request aborted while waiting to retry'));
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', abort);
  });
}
