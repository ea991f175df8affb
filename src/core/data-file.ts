/**
 * The one loader of the project's data files (knowledge/ and flows/): YAML parsed with duplicate
 * keys refused, then checked with a zod schema. A failure throws a DataError whose message is one
 * line naming the file and the entry: `flows/hr.yaml: kinds[2] (id foreign).label: …`.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';

/** A data file that cannot be used; `file` is the path shown (e.g. `knowledge/2023/faq.yaml`). */
export class DataError extends Error {
  constructor(readonly file: string, readonly entry: string | null, readonly detail: string) {
    super(`${file}${entry ? `: ${entry}` : ''}: ${detail}`);
    this.name = 'DataError';
  }
}

/** Parses `text` (the content of `file`) as YAML and checks it against `schema`. */
export function parseDataFile<S extends z.ZodType>(file: string, text: string, schema: S): z.infer<S> {
  let data: unknown;
  try {
    data = parseYaml(text, { uniqueKeys: true });
  } catch (err) {
    const detail = err instanceof YAMLParseError ? err.message.split('\n')[0]! : String(err);
    throw new DataError(file, null, `not valid YAML: ${detail}`);
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new DataError(file, describePath(data, issue.path), issueMessage(issue));
  }
  return result.data;
}

/** "faq[3] (id q-foo).answer" style path, naming the entry by its id where it has one. */
function describePath(data: unknown, issuePath: readonly PropertyKey[]): string {
  let node: unknown = data;
  let out = '';
  for (const key of issuePath) {
    if (typeof key === 'number') {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      const nodeId = node && typeof node === 'object' ? (node as Record<string, unknown>).id : undefined;
      if (typeof nodeId === 'string') out += ` (id ${nodeId})`;
    } else {
      out += `${out ? '.' : ''}${String(key)}`;
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key as string] : undefined;
    }
  }
  return out || '(top level)';
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

/** A short content hash of some texts (a flow's version: it changes exactly when the files do). */
export function contentHash(texts: readonly string[]): string {
  const h = createHash('sha256');
  for (const t of texts) h.update(t).update('\0');
  return h.digest('hex').slice(0, 12);
}
