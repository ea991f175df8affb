/**
 * `npm run bench`: question answering speed and memory, with the small and the default jieba
 * dictionary, each in a fresh process. Prints a table and writes bench/results.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLoad } from './load.ts';
import { runOfficeBench } from './office.ts';
import { runWechatLoad } from './wechat-load.ts';
import { hasRedisServer, startRedisServer } from '../test/store/redis-server.ts';

const root = path.resolve(import.meta.dirname, '..');
const questions = process.env.BENCH_QUESTIONS ?? path.resolve(root, '../shared/eval/qa-dev.json');
const repeats = process.env.BENCH_REPEATS ?? '100';
const tsx = path.join(root, 'node_modules/.bin/tsx');

const TARGETS = { p99Ms: 5, coldStartMs: 2000, peakRssMB: 200 };

const runs = (['mini', 'full'] as const).map((dict) => {
  const out = execFileSync(tsx, [path.join(root, 'bench/qa-worker.ts'), dict, questions, repeats], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number | string>;
});

const columns = ['dict', 'coldStartMs', 'rssAfterStartMB', 'peakRssMB', 'answers', 'answersPerSecond', 'p50Ms', 'p99Ms', 'maxMs', 'hitRate'];
console.log(`question answering (${questions}, ×${repeats}); targets: p99 ≤ ${TARGETS.p99Ms} ms, cold start ≤ ${TARGETS.coldStartMs} ms, peak RSS ≤ ${TARGETS.peakRssMB} MB`);
console.log(columns.join('\t'));
for (const r of runs) console.log(columns.map((c) => String(r[c])).join('\t'));

// The service under load: 200 simulated LINE users posting webhooks at once (bench/load.ts).
const load = await runLoad();
console.log(`\nservice under load (${load.users} users × ${load.messagesPerUser} webhook posts; target: ≥ 50% of a bare node:http server)`);
console.log(`messages/s ${load.messagesPerSecond}  p50 ${load.p50Ms} ms  p99 ${load.p99Ms} ms (webhook post → reply call)  bare server ${load.bareMessagesPerSecond}/s  ratio ${load.ratioToBare}  lost ${load.lost}  duplicated ${load.duplicated}`);

// 1000 users at once on the stores that persist: SQLite (the default) and Redis (when redis-server is installed).
const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
const redis = hasRedisServer ? await startRedisServer() : undefined;
const heavy = [await runLoad({ users: 1000, storeUrl: `sqlite://${path.join(scratch, 'bot.sqlite')}`, bare: false })];
if (redis) heavy.push(await runLoad({ users: 1000, storeUrl: redis.url, bare: false }));
await redis?.stop();
rmSync(scratch, { recursive: true, force: true });
console.log(`\n1000 users at once (× 5 webhook posts; target: 0 lost, 0 duplicated)${redis ? '' : ' — Redis skipped: no redis-server'}`);
console.log(['store', 'messages/s', 'p50 ms', 'p99 ms', 'lost', 'duplicated'].join('\t'));
for (const r of heavy) console.log([r.store, r.messagesPerSecond, r.p50Ms, r.p99Ms, r.lost, r.duplicated].join('\t'));

// The WeChat Official Account: how many answers go back as a passive reply (within WeChat's 5 s; the service gives up at 4.5 s).
const wechat = await runWechatLoad();
console.log(`\nWeChat under load (${wechat.users} followers × ${wechat.messagesPerUser} messages, SQLite; target: 100% passive within 4.5 s)`);
console.log(`passive replies ${(wechat.passiveShare * 100).toFixed(1)}%  within 4.5 s ${(wechat.within4500ms * 100).toFixed(1)}%  p50 ${wechat.p50Ms} ms  p99 ${wechat.p99Ms} ms  max ${wechat.maxMs} ms  ${wechat.messagesPerSecond} msg/s`);

// The office's log: its size and cost per 10,000 questions.
const office = await runOfficeBench(questions);
console.log(`\noffice log (${office.records} questions on SQLite): ${office.storedKB} KB of records (${office.bytesPerRecord} B each), SQLite file ${office.sqliteFileKB} KB; write ${office.writeMsPerRecord} ms/record (batched, off the turn), read ${office.readMs} ms, report ${office.reportMs} ms`);

const results = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  targets: { ...TARGETS, loadRatioToBare: 0.5 },
  qa: runs,
  load,
  load1000: heavy,
  office,
  wechat,
};
writeFileSync(path.join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench/results.json');
