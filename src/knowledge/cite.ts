/** Citations: a clause id with the title a person sees ("五、注意事项 › (四) 申报方向与时间"). */
import type { Citation } from '../core/types.ts';
import type { Knowledge } from './load.ts';

/** The citations of clause ids, in order; an unknown id is a bug (the loaders check every reference). */
export function cite(k: Pick<Knowledge, 'clauseById'>, ids: readonly string[]): Citation[] {
  return [...new Set(ids)].map((id) => {
    const clause = k.clauseById.get(id);
    if (!clause) throw new Error(`unknown clause ${id}`);
    return { id, title: clause.title };
  });
}
