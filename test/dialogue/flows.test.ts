import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultKnowledgeRoot, loadKnowledge } from '../../src/knowledge/load.ts';
import { projectPath } from '../../src/core/paths.ts';
import { parseChatFlow } from '../../src/dialogue/flow.ts';
import { parseHrTrack } from '../../src/dialogue/hr.ts';
import { parseInterviewFlow, questionVars } from '../../src/interview/flow.ts';
import { fill } from '../../src/core/template.ts';
import type { Knowledge } from '../../src/knowledge/load.ts';
import { EDITION_2023 } from '../kit.ts';

const k = loadKnowledge(defaultKnowledgeRoot(), EDITION_2023);
const fixtures = path.resolve(import.meta.dirname, '../fixtures/flows');
const real = (name: string) => readFileSync(projectPath('flows', name), 'utf8');

/**
 * Loads every flow file; a fixture is a patch.json ({file, find, replace}) applied to the real
 * file, so fixtures stay valid as the flows grow and each shows exactly the one defect.
 */
function loadAll(dir?: string): void {
  const patch = dir ? JSON.parse(readFileSync(path.join(dir, 'patch.json'), 'utf8')) as { file: string; find: string; replace: string } : undefined;
  const file = (name: string) => {
    const text = real(name);
    if (patch?.file !== name) return text;
    if (!text.includes(patch.find)) throw new Error(`fixture patch does not apply to ${name}: ${patch.find}`);
    return text.replace(patch.find, patch.replace);
  };
  parseChatFlow(file('chat.yaml'));
  parseInterviewFlow(file('interview.yaml'), file('interview-texts.yaml'), k);
  parseHrTrack(file('hr.yaml'), k);
}

describe('flow loaders', () => {
  it('load the real flows', () => {
    expect(() => loadAll()).not.toThrow();
  });

  const cases = readdirSync(fixtures).sort();
  it('have one bad fixture per loader error', () => {
    expect(cases.length).toBeGreaterThanOrEqual(18);
  });

  it.each(cases)('reject the bad fixture %s with one line naming the file and entry', (name) => {
    const dir = path.join(fixtures, name);
    const expected = new RegExp(readFileSync(path.join(dir, 'expected.txt'), 'utf8').trim());
    expect(() => loadAll(dir)).toThrow(expected);
  });
});

describe('flows name no year: the edition\'s facts fill them', () => {
  /** The 2023 knowledge a year later: 考核 2021–2023, 继续教育 2022–2024 with more hours, cut-off 2024-12-31, an example honour date in the new window. */
  const later: Knowledge = { ...k, params: structuredClone(k.params), wording: structuredClone(k.wording) };
  later.params.cutoff.value = '2024-12-31';
  later.params.annualReview.value = { ...k.params.annualReview.value, fromYear: 2021, toYear: 2023 };
  later.params.continuingEducation.value = { ...k.params.continuingEducation.value, fromYear: 2022, toYear: 2024, total: 300, professional: 200 };
  later.wording.examples.honourIssued = '2024-03-15';

  it('the interview asks about the edition\'s years', () => {
    const question = (kn: Knowledge, id: string) => fill(parseInterviewFlow(real('interview.yaml'), real('interview-texts.yaml'), kn).texts.questions[id]!, questionVars(kn));
    expect(question(k, 'annual-review')).toBe('近3年（2020—2022年）年度考核都是“合格”以上吗？');
    expect(question(later, 'annual-review')).toBe('近3年（2021—2023年）年度考核都是“合格”以上吗？');
    expect(question(k, 'hours')).toContain('近3年（2021—2023年）继续教育学时');
    expect(question(later, 'hours')).toContain('近3年（2022—2024年）继续教育学时');
    expect(question(k, 'honour-issued')).toBe('荣誉的发文日期是哪天？例如 2023年3月15日。');
    expect(question(later, 'honour-issued')).toBe('荣誉的发文日期是哪天？例如 2024年3月15日。');
  });

  it('the HR samples hold under a later edition', () => {
    expect(() => parseHrTrack(real('hr.yaml'), later)).not.toThrow();
    const exceptional = parseHrTrack(real('hr.yaml'), later).kinds.find((x) => x.id === 'exceptional')!;
    expect(exceptional.checklist.map((e) => e.item)).toContain(later.wording.personal['exceptional-route'].item);
    expect(parseHrTrack(real('hr.yaml'), k).kinds.find((x) => x.id === 'before-2001')!.label).toBe('2001年以前毕业');
    // The sample with the date written out, as before: refused under the later edition.
    expect(() => parseHrTrack(real('hr.yaml').replace('issued: "{honourIssued}"', 'issued: "2023-03-15"'), later)).toThrow(/kinds.exceptional: the sample profile may not apply \(no-route\)/);
  });

  it('the HR samples work in a specialty the edition covers, whichever it lists first', () => {
    const [first, ...rest] = Object.entries(k.params.specialties.value);
    const without: Knowledge = { ...k, params: structuredClone(k.params) };
    without.params.specialties.value = Object.fromEntries(rest);
    expect(() => parseHrTrack(real('hr.yaml'), without)).not.toThrow();
    // The sample with the specialty written out, as before: refused once the edition drops it.
    expect(() => parseHrTrack(real('hr.yaml').replace('specialty: "{specialty}"', `specialty: ${first![0]}`), without)).toThrow(/specialty-not-covered/);
  });
});
