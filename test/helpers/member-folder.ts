/**
 * A member's folder as `concord join` leaves it, written from a test member's keys: what the CLI
 * commands that work on that folder (propose, vote, bundle) read.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { encryptKeystore } from '../../shared/keys/keystore.js';
import { LIGHT_SCRYPT } from '../../client/keys/kdf.js';
import { keyPaths } from '../../client/keys/ceremony-keys.js';
import type { TestKey, TestMember } from './ceremony.js';

/** A light keystore of `key` at `path` and its password beside it (`.password`), both 0600, in a folder made 0700 if needed. */
export async function writeTestKeystore(path: string, key: TestKey): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString('base64');
  await writeFile(path.replace(/\.json$/, '.password'), password, { mode: 0o600 });
  await writeFile(path, await encryptKeystore(key.secretKey, password, { salt: randomBytes(32), iv: randomBytes(16), uuid: randomBytes(16) }, LIGHT_SCRYPT), { mode: 0o600 });
}

/** `folder`/keys/ with every key `member` enrolled at genesis: authority-i, node-i, bridge-i. */
export async function writeMemberKeys(folder: string, member: TestMember): Promise<void> {
  for (const [i, authority] of member.authorities.entries()) {
    await writeTestKeystore(keyPaths(folder, 'authority', i).keystore, authority.signer);
    await writeTestKeystore(keyPaths(folder, 'node', i).keystore, authority.node);
  }
  for (const [i, validator] of member.bridgeValidators.entries()) await writeTestKeystore(keyPaths(folder, 'bridge', i).keystore, validator);
}
