/**
 * `{SSHA}` hashes and the htpasswd file (shared/bundle/htpasswd.ts): known answers computed by openssl
 * (ssha-vectors.json), the check nginx's `ngx_crypt_ssha` makes, and a table of hostile inputs.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseHtpasswd, serializeHtpasswd, sshaHash, sshaMatches } from '../../../shared/bundle/htpasswd.js';
import { readerPasswordFromRandom } from '../../../shared/bundle/reader-credential.js';
import { expectThrows } from '../../helpers/errors.js';

const VECTORS = (JSON.parse(readFileSync(new URL('./ssha-vectors.json', import.meta.url), 'utf8')) as { vectors: { password: string; saltHex: string; hash: string }[] }).vectors;

/** nginx's check, written from `ngx_crypt_ssha` with node:crypto: base64-decode, salt = bytes 20.., sha1(password ‖ salt) ‖ salt. */
function nginxAccepts(password: string, stored: string): boolean {
  const decoded = Buffer.from(stored.slice('{SSHA}'.length), 'base64');
  const salt = decoded.subarray(20);
  const digest = createHash('sha1').update(Buffer.concat([Buffer.from(password, 'utf8'), salt])).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}` === stored;
}

describe('sshaHash', () => {
  for (const [i, vector] of VECTORS.entries()) {
    it(`matches openssl vector ${i} (${vector.password}, ${vector.saltHex.length / 2}-byte salt)`, () => {
      expect(sshaHash(vector.password, Buffer.from(vector.saltHex, 'hex'))).toBe(vector.hash);
      expect(sshaMatches(vector.password, vector.hash)).toBe(true);
      expect(sshaMatches(`${vector.password}x`, vector.hash)).toBe(false);
    });
  }

  it('is what nginx recomputes, for any password and salt (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 32 }), fc.uint8Array({ minLength: 8, maxLength: 24 }), (random, salt) => {
        const password = readerPasswordFromRandom(random);
        const hash = sshaHash(password, salt);
        return nginxAccepts(password, hash) && sshaMatches(password, hash) && !sshaMatches(password.slice(1), hash);
      }),
    );
  });

  it('refuses a short salt, and matches nothing that is not {SSHA}', () => {
    expectThrows(() => sshaHash('pw', new Uint8Array(4)), 'INTERNAL', 'salt');
    expect(sshaMatches('pw', '{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=')).toBe(false);
    expect(sshaMatches('pw', '{SSHA}not base64!')).toBe(false);
    expect(sshaMatches('pw', '{SSHA}AAAA')).toBe(false);
  });
});

describe('readerPasswordFromRandom', () => {
  it('gives 32 base64url characters for 24 bytes, with no : and no padding', () => {
    const password = readerPasswordFromRandom(Uint8Array.from({ length: 24 }, (_, i) => 250 - i));
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('refuses fewer than 16 bytes', () => {
    expectThrows(() => readerPasswordFromRandom(new Uint8Array(15)), 'INTERNAL', 'random');
  });
});

describe('htpasswd file', () => {
  const entries = [
    { user: 'audit-partners', hash: VECTORS[0]?.hash as string },
    { user: 'tax-office', hash: VECTORS[1]?.hash as string },
  ];

  it('writes comment lines then user:hash lines, and parses back', () => {
    const text = serializeHtpasswd(['users of the proxy'], entries, 'htpasswd');
    expect(text).toBe(`# users of the proxy\naudit-partners:${entries[0]?.hash}\ntax-office:${entries[1]?.hash}\n`);
    expect(parseHtpasswd(text, 'htpasswd')).toEqual(entries);
  });

  const HOSTILE_WRITES: [string, () => unknown, string][] = [
    ['a user name with a colon', () => serializeHtpasswd([], [{ user: 'a:b', hash: entries[0]?.hash as string }], 'h'), 'h'],
    ['an upper-case user name', () => serializeHtpasswd([], [{ user: 'Alice', hash: entries[0]?.hash as string }], 'h'), 'h'],
    ['a user twice', () => serializeHtpasswd([], [entries[0]!, entries[0]!], 'h'), 'h'],
    ['a hash of another scheme', () => serializeHtpasswd([], [{ user: 'a', hash: '$apr1$x$y' }], 'h'), 'h: a'],
    ['a comment with a newline', () => serializeHtpasswd(['a\nb:{SSHA}x'], [], 'h'), 'h'],
  ];
  for (const [name, write, path] of HOSTILE_WRITES) {
    it(`refuses to write ${name}`, () => {
      expectThrows(write, 'FILE_INVALID', path);
    });
  }

  const HOSTILE_READS: [string, string, string][] = [
    ['a line without a colon', 'alice\n', 'h:1'],
    ['a plain-text password', 'alice:secret\n', 'h:1'],
    ['a user twice', `a:${entries[0]?.hash}\na:${entries[1]?.hash}\n`, 'h:2'],
    ['a third field', `a:${entries[0]?.hash}:comment\n`, 'h:1'],
  ];
  for (const [name, text, path] of HOSTILE_READS) {
    it(`refuses to read ${name}, without echoing it`, () => {
      const error = expectThrows(() => parseHtpasswd(text, 'h'), 'FILE_INVALID', path);
      expect(error.message).not.toContain('secret');
    });
  }
});
