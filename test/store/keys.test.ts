/**
 * Users are separate in the store: no user id can make its key prefix the start of another's
 * (issue 15: web user "pfx" deleting their data also deleted "pfx:other"'s), and a store written
 * with the earlier layout (ids unescaped) is brought to the new one at start, once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { keyForLogs, keys, upgradeUserKey, userPrefix } from '../../src/store/keys.ts';

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'store-keys-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** Ids made of the characters that have broken key schemes: separators, globs, escapes, spaces, emoji. */
const id = fc.array(fc.constantFrom('a', 'b', ':', '*', '%', '%3A', '/', ' ', '😀', '?', '[', '_', '\\'), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));

describe('user keys', () => {
  it('no user prefix is the start of another user\'s key', () => {
    fc.assert(fc.property(id, id, (a, b) => {
      fc.pre(a !== b);
      for (const key of [keys.session(b), keys.subscription(b), keys.claim(b, 's1', 'r1'), keys.officeUserDays(b)]) {
        expect(key.startsWith(userPrefix(a))).toBe(false);
      }
    }), { numRuns: 2000 });
  });

  for (const kind of ['memory', 'sqlite'] as const) {
    it(`deleting one user's data leaves every other user's (${kind})`, async () => {
      let n = 0;
      await fc.assert(fc.asyncProperty(fc.uniqueArray(id, { minLength: 2, maxLength: 5 }), async (users) => {
        const store = await openStore(kind === 'memory' ? 'memory://' : `sqlite://${join(dir, `iso-${++n}.sqlite`)}`, { onError: () => {} });
        try {
          for (const u of users) {
            await store.set(keys.session(u), { of: u });
            await store.set(keys.claim(u, 'sub', 'r'), { of: u });
          }
          const [gone, ...kept] = users;
          await store.deletePrefix(userPrefix(gone!));
          expect(await store.get(keys.session(gone!))).toBeUndefined();
          for (const u of kept) {
            expect(await store.get(keys.session(u))).toEqual({ of: u });
            expect(await store.get(keys.claim(u, 'sub', 'r'))).toEqual({ of: u });
          }
        } finally {
          await store.close();
        }
      }), { numRuns: kind === 'memory' ? 200 : 25 });
    }, 60_000);
  }

  it('reads an old key back to its user, and leaves new keys and other keys alone', () => {
    expect(upgradeUserKey('user:tg:123:session')).toBe('user:tg%3A123:session');
    expect(upgradeUserKey('user:web:abc:reminder:s1:deadline-7')).toBe('user:web%3Aabc:reminder:s1:deadline-7');
    expect(upgradeUserKey('user:alice:session')).toBeUndefined(); // the same in both layouts
    expect(upgradeUserKey('user:tg%3A123:session')).toBeUndefined(); // already upgraded: an upgrade run twice changes nothing
    expect(upgradeUserKey('user:tg%3A123:reminder:s1:r1')).toBeUndefined();
    expect(upgradeUserKey('delivery:telegram:42')).toBeUndefined();
    expect(upgradeUserKey('user:tg:123:something-else')).toBeUndefined();
  });

  it('shows keys in logs without the user id', () => {
    expect(keyForLogs(keys.session('tg:987654321'))).toBe('user:…:session');
    expect(keyForLogs(`lock:zhicheng:${keys.claim('line:Uabc', 's', 'r')}`)).toBe('lock:zhicheng:user:…:reminder:s:r');
    expect(keyForLogs('reminders:subscribers')).toBe('reminders:subscribers');
  });
});

describe('a store written with unescaped ids', () => {
  it('is upgraded at start, once, keeping values and expiries', async () => {
    const url = `sqlite://${join(dir, 'legacy.sqlite')}`;
    const old = await openStore(url, { onError: () => {} });
    // What version 1 wrote: the ids as they are, and no layout marker.
    await old.set('user:tg:123:session', { step: 'education' });
    await old.set('user:tg:123:reminder:s1:r1', { state: 'sent' });
    await old.set('user:pfx:other:session', { step: 'other' });
    await old.set('user:web:x:transcript', ['hi'], 60_000);
    await old.set('reminders:subscribers', ['tg:123']);
    await old.delete(keys.keysVersion);
    await old.close();

    const errors: string[] = [];
    const store = await openStore(url, { onError: (e) => errors.push(e.message) });
    expect(errors).toEqual([]);
    expect(await store.get(keys.session('tg:123'))).toEqual({ step: 'education' });
    expect(await store.get(keys.claim('tg:123', 's1', 'r1'))).toEqual({ state: 'sent' });
    expect(await store.get(keys.session('pfx:other'))).toEqual({ step: 'other' });
    expect(await store.get(keys.transcript('web:x'))).toEqual(['hi']);
    expect(await store.get('user:tg:123:session')).toBeUndefined();
    expect(await store.get(keys.subscribers)).toEqual(['tg:123']);
    // Once: a key that looks old but was written after the upgrade is not touched again.
    await store.set('user:tg:9:session', { later: true });
    await store.close();
    const again = await openStore(url, { onError: () => {} });
    expect(await again.get('user:tg:9:session')).toEqual({ later: true });
    await again.close();
  });
});
