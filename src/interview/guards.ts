/**
 * The named facts interview conditions may use (`{ guard: name }`), computed from the answers so
 * far with the rules themselves (src/rules), never with thresholds of their own.
 */
import type { Parameters } from '../knowledge/schema.ts';
import { atLeast, lowest, plainEducation, prescribedEducation } from '../rules/education.ts';
import { isFixable } from '../rules/blockers.ts';
import type { Assessment, Education, Profile } from '../rules/index.ts';
import { checkRoutes, ruleContext, type ItemNo, type RouteOutcome } from '../rules/routes.ts';
import { isAnswered, readField, requiredAnswered, type Answers } from './profile-answers.ts';

export interface GuardContext {
  answers: Answers;
  params: Parameters;
  /** The profile of the answers so far (unanswered required fields filled so they raise no blocker). */
  profile: Profile;
  /** assess() of that profile. */
  assessment: Assessment;
}

type Guard = (ctx: GuardContext) => boolean;

/** The 二.4 items that questions decide, and their fields (item (4) comes from workStart). */
const ITEM_FIELDS: Partial<Record<ItemNo, string[]>> = {
  1: ['achievements.innovationLead'],
  2: ['achievements.inventionPatents', 'achievements.softwareCopyrights', 'achievements.utilityModelsFirst'],
  3: ['achievements.techHeadYears', 'achievements.innovationTeamOrCountyLeader'],
  5: ['achievements.governmentAward'],
};

const education = (ctx: GuardContext) => readField(ctx.answers, 'education') as Education | undefined;

/** Route outcomes of a profile, by the rules. */
function outcomes(profile: Profile, params: Parameters): Map<string, RouteOutcome> {
  return new Map(checkRoutes(profile, ruleContext(profile, params)).map((o) => [o.route, o]));
}

/** The 二.4 items that hold for a profile (all of them count as held once the route holds). */
function heldItems(profile: Profile, params: Parameters): Set<ItemNo> {
  const o = outcomes(profile, params).get('two-of-five')!;
  if (o.holds) return new Set([1, 2, 3, 4, 5]);
  const s = o.shortfalls.find((x) => x.kind === 'items');
  return new Set(s && s.kind === 'items' ? s.held : []);
}

export const GUARDS: Record<string, Guard> = {
  /** A prerequisite (一, 二, 三) already fails on what was answered. */
  /** Blockers the person can still remove before the deadline (hours) do not end it: the check finds the route. */
  'prerequisite-failed': (ctx) => ctx.assessment.blockers.some((b) => b.code !== 'no-route' && !isFixable(b.code, ctx.params)),
  /** Every required fact is known and some route of 二.1–二.5 holds. */
  'route-found': (ctx) => requiredAnswered(ctx.answers) && ctx.assessment.routes.length > 0,
  /** 二.2 admits the education: the lowest level of the edition's assistantEngineerEducation or higher (技工院校 as their equivalents). */
  'assistant-engineer-education': (ctx) => {
    const e = education(ctx);
    return e !== undefined && atLeast(plainEducation(e, ctx.params), lowest(ctx.params.assistantEngineerEducation.value));
  },
  /** 二.5: without the prescribed education. */
  'below-prescribed': (ctx) => {
    const e = education(ctx);
    return e !== undefined && !atLeast(plainEducation(e, ctx.params), prescribedEducation(ctx.params));
  },
  /** 二.4 still open: fewer than the required items hold, and the items not yet asked could make it. */
  'two-of-five-open': (ctx) => {
    const need = ctx.params.twoOfFive.value.itemsRequired;
    const held = heldItems(ctx.profile, ctx.params);
    const open = (Object.entries(ITEM_FIELDS) as [string, string[]][])
      .filter(([item, fields]) => !held.has(Number(item) as ItemNo) && fields.some((f) => !isAnswered(ctx.answers, f))).length;
    return held.size < need && held.size + open >= need;
  },
  /** 二.4 item (3) already holds by the years as 技术部门负责人 (the edition's techHeadYears): its other half need not be asked. */
  'tech-head-met': (ctx) => {
    const years = readField(ctx.answers, 'achievements.techHeadYears');
    return typeof years === 'number' && years >= ctx.params.techHeadYears.value;
  },
  /** An honour of 附件4 was named. */
  'honour-given': (ctx) => typeof ctx.answers['honour.category'] === 'number',
  'no-assistant-engineer': (ctx) => readField(ctx.answers, 'assistantEngineerSince') === null,
  /** 专业不对口's extra year would decide 二.1 or item (4): the answer changes what holds. */
  'mismatch-matters': (ctx) => {
    const e = education(ctx);
    if (e === undefined || e === 'none' || !isAnswered(ctx.answers, 'workStart')) return false;
    const as = (relevant: boolean) => ({ ...ctx.profile, educationRelevant: relevant });
    const route1 = (p: Profile) => outcomes(p, ctx.params).get('education-years')!.holds;
    const item4 = (p: Profile) => heldItems({ ...p, achievements: { ...p.achievements, innovationLead: false, inventionPatents: 0, softwareCopyrights: 0, utilityModelsFirst: 0, techHeadYears: 0, innovationTeamOrCountyLeader: false, governmentAward: false } }, ctx.params).has(4);
    if (route1(as(true)) !== route1(as(false))) return true;
    // Item (4) only matters while 二.1 fails either way.
    return !route1(as(true)) && item4(as(true)) !== item4(as(false));
  },
  /** Not known to have graduated before the year the platform extracts degrees automatically (五(二)). */
  'degree-may-be-extracted': (ctx) => {
    const g = ctx.answers.graduated;
    return typeof g !== 'string' || Number(g.slice(0, 4)) >= ctx.params.degreeAutoExtractYear.value;
  },
};
