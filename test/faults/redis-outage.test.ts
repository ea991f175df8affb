/**
 * Redis stopped under the running service and started again: /healthz says so and recovers, people
 * are answered meanwhile (told their turn was not saved), and what they say afterwards is saved.
 */
import { describe, expect, it } from 'vitest';
import { startTsx } from '../e2e/spawn.ts';
import { hasRedisServer, startRedisServer } from '../store/redis-server.ts';

interface ChatOut { user: string; replies: Array<{ text: string }> }

describe.skipIf(!hasRedisServer)('Redis stopped and started again', () => {
  it('is reported by /healthz, answers meanwhile without saving, and recovers without a restart', async () => {
    let redis = await startRedisServer();
    const port = redis.port;
    const proc = startTsx('src/cli/start.ts', [], { env: { PORT: '0', STORE_URL: redis.url } });
    let log = '';
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        proc.stderr.on('data', (d: Buffer) => {
          log += d.toString();
          const m = /http:\/\/localhost:(\d+)\//.exec(log);
          if (m && log.includes('LINE: ')) resolve(`http://127.0.0.1:${m[1]}`);
        });
        proc.once('exit', (code) => reject(new Error(`service exited with ${code}: ${log}`)));
      });
      const health = async () => (await fetch(`${base}/healthz`)).status;
      const chat = async (user: string, text: string) => {
        const r = await fetch(`${base}/api/chat`, { method: 'POST', body: JSON.stringify({ user, text }) });
        return { status: r.status, text: ((await r.json()) as ChatOut).replies.map((x) => x.text).join('\n') };
      };
      expect(await health()).toBe(200);
      const user = ((await (await fetch(`${base}/api/state`)).json()) as ChatOut).user;

      await redis.stop();
      await expect.poll(health, { timeout: 10_000, interval: 250 }).toBe(503);
      const meanwhile = await chat(user, '联系人是谁');
      expect(meanwhile.status).toBe(200);
      expect(meanwhile.text).toContain('82313758');
      expect(meanwhile.text).toContain('没有记下');

      redis = await startRedisServer(port); // empty: this server keeps nothing on disk
      await expect.poll(health, { timeout: 15_000, interval: 250 }).toBe(200);
      const after = await chat(user, '联系人是谁');
      expect(after.status).toBe(200);
      expect(after.text).not.toContain('没有记下');
      const state = await (await fetch(`${base}/api/state?user=${encodeURIComponent(user)}`)).json() as { history: unknown[] };
      expect(state.history.length).toBeGreaterThan(0);
    } finally {
      proc.kill('SIGTERM');
      await exited;
      await redis.stop();
    }
  }, 60_000);
});
