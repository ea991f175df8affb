/** `npm run kb:check`: load and check knowledge/ as the bot would, every edition editions.yaml lists; exit 1 with the one error. */
import { calendarCoverage } from '../core/working-days.ts';
import { KnowledgeError, loadKnowledge, readEditions } from '../knowledge/load.ts';

try {
  const plan = readEditions();
  for (const edition of plan.carried) {
    const k = loadKnowledge(undefined, edition);
    const from = plan.schedule.find((e) => e.edition === edition)?.from;
    const when = from === undefined ? 'not scheduled' : from === '0000-01-01' ? 'current' : `in force from ${from}`;
    console.log(`knowledge ok: edition ${k.edition} (${when}), ${k.clauses.length} clauses, ${Object.keys(k.params).length} parameters, ${k.faq.length} FAQ entries in ${k.topics.length} topics, ${k.synonyms.size} synonyms`);
  }
  console.log(`working-day calendar: ${calendarCoverage()}`);
} catch (err) {
  if (err instanceof KnowledgeError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
