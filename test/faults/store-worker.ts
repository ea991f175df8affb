/**
 * A second process on a shared store, for test/faults/shared-store.test.ts:
 *   tsx store-worker.ts <store url> <namespace> count <n>        n locked read-modify-write increments of "counter"
 *   tsx store-worker.ts <store url> <namespace> subscribe <from> <to>   subscribes users w<from>…w<to-1> (the runner's own function)
 *   tsx store-worker.ts <store url> <namespace> claim <n>        tries to claim "claim:0"…"claim:<n-1>"; prints the ones it won
 *   tsx store-worker.ts <store url> <namespace> hold             takes the lock "held", prints "holding", waits to be killed
 * Each starts when the file "<store url's folder or /tmp>/go-<namespace>" exists, so that two workers begin at the same moment.
 */
import { existsSync } from 'node:fs';
import { addSubscription } from '../../src/bot/runner.ts';
import { openStore } from '../../src/store/index.ts';

const [url, namespace, mode, a, b] = process.argv.slice(2) as [string, string, string, string | undefined, string | undefined];
const store = await openStore(url, { namespace, onError: (e) => console.error(e.message), lockTimeoutMs: 60_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const go = process.env.GO_FILE;
console.log('ready');
while (go && !existsSync(go)) await sleep(5);

if (mode === 'count') {
  for (let i = 0; i < Number(a); i++) {
    await store.withLock('counter', async () => {
      const n = (await store.get<number>('counter')) ?? 0;
      await sleep(1); // a turn's work between its read and its write
      await store.set('counter', n + 1);
    });
  }
} else if (mode === 'subscribe') {
  await Promise.all(Array.from({ length: Number(b) - Number(a) }, (_, i) =>
    addSubscription(store, `w${Number(a) + i}`, 'applicant', new Date().toISOString(), '2023')));
} else if (mode === 'claim') {
  const won: number[] = [];
  await Promise.all(Array.from({ length: Number(a) }, (_, i) => store.withLock(`claim:${i}`, async () => {
    if (await store.get(`claim:${i}`)) return;
    await store.set(`claim:${i}`, process.pid);
    won.push(i);
  })));
  console.log(JSON.stringify(won));
} else if (mode === 'hold') {
  await store.withLock('held', async () => {
    console.log('holding');
    await new Promise(() => setInterval(() => {}, 1000)); // until killed
  });
}
await store.close();
console.log('done');
