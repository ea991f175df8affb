/**
 * `npm run kb:check -- [--knowledge DIR]`: load and check knowledge/ (or DIR) as the bot would,
 * every edition its editions.yaml lists, with the flows that take the edition's facts (the
 * interview, the HR track); exit 1 with the one error.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DataError } from '../core/data-file.ts';
import { calendarCoverage } from '../core/working-days.ts';
import { loadHrTrack } from '../dialogue/hr.ts';
import { loadInterviewFlow } from '../interview/flow.ts';
import { defaultKnowledgeRoot, KnowledgeError, loadKnowledge, readEditions } from '../knowledge/load.ts';

let root: string;
try {
  const { values } = parseArgs({ options: { knowledge: { type: 'string' } }, strict: true });
  root = path.resolve(values.knowledge ?? defaultKnowledgeRoot());
} catch (err) {
  console.error(`kb:check: ${(err as Error).message}`);
  process.exit(2);
}

try {
  const plan = readEditions(root);
  for (const edition of plan.carried) {
    const k = loadKnowledge(root, edition);
    // The flows fill the edition's years, dates and hours in at load: a new edition can fail them.
    loadInterviewFlow(k);
    loadHrTrack(k);
    const from = plan.schedule.find((e) => e.edition === edition)?.from;
    const when = from === undefined ? 'not scheduled' : from === '0000-01-01' ? 'current' : `in force from ${from}`;
    console.log(`knowledge ok: edition ${k.edition} (${when}), ${k.clauses.length} clauses, ${Object.keys(k.params).length} parameters, ${k.faq.length} FAQ entries in ${k.topics.length} topics, ${k.synonyms.size} synonyms`);
  }
  console.log(`working-day calendar: ${calendarCoverage()}`);
} catch (err) {
  if (err instanceof KnowledgeError || err instanceof DataError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
