/**
 * knowledge/editions.yaml as the bot uses it: which edition is in force on a calendar day, which
 * editions came before one, and the season a question names ("2023年度的评审", "去年的截止时间"),
 * by the words of the file's `seasons` (data, not code). Pure.
 */
import { normalize } from '../text/normalize.ts';
import type { Seasons } from './schema.ts';

/** The editions carried and when each is in force. */
export interface EditionsPlan {
  /** Every edition carried (a folder of knowledge/), in the order listed. */
  carried: string[];
  /** The day (YYYY-MM-DD, TZ_BOT) each edition comes into force, ascending. The first form: the current edition, from always. */
  schedule: { edition: string; from: string }[];
  /** How a question names a season; null: questions naming one are not told apart. */
  seasons: Seasons | null;
}

/** A day before every date: the first form's current edition is in force from it. */
const ALWAYS = '0000-01-01';

type EditionsFile =
  | { editions: { edition: string; from: string }[]; seasons: Seasons }
  | { current: string; editions: string[]; seasons?: Seasons | undefined };

/** The plan of a parsed editions.yaml, or [entry, problem] for the first thing wrong with it. */
export function planOf(file: EditionsFile): EditionsPlan | [string, string] {
  if ('current' in file) {
    const dup = file.editions.find((e, i) => file.editions.indexOf(e) !== i);
    if (dup) return [`editions`, `edition ${dup} is listed twice`];
    if (!file.editions.includes(file.current)) return ['current', `current edition ${file.current} is not listed in "editions"`];
    return { carried: [...file.editions], schedule: [{ edition: file.current, from: ALWAYS }], seasons: file.seasons ?? null };
  }
  const list = file.editions;
  for (const [i, e] of list.entries()) {
    const where = `editions[${i}] (${e.edition})`;
    if (!realDay(e.from)) return [`${where}.from`, `${e.from} is not a day of the calendar`];
    const before = list[i - 1];
    if (!before) continue;
    if (list.slice(0, i).some((b) => b.edition === e.edition)) return [where, `edition ${e.edition} is listed twice`];
    if (e.edition <= before.edition) return [where, `editions must be listed oldest first: ${e.edition} comes after ${before.edition}`];
    if (e.from <= before.from) return [`${where}.from`, `${e.from} is not after ${before.from}, the day ${before.edition} comes into force`];
  }
  return { carried: list.map((e) => e.edition), schedule: list.map((e) => ({ edition: e.edition, from: e.from })), seasons: file.seasons };
}

function realDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/** The edition in force on `day` (YYYY-MM-DD): the latest whose day has come; before the first's, the first. */
export function editionOn(plan: EditionsPlan, day: string): string {
  let chosen = plan.schedule[0]!.edition;
  for (const e of plan.schedule) if (e.from <= day) chosen = e.edition;
  return chosen;
}

/** The editions in force before `edition`, the latest first (none for one not in the schedule). */
export function editionsBefore(plan: EditionsPlan, edition: string): string[] {
  const at = plan.schedule.findIndex((e) => e.edition === edition);
  return at < 0 ? [] : plan.schedule.slice(0, at).map((e) => e.edition).reverse();
}

/** The season a question names: its year, and where the marker ("2023年度的", "去年") is in the text. */
export interface SeasonNamed { year: number; at: number; end: number }

interface SeasonMatcher { pattern: RegExp; relative: Map<string, number>; joiners: string[] }

const matchers = new WeakMap<Seasons, SeasonMatcher>();

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const longestFirst = (a: string, b: string): number => b.length - a.length;

function matcherOf(seasons: Seasons): SeasonMatcher {
  let m = matchers.get(seasons);
  if (m) return m;
  const yearSources = seasons.years.map((t) => normalize(t).split('{year}').map(escape).join('\\d{4}'));
  const relative = new Map(Object.entries(seasons.relative).flatMap(([offset, words]) => words.map((w) => [normalize(w), Number(offset)] as const)));
  const markers = [...yearSources.map((s) => ({ s, len: s.length })), ...[...relative.keys()].map((w) => ({ s: escape(w), len: w.length }))]
    .sort((a, b) => b.len - a.len).map((x) => x.s);
  const joinerWords = seasons.joiners.map(normalize).sort(longestFirst);
  const joiners = joinerWords.map(escape);
  const nouns = seasons.nouns.map(normalize).sort(longestFirst).map(escape);
  // The marker (group 1), then a joiner or none, then a noun; a year marker never inside a longer number.
  const pattern = new RegExp(`(?<!\\d)(${markers.join('|')})\\s*(?:(?:${joiners.join('|')})\\s*)?(?:${nouns.join('|')})`, 'u');
  m = { pattern, relative, joiners: joinerWords };
  matchers.set(seasons, m);
  return m;
}

/**
 * The season `text` (normalised) names, relative words counted from `served` (the edition being
 * served); null when it names none. The marker is the part that says which year.
 */
export function seasonNamed(text: string, plan: EditionsPlan, served: string): SeasonNamed | null {
  if (!plan.seasons) return null;
  const m = matcherOf(plan.seasons);
  const found = m.pattern.exec(text);
  if (!found) return null;
  const marker = found[1]!;
  const at = found.index;
  const offset = m.relative.get(marker);
  const year = offset !== undefined ? Number(served) + offset : Number(/\d{4}/.exec(marker)![0]);
  // The marker with the joiner that follows it ("去年的"): what is taken out to ask the earlier edition.
  const rest = text.slice(at + marker.length);
  const joiner = m.joiners.find((j) => rest.trimStart().startsWith(j));
  const end = at + marker.length + (joiner ? rest.length - rest.trimStart().length + joiner.length : 0);
  return { year, at, end };
}

/**
 * Which edition answers a question about `year` while `served` is in force: `served` itself, an
 * edition in force before it ('earlier'), or none (a year with no edition carried, or one not yet
 * in force: out of scope).
 */
export function editionForYear(plan: EditionsPlan, served: string, year: number): { edition: string; earlier: boolean } | null {
  if (String(year) === served) return { edition: served, earlier: false };
  const earlier = editionsBefore(plan, served).find((e) => Number(e) === year);
  return earlier ? { edition: earlier, earlier: true } : null;
}
