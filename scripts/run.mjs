/**
 * Runs a command's compiled code in this process: `node scripts/run.mjs chat --jsonl` is
 * `node dist/cli/chat.js --jsonl`, after making sure dist/ matches its inputs (a stat per input,
 * see scripts/build.mjs); a missing or stale dist/ is built first (esbuild, well under 2 s).
 * One process: `npm start` stays the service itself, so SIGTERM reaches its own handler.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, checkDist, ENTRIES, OUT_DIR } from './build.mjs';

const name = process.argv[2];
if (!ENTRIES.includes(name)) {
  process.stderr.write(`usage: node scripts/run.mjs ${ENTRIES.join('|')} [ARGS…]\n`);
  process.exit(2);
}
const state = checkDist();
if (!state.fresh) {
  process.stderr.write(`run: ${state.why}; building dist/\n`);
  await build({ quiet: true });
}
const entry = path.join(OUT_DIR, `${name}.js`);
// The command reads its arguments from process.argv.slice(2), as when run directly.
process.argv.splice(1, 2, entry);
await import(pathToFileURL(entry).href);
