/** Shared fixtures for the rules tests: the real 2023 knowledge, a base profile, and edition clones. */
import { defaultKnowledgeRoot, loadKnowledge } from '../../src/knowledge/load.ts';
import type { Parameters } from '../../src/knowledge/schema.ts';
import { assess, parseProfile, type Assessment, type Edition, type Profile } from '../../src/rules/index.ts';
import { EDITION_2023 } from '../kit.ts';

/** knowledge/ at the 2023 edition, whichever edition is in force now. */
export const knowledge = loadKnowledge(defaultKnowledgeRoot(), EDITION_2023);

/** The bot's clock in the examples: 2023-08-01 09:00 in Shanghai. */
export const NOW = new Date('2023-08-01T09:00:00+08:00');

/** An eligible 本科 applicant (route 二.1 since 2018-07), every prerequisite met. */
export const BASE = {
  employerInZone: true,
  employerPrivate: true,
  specialty: 'pharmaceutical',
  nationality: 'mainland',
  education: 'bachelor',
  graduated: '2018-06',
  workStart: '2018-07',
  annualReviewsPassed: true,
  continuingEducation: { professional: 200, public: 60, other: 20 },
} as const;

/** The base profile with some fields replaced, validated (throws on a bad fixture). */
export function profile(over: Record<string, unknown> = {}): Profile {
  const r = parseProfile({ ...BASE, ...over });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Assesses the base profile with some fields replaced, under `edition` (the 2023 knowledge by default). */
export function run(over: Record<string, unknown> = {}, edition: Edition = knowledge, now = NOW): Assessment {
  return assess(profile(over), edition, now);
}

/** A copy of the 2023 parameters changed by `change`, with the 2023 wording: a differing edition built as data only. */
export function editionWith(change: (p: Parameters) => void): Edition {
  const params = structuredClone(knowledge.params);
  change(params);
  return { params, wording: knowledge.wording };
}

/** Honour fixture for 二.5: a national 附件4 row 1 honour within the 2023 window, as main technical lead. */
export const HONOUR = { category: 1, level: 'national', issued: '2023-01-15', mainTechLead: true } as const;
