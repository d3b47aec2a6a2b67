/**
 * The htpasswd file of a member's reader proxy (`auth_basic_user_file`), with `{SSHA}` hashes only.
 *
 * nginx reads `name:password[:comment]` lines and `#` comment lines (nginx.org/r/auth_basic_user_file);
 * the `{scheme}data` form of RFC 2307 is supported since 1.0.3, `SSHA` being salted SHA-1. nginx's
 * `ngx_crypt_ssha` (nginx/nginx `src/core/ngx_crypt.c`) base64-decodes what follows `{SSHA}`, takes
 * bytes 20.. as the salt, and compares `base64(sha1(password ‖ salt) ‖ salt)` with the stored text:
 *
 *   alice:{SSHA}<base64 of 20-byte SHA-1 digest, then the salt>
 *
 * SHA-1 is fast, so a hash is only as strong as its password: Concord's reader passwords are 24
 * random bytes (shared/bundle/reader-credential.ts), out of reach of any guessing. The one writer of
 * the format, and a parser and checker for `verify` and the tests.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { ConcordError } from '../errors.js';

/** The scheme prefix nginx dispatches on. */
export const SSHA_PREFIX = '{SSHA}';

/** A user name nginx and every Basic-auth client take as is: no `:`, no space, no `#` first. */
const USER = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SHA1_BYTES = 20;
/** Salt lengths Concord writes and accepts (OpenLDAP uses 4; longer is allowed by nginx). */
const MIN_SALT_BYTES = 8;

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

/** `{SSHA}base64(sha1(password ‖ salt) ‖ salt)`, as `ngx_crypt_ssha` recomputes it. */
export function sshaHash(password: string, salt: Uint8Array): string {
  if (salt.length < MIN_SALT_BYTES) throw new ConcordError('INTERNAL', 'salt', `at least ${MIN_SALT_BYTES} random bytes of salt`);
  const digest = sha1(concatBytes(utf8ToBytes(password), salt));
  return `${SSHA_PREFIX}${toBase64(concatBytes(digest, salt))}`;
}

/** Whether `password` opens the `{SSHA}` hash `stored` (false for any other scheme or a malformed hash). */
export function sshaMatches(password: string, stored: string): boolean {
  if (!stored.startsWith(SSHA_PREFIX)) return false;
  const decoded = fromBase64(stored.slice(SSHA_PREFIX.length));
  if (decoded === null || decoded.length < SHA1_BYTES + 1) return false;
  const expected = sha1(concatBytes(utf8ToBytes(password), decoded.subarray(SHA1_BYTES)));
  // Not secret-dependent timing that matters here (verify runs offline), but compare all bytes anyway.
  let difference = 0;
  for (let i = 0; i < SHA1_BYTES; i++) difference |= (expected[i] as number) ^ (decoded[i] as number);
  return difference === 0;
}

/** One user of the file: a name and its `{SSHA}` hash (never a password). */
export interface HtpasswdEntry {
  user: string;
  hash: string;
}

/** Serializes an htpasswd file: `comments` as `#` lines, then one `user:hash` line per entry. */
export function serializeHtpasswd(comments: readonly string[], entries: readonly HtpasswdEntry[], file: string): string {
  const lines: string[] = [];
  for (const comment of comments) {
    if (/[\r\n]/.test(comment)) throw new ConcordError('FILE_INVALID', file, 'a comment on one line');
    lines.push(`# ${comment}`);
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!USER.test(entry.user)) throw new ConcordError('FILE_INVALID', file, 'user names of a-z, 0-9 and -, starting with a letter or digit');
    if (seen.has(entry.user)) throw new ConcordError('FILE_INVALID', file, `each user once (${entry.user} repeats)`);
    seen.add(entry.user);
    // The hash is checked by shape only: it is never a password, and an error must not echo it.
    if (!entry.hash.startsWith(SSHA_PREFIX) || fromBase64(entry.hash.slice(SSHA_PREFIX.length)) === null) {
      throw new ConcordError('FILE_INVALID', `${file}: ${entry.user}`, 'an {SSHA} hash');
    }
    lines.push(`${entry.user}:${entry.hash}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Parses an htpasswd file as Concord writes it: `#` comments, then `user:{SSHA}…` lines; anything else is an error. */
export function parseHtpasswd(text: string, file: string): HtpasswdEntry[] {
  const entries: HtpasswdEntry[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    if (line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const user = colon < 0 ? '' : line.slice(0, colon);
    const hash = line.slice(colon + 1);
    if (!USER.test(user) || !hash.startsWith(SSHA_PREFIX) || hash.includes(':')) {
      throw new ConcordError('FILE_INVALID', `${file}:${i + 1}`, 'user:{SSHA}hash or a # comment');
    }
    if (entries.some((entry) => entry.user === user)) throw new ConcordError('FILE_INVALID', `${file}:${i + 1}`, `each user once (${user} repeats)`);
    entries.push({ user, hash });
  });
  return entries;
}
