/**
 * No personal data in the logs (issue 15: 229 log lines carried user ids in clear, store keys such
 * as user:tg:<chat id>:subscription among them, and the unsalted hashes were reversed to a chat id
 * in 2 s). The real service runs a session full of things worth logging, at debug level: turns,
 * a redelivered update, replies that fail (the API refusing, a blocked person, dropped connections),
 * the web chat, and the store failing under it; then its whole output is searched.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../channels/fake-telegram.ts';
import { startTsx } from '../e2e/spawn.ts';

const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

const CHAT = 918273645;
const BLOCKED = 918273646;
const PHONE = '13912345678';
const ID_NUMBER = '33062419900101123X';

describe('the logs of a whole session', () => {
  it('name no chat id, no web id, no store key with an id, no phone or ID number typed, and no unsalted hash', async () => {
    const root = await mkdtemp(join(tmpdir(), 'log-privacy-'));
    dirs.push(root);
    const data = join(root, 'data');
    const fake = await new FakeTelegram('123456:TEST-token').listen();
    fake.blocked.add(BLOCKED);
    const proc = startTsx('src/cli/start.ts', [], {
      env: {
        PORT: '0', LOG_LEVEL: 'debug', STORE_URL: `sqlite://${join(data, 'bot.sqlite')}`,
        TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: 'sekret',
      },
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    proc.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const m = /http:\/\/localhost:(\d+)\//.exec(out);
          if (m && out.includes('LINE: ')) resolve(`http://127.0.0.1:${m[1]}`);
        };
        proc.stderr.on('data', check);
        proc.once('exit', (code) => reject(new Error(`service exited with ${code}: ${out}`)));
      });
      let updateId = 0;
      const send = (chat: number, text: string, id = ++updateId) => fetch(`${base}/webhooks/telegram`, {
        method: 'POST',
        headers: { 'x-telegram-bot-api-secret-token': 'sekret', 'content-type': 'application/json' },
        body: JSON.stringify({ update_id: id, message: { message_id: id, date: 1690851600, chat: { id: chat, type: 'private' }, from: { id: chat, is_bot: false, first_name: 'A' }, text } }),
      });

      await send(CHAT, '继续教育要多少学时');
      await send(CHAT, `我的电话是${PHONE}，身份证${ID_NUMBER}，能报吗`);
      await send(CHAT, '订阅提醒');
      await send(CHAT, '继续教育要多少学时', 1); // redelivered
      fake.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' });
      fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
      await send(CHAT, '联系电话');
      fake.dropNext('sendMessage', 6);
      await send(CHAT, '论文要求');
      await send(BLOCKED, '你好');
      await fake.waitFor(() => fake.sent(CHAT).length >= 3);

      const state = await (await fetch(`${base}/api/state`)).json() as { user: string };
      const webId = state.user;
      await fetch(`${base}/api/chat`, { method: 'POST', body: JSON.stringify({ user: webId, text: `我叫张三，手机${PHONE}` }) });
      await fetch(`${base}/api/chat`, { method: 'POST', body: JSON.stringify({ user: `${webId}x`, text: '你好' }) }); // an id not issued

      // The store failing under it: errors that name keys.
      await rename(data, `${data}.gone`);
      await writeFile(data, 'not a folder');
      await new Promise((r) => setTimeout(r, 1500));
      await send(CHAT, '截止时间');
      await fetch(`${base}/api/chat`, { method: 'POST', body: JSON.stringify({ user: webId, text: '截止时间' }) });
      await fetch(`${base}/healthz`);
      await rm(data);
      await new Promise((r) => setTimeout(r, 1500));
      await send(CHAT, '删除我的数据');
    } finally {
      proc.kill('SIGTERM');
      await exited;
      await fake.close();
    }

    expect(out).toContain('"level":20'); // debug lines were written
    expect(out).toMatch(/"user":"[0-9a-f]{12}"/); // users are named by their hash
    for (const secret of [String(CHAT), String(BLOCKED), PHONE, ID_NUMBER, 'tg:9182', 'tg%3A9182']) {
      expect(out, `the logs hold ${secret}`).not.toContain(secret);
    }
    expect(out).not.toMatch(/user:(?!…)[^"\s]*:(session|subscription|checklist|transcript|outbox|numbered)/);
    // The web ids issued in this run: none appears.
    for (const m of out.matchAll(/"user":"([A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22})"/g)) expect.fail(`a web id in the logs: ${m[1]}`);
    // The old unsalted hash of the chat id would let anyone find it by trying ids.
    for (const id of [`tg:${CHAT}`, `tg:${BLOCKED}`]) {
      const unsalted = createHash('sha256').update(id).digest('hex');
      expect(out).not.toContain(unsalted.slice(0, 10));
    }
  }, 60_000);
});
