/**
 * Stored sessions across versions of the flows: a session written under other flows is migrated
 * by field, never crashes a turn and never loses an answer; the first release's shape is read too.
 * And the buttons of a question answer only that question.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import { projectPath } from '../../src/core/paths.ts';
import type { Env } from '../../src/dialogue/env.ts';
import { restoreSession } from '../../src/dialogue/session.ts';
import { step } from '../../src/dialogue/step.ts';
import type { Session } from '../../src/dialogue/types.ts';
import { parseInterviewFlow } from '../../src/interview/flow.ts';
import { AUG, answerFields, conversation, envAt, testBot, text } from '../kit.ts';

let bot: Bot;
beforeAll(async () => { bot = await testBot(); });

const PASS = {
  employerInZone: true, employerPrivate: true, specialty: 'petrochemical', nationality: 'mainland',
  annualReviewsPassed: true, continuingEducation: { professional: 200, public: 60, other: 20 },
};

/** The environment with `work-start` renamed to `began-work` in both interview files, `version:` untouched. */
function renamedEnv(): Env {
  const read = (f: string) => readFileSync(projectPath('flows', f), 'utf8');
  const logic = read('interview.yaml').replace('id: work-start,', 'id: began-work,');
  const texts = read('interview-texts.yaml').replace(/^(\s+)work-start:/gm, '$1began-work:');
  const env = envAt(bot, AUG);
  const interview = parseInterviewFlow(logic, texts, env.knowledge);
  expect(interview.stepById.has('began-work')).toBe(true);
  return { ...env, interview };
}

describe('a stored session of other flows', () => {
  it('resumes a person at the review after a step was renamed, keeping every answer (it used to crash)', () => {
    const c = conversation(bot);
    c.action('interview:start');
    const review = answerFields(c, { ...PASS, education: 'bachelor', workStart: '2018-07', educationRelevant: true, educationOrigin: 'domestic', graduated: '2018-06', degreeAutoVerified: true, 'socialInsurance.consistent': true, 'socialInsurance.outOfProvince': false });
    expect(review.replies.at(-1)!.buttons[0]!.action).toBe('interview:confirm');
    const stored = JSON.parse(JSON.stringify(c.session)) as Session;
    expect(stored.interview!.history).toContain('work-start');

    const env = renamedEnv();
    const again = step(stored, { kind: 'action', action: 'interview:review' }, env);
    expect(text(again)).toContain('2018年7月'); // the renamed step's answer is still shown
    const v = step(again.session, { kind: 'action', action: 'interview:confirm' }, env);
    expect(v.assessment).toMatchObject({ eligible: true, routes: ['education-years'], workYears: 5 });
    expect(v.session.interview!.history).toContain('began-work');
    expect(v.session.interview!.history).not.toContain('work-start');
  });

  it('asks the first question still unanswered when the pending step no longer exists', () => {
    const c = conversation(bot);
    c.action('interview:start');
    const pending = answerFields(c, { ...PASS, education: 'college', workStart: undefined });
    expect(pending.ask?.field).toBe('workStart');
    const r = step(JSON.parse(JSON.stringify(c.session)), { kind: 'text', text: '2019年3月' }, renamedEnv());
    expect(r.session.interview!.answers.workStart).toBe('2019-03');
    expect(r.session.interview!.answers.education).toBe('college');
    expect(r.ask).not.toBeNull();
  });

  it('reads the first release\'s shape: answers, the pending question and the subscription kept', () => {
    const legacy = {
      flowVersion: '1.1', greeted: true, confirmingForget: false,
      subscription: { role: 'applicant', since: '2023-08-01T01:00:00.000Z' },
      interview: { answers: { employerInZone: true }, history: ['zone'], skipped: [], stage: 'asking', pending: 'private', editing: null, lastVerdict: null },
    };
    const s = restoreSession(legacy, bot.env());
    expect(s.mode).toEqual({ kind: 'asking', step: 'private', editing: null });
    expect(s.interview!.answers).toEqual({ employerInZone: true });
    expect(s.subscription).toMatchObject({ role: 'applicant', edition: bot.knowledge.edition });
    const r = step(legacy, { kind: 'text', text: '是' }, envAt(bot, AUG));
    expect(r.session.interview!.answers).toEqual({ employerInZone: true, employerPrivate: true });
    expect(r.ask?.field).toBe('specialty');
  });
});

describe('buttons belong to their question', () => {
  it('a press of an earlier question\'s button answers nothing and asks the pending question again', () => {
    const c = conversation(bot);
    c.action('interview:start');
    answerFields(c, { employerInZone: true, employerPrivate: true, specialty: 'pharmaceutical', nationality: 'mainland', annualReviewsPassed: undefined });
    const before = JSON.stringify(c.session.interview!.answers);
    const r = c.action('answer:zone:false'); // 第1题's 否, pressed at 第5题
    expect(text(r)).toContain('过期');
    expect(r.ask?.field).toBe('annualReviewsPassed');
    expect(JSON.stringify(c.session.interview!.answers)).toBe(before);
    expect(c.action('answer:annual-review:true').ask?.field).toBe('continuingEducation');
  });

  it('refuses crafted or malformed actions without a crash', () => {
    for (const action of ['interview:constructor', 'interview:__proto__', 'answer:__proto__:x', 'answer:zone', 'faq:', 'topic:../x', 'remind:intro', 'interview:edit:', 'x'.repeat(500)]) {
      const r = step(undefined, { kind: 'action', action }, envAt(bot, AUG));
      expect(text(r), action).toContain('过期');
    }
  });
});
