/** The office's figures as terminal text (`npm run report`): the same figures the console shows. */
import type { Figures, Report } from './stats.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function line(label: string, f: Figures): string {
  return `${label.padEnd(12)} questions ${String(f.questions).padStart(5)}  fallback ${pct(f.fallbackRate).padStart(6)}  👍 ${f.up} 👎 ${f.down}  checks ${f.checksStarted} started / ${f.checksFinished} finished  eligible ${pct(f.eligibleShare)}`;
}

/** `since`: the first day the records were read from (the season's figures are then over those days). */
export function formatReport(r: Report, since?: string): string {
  const out: string[] = [];
  out.push(`职称申报助手 · office report (today ${r.today}${since ? `, records since ${since}` : ''})`, '');
  out.push(line('today', r.day), line(since ? `since ${since}` : `season`, r.season));
  for (const [name, f] of Object.entries(r.channels)) out.push(line(`  ${name}`, f));
  if (r.days.length) {
    out.push('', 'per day (questions, fallback rate):');
    const max = Math.max(...r.days.map((d) => d.questions), 1);
    for (const d of r.days.slice(-14)) out.push(`  ${d.day}  ${String(d.questions).padStart(5)}  ${pct(d.fallbackRate).padStart(6)}  ${'█'.repeat(Math.max(1, Math.round((d.questions / max) * 30)))}`);
  }
  out.push('', `unanswered and 👎 questions (${r.misses.length} groups):`);
  if (!r.misses.length) out.push('  none');
  for (const m of r.misses.slice(0, 20)) {
    const tags = [m.fallbacks ? `unanswered ${m.fallbacks}` : '', m.down ? `👎 ${m.down}` : ''].filter(Boolean).join(', ');
    out.push(`  ${String(m.count).padStart(4)}×  ${m.text}  (${tags}; last ${m.lastDay})`);
    if (m.nearest[0]) out.push(`         nearest: ${m.nearest[0].id} “${m.nearest[0].question}” ${m.nearest[0].score}`);
    for (const c of m.comments) out.push(`         comment: ${c}`);
  }
  if (r.disliked.length) {
    out.push('', 'entries with 👎:');
    for (const d of r.disliked.slice(0, 10)) out.push(`  ${d.entry}  👍 ${d.up} 👎 ${d.down}${d.comments.length ? `  comments: ${d.comments.join(' | ')}` : ''}`);
  }
  if (r.top.length) {
    out.push('', 'entries asked most:');
    for (const t of r.top.slice(0, 10)) out.push(`  ${String(t.count).padStart(4)}×  ${t.entry}  👍 ${t.up} 👎 ${t.down}`);
  }
  out.push('', `entries never hit: ${r.neverHit.length}${r.neverHit.length ? ` (${r.neverHit.slice(0, 10).map((n) => n.entry).join(', ')}${r.neverHit.length > 10 ? ', …' : ''})` : ''}`);
  return out.join('\n');
}
