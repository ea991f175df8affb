/**
 * What the dialogue step may use besides the session and the input: pure dependencies only (the
 * clock's value, the loaded knowledge and flows, the search index). No I/O goes through it.
 */
import type { InterviewEnv } from '../interview/engine.ts';
import type { InterviewFlow } from '../interview/flow.ts';
import type { Knowledge } from '../knowledge/load.ts';
import type { SearchIndex } from '../qa/search.ts';
import type { ChatFlow } from './flow.ts';
import type { HrTrack } from './hr.ts';
import type { PersonalTexts } from './personal.ts';

export interface Env {
  /** The bot's clock at this turn. */
  now: Date;
  /** Time zone of the calendar (TZ_BOT). */
  timeZone: string;
  knowledge: Knowledge;
  flow: ChatFlow;
  interview: InterviewFlow;
  hr: HrTrack;
  /** The wording of answers computed for a person (flows/personal.yaml). */
  personal: PersonalTexts;
  index: SearchIndex;
}

export function interviewEnv(env: Env): InterviewEnv {
  return { flow: env.interview, knowledge: env.knowledge, now: env.now, timeZone: env.timeZone };
}
