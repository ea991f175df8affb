/**
 * Next year's notice added to knowledge/ as knowledge/README.md says (its folder, and an entry in
 * editions.yaml whose day has passed): a temporary root of knowledge/ plus the 2024 fixture, in
 * force from a day before the real clock. The things such an edition most easily breaks: kb:check
 * loads every edition, the bot at the real clock serves the new one, and what the single-edition
 * tests rely on (the 2023 edition named through test/kit.ts EDITION_2023, the kit's clock AUG)
 * still gives 2023 with the new edition in force.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import { defaultKnowledgeRoot, loadKnowledge, readEditions, readKnowledgeFiles } from '../../src/knowledge/load.ts';
import { cnDate } from '../../src/rules/index.ts';
import { AUG, EDITION_2023, envAt, testBot } from '../kit.ts';
import { twoEditionRoot } from '../editions.ts';

/** The day the README's example lists for the 2024 edition: long past on the real clock. */
const FROM_2024 = '2024-07-19';
const root = twoEditionRoot({ from2024: FROM_2024 });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const real2023 = loadKnowledge(defaultKnowledgeRoot(), EDITION_2023);
const k2023 = loadKnowledge(root, EDITION_2023);
const k2024 = loadKnowledge(root, '2024');
const individual = (k: typeof k2023) => cnDate(k.params.individualDeadline.value);

const bots: Bot[] = [];
afterAll(async () => { await Promise.all(bots.map((b) => b.close())); });
async function botOf(options: Parameters<typeof testBot>[0] = {}): Promise<Bot> {
  const bot = await testBot({ knowledgeRoot: root, ...options });
  bots.push(bot);
  return bot;
}

/** The first reply to one question of a new user. */
async function answer(bot: Bot, text: string): Promise<string> {
  const r = await bot.handle(`next-edition-${bots.length}-${text}`, { kind: 'text', text });
  return r.replies.map((x) => x.text).join('\n');
}

describe('knowledge/ with next year\'s edition in force', () => {
  it('the root is what the README makes: 2023 as in knowledge/, 2024 in force from a day already past', () => {
    expect(readEditions(root).schedule).toEqual([...readEditions().schedule.filter((e) => e.edition === EDITION_2023), { edition: '2024', from: FROM_2024 }]);
    expect(Date.now()).toBeGreaterThan(Date.parse(`${FROM_2024}T00:00:00+08:00`));
    expect(individual(k2024)).not.toBe(individual(k2023));
  });

  it('kb:check loads and reports every edition listed', () => {
    const run = spawnSync(path.resolve('node_modules/.bin/tsx'), ['src/cli/kb-check.ts', '--knowledge', root], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`knowledge ok: edition ${EDITION_2023} (in force from `);
    expect(run.stdout).toContain(`knowledge ok: edition 2024 (in force from ${FROM_2024})`);
  }, 60_000);

  it('a load without an edition gives the new one; a load naming 2023 gives knowledge/2023 unchanged', () => {
    expect(loadKnowledge(root).edition).toBe('2024');
    expect(readKnowledgeFiles(root).edition).toBe('2024');
    expect(k2023.edition).toBe(EDITION_2023);
    expect(k2023.notice).toEqual(real2023.notice);
    expect(k2023.params).toEqual(real2023.params);
    expect(k2023.faq).toEqual(real2023.faq);
    // The kit's clock stands in 2023's season whichever edition is in force now.
    expect(loadKnowledge(root, { at: new Date(AUG) }).edition).toBe(EDITION_2023);
  });

  it('the bot at the real clock serves 2024: its welcome, its deadline, last season\'s answered from 2023', async () => {
    const bot = await botOf();
    expect(bot.knowledge.edition).toBe('2024');
    expect(bot.env().knowledge.edition).toBe('2024');
    expect(await answer(bot, '你好')).toContain(k2024.notice.docNumber);
    const deadline = await answer(bot, '个人申报截止时间是哪天');
    expect(deadline).toContain(individual(k2024));
    expect(deadline).not.toContain(individual(k2023));
    expect(await answer(bot, '去年的截止时间是哪天')).toContain(individual(k2023));
    // The kit's conversations (at AUG) still step under 2023.
    expect(envAt(bot, AUG).knowledge.edition).toBe(EDITION_2023);
  });

  it('a bot pinned to 2023 answers 2023\'s facts at the real clock', async () => {
    const bot = await botOf({ edition: EDITION_2023 });
    expect(bot.knowledge.edition).toBe(EDITION_2023);
    expect(await answer(bot, '你好')).toContain(real2023.notice.docNumber);
    const deadline = await answer(bot, '个人申报截止时间是哪天');
    expect(deadline).toContain(individual(real2023));
    expect(deadline).not.toContain(individual(k2024));
    expect(envAt(bot, `${FROM_2024}T10:00:00+08:00`).knowledge.edition).toBe(EDITION_2023);
  });
});
