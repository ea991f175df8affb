/**
 * The build: the commands' entries (src/cli/chat.ts, start.ts, assess.ts) bundled by esbuild into
 * dist/cli/ (ES modules, shared chunks, the store backends in chunks of their own loaded on use).
 * `npm install` and `npm ci` run it (the `prepare` script); scripts/run.mjs runs it again when
 * dist/ is missing or older than its inputs, so a command never runs stale code.
 *
 * - Native modules stay in node_modules (nodejieba, sqlite3 with @keyv/sqlite), and so do the
 *   image decoders, which src/photo/check.ts requires on the first photo. Everything else (zod,
 *   yaml, grammy, pino, …) is bundled: one file to read and compile instead of hundreds (pino:
 *   12 ms instead of 25–50). pino's transports run worker files and would not work bundled; the
 *   service logs to fd 2 without one (src/log.ts), and the compiled start's tests read its log.
 * - `import.meta.url` in a bundled module is rewritten to that module's own place in the project
 *   (relative to the bundle), so code that finds knowledge/, flows/, adapters/web/page.html or
 *   a package from its own file finds it from the project root, not from dist/.
 * - `__ZHICHENG_BUILD_ID__` is a hash of the bundle's code: the data cache's code version
 *   (src/core/data-cache.ts).
 * - dist/build.json lists every input with its size, times and content hash; `checkDist` compares
 *   them with the files (a stat each; a hash only for a file whose stat changed).
 *
 * `node scripts/build.mjs` builds (`--meta`: also dist/meta.json, esbuild's metafile, for
 * analysing what went into the bundle); `node scripts/build.mjs --check` exits 1 when dist/ is stale.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = path.join(ROOT, 'dist', 'cli');
export const MANIFEST = path.join(ROOT, 'dist', 'build.json');
/** The commands that run compiled, by name (scripts/run.mjs NAME). */
export const ENTRIES = ['chat', 'start', 'assess'];
/** Files outside the bundle's inputs that decide its output. */
const BUILD_FILES = ['scripts/build.mjs', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json', 'tsconfig.json'];
const EXTERNAL = ['nodejieba', 'sqlite3', '@keyv/sqlite', 'image-size', 'jpeg-js'];
/** Replaced by the build's id after the build (same length, so positions and source maps hold). */
const ID_PLACEHOLDER = 'zhichengbuildid0123456789abcdefg';
const MANIFEST_FORMAT = 1;

const sha = (data) => createHash('sha256').update(data).digest('hex');
const signature = (st) => `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;

/** Rewrites `import.meta.url/dirname/filename` of a source module to its own place, relative to the bundle. */
function metaUrlPlugin() {
  return {
    name: 'project-relative-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta')) return undefined;
        const rel = path.relative(OUT_DIR, args.path).split(path.sep).join('/');
        const url = `new URL(${JSON.stringify(rel)}, import.meta.url)`;
        const contents = text
          .replace(/\bimport\.meta\.url\b/g, `${url}.href`)
          .replace(/\bimport\.meta\.filename\b/g, `__zhichengFileURLToPath(${url})`)
          .replace(/\bimport\.meta\.dirname\b/g, `__zhichengDirname(__zhichengFileURLToPath(${url}))`);
        return { contents, loader: /\.m?ts$/.test(args.path) ? 'ts' : 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/** Builds dist/ and writes its manifest; returns the build's id. */
export async function build({ quiet = false, meta = false } = {}) {
  const started = Date.now();
  const esbuild = await import('esbuild');
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: Object.fromEntries(ENTRIES.map((name) => [name, `src/cli/${name}.ts`])),
      outdir: OUT_DIR,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: EXTERNAL,
      sourcemap: 'linked',
      metafile: true,
      write: false,
      logLevel: quiet ? 'error' : 'warning',
      define: { __ZHICHENG_BUILD_ID__: JSON.stringify(ID_PLACEHOLDER) },
      // Bundled CommonJS packages call require(); the rewritten import.meta.* need these two.
      banner: { js: [
        "import { createRequire as __zhichengCreateRequire } from 'node:module';",
        "import { fileURLToPath as __zhichengFileURLToPath } from 'node:url';",
        "import { dirname as __zhichengDirname } from 'node:path';",
        'const require = __zhichengCreateRequire(import.meta.url);',
      ].join(' ') },
      plugins: [metaUrlPlugin()],
    });
  } finally {
    await esbuild.stop?.();
  }

  if (meta) writeAtomic(path.join(ROOT, 'dist', 'meta.json'), JSON.stringify(result.metafile));
  const outputs = [...result.outputFiles].sort((a, b) => (a.path < b.path ? -1 : 1));
  const idHash = createHash('sha256');
  for (const f of outputs) idHash.update(path.relative(OUT_DIR, f.path)).update('\0').update(f.contents).update('\0');
  const id = idHash.digest('hex').slice(0, ID_PLACEHOLDER.length);

  // Inputs: the project's bundled files, and for a bundled package its package.json (a stat each
  // at every start: 80 rather than 1200); npm rewrites node_modules/.package-lock.json at every
  // install. Plus the build's own files. Each with its stat and content hash.
  const inputNames = [...new Set([...Object.keys(result.metafile.inputs).map(inputToWatch), ...BUILD_FILES])]
    .filter((name) => !name.startsWith('<'))
    .sort();
  const inputs = {};
  for (const name of inputNames) {
    const file = path.join(ROOT, name);
    try {
      inputs[name] = { sig: signature(statSync(file)), hash: sha(readFileSync(file)) };
    } catch {
      inputs[name] = null; // absent (e.g. no tsconfig.json): a file appearing there makes dist stale
    }
  }

  mkdirSync(OUT_DIR, { recursive: true });
  const written = new Set();
  // Chunks before entries, entries before the manifest: a process starting meanwhile finds whole files.
  const order = (f) => (ENTRIES.some((e) => path.basename(f.path).startsWith(`${e}.js`)) ? 1 : 0);
  for (const f of [...outputs].sort((a, b) => order(a) - order(b))) {
    const text = Buffer.from(f.contents).toString('utf8').replaceAll(ID_PLACEHOLDER, id);
    writeAtomic(f.path, text);
    written.add(path.resolve(f.path));
  }
  for (const name of readdirSync(OUT_DIR)) {
    const file = path.join(OUT_DIR, name);
    if (!written.has(file) && /\.js(\.map)?$/.test(name)) {
      try { unlinkSync(file); } catch { /* removed meanwhile */ }
    }
  }
  const files = [...written].map((f) => path.relative(OUT_DIR, f)).sort();
  writeAtomic(MANIFEST, `${JSON.stringify({ format: MANIFEST_FORMAT, id, entries: ENTRIES, outputs: files, inputs }, null, 1)}\n`);
  if (!quiet) {
    const kb = outputs.filter((f) => f.path.endsWith('.js')).reduce((n, f) => n + f.contents.length, 0) / 1024;
    process.stderr.write(`build: dist/cli (${ENTRIES.join(', ')}), ${Math.round(kb)} KB of JavaScript, ${inputNames.length} inputs, id ${id.slice(0, 12)}, ${Date.now() - started} ms\n`);
  }
  return id;
}

/** The file that stands for a bundled input: itself, or its package's package.json. */
function inputToWatch(name) {
  const at = name.lastIndexOf('node_modules/');
  if (at < 0) return name;
  const parts = name.slice(at + 'node_modules/'.length).split('/');
  const pkg = parts[0].startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return `${name.slice(0, at)}node_modules/${pkg}/package.json`;
}

function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/**
 * Whether dist/ matches its inputs: `{ fresh: true }`, or `{ fresh: false, why }`. A stat per
 * input; an input whose stat changed is hashed, and only a changed content makes dist stale.
 */
export function checkDist() {
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

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  if (process.argv.includes('--check')) {
    const state = checkDist();
    process.stderr.write(state.fresh ? 'dist/ is up to date\n' : `dist/ is stale: ${state.why}\n`);
    process.exitCode = state.fresh ? 0 : 1;
  } else {
    await build({ meta: process.argv.includes('--meta') });
  }
}
