/**
 * `npm run kb:export -- [--store URL] [--knowledge DIR]`: writes the knowledge changes made in the
 * office console (those not undone) into knowledge/ as YAML, checked by the loader first, and
 * prints the diff to review and commit. Changes already in the files change nothing (so exporting
 * twice, or after committing, is safe); the store keeps its list of changes.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, parseConfig } from '../config.ts';
import { editionOn } from '../knowledge/editions.ts';
import { defaultKnowledgeRoot, KnowledgeError, parseKnowledge, readEditions, readKnowledgeFiles } from '../knowledge/load.ts';
import { activeChanges, applyChanges, changeLog, describeChange } from '../office/changes.ts';
import { dateInZone } from '../rules/months.ts';
import { openStore } from '../store/index.ts';

let values: { store?: string; knowledge?: string };
let config: ReturnType<typeof parseConfig>;
try {
  ({ values } = parseArgs({ options: { store: { type: 'string' }, knowledge: { type: 'string' } }, strict: true }));
  config = parseConfig(process.env, { store: values.store });
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `kb:export: ${(err as Error).message}`);
  process.exit(2);
}
const root = path.resolve(values.knowledge ?? defaultKnowledgeRoot());
const store = await openStore(config.STORE_URL);
try {
  const list = await changeLog(store).list();
  if (!activeChanges(list).length) {
    console.log('kb:export: no knowledge changes were made in the console; nothing to write');
    process.exit(0);
  }
  // Each change goes into the edition it was made for (one stored without it: the edition in force when it was made).
  const plan = readEditions(root);
  const editionAt = (at: Date) => editionOn(plan, dateInZone(at, config.TZ_BOT));
  const changes = [];
  const changed: Record<string, string> = {};
  const before: Record<string, string> = {};
  for (const edition of plan.carried) {
    const own = activeChanges(list, edition, editionAt);
    if (!own.length) continue;
    const { files } = readKnowledgeFiles(root, edition);
    const after = applyChanges({ ...files, ...changed }, edition, own);
    parseKnowledge(after, edition);
    Object.assign(before, Object.fromEntries(Object.entries(files).filter(([name]) => !(name in before))));
    Object.assign(changed, after);
    changes.push(...own.map((c) => `${edition}: ${describeChange(c)}`));
  }
  const written = Object.keys(changed).filter((name) => changed[name] !== before[name]);
  for (const name of written) writeFileSync(path.join(root, name), changed[name]!);
  for (const c of changes) console.log(`  ${c}`);
  if (!written.length) {
    console.log(`kb:export: the ${changes.length} change(s) are already in ${root}`);
  } else {
    console.log(`kb:export: wrote ${written.map((n) => path.join(path.basename(root), n)).join(', ')}; review the diff and commit it:`);
    const diff = spawnSync('git', ['diff', '--no-color', '--', ...written], { cwd: root, encoding: 'utf8' });
    if (diff.status === 0 && diff.stdout) console.log(diff.stdout);
  }
} catch (err) {
  console.error(err instanceof KnowledgeError ? `kb:export: the changes do not pass the knowledge check: ${err.message}` : `kb:export: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await store.close();
}
