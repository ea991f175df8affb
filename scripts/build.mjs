/**
 * The build: each command's entry (src/cli/chat.ts, start.ts, assess.ts) bundled by esbuild into
 * one CommonJS file, dist/cli/NAME.bundle.cjs, run by dist/cli/NAME.cjs through V8's code cache
 * (scripts/load-bundle.cjs; Node 20 has none for ES modules): about 15 % of the chat's start.
 * `npm install` and `npm ci` run the build (the `prepare` script); scripts/run.cjs runs it again
 * when dist/ is missing or older than its inputs, so a command never runs stale code.
 *
 * - CommonJS means no top-level await in what the commands import (esbuild stops the build with
 *   the file and line); the entries run an async main(). Modules imported with import() (the store
 *   backends) are evaluated on first use, and so are the packages they require.
 * - The bundle is strict mode, as the ES modules it comes from; whitespace and syntax minified
 *   (names kept, so stack traces name functions; dist/cli/*.map for the lines).
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
 * - dist/build.json lists every input with its size, times and content hash; `checkDist`
 *   (scripts/dist-state.cjs) compares them with the files (a stat each; a hash only for a file
 *   whose stat changed).
 *
 * `node scripts/build.mjs` builds (`--meta`: also dist/meta.json, esbuild's metafile, for
 * analysing what went into the bundle); `node scripts/build.mjs --check` exits 1 when dist/ is stale.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import distState from './dist-state.cjs';

const { ROOT, OUT_DIR, MANIFEST, ENTRIES, MANIFEST_FORMAT, sha, signature, writeAtomic, checkDist } = distState;
export { checkDist, ENTRIES, OUT_DIR, ROOT };
/** Files outside the bundle's inputs that decide its output. */
const BUILD_FILES = ['scripts/build.mjs', 'scripts/dist-state.cjs', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json', 'tsconfig.json'];
const EXTERNAL = ['nodejieba', 'sqlite3', '@keyv/sqlite', 'image-size', 'jpeg-js'];
/** Replaced by the build's id after the build (same length, so positions and source maps hold). */
const ID_PLACEHOLDER = 'zhichengbuildid0123456789abcdefg';

/**
 * Rewrites `import.meta.url/dirname/filename` of a bundled module to its own place, relative to
 * the bundle's file; any other use of import.meta fails the build (it would be empty in CommonJS).
 */
function metaUrlPlugin() {
  return {
    name: 'project-relative-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta')) return undefined;
        const rel = path.relative(OUT_DIR, args.path).split(path.sep).join('/');
        const url = `new URL(${JSON.stringify(rel)}, __zhichengBundleUrl)`;
        const contents = text
          .replace(/\bimport\.meta\.url\b/g, `${url}.href`)
          .replace(/\bimport\.meta\.filename\b/g, `__zhichengFileURLToPath(${url})`)
          .replace(/\bimport\.meta\.dirname\b/g, `__zhichengDirname(__zhichengFileURLToPath(${url}))`);
        if (/\bimport\.meta\b/.test(contents)) throw new Error(`${rel}: import.meta other than url, dirname or filename cannot be bundled as CommonJS`);
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
      entryPoints: Object.fromEntries(ENTRIES.map((name) => [`${name}.bundle`, `src/cli/${name}.ts`])),
      outdir: OUT_DIR,
      outExtension: { '.js': '.cjs' },
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      external: EXTERNAL,
      minifyWhitespace: true,
      minifySyntax: true,
      sourcemap: 'linked',
      metafile: true,
      write: false,
      logLevel: quiet ? 'error' : 'warning',
      define: { __ZHICHENG_BUILD_ID__: JSON.stringify(ID_PLACEHOLDER) },
      // Strict, as the ES modules were; the rewritten import.meta.* need the rest.
      banner: { js: [
        '"use strict";',
        'const { fileURLToPath: __zhichengFileURLToPath, pathToFileURL: __zhichengPathToFileURL } = require("node:url");',
        'const { dirname: __zhichengDirname } = require("node:path");',
        'const __zhichengBundleUrl = __zhichengPathToFileURL(__filename).href;',
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
  // Bundles before the files that run them, those before the manifest: a process starting meanwhile finds whole files.
  for (const f of outputs) {
    writeAtomic(f.path, Buffer.from(f.contents).toString('utf8').replaceAll(ID_PLACEHOLDER, id));
    written.add(path.resolve(f.path));
  }
  for (const name of ENTRIES) {
    const file = path.join(OUT_DIR, `${name}.cjs`);
    writeAtomic(file, [
      '"use strict";',
      `// Generated by scripts/build.mjs: runs ${name}.bundle.cjs through V8's code cache (scripts/load-bundle.cjs).`,
      `require("../../scripts/load-bundle.cjs").runBundle(require("node:path").join(__dirname, "${name}.bundle.cjs"), "${id}");`,
      '',
    ].join('\n'));
    written.add(file);
  }
  for (const name of readdirSync(OUT_DIR)) {
    const file = path.join(OUT_DIR, name);
    if (!written.has(file) && /\.(c?js|mjs)(\.map)?$/.test(name)) {
      try { unlinkSync(file); } catch { /* removed meanwhile */ }
    }
  }
  const files = [...written].map((f) => path.relative(OUT_DIR, f)).sort();
  writeAtomic(MANIFEST, `${JSON.stringify({ format: MANIFEST_FORMAT, id, entries: ENTRIES, outputs: files, inputs }, null, 1)}\n`);
  if (!quiet) {
    const kb = outputs.filter((f) => f.path.endsWith('.cjs')).reduce((n, f) => n + f.contents.length, 0) / 1024;
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

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  if (process.argv.includes('--check')) {
    const state = checkDist();
    process.stderr.write(state.fresh ? 'dist/ is up to date\n' : `dist/ is stale: ${state.why}\n`);
    process.exitCode = state.fresh ? 0 : 1;
  } else {
    await build({ meta: process.argv.includes('--meta') });
  }
}
