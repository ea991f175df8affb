/**
 * Web chat identities are issued by the server (INTERFACES.md, web identity): a random id and its
 * HMAC with a secret generated once and kept in the store, so every instance sharing the store
 * accepts it, and nobody can make up or guess another person's id.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../src/store/index.ts';
import { keys } from '../../src/store/keys.ts';
import { sharedSecret } from '../../src/store/secret.ts';

export interface WebIdentity {
  /** A new web user id. */
  issue(): Promise<string>;
  /** Whether this server (or another sharing its store) issued `id`. */
  verify(id: string): Promise<boolean>;
}

const FORM = /^([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})$/;

export function webIdentity(store: Store): WebIdentity {
  const getSecret = sharedSecret(store, keys.webIdSecret);
  const mac = async (id: string) => createHmac('sha256', await getSecret()).update(id).digest().subarray(0, 16);
  return {
    async issue() {
      const id = randomBytes(12).toString('base64url');
      return `${id}.${(await mac(id)).toString('base64url')}`;
    },
    async verify(id) {
      const m = FORM.exec(id);
      if (!m) return false;
      const given = Buffer.from(m[2]!, 'base64url');
      const expected = await mac(m[1]!);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
