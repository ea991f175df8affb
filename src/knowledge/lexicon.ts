/**
 * knowledge/reading.yaml: the word tables the reading of a message uses, checked with zod and
 * compiled once (normalised, longest first). Language, not facts of a notice.
 */
import { z } from 'zod';
import { normalize } from '../text/normalize.ts';
import { labelledList, wordList, type LabelledList, type WordList } from '../text/words.ts';

const words = z.array(z.string().min(1)).min(1);
const EDUCATIONS = ['doctorate', 'master', 'bachelor', 'college', 'secondary', 'tech-intermediate', 'tech-advanced', 'tech-technician', 'none'] as const;
export const EVENTS = ['graduated', 'workStart', 'assistantEngineerSince', 'technicianSince', 'honourIssued', 'patentGranted', 'hoursYear', 'today', 'smsReceived'] as const;
export const FOCUSES = ['can-i', 'years', 'deadline', 'days-left', 'short-by', 'where', 'how-many', 'materials', 'what-if', 'how', 'amount', 'who', 'why'] as const;
export const SLOT_GROUPS = ['education', 'party', 'origin', 'course', 'level', 'deadline', 'patent', 'route'] as const;

export type EventName = (typeof EVENTS)[number];
export type Focus = (typeof FOCUSES)[number];
export type SlotGroup = (typeof SLOT_GROUPS)[number];

const keyed = <K extends string>(keys: readonly K[]) =>
  z.strictObject(Object.fromEntries(keys.map((k) => [k, words])) as Record<K, typeof words>);

export const readingFileSchema = z.strictObject({
  education: keyed(EDUCATIONS),
  events: keyed(EVENTS),
  negation: words,
  grades: z.strictObject({ pass: words, fail: words }),
  unsure: words,
  whatever: words,
  corrections: words,
  followUp: z.strictObject({ openers: words, closers: words, more: words, next: words, why: words, pointers: words, named: words, aspects: words }),
  slots: keyed(SLOT_GROUPS),
  human: words,
  identity: words,
  checkMe: words,
  eligibilityWords: words,
  focus: keyed(FOCUSES),
  /** Words of fields of work by specialty id; which ids a notice covers is its parameter `specialties`. */
  specialties: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/).refine((s) => s !== 'other', '"other" is otherFields'), words),
  otherFields: words,
  notFields: words,
  documentAreas: z.strictObject({ degree: words, insurance: words, identity: words }),
  notEducation: words,
  focusEvidence: z.partialRecord(z.enum(FOCUSES), z.array(z.string().refine((r) => { try { new RegExp(r, 'u'); return true; } catch { return false; } }, 'a regular expression')).min(1)),
  paperWords: words,
  relativeDays: z.record(z.string().regex(/^-?\d$/), words),
  relevance: z.strictObject({ mismatch: words, match: words }),
  nonEngineeringStudies: words,
  employers: z.strictObject({ notPrivate: words, private: words }),
  zone: z.strictObject({ inside: words, outside: words, employerWords: words }),
  nationality: z.strictObject({ 'hk-macau-taiwan': words, foreign: words, otherPermit: words, permanent: words, talent: words }),
  degreeOrigin: z.strictObject({ foreign: words, 'hk-macau-taiwan': words, studyWords: words }),
  notExtracted: words,
  otherPlaces: words,
  otherProvinces: words,
  socialInsuranceWords: words,
  achievements: z.strictObject({
    inventionPatents: words, softwareCopyrights: words, utilityModels: words, rankedFirst: words,
    techHead: words, teamOrLeader: words, award: words, innovationLead: words, mainTechLead: words,
  }),
  honourLevels: z.strictObject({ national: words, provincial: words }),
  honourCategories: z.record(z.string().regex(/^[1-9]\d*$/), words),
});
export type ReadingFile = z.infer<typeof readingFileSchema>;

