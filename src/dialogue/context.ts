/**
 * What the conversation remembers between messages: the facts the person told (merged, a later
 * one replacing an earlier one of the same kind) and the last topic answered (the question, the
 * entry and clauses it was answered from), so that "那本科呢" or "还有呢" is read against it.
 * It lives in the session, so 删除我的数据 removes it with the rest.
 */
import type { Facts, MonthSpan } from '../reading/index.ts';

export interface Topic {
  /** The question the last answer answered, normalised (after any rewriting). */
  query: string;
  /** `faq:<id>`, `clause:<id>`, `personal`, or null. */
  entry: string | null;
  clauses: string[];
  focus: string[];
  /** The kind of person a general question was about ("本科毕业要干几年": 本科), for its follow-ups; not the asker's facts. */
  facts?: Facts;
}

export interface Context {
  facts: Facts;
  topic: Topic | null;
}

export function emptyContext(): Context {
  return { facts: {}, topic: null };
}

const MONTH_FIELDS = ['graduated', 'workStart', 'assistantEngineerSince', 'technicianSince', 'honourIssued'] as const;

/**
 * `fresh` over `old`. A correction that gives only a year keeps the month said before
 * ("我2017年7月毕业" then "不对，是2016年" → 2016-07), and a start of work taken from the
 * graduation follows a corrected graduation.
 */
export function mergeFacts(old: Facts, given: Facts, correction: boolean): Facts {
  const { bareMonth, ...fresh } = given;
  // "不对，是2017年": the one date told before is the one corrected.
  if (correction && bareMonth && !MONTH_FIELDS.some((f) => fresh[f])) {
    const told = MONTH_FIELDS.filter((f) => old[f] && !(f === 'workStart' && old.workStart?.inferred));
    if (told.length === 1) (fresh as Record<string, unknown>)[told[0]!] = bareMonth;
  }
  const out: Facts = { ...old, ...fresh };
  // "实用新型我有3个" then "但是排第二": none of them ranked first.
  if (out.rankedNotFirst && out.utilityModels !== undefined && fresh.utilityModelsFirst === undefined) out.utilityModelsFirst = 0;
  // "我们有个德国籍工程师" then "只有普通工作签证": the foreigner's permit.
  if (out.nationality === 'foreign-unknown' && fresh.permit) {
    out.nationality = fresh.permit === 'permanent' ? 'foreign-permanent-resident' : fresh.permit === 'talent' ? 'foreign-talent-permit' : 'foreign-other';
  }
  // A photo described over several messages ("300x400的" then "jpg").
  if (old.photo && fresh.photo) out.photo = { ...old.photo, ...fresh.photo };
  for (const field of MONTH_FIELDS) {
    const before = old[field] as MonthSpan | null | undefined;
    const now = fresh[field] as MonthSpan | null | undefined;
    if (correction && before && now && now.from !== now.to && before.from === before.to) {
      const month = before.from.slice(5);
      (out as Record<string, unknown>)[field] = { from: `${now.from.slice(0, 4)}-${month}`, to: `${now.from.slice(0, 4)}-${month}` };
    }
  }
  if (fresh.graduated && !fresh.workStart && old.workStart?.inferred) out.workStart = { ...(out.graduated as MonthSpan), inferred: true };
  // A degree clearly not in engineering and work in a specialty, told in different messages: 专业不对口.
  if (out.educationRelevant === undefined && out.studiedOther && out.field && out.field.specialty !== 'other') {
    out.educationRelevant = false;
    out.relevanceInferred = true;
  }
  return out;
}

/** Whether a message told anything new. */
export function toldSomething(fresh: Facts): boolean {
  return Object.keys(fresh).some((k) => !['otherDate', 'today', 'bareMonth', 'otherFieldNamed', 'photo', 'askedYears'].includes(k));
}
