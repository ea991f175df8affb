/**
 * flows/chat.yaml: the chat's wording, trigger words and command descriptions, checked at load:
 * strict keys, and every placeholder a text uses is one the code supplies for that text (the
 * table below), so a wording change can never make a turn throw.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { COMMANDS, type CommandName } from '../core/actions.ts';
import { cachedLoad } from '../core/data-cache.ts';
import { contentHash, DataError, parseDataFile } from '../core/data-file.ts';
import { projectPath } from '../core/paths.ts';
import { checkPlaceholders, fill, type PlaceholderTable, type Vars } from '../core/template.ts';
import { normalize } from '../text/normalize.ts';

/** Every text key of chat.yaml and the placeholders the code fills in it. */
export const CHAT_TEXTS = {
  welcome: ['title', 'docNumber'], outOfSeason: ['year', 'personal', 'unit'], menuIntro: [], askPrompt: [], thanks: [], empty: [], tooLong: ['max'],
  fallback: ['zone', 'kind', 'contactName', 'phone'], fallbackEn: ['zone', 'contactName', 'phone'], source: ['title'], sourceEn: ['title'],
  previousEdition: ['edition'], previousEditionEn: ['edition'], earlierEdition: ['edition'], earlierEditionEn: ['edition'],
  human: ['contactName', 'phone'], humanEn: ['contactName', 'phone'], identity: ['title', 'docNumber'], identityEn: ['title', 'docNumber'],
  noted: ['facts'], notedEn: ['facts'], corrected: ['facts'], correctedEn: ['facts'], notedOnly: ['facts'], notedOnlyEn: ['facts'], showClause: [], clauseText: ['title', 'text'],
  feedbackThanks: [], feedbackAlready: [], feedbackAskComment: [], feedbackCommentThanks: [],
  unknownAction: [], noPendingQuestion: [], noResult: [], printChecklistTitle: [], printDeadlinesTitle: [], printPersonalDeadline: [], printUnitDeadline: [], printNoChecklist: [], printContact: [], printButton: [], topicList: ['title'], topics: [],
  deadlineLine: ['what', 'date', 'days'], daysLeft: ['days'], today: [], past: [], deadlinesIntro: ['date'],
  deadlinesRules: ['paperDays', 'publicityDays'], deadlinesPast: ['edition'], individualDeadline: [], unitDeadline: [],
  forgetConfirm: [], forgotten: [], forgetCancelled: [], paused: [],
  photoOk: ['rules'], photoBad: [], photoLine: ['need', 'have'], photoPassed: ['rules'], describedPhotoOk: ['rules'], describedPhotoBad: [], describedPhotoLine: ['need', 'have'], describedPhotoRest: ['rules'],
  paperDeadline: ['date', 'paperDays', 'deadline'], paperDeadlineWeekdays: ['date', 'paperDays', 'deadline'], weekdaysDate: ['date'],
  calendarNotCovered: ['from', 'to', 'year'],
  remindIntro: ['offsets', 'time'], subscribed: ['role'], mySubscription: ['role'], reminderLine: ['when', 'what', 'date'],
  noMoreReminders: [], notSubscribed: [], unsubscribed: [], unsubscribeNone: [], roleApplicant: [], roleHr: [],
  seasonOver: ['edition'], nextEditionSubscribed: [], nextEditionListed: [], newEdition: ['edition', 'title', 'docNumber'],
  reminder: ['what', 'date', 'days'], reminderPublicity: ['publicityDays', 'deadline'], reminderChecklist: [], reminderFooter: [],
  publicityStart: [],
  // What channels say on their own (an adapter never writes wording).
  channelSorry: [], channelUnsupported: [], channelNotImage: [], channelTooBig: ['maxMB', 'photoMaxMB'], channelImageFailed: [],
  channelImageExternal: [], wechatRemindersBy: [], wechatNoReminders: [], chooseHeader: [], choose: [], notSaved: [], forgetFailed: [],
  // The terminal and its scriptable protocol.
  terminalPrompt: [], terminalBot: [], terminalReminder: ['user'], terminalBye: [],
  protocolForm: [], protocolWholeLine: [], protocolBadJson: ['form'], protocolUnknownField: ['fields', 'form'], protocolBadField: ['field', 'form'], protocolOneInput: ['form'],
} as const satisfies PlaceholderTable;
export type TextKey = keyof typeof CHAT_TEXTS;

const words = z.array(z.string().min(1)).min(1);
const text = z.string().min(1);
const INTENTS = ['greeting', 'menu', 'thanks', 'helpful', 'unhelpful', 'faqBrowse', 'deadlines', 'check', 'result', 'hr', 'forget', 'subscribe', 'myReminders', 'unsubscribe',
  'back', 'skip', 'restart', 'exit', 'help', 'confirm', 'deny'] as const;
const BUTTONS = ['materials', 'check', 'result', 'hr', 'resume', 'forgetYes', 'forgetNo', 'ask', 'faq', 'deadlines', 'contact', 'menu',
  'remind', 'remindApplicant', 'remindHr', 'remindList', 'remindCancel', 'remindNext', 'helpful', 'unhelpful', 'skipComment'] as const;
const keyed = <K extends string, S extends z.ZodType>(keys: readonly K[], schema: S) =>
  z.strictObject(Object.fromEntries(keys.map((k) => [k, schema])) as Record<K, S>);

export const chatFlowSchema = z.strictObject({
  materialsTopic: z.string().min(1),
  approvalSms: words,
  intents: keyed(INTENTS, words),
  texts: keyed(Object.keys(CHAT_TEXTS) as TextKey[], text),
  buttons: keyed(BUTTONS, z.string().min(1).max(20)),
  /** The Official Account's menu: the names of its three items (a top-level name holds 4 characters). */
  wechatMenu: z.strictObject({ check: z.string().min(1).max(4), faq: z.string().min(1).max(4), subscribe: z.string().min(1).max(4) }),
  /** What each channel command is called in its menu (Telegram's /commands). */
  commands: keyed(Object.keys(COMMANDS) as CommandName[], z.string().min(1).max(40)),
});

export type ChatFlow = z.infer<typeof chatFlowSchema> & {
  /** A hash of chat.yaml's content (part of the stored sessions' version). */
  version: string;
};
export type IntentName = (typeof INTENTS)[number];

/** Parses and checks a chat flow; throws one line naming the file and the key on error. */
export function parseChatFlow(source: string, file = 'flows/chat.yaml'): ChatFlow {
  const flow = parseDataFile(file, source, chatFlowSchema);
  const bad = checkPlaceholders(flow.texts, CHAT_TEXTS);
  if (bad) throw new DataError(file, `texts.${bad[0]}`, bad[1]);
  return { ...flow, version: contentHash([source]) };
}

/** Reads and checks flows/chat.yaml (from the data cache when this content was checked before). */
export function loadChatFlow(root = projectPath('flows')): ChatFlow {
  const source = readFileSync(path.join(root, 'chat.yaml'), 'utf8');
  return cachedLoad('chat-flow', [source], () => parseChatFlow(source));
}

/** A chat text filled with exactly the placeholders its key declares. */
export function say<K extends TextKey>(flow: ChatFlow, key: K, vars: Vars<typeof CHAT_TEXTS, K>): string {
  return fill(flow.texts[key], vars);
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
