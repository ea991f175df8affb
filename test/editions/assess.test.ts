/**
 * `assess` on both editions: the same applicants, built relative to each edition's cut-off and
 * requirements, get the same verdicts; what the verdict states (years, hours, dates, address)
 * is that edition's. Nothing here names a year or a number of one notice.
 */
import { describe, expect, it } from 'vitest';
import { assess, honourWindow, parseProfile, type Profile } from '../../src/rules/index.ts';
import type { Knowledge } from '../../src/knowledge/load.ts';
import { editionKnowledge, EDITIONS, inSeason, SEASON_DAYS_BEFORE, type EditionId } from '../editions.ts';

/** 2023-09-08 → 2023年9月8日, as replies write a date. */
const cn = (iso: string) => `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
const cutoffYear = (k: Knowledge) => Number(k.params.cutoff.value.slice(0, 4));
const other = (edition: EditionId) => editionKnowledge(EDITIONS.find((e) => e !== edition)!);

/**
 * A 本科 applicant whose years under 二.1 are exactly enough by the cut-off (January of the year
 * that many years before, to December of the cut-off's year), with exactly the hours required,
 * working in the edition's last-listed specialty (the new one in 2024).
 */
function applicant(k: Knowledge, over: Record<string, unknown> = {}): Profile {
  const p = k.params;
  const specialties = Object.keys(p.specialties.value);
  const ce = p.continuingEducation.value;
  const r = parseProfile({
    employerInZone: true,
    employerPrivate: true,
    specialty: specialties.at(-1),
    nationality: 'mainland',
    education: 'bachelor',
    workStart: `${cutoffYear(k) - p.educationWorkYears.value.bachelor! + 1}-01`,
    annualReviewsPassed: true,
    continuingEducation: { professional: ce.professional, public: ce.public, other: ce.total - ce.professional - ce.public },
    ...over,
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe.each(EDITIONS)('assess under the %s edition', (edition) => {
  const k = editionKnowledge(edition);
  const p = k.params;
  const now = new Date(inSeason(k));

  it('finds eligible an applicant whose years are exactly enough by the cut-off', () => {
    const a = assess(applicant(k), k, now);
    expect(a.blockers).toEqual([]);
    expect(a.eligible).toBe(true);
    expect(a.routes).toContain('education-years');
    expect(a.workYears).toBe(p.educationWorkYears.value.bachelor);
  });

  it('finds not yet eligible the same applicant a month short of the cut-off', () => {
    const start = `${cutoffYear(k) - p.educationWorkYears.value.bachelor! + 1}-02`;
    const a = assess(applicant(k, { workStart: start }), k, now);
    expect(a.eligible).toBe(false);
    expect(a.routes).toEqual([]);
    expect(a.blockers.map((b) => b.code)).toEqual(['no-route']);
    expect(a.workYears).toBe(p.educationWorkYears.value.bachelor! - 1);
    expect(a.nearMiss.map((n) => n.route)).toContain('education-years');
  });

  it('counts hours against this edition\'s total: one hour short is a (fixable) blocker', () => {
    const ce = p.continuingEducation.value;
    const short = applicant(k, { continuingEducation: { professional: ce.professional, public: ce.public, other: ce.total - ce.professional - ce.public - 1 } });
    const a = assess(short, k, now);
    expect(a.blockers.map((b) => b.code)).toEqual(['continuing-education']);
    expect(a.blockers[0]!.message).toContain(String(ce.total));
    // The other edition asks a different total: the minimum here is too little there, or more than enough.
    const there = other(edition).params.continuingEducation.value;
    const elsewhere = assess(applicant(k), other(edition), now).blockers.map((b) => b.code);
    expect(elsewhere.includes('continuing-education')).toBe(there.total > ce.total || there.professional > ce.professional || there.public > ce.public);
  });

  it('covers exactly this edition\'s specialties', () => {
    for (const s of Object.keys(p.specialties.value)) {
      expect(assess(applicant(k, { specialty: s }), k, now).eligible, s).toBe(true);
    }
    const a = assess(applicant(k, { specialty: 'other' }), k, now);
    expect(a.blockers.map((b) => b.code)).toContain('specialty-not-covered');
    for (const label of Object.values(p.specialties.value)) expect(a.blockers[0]!.message).toContain(label);
    // A specialty only the other edition covers is not covered here.
    for (const s of Object.keys(other(edition).params.specialties.value).filter((s) => !Object.hasOwn(p.specialties.value, s))) {
      expect(assess(applicant(k, { specialty: s }), k, now).blockers.map((b) => b.code), s).toContain('specialty-not-covered');
    }
  });

  it('states this edition\'s annual review years when they are not passed', () => {
    const a = assess(applicant(k, { annualReviewsPassed: false }), k, now);
    const { fromYear, toYear } = p.annualReview.value;
    expect(a.blockers.map((b) => b.code)).toEqual(['annual-review']);
    expect(a.blockers[0]!.message).toContain(`${fromYear}—${toYear}`);
  });

  it('takes the last row of this edition\'s 附件4 for 破格, within its honour window', () => {
    const rows = p.honourCategories.value;
    const window = honourWindow(p);
    const honour = { category: rows, level: 'national', issued: window.from, mainTechLead: true };
    const a = assess(applicant(k, { education: 'secondary', honour }), k, now);
    expect(a.routes).toEqual(['exceptional']);
    expect(a.eligible).toBe(true);
    // A row past the list, or an honour issued a day before the window, does not hold.
    expect(assess(applicant(k, { education: 'secondary', honour: { ...honour, category: rows + 1 } }), k, now).routes).toEqual([]);
    const dayBefore = new Date(Date.parse(`${window.from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(assess(applicant(k, { education: 'secondary', honour: { ...honour, issued: dayBefore } }), k, now).routes).toEqual([]);
  });

  it('sums up this edition\'s deadlines, counted from a day inside its season', () => {
    const a = assess(applicant(k), k, now);
    const summary = a.notes.find((n) => n.includes(cn(p.individualDeadline.value)));
    expect(summary).toBeDefined();
    expect(summary).toContain(cn(p.unitDeadline.value));
    expect(summary).toContain(`还有${SEASON_DAYS_BEFORE}天`);
    const days = Math.round((Date.parse(p.unitDeadline.value) - Date.parse(p.individualDeadline.value)) / 86_400_000) + SEASON_DAYS_BEFORE;
    expect(summary).toContain(`还有${days}天`);
    expect(a.deadlines.map((d) => d.date).filter(Boolean)).toEqual([p.individualDeadline.value, p.unitDeadline.value]);
    expect(a.deadlines.some((d) => d.what.includes(p.paperAddress.value))).toBe(true);
  });

  it('says the season is over once both deadlines are past', () => {
    const after = new Date(Date.parse(`${p.unitDeadline.value}T09:00:00+08:00`) + 86_400_000);
    const summary = assess(applicant(k), k, after).notes.find((n) => n.includes(cn(p.unitDeadline.value)))!;
    expect(summary).toContain('已过1天');
    expect(summary).toContain('本年度申报已截止');
  });
});
