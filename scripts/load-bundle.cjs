/**
 * Runs a command's bundle (dist/cli/NAME.bundle.cjs, CommonJS) with V8's code cache: the first
 * run compiles it as usual and, at exit (or 15 s in, for the service), keeps the compiled code in
 * node_modules/.cache/zhicheng/v8/ (ZHICHENG_CACHE_DIR/v8; `off`: no cache); later runs start
 * from that code instead of parsing and compiling ~2 MB of JavaScript again (about 15 % of the
 * chat's start). Node 20 has no compile cache for ES modules, hence a CommonJS bundle.
 *
 * An entry is named by the bundle's build id, Node's version and the architecture; V8 checks the
 * rest (its own version, flags, the source) and rejects a cache that does not fit, which is then
 * written again. A cache that cannot be read or written only costs speed.
 * ZHICHENG_DEBUG_CACHE=1 says on stderr whether the code came from the cache.
 */
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const ROOT = path.resolve(__dirname, '..');
/** Code cache entries kept per command (older builds' are removed when one is written). */
const KEEP = 4;

function cacheDir() {
  const configured = process.env.ZHICHENG_CACHE_DIR;
  if (configured === 'off') return null;
  return path.join(configured ? path.resolve(configured) : path.join(ROOT, 'node_modules', '.cache', 'zhicheng'), 'v8');
}

/** Runs `file` (a CommonJS bundle of build `buildId`) as the main module of this process. */
function runBundle(file, buildId) {
  const source = fs.readFileSync(file, 'utf8');
  const dir = cacheDir();
  const name = path.basename(file, '.cjs');
  const cacheFile = dir && path.join(dir, `${name}-${buildId}-${process.version}-${process.arch}.bin`);
  let cachedData;
  if (cacheFile) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      // none yet
    }
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
    // import() inside the bundle goes to Node's own loader (Node ≥ 20.12).
    ...(vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER ? { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
  });
  const state = !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  if (process.env.ZHICHENG_DEBUG_CACHE === '1') process.stderr.write(`code cache: ${state} (${name})\n`);
  if (cacheFile && state !== 'hit') {
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      try {
        const data = script.createCachedData();
        fs.mkdirSync(dir, { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, data);
        fs.renameSync(tmp, cacheFile);
        prune(dir, name, cacheFile);
      } catch {
        // read-only or full: the next start compiles again
      }
    };
    // The functions compiled by then are in the cache: at exit for a command, a while in for the service.
    process.once('exit', write);
    setTimeout(write, 15_000).unref();
  }

  const mod = new Module(file, null);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  const wrapper = script.runInThisContext({ displayErrors: true });
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
}

function prune(dir, name, keep) {
  const mine = fs.readdirSync(dir).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.bin')).map((f) => path.join(dir, f));
  if (mine.length <= KEEP) return;
  const dated = mine.filter((f) => f !== keep).map((f) => {
    try {
      return { f, t: fs.statSync(f).mtimeMs };
    } catch {
      return { f, t: 0 };
    }
  }).sort((a, b) => b.t - a.t);
  for (const { f } of dated.slice(KEEP - 1)) {
    try {
      fs.unlinkSync(f);
    } catch {
      // removed meanwhile
    }
  }
}

module.exports = { runBundle };
