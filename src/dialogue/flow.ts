/**
 * flows/chat.yaml: the chat's wording and trigger words, checked at load (strict keys, every
 * placeholder known) so a typo in wording is found at start, not in front of a user.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { normalize } from '../text/normalize.ts';

const PLACEHOLDERS = ['contactName', 'phone', 'edition', 'zone', 'title', 'docNumber', 'max', 'date', 'days', 'what', 'text', 'paperDays', 'publicityDays', 'rules', 'need', 'have',
  'deadline', 'role', 'when', 'offsets', 'time', 'from', 'to', 'year'] as const;

const words = z.array(z.string().min(1)).min(1);
const text = z.string().min(1);

export const chatFlowSchema = z.strictObject({
  version: z.number().int().positive(),
  materialsTopic: z.string().min(1),
  approvalSms: words,
  intents: z.strictObject({
    greeting: words, menu: words, thanks: words, faqBrowse: words, deadlines: words, check: words, hr: words, forget: words,
    subscribe: words, myReminders: words, unsubscribe: words,
    back: words, skip: words, restart: words, exit: words, help: words,
  }),
  texts: z.strictObject({
    welcome: text, menuIntro: text, askPrompt: text, thanks: text, empty: text, tooLong: text,
    fallback: text, source: text, showClause: text, clauseText: text, unknownAction: text, noPendingQuestion: text,
    topicList: text, topics: text, deadlineLine: text, daysLeft: text, today: text, past: text,
    deadlinesIntro: text, deadlinesRules: text, deadlinesPast: text, individualDeadline: text, unitDeadline: text,
    forgetConfirm: text, forgotten: text, forgetCancelled: text, paused: text, photoOk: text, photoBad: text, photoLine: text, photoPassed: text,
    paperDeadline: text, calendarNotCovered: text, remindIntro: text, subscribed: text, mySubscription: text, reminderLine: text,
    noMoreReminders: text, notSubscribed: text, unsubscribed: text, unsubscribeNone: text, roleApplicant: text, roleHr: text,
    seasonOver: text, nextEditionSubscribed: text, nextEditionListed: text, newEdition: text, reminder: text,
    reminderPublicity: text, reminderChecklist: text, reminderFooter: text, publicityStart: text,
  }),
  buttons: z.strictObject({ materials: text, check: text, hr: text, resume: text, forgetYes: text, forgetNo: text, ask: text, faq: text, deadlines: text, contact: text, menu: text,
    remind: text, remindApplicant: text, remindHr: text, remindList: text, remindCancel: text, remindNext: text }),
});

export type ChatFlow = z.infer<typeof chatFlowSchema>;
export type TextKey = keyof ChatFlow['texts'];
export type IntentName = keyof ChatFlow['intents'];

export function defaultFlowsRoot(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../flows');
}

/**
 * Parses one flow file against its schema (duplicate keys refused); throws one line naming the
 * file and the key: `flows/hr.yaml: kinds.0.label: …`. Shared by every loader of flows/.
 */
export function parseFlowFile<S extends z.ZodType>(file: string, source: string, schema: S): z.infer<S> {
  let data: unknown;
  try {
    data = parseYaml(source, { uniqueKeys: true });
  } catch (err) {
    throw new Error(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const detail = issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.join(', ')}` : issue.message;
    throw new Error(`${file}: ${issue.path.join('.') || '(top level)'}: ${detail}`);
  }
  return parsed.data;
}

/** Parses and checks a chat flow; throws one line naming the file and the key on error. */
export function parseChatFlow(source: string, file = 'flows/chat.yaml'): ChatFlow {
  const flow = parseFlowFile(file, source, chatFlowSchema);
  for (const [key, value] of Object.entries(flow.texts)) {
    for (const m of value.matchAll(/\{(\w+)\}/g)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) throw new Error(`${file}: texts.${key}: unknown placeholder {${m[1]}}`);
    }
  }
  return flow;
}

export function loadChatFlow(root = defaultFlowsRoot()): ChatFlow {
  return parseChatFlow(readFileSync(path.join(root, 'chat.yaml'), 'utf8'));
}

/** Fills a wording template; a placeholder without a value is a bug. */
export function fill(template: string, vars: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`no value for placeholder {${name}}`);
    return String(v);
  });
}

/** Trigger words in their compared form (normalised, punctuation removed), computed once per flow. */
const triggerCache = new WeakMap<ChatFlow, Map<IntentName, Set<string>>>();

function triggers(flow: ChatFlow): Map<IntentName, Set<string>> {
  let cached = triggerCache.get(flow);
  if (!cached) {
    cached = new Map((Object.entries(flow.intents) as [IntentName, string[]][]).map(([name, list]) => [name, new Set(list.flatMap((w) => [normalize(w), bare(w)]))]));
    triggerCache.set(flow, cached);
  }
  return cached;
}

function bare(text: string): string {
  return normalize(text).replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** The intent a short message expresses, if it is only one of the trigger words of `among` (default: all). */
export function matchIntent(flow: ChatFlow, message: string, among?: readonly IntentName[]): IntentName | undefined {
  if (message.length > 40) return undefined; // trigger words are short
  const normalized = normalize(message).trim();
  const stripped = bare(message);
  const all = triggers(flow);
  for (const name of among ?? [...all.keys()]) {
    const words = all.get(name)!;
    if (words.has(normalized) || (stripped && words.has(stripped))) return name;
  }
  return undefined;
}
