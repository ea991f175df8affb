/**
 * Wording templates: `{name}` placeholders filled from values. Every text key declares the
 * placeholders its code supplies; loaders check each text against that declaration, so a
 * placeholder the code does not supply is found at load, not in front of a user.
 */

/** The placeholders a template uses, in order of first use. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))];
}

/** The first placeholder of `template` not in `allowed`, or undefined when all are allowed. */
export function undeclaredPlaceholder(template: string, allowed: readonly string[]): string | undefined {
  return placeholdersOf(template).find((p) => !allowed.includes(p));
}

/** Fills a template; a placeholder without a value is a bug (the loader should have refused it). */
export function fill(template: string, vars: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (v === undefined) throw new Error(`no value for placeholder {${name}}`);
    return String(v);
  });
}

/**
 * A table of text keys → the placeholders each may use, as declared in code. `Vars<T, K>` is the
 * value object `fill` needs for key K.
 */
export type PlaceholderTable = Readonly<Record<string, readonly string[]>>;
export type Vars<T extends PlaceholderTable, K extends keyof T> = Readonly<Record<T[K][number], string | number>>;

/**
 * Checks a loaded text section against its table: every placeholder a text uses must be one the
 * code supplies for that key. Returns the first problem as [key, message], or undefined.
 */
export function checkPlaceholders(texts: Readonly<Record<string, string>>, table: PlaceholderTable): [string, string] | undefined {
  for (const [key, text] of Object.entries(texts)) {
    const allowed = Object.hasOwn(table, key) ? table[key]! : [];
    const bad = undeclaredPlaceholder(text, allowed);
    if (bad !== undefined) {
      return [key, `unknown placeholder {${bad}}${allowed.length ? ` (this text may use ${allowed.map((p) => `{${p}}`).join(', ')})` : ' (this text takes none)'}`];
    }
  }
  return undefined;
}
