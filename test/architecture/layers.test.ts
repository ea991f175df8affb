/**
 * The layers point one way: shared vocabulary at the bottom, then the knowledge and the store,
 * the rules, question answering and the interview, the dialogue, the bot, the channels, the
 * commands. A file may import its own layer or lower ones, never a higher one, and no chain of
 * imports may come back to where it started (type-only imports included).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** Layer of a project file, by its folder (lowest first). */
const LAYERS: [number, RegExp][] = [
  [0, /^src\/(core|text)\/|^src\/log\.ts$/],
  [1, /^src\/(knowledge|store)\//],
  [2, /^src\/rules\//],
  [3, /^src\/(reading|qa|interview|photo|reminders)\//],
  [4, /^src\/dialogue\//],
  [5, /^src\/(bot|office)\/|^src\/config\.ts$/],
  [6, /^adapters\//],
  [7, /^src\/cli\//],
];

function layerOf(file: string): number {
  const hit = LAYERS.find(([, re]) => re.test(file));
  if (!hit) throw new Error(`${file} is in no layer: add its folder to LAYERS`);
  return hit[0];
}

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) return sources(rel);
    return rel.endsWith('.ts') ? [rel] : [];
  });
}

/** The project files a file imports (static, re-exports, dynamic), as root-relative paths. */
function importsOf(file: string): string[] {
  const code = readFileSync(path.join(root, file), 'utf8');
  const specs = [...code.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]!);
  return specs.filter((s) => s.startsWith('.')).map((s) => path.relative(root, path.resolve(path.dirname(path.join(root, file)), s)));
}

const files = [...sources('src'), ...sources('adapters')];
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('layers', () => {
  it('every file is in a layer and imports only files that exist', () => {
    for (const [file, deps] of graph) {
      layerOf(file);
      for (const d of deps) expect(graph.has(d), `${file} imports ${d}`).toBe(true);
    }
  });

  it('no import points up a layer', () => {
    const up = [...graph].flatMap(([file, deps]) => deps.filter((d) => layerOf(d) > layerOf(file)).map((d) => `${file} → ${d}`));
    expect(up).toEqual([]);
  });

  it('no import chain closes a cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const d of graph.get(file) ?? []) visit(d, [...trail, file]);
      state.set(file, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('platform SDKs are imported only inside their channel', () => {
    const sdk: Record<string, RegExp> = { grammy: /^adapters\/telegram\//, '@grammyjs': /^adapters\/telegram\//, '@line/bot-sdk': /^adapters\/line\// };
    for (const file of files) {
      const code = readFileSync(path.join(root, file), 'utf8');
      for (const [pkg, home] of Object.entries(sdk)) {
        if (new RegExp(`from '${pkg}[/']`).test(code) || code.includes(`from '${pkg}'`)) expect(home.test(file), `${file} imports ${pkg}`).toBe(true);
      }
    }
  });
});

describe('store keys', () => {
  it('are spelled in src/store/keys.ts only', () => {
    const spelled = files.filter((f) => f !== 'src/store/keys.ts').filter((f) => /[`'"](?:user|delivery):|reminders:subscribers|:pushes:/.test(readFileSync(path.join(root, f), 'utf8')));
    expect(spelled).toEqual([]);
  });
});
