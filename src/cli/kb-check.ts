/** `npm run kb:check`: load and check knowledge/ as the bot would; exit 1 with the one error. */
import { calendarCoverage } from '../core/working-days.ts';
import { KnowledgeError, loadKnowledge } from '../knowledge/load.ts';

try {
  const k = loadKnowledge();
  console.log(`knowledge ok: edition ${k.edition}, ${k.clauses.length} clauses, ${Object.keys(k.params).length} parameters, ${k.faq.length} FAQ entries in ${k.topics.length} topics, ${k.synonyms.size} synonyms`);
  console.log(`working-day calendar: ${calendarCoverage()}`);
} catch (err) {
  if (err instanceof KnowledgeError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
