/**
 * The interview's questions and labels on both editions, and on a variant of each whose facts
 * 2024 kept are changed (the employer kind, what 二.4 and 二.5 name, the patents' years, the
 * 技术部门负责人 years): what a question restates of the notice is the edition's, read from its
 * parameters and wording.yaml `conditions`, never written for one year.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../../src/core/paths.ts';
import { questionText } from '../../src/interview/engine.ts';
import { parseInterviewFlow } from '../../src/interview/flow.ts';
import { GUARDS, type GuardContext } from '../../src/interview/guards.ts';
import type { Knowledge } from '../../src/knowledge/load.ts';
import { chineseCount } from '../../src/text/numbers.ts';
import { editionKnowledge, EDITIONS, inSeason } from '../editions.ts';

const read = (name: string) => readFileSync(path.join(projectPath('flows'), name), 'utf8');

function variant(k: Knowledge): Knowledge {
  const p = k.params;
  const q = k.wording.conditions;
  const changed = (key: keyof typeof q, text: string) => ({ ...q[key], text });
  return {
    ...k,
    params: {
      ...p,
      employerKind: { ...p.employerKind, value: '各类企业' },
      patents: { ...p.patents, value: { ...p.patents.value, recentYears: p.patents.value.recentYears - 2 } },
      techHeadYears: { ...p.techHeadYears, value: p.techHeadYears.value + 1 },
    },
    wording: {
      ...k.wording,
      names: { ...k.wording.names, zoneShort: { ...k.wording.names.zoneShort, text: '滨海新区' }, honourAnnex: { ...k.wording.names.honourAnnex, text: '附件6' } },
      conditions: {
        ...q,
        employerExcluded: changed('employerExcluded', '机关单位不在本次范围内'),
        honours: changed('honours', '附件5所列的国家级工业和信息化领域荣誉'),
        innovation: changed('innovation', '省级以上技术创新项目的主要承担者'),
        techHead: changed('techHead', '企业技术部门负责人'),
        teamLeader: changed('teamLeader', '省级创新团队核心人员'),
        award: changed('award', '市级以上党委、政府的表彰奖励'),
      },
    },
  };
}

const cases = EDITIONS.flatMap((e) => [[e, editionKnowledge(e)], [`${e}, facts changed`, variant(editionKnowledge(e))]] as const);

describe.each(cases)('the interview under %s', (_name, k) => {
  const flow = parseInterviewFlow(read('interview.yaml'), read('interview-texts.yaml'), k);
  const env = { flow, knowledge: k, now: new Date(inSeason(k)), timeZone: 'Asia/Shanghai' };
  const ask = (id: string) => questionText(flow.stepById.get(id)!, env);
  const p = k.params;
  const q = k.wording.conditions;

  it('asks of the edition\'s employer kind, and says who is outside it', () => {
    expect(ask('private')).toContain(`你的单位是${p.employerKind.value}吗？（${q.employerExcluded.text}）`);
    expect(flow.texts.labels.private).toBe(p.employerKind.value);
    expect(flow.texts.labels['annual-review']).toContain(p.annualReview.value.minGrade);
    expect(flow.texts.labels.zone).toContain(k.wording.names.zoneShort.text);
    expect(flow.texts.labels.honour).toContain(k.wording.names.honourAnnex.text);
  });

  it('names the honours of 二.5 and the items of 二.4 as the edition does', () => {
    expect(ask('honour')).toContain(q.honours.text);
    expect(ask('innovation-lead')).toContain(q.innovation.text);
    expect(ask('tech-head')).toContain(q.techHead.text);
    expect(ask('team-leader')).toContain(q.teamLeader.text);
    expect(ask('award')).toContain(q.award.text);
  });

  it('asks of patents of the edition\'s recent years, in Chinese numerals', () => {
    for (const id of ['invention-patents', 'software-copyrights', 'utility-models']) expect(ask(id)).toContain(`近${chineseCount(p.patents.value.recentYears)}年`);
  });

  it('skips the team-leader question once the 技术部门负责人 years meet the edition\'s item (3)', () => {
    const met = (years: number) => GUARDS['tech-head-met']!({ answers: { 'achievements.techHeadYears': years }, params: p } as unknown as GuardContext);
    expect(met(p.techHeadYears.value)).toBe(true);
    expect(met(p.techHeadYears.value - 1)).toBe(false);
    expect(JSON.stringify(flow.stepById.get('team-leader')!.if)).toContain('tech-head-met');
  });
});

describe.each(EDITIONS)('二.2 in the interview under %s', (edition) => {
  it('asks of 助理工程师 exactly the educations the edition\'s 二.2 admits', () => {
    const k = editionKnowledge(edition);
    const admits = (k2: Knowledge, education: string) => GUARDS['assistant-engineer-education']!({ answers: { education }, params: k2.params } as unknown as GuardContext);
    const only = (levels: ('bachelor' | 'college' | 'master')[]): Knowledge => ({ ...k, params: { ...k.params, assistantEngineerEducation: { ...k.params.assistantEngineerEducation, value: levels } } });
    for (const e of k.params.assistantEngineerEducation.value) expect(admits(k, e), e).toBe(true);
    expect(admits(k, 'secondary')).toBe(false);
    // An edition admitting 本科 and above only does not ask a 大专 applicant.
    expect(admits(only(['bachelor']), 'college')).toBe(false);
    expect(admits(only(['bachelor']), 'bachelor')).toBe(true);
    expect(admits(only(['bachelor']), 'master')).toBe(true);
  });
});

describe('chineseCount', () => {
  it('writes counts as the notice does', () => {
    expect([0, 3, 5, 10, 12, 20, 23, 99].map(chineseCount)).toEqual(['零', '三', '五', '十', '十二', '二十', '二十三', '九十九']);
    expect(() => chineseCount(100)).toThrow();
    expect(() => chineseCount(2.5)).toThrow();
  });
});
