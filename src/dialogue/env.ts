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
  /**
   * Another edition of the notice carried in knowledge/ (for a question about an earlier season),
   * the same value for the same edition every time (loaded on first use); undefined when it is not
   * carried or does not load. Absent: only the edition served is known.
   */
  otherEdition?: (edition: string) => EditionParts | undefined;
}

/** What a step uses of one edition. */
export interface EditionParts {
  knowledge: Knowledge;
  index: SearchIndex;
  interview: InterviewFlow;
  hr: HrTrack;
}

export function interviewEnv(env: Env): InterviewEnv {
  return { flow: env.interview, knowledge: env.knowledge, now: env.now, timeZone: env.timeZone };
}
