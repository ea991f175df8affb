/**
 * Runs a command's compiled code in this process: `node scripts/run.cjs chat --jsonl` is
 * `node dist/cli/chat.cjs --jsonl`, after making sure dist/ matches its inputs (a stat per input,
 * scripts/dist-state.cjs); a missing or stale dist/ is built first (scripts/build.mjs, 1 to 3 s).
 * One process: `npm start` stays the service itself, so SIGTERM reaches its own handler.
 * CommonJS, as what it runs: no ES module loader to start on the common path.
 */
'use strict';
const path = require('node:path');
const { checkDist, ENTRIES, OUT_DIR } = require('./dist-state.cjs');

const name = process.argv[2];
if (!ENTRIES.includes(name)) {
  process.stderr.write(`usage: node scripts/run.cjs ${ENTRIES.join('|')} [ARGS…]\n`);
  process.exit(2);
}

function run() {
  const entry = path.join(OUT_DIR, `${name}.cjs`);
  // The command reads its arguments from process.argv.slice(2), as when run directly.
  process.argv.splice(1, 2, entry);
  require(entry);
}

const state = checkDist();
if (state.fresh) run();
else {
  process.stderr.write(`run: ${state.why}; building dist/\n`);
  import('./build.mjs').then(({ build }) => build({ quiet: true })).then(run, (err) => {
    process.stderr.write(`run: the build failed: ${err.message}\n`);
    process.exit(1);
  });
}
