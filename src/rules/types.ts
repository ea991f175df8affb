/** The assessment `assess` returns and the `assess` command prints (RULES.md "Assessment"). */
import type { Knowledge } from '../knowledge/load.ts';
import type { BlockerCode } from './blockers.ts';
import type { RouteId } from './routes.ts';

/** What the rules need of an edition: its parameters and its wording (a test may pass a clone with other numbers). */
export type Edition = Pick<Knowledge, 'params' | 'wording'>;

export interface Blocker { code: BlockerCode; message: string; clauses: string[] }
export interface NearMiss { route: RouteId; short: string; metOn: string }
export interface ChecklistEntry { item: string; reason: string; clauses: string[] }
export interface Deadline { date: string | null; what: string; clauses: string[] }

export interface Assessment {
  eligible: boolean;
  routes: RouteId[];
  blockers: Blocker[];
  workYears: number;
  nearMiss: NearMiss[];
  checklist: ChecklistEntry[];
  deadlines: Deadline[];
  notes: string[];
}

/** A personal row, tagged by `kind`, with what its wording needs. */
export type PersonalRow =
  | { kind: 'degree-before-auto'; graduated: string }
  | { kind: 'degree-year-unknown' }
  | { kind: 'degree-not-extracted' }
  | { kind: 'foreign-degree' }
  | { kind: 'hmt-degree' }
  | { kind: 'insurance-out-of-province' }
  | { kind: 'insurance-inconsistent' }
  | { kind: 'technician-route' }
  | { kind: 'exceptional-route'; level: 'national' | 'provincial' }
  | { kind: 'tech-school'; education: 'tech-intermediate' | 'tech-advanced' | 'tech-technician' }
  | { kind: 'foreign-id'; nationality: string };
