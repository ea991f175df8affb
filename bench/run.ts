/**
 * `npm run bench`: speed and memory, measured in one run and printed as one table (each figure
 * beside its reference, measured in the same run), then written to bench/results.json. What each
 * figure means: README, "Performance".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureAnswers } from './answers.ts';
import { runTarget, type RunResult, type TargetOptions } from './load.ts';
import { measureStart, START_TARGETS } from './start.ts';
import { runOfficeBench } from './office.ts';
import { runWechatLoad } from './wechat-load.ts';
import { hasRedisServer, startRedisServer } from '../test/store/redis-server.ts';

const root = path.resolve(import.meta.dirname, '..');
const questions = process.env.BENCH_QUESTIONS ?? path.resolve(root, '../shared/eval/qa-dev.json');
const MESSAGES = 5;
/** LOAD_USERS=200,1000 (the default) chooses the loads; BENCH_QUICK=1 runs the 200-user loads only. */
const HEAVY = process.env.BENCH_QUICK ? [] : [1000];

const TARGETS = {
  ...START_TARGETS,
  /** Answers in-process: p99 ≤ 1 ms CPU; ten times the FAQ ≤ 1.5× the latency. */
  answerCpuP99Ms: 1, ratioTenfold: 1.5,
  /** The LINE path ≥ 0.6 of the minimal LINE handler; /api/chat ≥ 0.4 of a bare JSON server; p99 ≤ 300 ms at 200 users; 0 lost and 0 duplicated at 1000. */
  lineRatio: 0.6, webRatio: 0.4, p99Ms200: 300,
};

// ── start and answers (before the loads: nothing else runs meanwhile) ──
process.stderr.write('start…\n');
const start = await measureStart();
process.stderr.write('answers…\n');
const answers = await measureAnswers();

const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
const sqlite = (name: string) => `sqlite://${path.join(scratch, `${name}.sqlite`)}`;
const redis = hasRedisServer ? await startRedisServer() : undefined;

// ── throughput ──
const plan: TargetOptions[] = [
  { name: 'bare node:http', protocol: 'line', kind: 'bare', answersItself: true, users: 200, messages: MESSAGES },
  { name: 'minimal LINE handler', protocol: 'line', kind: 'line-minimal', users: 200, messages: MESSAGES },
  { name: 'minimal grammY webhook bot', protocol: 'telegram', kind: 'grammy-minimal', users: 200, messages: MESSAGES },
  { name: 'bare JSON server', protocol: 'web', kind: 'json-bare', answersItself: true, users: 200, messages: MESSAGES },
];
for (const users of [200, ...HEAVY]) {
  plan.push({ name: 'service, LINE, memory', protocol: 'line', kind: 'service-line', storeUrl: 'memory://', users, messages: MESSAGES });
  plan.push({ name: 'service, LINE, SQLite', protocol: 'line', kind: 'service-line', storeUrl: sqlite(`line-${users}`), users, messages: MESSAGES });
  if (redis) plan.push({ name: 'service, LINE, Redis', protocol: 'line', kind: 'service-line', storeUrl: `${redis.url}/${users === 200 ? 1 : 2}`, users, messages: MESSAGES });
}
plan.push({ name: 'service, Telegram, SQLite', protocol: 'telegram', kind: 'service-telegram', storeUrl: sqlite('telegram'), users: 200, messages: MESSAGES });
plan.push({ name: 'service, POST /api/chat, SQLite', protocol: 'web', kind: 'service-web', storeUrl: sqlite('web'), users: 200, messages: MESSAGES });

const load: RunResult[] = [];
for (const target of plan) {
  process.stderr.write(`load: ${target.name}, ${target.users} users…\n`);
  load.push(await runTarget(target));
}
await redis?.stop();

const find = (name: string, users = 200) => load.find((r) => r.name === name && r.users === users);
const ratio = (a?: RunResult, b?: RunResult) => (a && b ? Number((a.messagesPerSecond / b.messagesPerSecond).toFixed(3)) : undefined);
const ratios = {
  lineToMinimal: ratio(find('service, LINE, SQLite'), find('minimal LINE handler')),
  telegramToMinimal: ratio(find('service, Telegram, SQLite'), find('minimal grammY webhook bot')),
  webToBareJson: ratio(find('service, POST /api/chat, SQLite'), find('bare JSON server')),
};

