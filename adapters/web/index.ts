/**
 * The local web chat: the page (GET /), its JSON API (POST /api/chat, the JSONL output object per
 * turn; GET /api/state?user=ID, the recent conversation for a reload; POST /api/photo?user=ID, the image bytes) and an outbox for reminders, which a browser
 * cannot be pushed: they go out in `pushed` with the user's next answer. Engine users are `web:<id>`.
 * The ids are the server's (identity.ts): a request without one gets a new one (in `user` of the
 * answer), and one the server did not issue is refused with 401.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Input } from '../../src/core/types.ts';
import type { Knowledge } from '../../src/knowledge/load.ts';
import type { Channel, ChannelSpec } from '../shared/contract.ts';
import { escapeHtml, json, type RawRequest, type RawResponse } from '../shared/http.ts';
import type { ChannelKit } from '../shared/kit.ts';
import { toProtocolOutput } from '../terminal/protocol.ts';
import { webIdentity } from './identity.ts';
import { clientOf, rateLimit } from '../shared/rate-limit.ts';
import { cnDate } from '../../src/rules/index.ts';

const PAGE = path.join(path.dirname(new URL(import.meta.url).pathname), 'page.html');

const chatRequest = z.strictObject({
  /** The id the server issued; absent for a new web user (the answer carries the new one). */
  user: z.string().min(1).max(200).optional(),
  text: z.string().max(100_000).optional(),
  action: z.string().min(1).max(300).optional(),
  value: z.unknown().optional(),
  /** What the page showed as the person's message for a button (its label), for the transcript. */
  shown: z.string().max(200).optional(),
}).refine((r) => [r.text !== undefined, r.action !== undefined, 'value' in r].filter(Boolean).length === 1, 'give exactly one of text, action, value');

export const webSpec: ChannelSpec = {
  name: 'web',
  enabled: () => true,
  describe: () => 'web chat: on (GET /, POST /api/chat)',
  create: (kit) => createWeb(kit),
};

export interface WebOptions {
  /** Requests a client address may make at once, then per second (default 300, then 10: an enterprise's staff may share one address). */
  clientLimit?: { burst: number; perSecond: number };
  /** The same per web user (default 20, then 1). */
  userLimit?: { burst: number; perSecond: number };
}

/** The facts of the notice the page's script states (the form's name, the photo's size limit), from the edition; its heading is filled as HTML. */
export function pageFacts(k: Knowledge): { annualReviewForm: string; photoMaxMB: number } {
  return { annualReviewForm: k.wording.names.annualReviewForm.text, photoMaxMB: k.params.photo.value.maxMB };
}

