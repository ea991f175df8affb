/**
 * The answers computed for the person (flows/personal.yaml, src/dialogue/personal.ts) state the
 * edition's facts, not one year's: on both editions, and on a variant of each whose facts are
 * changed where 2024 kept 2023's (the platform, the 二.4 items in short, the documents of 一, the annex of the honours, the years of 二.2, the levels
 * 二.1 and 二.2 take, the employer kind). What each reply must say is read from the knowledge.
 */
import { describe, expect, it } from 'vitest';
import { loadPersonalTexts, personalReply } from '../../src/dialogue/personal.ts';
import type { Knowledge } from '../../src/knowledge/load.ts';
import type { Finding } from '../../src/qa/personal.ts';
import { editionKnowledge, EDITIONS } from '../editions.ts';

const texts = loadPersonalTexts();

/** The edition with the facts 2024 did not change changed: what a later notice might do. */
function variant(k: Knowledge): Knowledge {
  const p = k.params;
  return {
    ...k,
    params: {
      ...p,
      assistantEngineerYears: { ...p.assistantEngineerYears, value: p.assistantEngineerYears.value + 1 },
      assistantEngineerEducation: { ...p.assistantEngineerEducation, value: ['bachelor'] },
      educationWorkYears: { ...p.educationWorkYears, value: { master: 2, bachelor: 5 } },
      employerKind: { ...p.employerKind, value: '各类企业' },
      annualReview: { ...p.annualReview, value: { ...p.annualReview.value, recentYears: 2, fromYear: p.annualReview.value.toYear - 1, minGrade: '称职' } },
      patents: { ...p.patents, value: { ...p.patents.value, utilityModelsFirst: p.patents.value.utilityModelsFirst + 1 } },
      twoOfFive: { ...p.twoOfFive, value: { itemsRequired: 3, itemsTotal: 6 } },
    },
    wording: {
      ...k.wording,
      names: {
        ...k.wording.names,
        continuingEducationPlatform: { text: '浙江省专业技术人员继续教育平台', en: 'Zhejiang continuing education platform', clauses: k.wording.names.continuingEducationPlatform.clauses },
        honourAnnex: { text: '附件6', en: 'Annex 6', clauses: k.wording.names.honourAnnex.clauses },
      },
      conditions: { ...k.wording.conditions, item5: { ...k.wording.conditions.item5, text: '市级以上党委、政府表彰奖励', en: 'a commendation at city level or above' }, item3: { ...k.wording.conditions.item3, text: '研发部门负责人{years}年以上' } },
      foreignDocuments: { ...k.wording.foreignDocuments, 'foreign-permanent-resident': '外国人永久居留身份证', 'foreign-talent-permit': '外国高端人才确认函' },
    },
  };
}

const cases = EDITIONS.flatMap((e) => [[e, editionKnowledge(e)], [`${e}, facts changed`, variant(editionKnowledge(e))]] as const);

