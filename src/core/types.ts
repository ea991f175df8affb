/**
 * The vocabulary every layer shares: what a person sends in, what the bot sends back. Channel-
 * neutral and JSON-friendly (the scriptable chat prints these shapes as they are).
 */

/** What a person did: typed text, pressed a button, answered the pending question, sent a photo. */
export type Input =
  | { kind: 'text'; text: string }
  /** A button press: the `action` string of a button the bot offered (see actions.ts). */
  | { kind: 'action'; action: string }
  /** A typed answer to the question now pending (the scriptable protocol's `{"value": …}`). */
  | { kind: 'value'; value: unknown }
  /** A photo: its bytes, checked against the notice's photo rules. */
  | { kind: 'photo'; data: Uint8Array };

export interface Button { label: string; action: string }
export interface Citation { id: string; title: string }
export interface Reply { text: string; buttons: Button[]; citations: Citation[] }

/** The question the engine waits on (set while the eligibility check asks; null otherwise). */
export interface Ask {
  /** The profile field of RULES.md, e.g. `education` or `achievements.inventionPatents`. */
  field: string;
  kind: 'choice' | 'boolean' | 'month' | 'number' | 'hours' | 'text';
  options?: string[];
}

/** A reply of plain text, no buttons, no citations. */
export function plain(text: string): Reply {
  return { text, buttons: [], citations: [] };
}
