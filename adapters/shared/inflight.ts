/**
 * The work a channel has started and not finished (turns, sends after the webhook answered): kept
 * so that stopping waits for it, and tests can wait for it (`drain`).
 */
export interface Inflight {
  /** True once `stop` was called: take no new work. */
  readonly stopping: boolean;
  /** Keeps `work` until it settles. */
  track(work: Promise<unknown>): void;
  /** Resolves when nothing is left, including work started meanwhile. */
  drain(): Promise<void>;
  /** Takes no new work, and resolves when what was started has settled. */
  stop(): Promise<void>;
}

export function inflight(): Inflight {
  const pending = new Set<Promise<unknown>>();
  let stopping = false;
  const drain = async (): Promise<void> => {
    while (pending.size) await Promise.allSettled([...pending]);
  };
  return {
    get stopping() { return stopping; },
    track(work) {
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },
    drain,
    async stop() {
      stopping = true;
      await drain();
    },
  };
}