describe.each(cases)('personal answers under %s', (_name, k) => {
  const p = k.params;
  const say = (f: Finding, lang: 'zh' | 'en' = 'zh') => personalReply([f], lang, k, texts)!.text;

  it('hours short: the edition\'s years, hours and platform', () => {
    const ce = p.continuingEducation.value;
    const gap = { have: { total: ce.total - 10, professional: ce.professional - 10, public: ce.public, other: ce.total - ce.professional - ce.public }, short: { total: 10, professional: 10, public: 0 } };
    const said = say({ kind: 'hours', gap, partial: false, clauses: [] });
    expect(said).toContain(`近${ce.toYear - ce.fromYear + 1}年（${ce.fromYear}—${ce.toYear}年）不少于${ce.total}学时`);
    expect(said).toContain(`可在${k.wording.names.continuingEducationPlatform.text}学习`);
    expect(say({ kind: 'hours', gap, partial: false, clauses: [] }, 'en')).toContain(`Courses are on the ${k.wording.names.continuingEducationPlatform.en}`);
  });

  it('an education 二.1 does not take: the levels 二.1 and 二.2 take, and the other routes\' numbers', () => {
    const said = say({ kind: 'no-education-route', education: 'secondary', clauses: [] });
    const levels = texts.zh.levels;
    const work = [...new Set(Object.keys(p.educationWorkYears.value).map((e) => levels[e as keyof typeof levels]))];
    const assistant = [...new Set(p.assistantEngineerEducation.value.map((e) => levels[e]))];
    const inParens = (route: string) => said.match(new RegExp(`${route}[^（]*（限([^）]*)）`))![1]!.split(/、|或/).sort();
    expect(inParens('二\\.1')).toEqual(work.sort());
    expect(inParens('二\\.2')).toEqual(assistant.sort());
    expect(said).toContain(`${p.twoOfFive.value.itemsTotal}项条件中具备${p.twoOfFive.value.itemsRequired}项`);
    const en = say({ kind: 'no-education-route', education: 'secondary', clauses: [] }, 'en');
    for (const e of Object.keys(p.educationWorkYears.value)) expect(en).toContain(texts.en.levels[e as keyof typeof levels]);
  });

  it('二.2 and 破格: the edition\'s years as an assistant engineer and its 实用新型 count', () => {
    const honour = say({
      kind: 'honour', personal: true, holds: false, category: 1, issued: null, inWindow: true, window: { from: '2000-07-01', to: '2001-06-30' }, listed: true,
      mainTechLead: true, education: null, hasEducation: false, hasAssistant: true, quota: null, clauses: [],
    });
    expect(honour).toContain(`助理工程师满${p.assistantEngineerYears.value}年`);
    const notListed: Finding = {
      kind: 'honour', personal: false, holds: false, category: p.honourCategories.value + 1, issued: null, inWindow: null, window: { from: '2000-07-01', to: '2001-06-30' }, listed: false,
      mainTechLead: null, education: null, hasEducation: null, hasAssistant: null, quota: null, clauses: [],
    };
    expect(say(notListed)).toContain(`不在${k.wording.names.honourAnnex.text}所列的${p.honourCategories.value}类荣誉项目中`);
    expect(say(notListed, 'en')).toContain(`among the ${p.honourCategories.value} kinds of ${k.wording.names.honourAnnex.en}`);
    expect(say({ kind: 'assistant-education', education: 'secondary', clauses: [] }, 'en')).toContain(`assistant engineer for ${p.assistantEngineerYears.value} years`);
    const need = p.patents.value.utilityModelsFirst;
    expect(say({ kind: 'utility-first', first: 1, total: 1, need, clauses: [] })).toContain(`须${need}项以上且排名第一`);
  });

  it('二.4: each item held is named as the edition says it in short', () => {
    const c = k.wording.conditions;
    const said = say({ kind: 'items', held: [1, 3, 5], known: [1, 3, 5], need: p.twoOfFive.value.itemsRequired, total: p.twoOfFive.value.itemsTotal, workYears: null, longNeed: 10, clauses: [] });
    expect(said).toContain(`第(1)项 ${c.item1.text}`);
    expect(said).toContain(`第(3)项 ${c.item3.text.replace('{years}', String(p.techHeadYears.value))}`);
    expect(said).toContain(`第(5)项 ${c.item5.text}`);
    const en = say({ kind: 'items', held: [1, 5], known: [1, 5], need: p.twoOfFive.value.itemsRequired, total: p.twoOfFive.value.itemsTotal, workYears: null, longNeed: 10, clauses: [] }, 'en');
    expect(en).toContain(`item (5): ${c.item5.en}`);
    expect(en).toContain(`item (1): ${c.item1.en}`);
  });

  it('一 and the annual reviews: the edition\'s documents, employer kind, review years and grade', () => {
    const docs = k.wording.foreignDocuments;
    expect(say({ kind: 'scope-nationality', known: false, clauses: [] })).toContain(`${docs['foreign-permanent-resident']}或${docs['foreign-talent-permit']}`);
    expect(say({ kind: 'nationality-covered', nationality: 'foreign-talent-permit', clauses: [] }, 'en')).toContain(`(${docs['foreign-talent-permit']})`);
    const r = p.annualReview.value;
    expect(say({ kind: 'review-passed', clauses: [] })).toContain(`近${r.recentYears}年（${r.fromYear}—${r.toYear}年）`);
    const others = say({ kind: 'items', held: [], known: [], need: p.twoOfFive.value.itemsRequired, total: p.twoOfFive.value.itemsTotal, workYears: null, longNeed: 10, clauses: [] });
    expect(others).toContain(`${p.twoOfFive.value.itemsTotal}项条件中`);
    expect(others).toContain(`${p.zone.value}${p.employerKind.value}、专业范围、近${r.recentYears}年年度考核${r.minGrade}`);
  });
});
