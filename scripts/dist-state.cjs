/**
 * Where dist/ is and whether it matches its inputs (see scripts/build.mjs): CommonJS and small,
 * since scripts/run.cjs checks it at every start of a command.
 */
'use strict';
const { readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(ROOT, 'dist', 'cli');
const MANIFEST = path.join(ROOT, 'dist', 'build.json');
/** The commands that run compiled, by name (scripts/run.cjs NAME). */
const ENTRIES = ['chat', 'start', 'assess'];
/** The manifest's format (dist/ built by a build of another format is stale). */
const MANIFEST_FORMAT = 2;

// node:crypto is loaded only when a file's stat changed (it costs a few ms at every start otherwise).
const sha = (data) => require('node:crypto').createHash('sha256').update(data).digest('hex');
/** A file's stat as compared at start: size, modification and change times, inode. */
const signature = (st) => `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;

function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * Whether dist/ matches its inputs: `{ fresh: true }`, or `{ fresh: false, why }`. A stat per
 * input; an input whose stat changed is hashed, and only a changed content makes dist stale.
 */
function checkDist() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return { fresh: false, why: 'dist/ has not been built' };
  }
  if (manifest.format !== MANIFEST_FORMAT || !ENTRIES.every((e) => manifest.entries?.includes(e))) return { fresh: false, why: 'dist/ was built by another version of the build' };
  let touched = false;
  for (const [name, was] of Object.entries(manifest.inputs)) {
    let st = null;
    try {
      st = statSync(path.join(ROOT, name));
    } catch {
      // absent now
    }
    if (was === null || st === null) {
      if (was !== st) return { fresh: false, why: `${name} ${st ? 'appeared' : 'is gone'}` };
      continue;
    }
    const sig = signature(st);
    if (sig === was.sig) continue;
    if (sha(readFileSync(path.join(ROOT, name))) !== was.hash) return { fresh: false, why: `${name} changed` };
    was.sig = sig; // the same content, touched (a checkout, a copy): remembered, so the next check is a stat again
    touched = true;
  }
  for (const name of manifest.outputs) {
    try {
      statSync(path.join(OUT_DIR, name));
    } catch {
      return { fresh: false, why: `dist/cli/${name} is missing` };
    }
  }
  if (touched) {
    try {
      writeAtomic(MANIFEST, `${JSON.stringify(manifest, null, 1)}\n`);
    } catch {
      // read-only: checked by content again next time
    }
  }
  return { fresh: true };
}

module.exports = { ROOT, OUT_DIR, MANIFEST, ENTRIES, MANIFEST_FORMAT, sha, signature, writeAtomic, checkDist };
