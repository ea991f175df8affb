/**
 * The console's HTML: a login page and one console page, rendered on the server with no script
 * (forms only), readable on a phone. Every value from the log or the knowledge is escaped.
 */
import type { Knowledge } from '../../src/knowledge/load.ts';
import { describeChange, type StoredChange } from '../../src/office/changes.ts';
import type { Figures, Miss, Report } from '../../src/office/stats.ts';
import { escapeHtml as e } from '../shared/http.ts';

export interface EvalSummary { name: string; passed: number; total: number; before: number }

export interface ConsoleData {
  report: Report;
  /** For unanswered misses: what answers the question now (an entry's first question), or null. */
  nowAnswered: ReadonlyMap<string, string | null>;
  name: string;
  csrf: string;
  flash: { ok: boolean; text: string; evals?: EvalSummary[] } | null;
  changes: StoredChange[];
  knowledge: Knowledge;
  retentionDays: number;
  evalSets: string[];
}

const STYLE = `
*{box-sizing:border-box}body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f5f7;color:#1d2129;line-height:1.5}
header{background:#1f4e8c;color:#fff;padding:12px 16px;display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap}
header h1{font-size:1.1rem;margin:0}header form{margin:0}main{max-width:980px;margin:0 auto;padding:12px}
section{background:#fff;border-radius:10px;padding:12px 14px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h2{font-size:1.05rem;margin:.2em 0 .6em}h3{font-size:.95rem;margin:.4em 0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(96px,1fr));gap:6px}
.card{background:#f7f9fc;border-radius:8px;padding:6px 8px}.card b{display:block;font-size:1.15rem}.card span{color:#5c6370;font-size:.78rem}
table{width:100%;border-collapse:collapse;font-size:.9rem}th,td{text-align:left;padding:6px 4px;border-bottom:1px solid #e5e6eb;vertical-align:top}
.scroll{overflow-x:auto}.muted{color:#6b7280;font-size:.85rem}.tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:.8rem;margin-right:4px}
.tag.miss{background:#fde2e1;color:#a8071a}.tag.fixed{background:#e8f7ee;color:#135200}.tag.down{background:#fff1d6;color:#874d00}
.miss{border-top:1px solid #e5e6eb;padding:10px 0}.miss:first-of-type{border-top:0}.q{font-weight:600;word-break:break-all}
form.inline{display:flex;gap:6px;flex-wrap:wrap;align-items:center;margin:6px 0}
input,select,textarea,button{font:inherit;font-size:16px}input[type=text],input[type=password],select,textarea{padding:6px 8px;border:1px solid #c9cdd4;border-radius:6px;max-width:100%}
textarea{width:100%}button{padding:6px 12px;border:0;border-radius:6px;background:#1f4e8c;color:#fff;cursor:pointer}button.secondary{background:#e5e6eb;color:#1d2129}
.flash{padding:10px 12px;border-radius:8px}.flash.ok{background:#e8f7ee;color:#135200}.flash.bad{background:#fde2e1;color:#a8071a}
details summary{cursor:pointer;color:#1f4e8c}svg{width:100%;height:auto;display:block}label{display:block;margin:6px 0 2px;font-size:.9rem}
.login{max-width:360px;margin:12vh auto;background:#fff;padding:20px;border-radius:10px}.login input{width:100%}
`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function loginPage(message?: string): string {
  return layout('评审办控制台 · 登录', `<form class="login" method="post" action="/admin/login">
<h1 style="font-size:1.2rem">职称申报助手 · 评审办控制台</h1>
${message ? `<p class="flash bad">${e(message)}</p>` : ''}
<label for="token">口令（ADMIN_TOKEN）</label><input id="token" name="token" type="password" autocomplete="current-password" required>
<label for="name">你的称呼（记在修改记录里）</label><input id="name" name="name" type="text" maxlength="40" placeholder="评审办">
<p><button type="submit">登录</button></p></form>`);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function cards(f: Figures): string {
  const card = (value: string | number, label: string) => `<div class="card"><b>${e(String(value))}</b><span>${e(label)}</span></div>`;
  return `<div class="cards">${[
    card(f.questions, '提问'), card(pct(f.fallbackRate), `未答率（${f.fallbacks}）`), card(`${f.up} / ${f.down}`, '👍 / 👎'),
    card(`${f.checksStarted} / ${f.checksFinished}`, '资格检查 开始 / 完成'), card(pct(f.eligibleShare), '完成者中符合条件'),
  ].join('')}</div>`;
}

/** Questions per day as bars and the fallback rate as a line, last 30 days of the season. */
export function chart(days: Report['days']): string {
  const shown = days.slice(-30);
  if (!shown.length) return '<p class="muted">本季还没有提问。</p>';
  const W = 600, H = 170, top = 10, bottom = 30, left = 30, right = 34;
  // At least a week wide, so one day is one bar, not the whole chart.
  const plotH = H - top - bottom, slot = (W - left - right) / Math.max(shown.length, 7);
  const max = Math.max(...shown.map((d) => d.questions), 1);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const yRate = (r: number) => top + plotH - r * plotH;
  const bars = shown.map((d, i) => `<rect x="${(left + i * slot + slot * 0.15).toFixed(1)}" y="${y(d.questions).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(top + plotH - y(d.questions)).toFixed(1)}" fill="#8fb3e6"><title>${e(d.day)}：${d.questions} 问，未答 ${d.fallbacks}</title></rect>`).join('');
  const points = shown.map((d, i) => `${(left + i * slot + slot / 2).toFixed(1)},${yRate(d.fallbackRate).toFixed(1)}`).join(' ');
  const label = (i: number) => `<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${H - 10}" font-size="11" text-anchor="middle" fill="#6b7280">${e(shown[i]!.day.slice(5))}</text>`;
  const labels = [...new Set([0, Math.floor((shown.length - 1) / 2), shown.length - 1])].map(label).join('');
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="每日提问数与未答率"><line x1="${left}" y1="${top + plotH}" x2="${W - right}" y2="${top + plotH}" stroke="#c9cdd4"/>
${bars}<polyline points="${points}" fill="none" stroke="#d4380d" stroke-width="2"/>${shown.map((d, i) => `<circle cx="${(left + i * slot + slot / 2).toFixed(1)}" cy="${yRate(d.fallbackRate).toFixed(1)}" r="2.5" fill="#d4380d"/>`).join('')}
<text x="4" y="${top + 10}" font-size="11" fill="#1f4e8c">${max}</text><text x="${W - right + 4}" y="${top + 10}" font-size="11" fill="#d4380d">100%</text><text x="${W - right + 4}" y="${top + plotH}" font-size="11" fill="#d4380d">0%</text>${labels}</svg>
<p class="muted">蓝柱：每日提问数；红线：未答率（最近 ${shown.length} 天）。</p>`;
}

function hidden(csrf: string, kind?: string): string {
  return `<input type="hidden" name="csrf" value="${e(csrf)}">${kind ? `<input type="hidden" name="kind" value="${e(kind)}">` : ''}`;
}

function missBlock(m: Miss, d: ConsoleData, n: number): string {
  const k = d.knowledge;
  const options = m.nearest.map((x) => `<option value="${e(x.id)}">${e(k.faqById.get(x.id)?.questions[0] ?? x.id)}</option>`).join('');
  return `<div class="miss" id="miss-${n}"><div class="q">${e(m.text)}</div>
<div>${d.nowAnswered.get(m.text) ? `<span class="tag fixed">✓ 现在已能回答：${e(d.nowAnswered.get(m.text)!)}</span>` : ''}${m.fallbacks ? `<span class="tag miss">未答 ${m.fallbacks}</span>` : ''}${m.down ? `<span class="tag down">👎 ${m.down}</span>` : ''}<span class="muted">共 ${m.count} 次，最近 ${e(m.lastDay)}</span></div>
${m.variants.length ? `<div class="muted">类似说法：${m.variants.map(e).join('；')}</div>` : ''}
${m.comments.length ? `<div class="muted">留言：${m.comments.map(e).join('；')}</div>` : ''}
<div class="muted">最接近的条目：${m.nearest.length ? m.nearest.map((x) => `${e(x.question)}（${x.score}）`).join('；') : '无'}</div>
<form class="inline" method="post" action="/admin/change">${hidden(d.csrf, 'phrasing')}<input type="hidden" name="text" value="${e(m.text)}">
${options ? `<select name="entry" aria-label="加到哪个条目">${options}</select>` : ''}<input type="text" name="other" list="entries" placeholder="或其他条目 id" aria-label="其他条目 id" maxlength="60"><button type="submit">加为这个条目的问法</button></form>
<details><summary>加同义词 / 新建条目</summary>
<form class="inline" method="post" action="/admin/change">${hidden(d.csrf, 'synonym')}
<input type="text" name="variant" placeholder="大家的说法，如 电子版" maxlength="20" required aria-label="说法"> → <input type="text" name="canonical" placeholder="通知里的词，如 电子材料" maxlength="20" required aria-label="通知用词"><button type="submit">加同义词</button></form>
${entryForm(d, m.text)}</details></div>`;
}

function entryForm(d: ConsoleData, question: string): string {
  const k = d.knowledge;
  return `<form method="post" action="/admin/change">${hidden(d.csrf, 'entry')}
<label>条目 id（小写字母、数字和 -）</label><input type="text" name="id" required pattern="[a-z0-9][a-z0-9-]*" maxlength="60">
<label>主题</label><select name="topic">${k.topics.map((t) => `<option value="${e(t.id)}">${e(t.title)}</option>`).join('')}</select>
<label>问法（每行一个）</label><textarea name="questions" rows="2" required>${e(question)}</textarea>
<label>回答（用通知原话；数字须出现在所引条款中）</label><textarea name="answer" rows="3" maxlength="400" required></textarea>
<label>英文回答</label><textarea name="answerEn" rows="2" maxlength="1200" required></textarea>
<label>引用条款（可多选）</label><select name="clauses" multiple size="5" required>${k.clauses.map((c) => `<option value="${e(c.id)}">${e(c.id)} ${e(c.title)}</option>`).join('')}</select>
<p><button type="submit">新建条目</button></p></form>`;
}

export function consolePage(d: ConsoleData): string {
  const r = d.report;
  const flash = d.flash ? `<section class="flash ${d.flash.ok ? 'ok' : 'bad'}" role="status">${e(d.flash.text)}${d.flash.evals?.length ? `<br>开发集：${d.flash.evals.map((x) => `${e(x.name)} ${x.passed}/${x.total}（改动前 ${x.before}/${x.total}）${x.passed < x.before ? ' ⚠️ 变差了，可撤销' : ' ✓'}`).join('；')}` : ''}</section>` : '';
  const channelRows = Object.entries(r.channels).map(([name, f]) => `<tr><td>${e(name)}</td><td>${f.questions}</td><td>${pct(f.fallbackRate)}</td><td>${f.up}/${f.down}</td><td>${f.checksStarted}/${f.checksFinished}</td><td>${pct(f.eligibleShare)}</td></tr>`).join('');
  const changes = d.changes.length ? `<div class="scroll"><table><tr><th>#</th><th>修改</th><th>谁、何时</th><th></th></tr>${d.changes.map((c) => `<tr><td>${c.id}</td><td>${e(describeChange(c.change))}</td><td>${e(c.who)}<br><span class="muted">${e(c.at.slice(0, 16).replace('T', ' '))}</span>${c.undone ? `<br><span class="muted">已由 ${e(c.undone.who)} 撤销</span>` : ''}</td><td>${c.undone ? '' : `<form method="post" action="/admin/undo">${hidden(d.csrf)}<input type="hidden" name="id" value="${c.id}"><button class="secondary" type="submit">撤销</button></form>`}</td></tr>`).join('')}</table></div><p class="muted">修改保存在存储里，各实例立即生效；<code>npm run kb:export</code> 把它们写进 knowledge/，供审阅后提交。</p>` : '<p class="muted">还没有修改。</p>';
  return layout('评审办控制台', `<header><h1>职称申报助手 · 评审办控制台</h1><form method="post" action="/admin/logout">${hidden(d.csrf)}<span>${e(d.name)}</span> <button class="secondary" type="submit">退出</button></form></header><main>
${flash}
<section><h2>今天（${e(r.today)}）</h2>${cards(r.day)}</section>
<section><h2>本季（${e(r.seasonFrom)} 起）</h2>${cards(r.season)}${chart(r.days)}
<h3>按渠道</h3><div class="scroll"><table><tr><th>渠道</th><th>提问</th><th>未答率</th><th>👍/👎</th><th>检查 开始/完成</th><th>符合</th></tr>${channelRows || '<tr><td colspan="6" class="muted">暂无</td></tr>'}</table></div></section>
<datalist id="entries">${d.knowledge.faq.map((f) => `<option value="${e(f.id)}">${e(f.questions[0]!)}</option>`).join('')}</datalist>
<section><h2>未答和 👎 的问题（${r.misses.length} 组）</h2>${r.misses.length ? r.misses.map((m, i) => missBlock(m, d, i)).join('') : '<p class="muted">没有未答或 👎 的问题。</p>'}${r.missesLeftOut ? `<p class="muted">另有 ${r.missesLeftOut} 种问得更少的说法未列出（见导出）。</p>` : ''}</section>
${r.disliked.length ? `<section><h2>被点 👎 的条目</h2><div class="scroll"><table><tr><th>条目</th><th>👍/👎</th><th>留言</th></tr>${r.disliked.map((x) => `<tr><td>${e(x.question)}<br><span class="muted">${e(x.entry)}</span></td><td>${x.up}/${x.down}</td><td>${x.comments.map(e).join('；')}</td></tr>`).join('')}</table></div></section>` : ''}
<section><h2>问得最多的条目</h2>${r.top.length ? `<div class="scroll"><table><tr><th>条目</th><th>次数</th><th>👍/👎</th></tr>${r.top.map((t) => `<tr><td>${e(t.question)}<br><span class="muted">${e(t.entry)}</span></td><td>${t.count}</td><td>${t.up}/${t.down}</td></tr>`).join('')}</table></div>` : '<p class="muted">暂无。</p>'}
<details><summary>从未命中的条目（${r.neverHit.length}）</summary><ul>${r.neverHit.map((n) => `<li>${e(n.question)} <span class="muted">${e(n.entry)}</span></li>`).join('')}</ul></details></section>
<section><h2>新建条目</h2>${entryForm(d, '')}</section>
<section><h2>知识库修改记录</h2>${changes}<p class="muted">每次修改都会用与 knowledge/ 相同的规则检查，并重跑开发集：${d.evalSets.length ? d.evalSets.map(e).join('、') : '（未找到开发集）'}。</p></section>
<section><h2>导出</h2><p><a href="/admin/export.csv">日志 CSV</a> · <a href="/admin/export.jsonl">日志 JSONL</a></p><p class="muted">日志只存打码后的问题、渠道和日期，用户 id 经加盐哈希；保存 ${d.retentionDays} 天。</p></section>
</main>`);
}
