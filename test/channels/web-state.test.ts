/**
 * The web chat's state for a page that is loaded or reloaded (GET /api/state): a first visit gets
 * the welcome without anything said in the person's name; later visits get the recent turns and
 * the pending question; 删除我的数据 leaves nothing to show.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/store/keys.ts';
import type { Bot } from '../../src/bot/index.ts';
import type { Channel } from '../../adapters/shared/contract.ts';
import { createWeb } from '../../adapters/web/index.ts';
import { webIdentity } from '../../adapters/web/identity.ts';
import { kitOf, testBot } from '../kit.ts';

let bot: Bot;
let web: Channel;
beforeAll(async () => {
  bot = await testBot({ now: new Date('2023-08-01T09:00:00+08:00') });
  web = createWeb(kitOf(bot));
});

const route = (method: string, path: string) => web.routes.find((r) => r.method === method && r.path === path)!;
async function call(method: string, path: string, query: Record<string, string>, body?: object) {
  const res = await route(method, path).handle({ method, path, query: new URLSearchParams(query), headers: {}, body: Buffer.from(body ? JSON.stringify(body) : '') });
  return { status: res.status, body: JSON.parse(String(res.body)) as Record<string, unknown> };
}

describe('GET /api/state', () => {
  it('welcomes a first visit, records no answer, and shows the conversation again on the next load', async () => {
    const first = await call('GET', '/api/state', {});
    const u1 = String(first.body.user);
    expect(await webIdentity(bot.store).verify(u1)).toBe(true);
    expect(first.status).toBe(200);
    expect(JSON.stringify(first.body.replies)).toContain('职称申报助手');

    await call('POST', '/api/chat', {}, { user: u1, action: 'interview:start', shown: '检查我能否申报' });
    const again = await call('GET', '/api/state', { user: u1 });
    const history = again.body.history as { me: string | null; replies: { text: string }[] }[];
    expect(history.map((h) => h.me)).toEqual([null, '检查我能否申报']);
    expect(history.at(-1)!.replies.at(-1)!.text).toContain('第1题');
    expect(again.body.ask).toMatchObject({ field: 'employerInZone', kind: 'boolean' });
    // Loading twice answers nothing.
    await call('GET', '/api/state', { user: u1 });
    const session = await bot.store.get<{ interview: { answers: object } }>(keys.session(`web:${u1}`));
    expect(session!.interview.answers).toEqual({});
  });

  it('has nothing to show after 删除我的数据', async () => {
    const u2 = await webIdentity(bot.store).issue();
    await call('POST', '/api/chat', {}, { user: u2, text: '继续教育要多少学时' });
    await call('POST', '/api/chat', {}, { user: u2, text: '删除我的数据' });
    await call('POST', '/api/chat', {}, { user: u2, action: 'forget:yes' });
    const after = await call('GET', '/api/state', { user: u2 });
    expect(after.body.history).toBeUndefined();
    expect(JSON.stringify(after.body.replies)).toContain('职称申报助手');
  });

  it('refuses an id the server did not issue', async () => {
    expect((await call('GET', '/api/state', { user: 'u1' })).status).toBe(401);
  });
});

describe('printable pages', () => {
  it('the last verdict\'s checklist with tick boxes, escaped, and the 附件5 form as a blank table', async () => {
    const route2 = (path: string) => web.routes.find((r) => r.method === 'GET' && r.path === path)!;
    const get = async (path: string, query: Record<string, string>) => {
      const res = await route2(path).handle({ method: 'GET', path, query: new URLSearchParams(query), headers: {}, body: Buffer.alloc(0) });
      return { status: res.status, html: String(res.body) };
    };
    const p1 = await webIdentity(bot.store).issue();
    const none = await get('/checklist', { user: p1 });
    expect(none.html).toContain('还没有检查结果');
    await bot.store.set(keys.checklist(`web:${p1}`), ['上传<学历>证书', '本人述职'], 60_000);
    const page = await get('/checklist', { user: p1 });
    expect(page.status).toBe(200);
    expect(page.html.match(/type="checkbox"/g)).toHaveLength(2);
    expect(page.html).toContain('上传&lt;学历&gt;证书');
    expect(page.html).toContain('@media print');
    expect(page.html).toContain('2023年9月8日');
    const form = await get('/forms/annual-review', {});
    for (const field of ['姓名', '个人总结', '所在部门考核意见（负责人签名）', '单位考核意见（单位盖章）', '本人意见（签名）']) expect(form.html).toContain(`<th>${field}</th>`);
    expect((await get('/checklist', {})).status).toBe(400);
  });
});

describe('the verdict to forward', () => {
  it('one plain text with the verdict, the checklist as tick boxes, the deadlines and the contact', async () => {
    const { conversation, answerFields } = await import('../kit.ts');
    const c = conversation(bot);
    c.action('interview:start');
    answerFields(c, {
      employerInZone: true, employerPrivate: true, specialty: 'petrochemical', nationality: 'mainland', annualReviewsPassed: true,
      continuingEducation: { professional: 200, public: 60, other: 20 }, education: 'bachelor', workStart: '2018-07', educationRelevant: true,
      educationOrigin: 'domestic', graduated: '2018-06', degreeAutoVerified: true, 'socialInsurance.consistent': true, 'socialInsurance.outOfProvince': false,
    });
    const v = c.action('interview:confirm');
    expect(v.replies.flatMap((r) => r.buttons).map((b) => b.action)).toContain('interview:share');
    const shared = c.action('interview:share');
    expect(shared.replies).toHaveLength(1);
    const t = shared.replies[0]!.text;
    expect(t).toContain('你可以申报');
    expect(t.match(/☐/g)!.length).toBeGreaterThan(5);
    expect(t).toContain('2023年9月8日');
    expect(t).toContain('82313758');
    expect(shared.replies[0]!.buttons).toEqual([]);
  });
});
