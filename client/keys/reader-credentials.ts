/**
 * The randomness of the reader credentials a member's client makes at `concord bundle` time
 * (shared/bundle/reader-proxy.ts): Node's CSPRNG, handed to the pure bundle builder as arguments, one
 * password (24 bytes: 32 base64url characters) and one `{SSHA}` salt (16 bytes) per reader.
 */
import { randomBytes } from 'node:crypto';
import type { ReaderRandomness } from '../../shared/bundle/reader-credential.js';

/** Fresh randomness for each named reader, by name. */
export function readerRandomness(readerNames: readonly string[]): Map<string, ReaderRandomness> {
  return new Map(readerNames.map((name) => [name, { password: randomBytes(24), salt: randomBytes(16) }]));
}
