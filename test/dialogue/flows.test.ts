import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.ts';
import { projectPath } from '../../src/core/paths.ts';
import { parseChatFlow } from '../../src/dialogue/flow.ts';
import { parseHrTrack } from '../../src/dialogue/hr.ts';
import { parseInterviewFlow } from '../../src/interview/flow.ts';

const k = loadKnowledge();
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