/** The compiled tables. */
export interface Lexicon {
  education: LabelledList<(typeof EDUCATIONS)[number]>;
  events: LabelledList<EventName>;
  negation: WordList;
  grades: LabelledList<'pass' | 'fail'>;
  unsure: WordList;
  whatever: WordList;
  corrections: WordList;
  followUp: {
    openers: WordList; closers: WordList; more: WordList; next: WordList; why: WordList;
    /** Words pointing back at the last subject ("这个", "那个表", "there"). */
    pointers: WordList;
    /** Words that ask an aspect of a subject, not name one ("提交", "几天", "盖章", "模板"). */
    aspects: WordList;
    /** Words that say what is asked and still name a subject ("联系人", "地址"). */
    named: WordList;
  };
  slots: LabelledList<SlotGroup>;
  human: WordList;
  identity: WordList;
  checkMe: WordList;
  /** Words of a can-I question about nothing in particular ("我条件够吗", "我能评中级吗"). */
  eligibilityWords: ReadonlySet<string>;
  focus: LabelledList<Focus>;
  /** Fields of work: a covered-looking specialty id, or 'other'. */
  fields: LabelledList<string>;
  /** Words containing a field's word that are not a field ("市政府", "电子版"). */
  notFields: WordList;
  /** The areas of the documents a situation adds. */
  documentAreas: LabelledList<'degree' | 'insurance' | 'identity'>;
  /** Words containing an education's word that are not one ("中小学"). */
  notEducation: WordList;
  /** What an answer to a focus contains. */
  focusEvidence: Partial<Record<Focus, RegExp[]>>;
  /** Words of the paper materials. */
  paperWords: WordList;
  /** Days relative to today by their words ("0": 今天, "-1": 昨天). */
  relativeDays: LabelledList<string>;
  relevance: LabelledList<'mismatch' | 'match'>;
  nonEngineeringStudies: WordList;
  employers: LabelledList<'notPrivate' | 'private'>;
  zone: { where: LabelledList<'inside' | 'outside'>; employerWords: WordList };
  nationality: LabelledList<'hk-macau-taiwan' | 'foreign' | 'otherPermit' | 'permanent' | 'talent'>;
  degreeOrigin: { where: LabelledList<'foreign' | 'hk-macau-taiwan'>; studyWords: WordList };
  notExtracted: WordList;
  otherPlaces: WordList;
  otherProvinces: WordList;
  socialInsuranceWords: WordList;
  achievements: LabelledList<keyof ReadingFile['achievements']>;
  honourLevels: LabelledList<'national' | 'provincial'>;
  honourCategories: LabelledList<string>;
  /** Whole words that ask rather than name a subject: focus, aspect, pointer and follow-up words. */
  askingWords: ReadonlySet<string>;
}

const n = (list: readonly string[]) => list.map(normalize);
const table = <L extends string>(t: Readonly<Record<L, readonly string[]>>) =>
  labelledList(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, n(v as string[])])) as Record<L, string[]>);

export function compileLexicon(f: ReadingFile): Lexicon {
  return {
    education: table(f.education),
    events: table(f.events),
    negation: wordList(n(f.negation)),
    grades: table(f.grades),
    unsure: wordList(n(f.unsure)),
    whatever: wordList(n(f.whatever)),
    corrections: wordList(n(f.corrections)),
    followUp: { openers: wordList(n(f.followUp.openers)), closers: wordList(n(f.followUp.closers)), more: wordList(n(f.followUp.more)), next: wordList(n(f.followUp.next)), why: wordList(n(f.followUp.why)), pointers: wordList(n(f.followUp.pointers)), named: wordList(n(f.followUp.named)), aspects: wordList(n(f.followUp.aspects)) },
    slots: table(f.slots),
    human: wordList(n(f.human)),
    identity: wordList(n(f.identity)),
    checkMe: wordList(n(f.checkMe)),
    eligibilityWords: new Set(n(f.eligibilityWords)),
    focus: table(f.focus),
    fields: table({ ...f.specialties, other: f.otherFields }),
    notFields: wordList(n(f.notFields)),
    documentAreas: table(f.documentAreas),
    notEducation: wordList(n(f.notEducation)),
    focusEvidence: Object.fromEntries(Object.entries(f.focusEvidence).map(([k, v]) => [k, (v ?? []).map((r) => new RegExp(r, 'u'))])),
    paperWords: wordList(n(f.paperWords)),
    relativeDays: table(f.relativeDays),
    relevance: table(f.relevance),
    nonEngineeringStudies: wordList(n(f.nonEngineeringStudies)),
    employers: table(f.employers),
    zone: { where: table({ inside: f.zone.inside, outside: f.zone.outside }), employerWords: wordList(n(f.zone.employerWords)) },
    nationality: table(f.nationality),
    degreeOrigin: { where: table({ foreign: f.degreeOrigin.foreign, 'hk-macau-taiwan': f.degreeOrigin['hk-macau-taiwan'] }), studyWords: wordList(n(f.degreeOrigin.studyWords)) },
    notExtracted: wordList(n(f.notExtracted)),
    otherPlaces: wordList(n(f.otherPlaces)),
    otherProvinces: wordList(n(f.otherProvinces)),
    socialInsuranceWords: wordList(n(f.socialInsuranceWords)),
    achievements: table(f.achievements),
    honourLevels: table(f.honourLevels),
    honourCategories: table(f.honourCategories),
    askingWords: new Set(n([...Object.entries(f.followUp).filter(([k]) => k !== 'named').flatMap(([, v]) => v), ...Object.values(f.focus).flat()]).filter((w) => !f.followUp.named.map(normalize).includes(w))),
  };
}
