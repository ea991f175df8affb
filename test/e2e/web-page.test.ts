/**
 * The local web chat page (adapters/web/index.html) in a real browser: Debian's Chromium driven by
 * playwright-core, against the HTTP service on loopback. Ends with a phone-sized screenshot for the
 * README (docs/web-chat.png).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/store/keys.ts';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createBot, type Bot } from '../../src/bot/index.ts';
import { createApp, type App } from '../../adapters/http.ts';
import { register } from '../../adapters/registry.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { createWeb } from '../../adapters/web/index.ts';
import { createLogger } from '../../src/log.ts';
import { jpeg } from '../photo/images.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ROOT = path.resolve(import.meta.dirname, '../..');
const SCREENSHOT = path.join(ROOT, 'docs/web-chat.png');

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

describe.skipIf(!HAVE_CHROMIUM)(
  HAVE_CHROMIUM ? 'web chat page in Chromium' : `web chat page (skipped: ${CHROMIUM} is missing; apt-get install -y chromium)`,
  () => {
    let bot: Bot;
    let app: App;
    let server: Server;
    let base: string;
    let tmp: string;
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      bot = await createBot({ storeUrl: 'memory://', now: new Date('2023-08-01T09:00:00+08:00') });
      const log = createLogger('silent');
      app = createApp(bot, [register(bot, createWeb(createKit(bot, log)))], log);
      server = await app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      tmp = mkdtempSync(path.join(tmpdir(), 'web-chat-'));
      context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        viewport: { width: 360, height: 740 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
      });
      page = context.pages()[0] ?? (await context.newPage());
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await app?.close();
      await bot?.close();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    });

    /** The text of the last bot message (without its buttons). */
    const lastBot = () => page.locator('.msg.bot:not(.typing)').last();

    it('welcomes, follows buttons, answers with a citation, checks a photo', async () => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const response = await page.goto(base + '/');
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toMatch(/text\/html/);

      // The welcome and its buttons.
      await expect.poll(() => page.locator('.msg.bot').first().textContent()).toContain('职称申报助手');
      const faq = page.getByRole('button', { name: '常见问题', exact: true });
      await faq.waitFor();
      expect(await page.locator('.msg.bot').first().locator('.chips button').count()).toBeGreaterThan(2);

      // Buttons: FAQ → a topic → a question.
      await faq.click();
      await page.getByRole('button', { name: '继续教育', exact: true }).waitFor();
      await expect.poll(() => page.locator('.msg.me').last().textContent()).toBe('常见问题');
      await page.getByRole('button', { name: '继续教育', exact: true }).click();
      await page.getByRole('button', { name: '继续教育在哪里学', exact: true }).first().click();
      await expect.poll(() => lastBot().locator('.cite').textContent()).toMatch(/^出处：/);

      // A typed question gets the cited answer; the source shows once, as the small 出处 line.
      await page.getByLabel('输入你的问题或回答').fill('继续教育要多少学时');
      await page.getByRole('button', { name: '发送' }).click();
      await expect.poll(() => lastBot().textContent(), { timeout: 10_000 }).toContain('270');
      expect(await lastBot().locator('.cite').textContent()).toMatch(/^出处：.*继续教育/);
      const answer = await lastBot().evaluate((n) => n.firstChild?.textContent ?? '');
      expect(answer).toContain('270学时');
      expect(answer).not.toContain('出处');

      // A photo: raw bytes to /api/photo, the check comes back.
      const photo = path.join(tmp, 'me.jpg');
      writeFileSync(photo, jpeg(330, 441, 60_000));
      const before = await page.locator('.msg.bot').count();
      await page.locator('#file').setInputFiles(photo);
      await expect.poll(() => page.locator('.msg.bot:not(.typing)').count()).toBeGreaterThan(before);
      expect(await lastBot().textContent()).toContain('符合');
      expect(await page.locator('.msg.me').last().textContent()).toContain('me.jpg');
      expect(await page.locator('.err').count()).toBe(0);

      // A phone-sized screenshot; written to docs/ for the README only when asked (WRITE_SCREENSHOT=1),
      // so a test run leaves the work tree as it was.
      const write = process.env.WRITE_SCREENSHOT === '1';
      if (write) mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      const png = await page.screenshot(write ? { path: SCREENSHOT } : {});
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(errors).toEqual([]);
    }, 60_000);

    it('escapes text, hints the pending question, keeps the user id, reports errors', async () => {
      // Typed markup stays text.
      await page.getByLabel('输入你的问题或回答').fill('<img src=x onerror="window.pwned=1">');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.msg.me').last().textContent()).toBe('<img src=x onerror="window.pwned=1">');
      await page.locator('.typing').waitFor({ state: 'detached' });
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      expect(await page.locator('#log img[src="x"]').count()).toBe(0);

      // The interview's pending question shows as the input's hint.
      await page.getByRole('button', { name: '检查我能否申报' }).first().click();
      await expect.poll(() => page.getByLabel('输入你的问题或回答').getAttribute('placeholder')).toContain('是');
      expect(await page.locator('#hint').isVisible()).toBe(true);
      expect(await page.locator('#hint').textContent()).toContain('“是”或“否”');

      // The user id, issued by the server, lives in localStorage and survives a reload.
      const id = await page.evaluate(() => localStorage.getItem('zc-user'));
      expect(id).toMatch(/^[\w-]{16}\.[\w-]{22}$/);
      const posted: string[] = [];
      page.on('request', (r) => { if (r.method() === 'POST') posted.push(r.url()); });
      await page.reload();
      await page.locator('.msg.bot:not(.typing)').first().waitFor();
      expect(await page.evaluate(() => localStorage.getItem('zc-user'))).toBe(id);
      // The reload shows the conversation where it was, with the question still pending, and says
      // nothing in the person's name: no answer was recorded.
      await expect.poll(() => page.locator('.msg.bot:not(.typing)').last().textContent()).toContain('第1题');
      expect(await page.locator('.msg.me').allTextContents()).toContain('检查我能否申报');
      expect(await page.locator('#hint').textContent()).toContain('“是”或“否”');
      expect(posted).toEqual([]);
      const session = await bot.store.get<{ interview: { answers: Record<string, unknown> } }>(keys.session(`web:${id}`));
      expect(session?.interview.answers).toEqual({});
      // The check goes on from there.
      await page.getByRole('button', { name: '是', exact: true }).last().click();
      await expect.poll(() => page.locator('.msg.bot:not(.typing)').last().textContent()).toContain('第2题');

      // Network failure and an HTTP error each give a friendly line.
      await page.route('**/api/chat', (route) => route.abort());
      await page.getByLabel('输入你的问题或回答').fill('照片要求');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.err').last().textContent()).toContain('网络');
      await page.unroute('**/api/chat');
      await page.route('**/api/chat', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"internal error"}' }));
      await page.getByLabel('输入你的问题或回答').fill('照片要求');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.err').count()).toBe(2);
      expect(await page.locator('.err').last().textContent()).toContain('稍后再试');
      await page.unroute('**/api/chat');
    }, 60_000);

    it('starts as a new visitor when the stored id is one the server did not issue', async () => {
      await page.evaluate(() => localStorage.setItem('zc-user', 'made-up-id'));
      await page.reload();
      await expect.poll(() => page.locator('.msg.bot:not(.typing)').first().textContent()).toContain('职称申报助手');
      const id = await page.evaluate(() => localStorage.getItem('zc-user'));
      expect(id).not.toBe('made-up-id');
      expect(id).toMatch(/^[\w-]{16}\.[\w-]{22}$/);
      expect(await page.locator('.err').count()).toBe(0);
    }, 60_000);
  },
);
