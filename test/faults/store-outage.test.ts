/**
 * The store becomes unusable under the running service, then comes back (issue 15: /healthz said ok
 * while every write failed, every request then answered 500, and only a restart mended it).
 * The fault is real: the data folder is taken away and a plain file put in its place, so the
 * database can be neither found nor created again; then the file is removed.
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTsx } from '../e2e/spawn.ts';

const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

function startService(env: Record<string, string>) {
  const proc = startTsx('src/cli/start.ts', [], { env: { PORT: '0', ...env } });
  let log = '';
  const ready = new Promise<string>((resolve, reject) => {
    proc.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /http:\/\/localhost:(\d+)\//.exec(log);
      if (m && log.includes('LINE: ')) resolve(`http://127.0.0.1:${m[1]}`);
    });
    proc.once('exit', (code) => reject(new Error(`service exited with ${code}: ${log}`)));
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, ready, exited, log: () => log };
}

interface ChatOut { user: string; replies: Array<{ text: string }> }

describe('a store that cannot be written, then can again', () => {
  it('is reported by /healthz, answers questions meanwhile saying they were not saved, and recovers without a restart', async () => {
    const root = await mkdtemp(join(tmpdir(), 'store-outage-'));
    dirs.push(root);
    const data = join(root, 'data');
    const s = startService({ STORE_URL: `sqlite://${join(data, 'bot.sqlite')}` });
    try {
      const base = await s.ready;
      const health = async () => { const r = await fetch(`${base}/healthz`); return { status: r.status, body: await r.json() as { ok: boolean; store?: string } }; };
      const chat = async (user: string, text: string) => {
        const r = await fetch(`${base}/api/chat`, { method: 'POST', body: JSON.stringify({ user, text }) });
        return { status: r.status, body: await r.json() as ChatOut };
      };
      expect((await health()).status).toBe(200);
      const first = await fetch(`${base}/api/state`);
      const user = ((await first.json()) as ChatOut).user;
      expect((await chat(user, '继续教育要多少学时')).status).toBe(200);

      // The fault: the folder gone, a file where it was.
      await rename(data, `${data}.gone`);
      await writeFile(data, 'not a folder');
      await expect.poll(async () => (await health()).status, { timeout: 8000, interval: 250 }).toBe(503);
      const down = await health();
      expect(down.body.ok).toBe(false);
      expect(down.body.store).toMatch(/folder|open|not/);
      expect(down.body.store).not.toContain(root); // no file paths to the world

      const meanwhile = await chat(user, '联系人是谁');
      expect(meanwhile.status).toBe(200);
      const texts = meanwhile.body.replies.map((r) => r.text).join('\n');
      expect(texts).toContain('82313758'); // the answer
      expect(texts).toContain('没有记下'); // and one line saying it was not saved

      // The fault mended: no restart.
      await rm(data);
      await expect.poll(async () => (await health()).status, { timeout: 8000, interval: 250 }).toBe(200);
      const after = await chat(user, '联系人是谁');
      expect(after.status).toBe(200);
      expect(after.body.replies.map((r) => r.text).join('\n')).not.toContain('没有记下');
      const state = await (await fetch(`${base}/api/state?user=${encodeURIComponent(user)}`)).json() as { history: unknown[] };
      expect(state.history.length).toBeGreaterThan(0); // saved again
      expect(s.log()).not.toMatch(/"level":(50|60)[^\n]*request failed/);
    } finally {
      s.proc.kill('SIGTERM');
      await s.exited;
    }
  }, 60_000);
});
