import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.ts';
import { FakeTelegram } from '../channels/fake-telegram.ts';
import { runTsxSync, startTsx } from './spawn.ts';

/** The edition the service serves: the one in force on the real clock (whichever knowledge/ carries). */
const served = loadKnowledge();

/** Starts `npm start`'s entry with this environment; resolves once it says where it listens. */
function startService(env: Record<string, string>) {
  const proc = startTsx('src/cli/start.ts', [], { env: { PORT: '0', STORE_URL: 'memory://', ...env } });
  let log = '';
  const ready = new Promise<string>((resolve, reject) => {
    proc.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /http:\/\/localhost:(\d+)\//.exec(log);
      if (m && log.includes('LINE: ')) resolve(`http://127.0.0.1:${m[1]}`); // the last start-up line
    });
    proc.once('exit', (code) => reject(new Error(`service exited with ${code}: ${log}`)));
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, ready, exited, log: () => log };
}

describe('npm start', () => {
  it('runs with no credentials, says which channels are off, serves the web chat, stops cleanly on SIGTERM', async () => {
    const s = startService({});
    const base = await s.ready;
    expect(s.log()).toContain('Telegram: off (set TELEGRAM_BOT_TOKEN');
    expect(s.log()).toContain('LINE: off (set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const chat = await (await fetch(`${base}/api/chat`, { method: 'POST', body: JSON.stringify({ text: '联系人是谁' }) })).json() as { replies: { text: string }[] };
    expect(chat.replies[0]!.text).toContain(served.params.contact.value.phone);
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.log()).toContain('"msg":"stopped"');
  }, 30_000);

  it('takes Telegram webhooks through the service, checking the secret', async () => {
    const fake = await new FakeTelegram('123456:TEST-token').listen();
    const s = startService({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: 'sekret' });
    try {
      const base = await s.ready;
      const update = JSON.stringify({ update_id: 1, message: { message_id: 1, date: 1690851600, chat: { id: 42, type: 'private' }, from: { id: 42, is_bot: false, first_name: 'A' }, text: '继续教育要多少学时' } });
      const wrong = await fetch(`${base}/webhooks/telegram`, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': 'nope' }, body: update });
      expect(wrong.status).toBe(401);
      const ok = await fetch(`${base}/webhooks/telegram`, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': 'sekret', 'content-type': 'application/json' }, body: update });
      expect(ok.status).toBe(200);
      await fake.waitFor(() => fake.sent(42).some((m) => m.text.includes(String(served.params.continuingEducation.value.total))));
    } finally {
      s.proc.kill('SIGTERM');
      await s.exited;
      await fake.close();
    }
  }, 30_000);

  it('stops with one line naming a wrong setting', () => {
    const run = runTsxSync('src/cli/start.ts', [], { env: { PORT: 'eighty' } });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('PORT');
  });
});
