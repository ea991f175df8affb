/**
 * flows/hr.yaml: the HR track, checked at load. Each step names an FAQ entry that exists; each
 * kind's sample profile is a valid RULES.md profile that may apply (so its checklist is real).
 * Facts of the edition in a label or a sample are placeholders (SAMPLE_PLACEHOLDERS), so the
 * samples hold under any edition.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { cachedLoad, dataCacheKeyOf } from '../core/data-cache.ts';
import { contentHash, DataError, parseDataFile } from '../core/data-file.ts';
import { projectPath } from '../core/paths.ts';
import { checkPlaceholders, fill } from '../core/template.ts';
import type { Knowledge } from '../knowledge/load.ts';
import { assess, parseProfile, type ChecklistEntry } from '../rules/index.ts';

const hrSchema = z.strictObject({
  intro: z.string().min(1),
  kindsIntro: z.string().min(1),
  kindTitle: z.string().min(1),
  kindsButton: z.string().min(1).max(20),
  steps: z.array(z.strictObject({ label: z.string().min(1).max(20), faq: z.string() })).min(1),
  base: z.record(z.string(), z.unknown()),
  /** A label is at most 20 characters once filled (checked at load). */
  kinds: z.array(z.strictObject({ id: z.string().regex(/^[a-z0-9-]+$/), label: z.string().min(1), profile: z.record(z.string(), z.unknown()) })).min(1),
});

/**
 * What the samples and the kinds' labels may name of the edition: {honourIssued}, the edition's
 * example honour date (inside its honour window, checked by the knowledge loader); {autoYear},
 * the year before which degrees are not extracted automatically (五(二)); {hoursProfessional},
 * {hoursPublic}, {hoursOther}: continuing-education hours that just meet 三(三); {specialty}, the
 * first specialty 一 covers.
 */
export const SAMPLE_PLACEHOLDERS = ['honourIssued', 'autoYear', 'hoursProfessional', 'hoursPublic', 'hoursOther', 'specialty'] as const;

function sampleVars(k: Knowledge): Record<(typeof SAMPLE_PLACEHOLDERS)[number], string | number> {
  const ce = k.params.continuingEducation.value;
  return {
    honourIssued: k.wording.examples.honourIssued, autoYear: k.params.degreeAutoExtractYear.value,
    hoursProfessional: ce.professional, hoursPublic: ce.public, hoursOther: Math.max(0, ce.total - ce.professional - ce.public),
    specialty: Object.keys(k.params.specialties.value)[0]!,
  };
}

/** Every string of a sample filled (after its placeholders were checked); a lone placeholder keeps its value's type. */
function fillSample(value: unknown, vars: Readonly<Record<string, string | number>>): unknown {
  const lone = typeof value === 'string' ? /^\{(\w+)\}$/.exec(value) : null;
  if (lone && Object.hasOwn(vars, lone[1]!)) return vars[lone[1]!];
  if (typeof value === 'string') return fill(value, vars);
  if (Array.isArray(value)) return value.map((v) => fillSample(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, fillSample(v, vars)]));
  return value;
}

/** The strings of a sample, by their path ("kinds.exceptional.profile.honour.issued"). */
function sampleStrings(value: unknown, at: string): Record<string, string> {
  if (typeof value === 'string') return { [at]: value };
  if (value && typeof value === 'object') return Object.assign({}, ...Object.entries(value).map(([key, v]) => sampleStrings(v, `${at}.${key}`)));
  return {};
}

export interface HrKind { id: string; label: string; checklist: ChecklistEntry[] }
export interface HrTrack {
  /** A hash of hr.yaml's content (part of the stored sessions' version). */
  version: string;
  intro: string;
  kindsIntro: string;
  kindTitle: string;
  kindsButton: string;
  steps: { label: string; faq: string }[];
  kinds: HrKind[];
}

/** Reads and checks flows/hr.yaml against the knowledge (from the data cache when checked before against the same knowledge). */
export function loadHrTrack(k: Knowledge, root = projectPath('flows')): HrTrack {
  const source = readFileSync(path.join(root, 'hr.yaml'), 'utf8');
  const knowledgeKey = dataCacheKeyOf(k);
  const parse = () => parseHrTrack(source, k);
  return knowledgeKey ? cachedLoad('hr-track', [source, knowledgeKey], parse) : parse();
}

export function parseHrTrack(source: string, k: Knowledge): HrTrack {
  const file = 'flows/hr.yaml';
  const hr = parseDataFile(file, source, hrSchema);
  const bad = checkPlaceholders({ intro: hr.intro, kindsIntro: hr.kindsIntro, kindTitle: hr.kindTitle, kindsButton: hr.kindsButton }, { kindTitle: ['label'] });
  if (bad) throw new DataError(file, bad[0], bad[1]);
  for (const step of hr.steps) {
    if (!k.faqById.has(step.faq)) throw new DataError(file, `step "${step.label}"`, `FAQ entry "${step.faq}" does not exist`);
  }
  const vars = sampleVars(k);
  /** Every string of a sample may use the sample placeholders only. */
  const checkSample = (strings: Record<string, string>): void => {
    const bad = checkPlaceholders(strings, Object.fromEntries(Object.keys(strings).map((key) => [key, SAMPLE_PLACEHOLDERS])));
    if (bad) throw new DataError(file, bad[0], bad[1]);
  };
  checkSample(sampleStrings(hr.base, 'base'));
  const base = fillSample(hr.base, vars) as Record<string, unknown>;
  const kinds = hr.kinds.map((kind) => {
    checkSample({ ...sampleStrings(kind.label, `kinds.${kind.id}.label`), ...sampleStrings(kind.profile, `kinds.${kind.id}.profile`) });
    const label = fill(kind.label, vars);
    if (label.length > 20) throw new DataError(file, `kinds.${kind.id}.label`, `"${label}" is ${label.length} characters, at most 20`);
    const profile = fillSample(kind.profile, vars) as Record<string, unknown>;
    const r = parseProfile({ ...base, ...profile }, `kinds.${kind.id}.profile`);
    if (!r.ok) throw new DataError(file, null, r.error.message);
    // The cut-off and routes do not depend on the clock; the checklist is what the rules give.
    const a = assess(r.value, k, new Date(`${k.params.cutoff.value}T00:00:00Z`));
    if (!a.eligible) throw new DataError(file, `kinds.${kind.id}`, `the sample profile may not apply (${a.blockers.map((b) => b.code).join(', ')})`);
    return { id: kind.id, label, checklist: a.checklist };
  });
  return { version: contentHash([source]), intro: hr.intro, kindsIntro: hr.kindsIntro, kindTitle: hr.kindTitle, kindsButton: hr.kindsButton, steps: hr.steps, kinds };
}