export function createWeb(kit: ChannelKit, opts: WebOptions = {}): Channel {
  const page = readFileSync(PAGE, 'utf8');
  const ids = webIdentity(kit.bot.store);
  const perClient = rateLimit(opts.clientLimit ?? { burst: 300, perSecond: 10 });
  const perUser = rateLimit(opts.userLimit ?? { burst: 20, perSecond: 1 });
  /** 429 with Retry-After after `wait` seconds; null (go ahead) for 0. */
  const tooFast = (wait: number): RawResponse | null =>
    wait ? json(429, { error: 'too many requests; try again later' }, { 'retry-after': String(wait) }) : null;
  /** This client's address asks too fast (checked before anything costly). */
  const limited = (req: RawRequest) => tooFast(perClient.take(clientOf(req.remote)));
  const unknownUser = () => json(401, { error: 'unknown user id: omit "user" to start as a new web user' });

  /** The web user a request names: an id this server issued, a new one when `allowNew` and none is given, or null. */
  async function userOf(given: string | null | undefined, allowNew: boolean): Promise<string | null> {
    if (given === undefined || given === null || given === '') return allowNew ? ids.issue() : null;
    return given.length <= 200 && (await ids.verify(given)) ? given : null;
  }

  async function chat(req: RawRequest): Promise<RawResponse> {
    const flood = limited(req);
    if (flood) return flood;
    let data: unknown;
    try {
      data = JSON.parse(req.body.toString('utf8'));
    } catch {
      return json(400, { error: 'body must be JSON: {"user": "…", "text": "…"} (or "action" or "value")' });
    }
    const parsed = chatRequest.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return json(400, { error: `${issue.path.join('.') || 'body'}: ${issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message}` });
    }
    const { text, action } = parsed.data;
    const user = await userOf(parsed.data.user, true);
    if (!user) return unknownUser();
    const fast = tooFast(perUser.take(user));
    if (fast) return fast;
    const input: Input = text !== undefined ? { kind: 'text', text } : action !== undefined ? { kind: 'action', action } : { kind: 'value', value: parsed.data.value };
    return answer(user, input, parsed.data.shown ?? text ?? null);
  }

  /**
   * The conversation as it stands, for a page that is loaded or reloaded: the recent turns and the
   * question pending. Nothing is sent in the person's name; a first visit gets the welcome.
   */
  async function state(req: RawRequest): Promise<RawResponse> {
    const flood = limited(req);
    if (flood) return flood;
    // Without ?user= (a first visit), a new web user is issued and welcomed.
    const user = await userOf(req.query.get('user'), true);
    if (!user) return unknownUser();
    // The store down: no history to show, the page starts afresh.
    const history = await kit.transcript.recent(`web:${user}`).catch(() => []);
    if (history.length) return json(200, { user, history, ask: history.at(-1)!.ask ?? null });
    return answer(user, { kind: 'action', action: 'start' }, null);
  }

  async function photo(req: RawRequest): Promise<RawResponse> {
    const flood = limited(req);
    if (flood) return flood;
    if (!req.query.get('user')) return json(400, { error: 'give the user as ?user=ID and the image bytes as the body' });
    const user = await userOf(req.query.get('user'), false);
    if (!user) return unknownUser();
    if (req.body.length === 0) return json(400, { error: 'the body must be the image bytes' });
    return answer(user, { kind: 'photo', data: new Uint8Array(req.body) }, '📷');
  }

  /** One turn; a failed one is a 500 with the apology, so the page can say it (nothing is half-done). */
  async function answer(user: string, input: Input, shown: string | null): Promise<RawResponse> {
    const out = await kit.turn(`web:${user}`, input);
    if (!out.result) return json(500, { error: 'internal error', replies: out.replies, user });
    // Kept for a reload; after 删除我的数据 there is nothing left to show.
    // With the store down the answer is still given (the turn said it was not saved).
    const kept = out.result.effects.some((e) => e.kind === 'forget')
      ? undefined
      : kit.transcript.add(`web:${user}`, { me: shown, replies: out.result.replies, ask: out.result.ask })
        .catch((err: unknown) => kit.log.warn({ err: (err as Error).name }, 'transcript not kept'));
    // Both at once: they touch different keys.
    const [waiting] = await Promise.all([kit.outbox.take(`web:${user}`).catch(() => []), kept]);
    const pushed = waiting.map((text) => ({ user, text }));
    return json(200, { ...toProtocolOutput(out.result), pushed, user });
  }

  /** The last verdict's checklist as a page to print or save as PDF, with tick boxes. */
  async function checklistPage(req: RawRequest): Promise<RawResponse> {
    if (!req.query.get('user')) return json(400, { error: 'give the user as ?user=ID' });
    const user = await userOf(req.query.get('user'), false);
    if (!user) return unknownUser();
    const items = await kit.checklist(`web:${user}`);
    const k = kit.bot.knowledge;
    const t = kit.flow.texts;
    const deadlines = [
      `${t.printPersonalDeadline}：${cnDate(k.params.individualDeadline.value)}`,
      `${t.printUnitDeadline}：${cnDate(k.params.unitDeadline.value)}`,
    ];
    const body = items.length
      ? `<ul class="list">${items.map((i) => `<li><label><input type="checkbox"> ${escapeHtml(i)}</label></li>`).join('')}</ul>`
      : `<p>${escapeHtml(t.printNoChecklist)}</p>`;
    return printable(t.printChecklistTitle, `${body}<h2>${escapeHtml(t.printDeadlinesTitle)}</h2><ul>${deadlines.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul>`);
  }

  /** 附件5 专业技术人员年度考核登记表（范本） as a blank form to print: its fields as the notice lists them. */
  async function annualReviewForm(): Promise<RawResponse> {
    const k = kit.bot.knowledge;
    const clause = k.clauseById.get(k.wording.forms.annualReview)!;
    const fields = (clause.text.split('表内栏目：')[1] ?? '').replace(/。$/, '').split('、').filter(Boolean);
    const rows = fields.map((f) => {
      const tall = /总结|意见|备注/.test(f);
      return `<tr class="${tall ? 'tall' : ''}"><th>${escapeHtml(f)}</th><td></td></tr>`;
    }).join('');
    return printable(clause.title.replace(/^附件\d+\s*/, ''), `<p class="year">（&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;年度）</p><table class="form">${rows}</table>`);
  }

  function printable(title: string, content: string): RawResponse {
    const k = kit.bot.knowledge;
    const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:760px;margin:24px auto;padding:0 16px;line-height:1.6;color:#111}
h1{font-size:1.3rem}h2{font-size:1.05rem;margin-top:1.5em}.src{color:#555;font-size:.85rem}
.list{list-style:none;padding:0}.list li{padding:6px 0;border-bottom:1px solid #ddd}input[type=checkbox]{transform:scale(1.3);margin-right:8px}
table.form{width:100%;border-collapse:collapse}table.form th,table.form td{border:1px solid #333;padding:8px;vertical-align:top}table.form th{width:30%;text-align:left;font-weight:normal}table.form tr.tall td{height:120px}
.year{text-align:center}button{font-size:1rem;padding:6px 14px}
@media print{button{display:none}body{margin:0;max-width:none}a{color:inherit;text-decoration:none}}
</style></head><body><h1>${escapeHtml(title)}</h1>${content}
<p class="src">${escapeHtml(k.notice.title)}（${escapeHtml(k.notice.docNumber)}）；${escapeHtml(kit.flow.texts.printContact)}${escapeHtml(k.params.contact.value.name)} ${escapeHtml(k.params.contact.value.phone)}</p>
<button onclick="window.print()">${escapeHtml(kit.flow.texts.printButton)}</button></body></html>`;
    return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: html };
  }

  /** The page with the facts of the edition served (read per request: the edition in force may change). */
  function pageOf(k: Knowledge): string {
    return page
      .replace('{{evaluation}}', () => escapeHtml(`${k.edition}年度${k.wording.names.evaluation.text}`))
      .replace('{{facts}}', () => JSON.stringify(pageFacts(k)).replace(/</g, '\\u003c'));
  }

  return {
    name: 'web',
    prefix: 'web',
    routes: [
      { method: 'GET', path: '/', handle: async () => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: pageOf(kit.bot.knowledge) }) },
      { method: 'POST', path: '/api/chat', handle: chat },
      { method: 'GET', path: '/api/state', handle: state },
      { method: 'GET', path: '/checklist', handle: checklistPage },
      { method: 'GET', path: '/forms/annual-review', handle: annualReviewForm },
      { method: 'POST', path: '/api/photo', handle: photo },
    ],
    async push(chat, text) {
      await kit.outbox.add(`web:${chat}`, text);
      return 'sent';
    },
  };
}
