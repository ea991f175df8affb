/** Where the project's data folders are, whatever the working directory. */
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** A path inside the project (e.g. `projectPath('flows')`). */
export function projectPath(...parts: string[]): string {
  return path.join(ROOT, ...parts);
}
