/**
 * The office console in a real browser at phone size (Debian's Chromium, playwright-core), against
 * the HTTP service on loopback: log in, see today's unanswered question, turn it into a phrasing,
 * see the bot answer it at once; and `npm run report` printing the same misses from the store.
 * A phone-sized screenshot goes to docs/admin-console.png when WRITE_SCREENSHOT=1.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../adapters/admin/index.ts';
import { createApp, type App } from '../../adapters/http.ts';
import { register } from '../../adapters/registry.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { createWeb } from '../../adapters/web/index.ts';
import { createBot, type Bot } from '../../src/bot/index.ts';
import { createLogger } from '../../src/log.ts';
import { ROOT, runTsx } from './spawn.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const TOKEN = 'e2e-office-token-0123456789';
const MISS = '职称证书丢了去哪补办';
const NOW = '2023-08-01T09:00:00+08:00';

describe('the office console and report', () => {
  let tmp: string;
  let store: string;
  let bot: Bot;
  let app: App;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'office-'));
    store = `sqlite://${path.join(tmp, 'bot.sqlite')}`;
    bot = await createBot({ storeUrl: store, now: new Date(NOW) });
    const log = createLogger('silent');
    app = createApp(bot, [register(bot, createWeb(createKit(bot, log)))], log, createAdmin(bot, { token: TOKEN, log }));
    server = await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // People asking through the web chat: one question the notice answers, one it does not (twice).
    for (const text of ['本科毕业几年能报', MISS, `请问${MISS}`]) {
      const res = await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
      expect(res.status).toBe(200);
    }
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await bot?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('`npm run report` prints the figures and the unanswered question from the store', async () => {
    await bot.office.flush();
    const run = await runTsx('src/cli/report.ts', ['--store', store, '--now', NOW], { env: { STORE_URL: '' } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('questions     3');
    expect(run.stdout).toContain(MISS);
    const bad = await runTsx('src/cli/report.ts', ['--since', 'last week']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--since');
  }, 60_000);

  describe.skipIf(!HAVE_CHROMIUM)('in Chromium at phone size', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    }, 60_000);
    afterAll(async () => { await browser?.close(); });

    it('logs in, shows the miss with its nearest entries, turns it into a phrasing that the bot then answers', async () => {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${base}/admin`);
      await page.fill('#token', 'not-the-token-000000');
      await page.click('button[type=submit]');
      await expect.poll(() => page.textContent('body')).toContain('口令不对');
      await page.fill('#token', TOKEN);
      await page.fill('#name', '王老师');
      await page.click('button[type=submit]');
      await page.waitForSelector('text=本季');
      // Readable on a phone: nothing wider than the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      const miss = page.locator('.miss', { hasText: MISS }).first();
      await expect.poll(() => miss.textContent()).toContain('最接近的条目');
      expect(await miss.textContent()).toContain('共 2 次');

      if (process.env.WRITE_SCREENSHOT === '1') {
        mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
        await page.setViewportSize({ width: 360, height: 1500 });
        await page.screenshot({ path: path.join(ROOT, 'docs/admin-console.png') });
        await page.setViewportSize({ width: 360, height: 740 });
      }
      await miss.locator('input[name=other]').fill('contact-person');
      await miss.locator('button', { hasText: '加为这个条目的问法' }).click();
      await page.waitForSelector('.flash', { timeout: 10_000 }).catch(async () => { throw new Error((await page.content()).slice(0, 3000)); });
      const flash = await page.textContent('.flash.ok');
      expect(flash).toContain('已生效');
      expect(flash).toContain('开发集');
      expect(await page.textContent('body')).toContain('现在已能回答');

      const res = await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: MISS }) });
      const out = await res.json() as { fallback: boolean; replies: { text: string }[] };
      expect(out.fallback).toBe(false);
      expect(out.replies[0]!.text).toContain(bot.knowledge.params.contact.value.phone);

      // Undo from the list of changes.
      await page.locator('form[action="/admin/undo"] button').first().click();
      await page.waitForSelector('.flash.ok');
      expect(await page.textContent('.flash.ok')).toContain('已撤销');
      expect(errors).toEqual([]);
      await context.close();
    }, 60_000);
  });
});