// ── the rest ──
const wechat = await runWechatLoad();
const office = await runOfficeBench(questions);
rmSync(scratch, { recursive: true, force: true });

// ── the table ──
const mark = (ok: boolean) => (ok ? '✓' : '✗');
console.log(`start to the first answer (spawn → first output line, median of ${start.runs}): bare node ${start.bareMs} ms; node dist ${start.nodeMs} ms = ${start.ratioNode}× ${mark(start.ratioNode <= TARGETS.ratioNode)} (≤ ${TARGETS.ratioNode}×); npm run chat ${start.npmMs} ms = ${start.ratioNpm}× ${mark(start.ratioNpm <= TARGETS.ratioNpm)} (≤ ${TARGETS.ratioNpm}×); peak RSS ${start.peakRssMB} MB ${mark(start.peakRssMB <= TARGETS.peakRssMB)} (≤ ${TARGETS.peakRssMB})`);
const lat = (name: string, l: { p50Ms: number; p99Ms: number; cpuP50Ms: number; cpuP99Ms: number; medianCpuP99Ms?: number; turns: number }) =>
  `${name.padEnd(34)} p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms; CPU p50 ${l.cpuP50Ms} ms, p99 ${l.cpuP99Ms} ms`
  + (l.medianCpuP99Ms === undefined ? '' : `; each input's median CPU, p99 ${l.medianCpuP99Ms} ms ${mark(l.medianCpuP99Ms <= TARGETS.answerCpuP99Ms)}`)
  + ` (${l.turns} turns)`;
console.log('\nanswers in-process (bot.handle, small dictionary; target CPU p99 ≤ 1 ms, read on each input\'s median CPU:');
console.log('process.cpuUsage also charges a turn with the GC and compiler threads\' work done meanwhile):');
console.log(lat('questions asked again', answers.questions));
console.log(lat('questions, new wording', answers.newWording));
console.log(lat('conversation turns', answers.conversations));
console.log(lat('questions, 10× the FAQ', answers.tenfold));
console.log(`10× the FAQ / 1×: ${answers.ratioTenfold} (CPU ${answers.ratioTenfoldCpu}) ${mark(answers.ratioTenfold <= TARGETS.ratioTenfold)} (≤ ${TARGETS.ratioTenfold})\n`);
const rows: string[][] = [['throughput (loopback, 5 messages a user)', 'users', 'msg/s', 'p50 ms', 'p99 ms', 'lost', 'dup', 'server CPU ms/msg', 'generator CPU ms/msg']];
for (const r of load) {
  rows.push([r.name, String(r.users), String(r.messagesPerSecond), String(r.p50Ms), String(r.p99Ms), String(r.lost), String(r.duplicated), String(r.serverCpuMsPerMessage), String(r.generatorCpuMsPerMessage)]);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
console.log(`\nratios (same run): LINE path / minimal LINE handler ${ratios.lineToMinimal} (target ≥ ${TARGETS.lineRatio}); Telegram path / minimal grammY ${ratios.telegramToMinimal}; POST /api/chat / bare JSON server ${ratios.webToBareJson} (target ≥ ${TARGETS.webRatio})`);
const bare = find('bare node:http');
const light = load.filter((r) => r.generatorCpuMsPerMessage > (bare?.serverCpuMsPerMessage ?? Infinity));
console.log(`generator: ${light.length === 0 ? 'lighter than the bare server on every run' : `heavier than the bare server's ${bare?.serverCpuMsPerMessage} ms/msg on ${light.map((r) => `${r.name} (${r.users})`).join(', ')}`}`);
if (!redis) console.log('Redis: skipped (no redis-server on PATH)');
console.log(`\nWeChat (${wechat.users} followers × ${wechat.messagesPerUser}, SQLite): passive replies ${(wechat.passiveShare * 100).toFixed(1)}%, within 4.5 s ${(wechat.within4500ms * 100).toFixed(1)}%, p50 ${wechat.p50Ms} ms, p99 ${wechat.p99Ms} ms`);
console.log(`office log (${office.records} questions on SQLite): ${office.bytesPerRecord} B a record, file ${office.sqliteFileKB} KB; write ${office.writeMsPerRecord} ms/record (batched), read ${office.readMs} ms, report ${office.reportMs} ms`);

const results = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  targets: TARGETS,
  start,
  answers,
  load,
  ratios,
  wechat,
  office,
};
writeFileSync(path.join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench/results.json');
