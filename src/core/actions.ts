/**
 * Every button action, defined once. A button carries its action as a short string (Telegram
 * allows 64 bytes of callback data, LINE 300): `formatAction` writes it, `parseAction` reads it
 * back and refuses anything malformed. Buttons that answer or change a question name that
 * question's step, so the engine can tell a stale press from a current one.
 */

/** What the interview's navigation buttons do. */
export const INTERVIEW_OPS = ['start', 'resume', 'exit', 'back', 'skip', 'restart', 'help', 'review', 'confirm', 'result', 'modify', 'share'] as const;
export type InterviewOp = (typeof INTERVIEW_OPS)[number];

/** What the reminder buttons do; `intro` shows the choices. */
export const REMIND_OPS = ['intro', 'applicant', 'hr', 'next', 'list', 'cancel'] as const;
export type RemindOp = (typeof REMIND_OPS)[number];

export type Action =
  /** The welcome (a first contact, /start). */
  | { kind: 'start' }
  | { kind: 'menu' }
  /** "Type your question" prompt. */
  | { kind: 'ask' }
  | { kind: 'faq-topics' }
  | { kind: 'topic'; id: string }
  | { kind: 'faq'; id: string }
  | { kind: 'clause'; id: string }
  | { kind: 'deadlines' }
  | { kind: 'hr' }
  | { kind: 'hr-kinds' }
  | { kind: 'hr-kind'; id: string }
  /** 删除我的数据: asks for a confirmation; `forget-confirm` answers it. */
  | { kind: 'forget' }
  | { kind: 'forget-confirm'; yes: boolean }
  | { kind: 'remind'; op: RemindOp }
  | { kind: 'interview'; op: InterviewOp }
  /** Change the answer of an answered step (from the review). */
  | { kind: 'edit'; step: string }
  /** Answer `step` with `value` (a choice's value, true/false, none, an old answer offered again). */
  | { kind: 'answer'; step: string; value: string }
  /** 👍/👎 on the answer to message `qid`; `skip` declines to add a comment after 👎. */
  | { kind: 'feedback'; vote: FeedbackVote; qid: string };

/** What a feedback button says of an answer. */
export const FEEDBACK_VOTES = ['up', 'down', 'skip'] as const;
export type FeedbackVote = (typeof FEEDBACK_VOTES)[number];

const ID = /^[a-z0-9][a-z0-9-]{0,60}$/;
/** A message's id for its feedback buttons (a short hex hash). */
const QID = /^[0-9a-f]{6,16}$/;
/** Answer values: option values, true/false/none, months (2018-07), dates, hours (200/60/20), numbers. */
const VALUE = /^[a-z0-9][a-z0-9./-]{0,40}$/;

/** The string a button carries for an action. */
export function formatAction(a: Action): string {
  switch (a.kind) {
    case 'start': case 'menu': case 'ask': case 'faq-topics': case 'deadlines': case 'hr': case 'hr-kinds': case 'forget':
      return a.kind;
    case 'topic': case 'faq': case 'clause': case 'hr-kind':
      return `${a.kind}:${a.id}`;
    case 'forget-confirm': return a.yes ? 'forget:yes' : 'forget:no';
    case 'remind': return a.op === 'intro' ? 'remind' : `remind:${a.op}`;
    case 'interview': return `interview:${a.op}`;
    case 'edit': return `interview:edit:${a.step}`;
    case 'answer': return `answer:${a.step}:${a.value}`;
    case 'feedback': return `fb:${a.vote}:${a.qid}`;
  }
}

/** The action a button string stands for, or null when it is not one (unknown, malformed, crafted). */
export function parseAction(s: string): Action | null {
  if (typeof s !== 'string' || s.length > 200) return null;
  const [head, ...rest] = s.split(':');
  const arg = rest.join(':');
  switch (head) {
    case 'start': case 'menu': case 'ask': case 'faq-topics': case 'deadlines': case 'hr': case 'hr-kinds':
      return rest.length === 0 ? { kind: head } : null;
    case 'forget':
      if (rest.length === 0) return { kind: 'forget' };
      return arg === 'yes' || arg === 'no' ? { kind: 'forget-confirm', yes: arg === 'yes' } : null;
    case 'topic': case 'faq': case 'clause': case 'hr-kind':
      return ID.test(arg) ? { kind: head, id: arg } : null;
    case 'remind':
      if (rest.length === 0) return { kind: 'remind', op: 'intro' };
      return isOneOf(REMIND_OPS, arg) && arg !== 'intro' ? { kind: 'remind', op: arg } : null;
    case 'interview': {
      if (rest[0] === 'edit') return rest.length === 2 && ID.test(rest[1]!) ? { kind: 'edit', step: rest[1]! } : null;
      return rest.length === 1 && isOneOf(INTERVIEW_OPS, arg) ? { kind: 'interview', op: arg } : null;
    }
    case 'answer': {
      if (rest.length !== 2) return null;
      const [step, value] = rest as [string, string];
      return ID.test(step) && VALUE.test(value) ? { kind: 'answer', step, value } : null;
    }
    case 'fb':
      return rest.length === 2 && isOneOf(FEEDBACK_VOTES, rest[0]!) && QID.test(rest[1]!) ? { kind: 'feedback', vote: rest[0], qid: rest[1]! } : null;
    default: return null;
  }
}

function isOneOf<T extends string>(list: readonly T[], s: string): s is T {
  return (list as readonly string[]).includes(s);
}

/**
 * The commands channels offer (Telegram's /commands, WeChat's menu keys): each is an action,
 * never trigger text. Their descriptions are wording, in flows/chat.yaml `commands`.
 */
export const COMMANDS = {
  start: { kind: 'start' },
  menu: { kind: 'menu' },
  check: { kind: 'interview', op: 'start' },
  result: { kind: 'interview', op: 'result' },
  faq: { kind: 'faq-topics' },
  deadlines: { kind: 'deadlines' },
  hr: { kind: 'hr' },
  subscribe: { kind: 'remind', op: 'intro' },
  reminders: { kind: 'remind', op: 'list' },
  unsubscribe: { kind: 'remind', op: 'cancel' },
  forget: { kind: 'forget' },
} as const satisfies Record<string, Action>;
export type CommandName = keyof typeof COMMANDS;

/** The action of a command name ("/Check" → check), or undefined. */
export function commandAction(name: string): Action | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(COMMANDS, key) ? COMMANDS[key as CommandName] : undefined;
}
