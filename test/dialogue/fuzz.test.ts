/**
 * No turn throws, whatever a person (or a crafted request) sends: random sequences of texts,
 * button actions (real ones, crafted ones with object-machinery names and huge numbers), typed
 * values and bytes, through the pure step and through POST /api/chat (fast-check).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../adapters/http.ts';
import { register } from '../../adapters/registry.ts';
import { createWeb } from '../../adapters/web/index.ts';
import type { Bot } from '../../src/bot/index.ts';
import { formatAction, INTERVIEW_OPS, REMIND_OPS } from '../../src/core/actions.ts';
import type { Input } from '../../src/core/types.ts';
import { step } from '../../src/dialogue/step.ts';
import { envAt, kitOf, testBot } from '../kit.ts';

let bot: Bot;
let app: App;
beforeAll(async () => {
  bot = await testBot();
  app = createApp(bot, [register(bot, createWeb(kitOf(bot)))], kitOf(bot).log);
});

const tricky = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', '10000000000000000', '1e400', '-1', 'NaN', '', '..', '%00', '0x10');
const segment = fc.oneof(tricky, fc.stringMatching(/^[a-z0-9.-]{0,12}$/));
const realAction = fc.oneof(
  fc.constantFrom(...INTERVIEW_OPS).map((op) => formatAction({ kind: 'interview', op })),
  fc.constantFrom(...REMIND_OPS).map((op) => formatAction({ kind: 'remind', op })),
  fc.constantFrom('menu', 'faq-topics', 'deadlines', 'hr', 'hr-kinds', 'forget', 'forget:yes', 'forget:no', 'answer:zone:true', 'answer:education:bachelor', 'faq:fee-amount', 'topic:materials'),
);
const craftedAction = fc.tuple(fc.constantFrom('interview', 'answer', 'faq', 'topic', 'clause', 'hr-kind', 'remind', 'fb', 'forget', 'edit', 'x'), fc.array(segment, { maxLength: 3 }))
  .map(([head, rest]) => [head, ...rest].join(':'));
const value = fc.oneof(fc.jsonValue(), fc.constantFrom(1e16, -1, Number.MAX_SAFE_INTEGER + 2, 'constructor', { professional: 1e20, public: -5 }, [true], null));
const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('本科', '不是国企', '我2019年本科毕业 今年能报吗', '那本科呢', '没用', '有用', '👍', '继续教育要多少学时', '不对，是2017年', '跳过', '返回', '退出', '删除我的数据', '确认删除', '1', '我有10000000000000000项专利', '專業課180學時', '🙂🙂🙂', 'x'.repeat(2100)),
);
const input: fc.Arbitrary<Input> = fc.oneof(
  text.map((t) => ({ kind: 'text' as const, text: t })),
  fc.oneof(realAction, craftedAction).map((a) => ({ kind: 'action' as const, action: a })),
  value.map((v) => ({ kind: 'value' as const, value: v })),
  fc.uint8Array({ maxLength: 64 }).map((d) => ({ kind: 'photo' as const, data: d })),
);

describe('fuzzing the turn', () => {
  it('the step never throws and always answers, over random sequences of inputs', () => {
    const env = envAt(bot);
    fc.assert(fc.property(fc.array(input, { minLength: 1, maxLength: 12 }), (inputs) => {
      let session: unknown;
      for (const i of inputs) {
        const r = step(session, i, env);
        expect(r.replies.length).toBeGreaterThan(0);
        session = JSON.parse(JSON.stringify(r.session));
      }
    }), { numRuns: 300 });
  });

  it('POST /api/chat answers 200, 400 or 401, never 500, to any body', async () => {
    const body = fc.oneof(
      fc.record({ user: fc.option(fc.oneof(fc.constantFrom('fz1', 'fz2'), segment.filter((s) => s.length > 0)), { nil: undefined }), text: fc.option(text, { nil: undefined }), action: fc.option(fc.oneof(realAction, craftedAction), { nil: undefined }) }).map((o) => JSON.stringify(o)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 80 }),
    );
    await fc.assert(fc.asyncProperty(body, async (b) => {
      const res = await app.request({ method: 'POST', path: '/api/chat', query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body: Buffer.from(b) });
      expect([200, 400, 401]).toContain(res.status);
    }), { numRuns: 200 });
  });
});
