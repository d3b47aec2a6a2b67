/**
 * The client's randomness: Node's CSPRNG, handed to the pure keystore code as arguments.
 */
import { randomBytes } from 'node:crypto';
import type { KeystoreRandomness } from '../../shared/keys/keystore.js';
import { passwordFromRandom } from '../../shared/keys/keystore.js';

export function keystoreRandomness(): KeystoreRandomness {
  return { salt: randomBytes(32), iv: randomBytes(16), uuid: randomBytes(16) };
}

/** A fresh keystore password: base64 of 24 random bytes (parity-deploy: `openssl rand -base64`). */
export function newPassword(): string {
  return passwordFromRandom(randomBytes(24));
}
