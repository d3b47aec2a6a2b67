/**
 * The keys a member enrolls in a ceremony, made locally and kept in its own folder:
 *   keys/authority-<i>.json   the Aura signer of authority node i      (+ .password)
 *   keys/node-<i>.json        the p2p node key of authority node i     (+ .password)
 *   keys/bridge-<i>.json      bridge validator i                       (+ .password)
 * Every keystore is v3 with its own password in a 0600 file beside it: generated (24 random bytes in
 * base64, as parity-deploy makes them with `openssl rand -base64`), or supplied by the member, who
 * places keys/<role>-<i>.password (mode 0600, at least 16 characters on its first line) before the
 * key is made. Keys are made once: a restarted client loads them instead of making new ones.
 */
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConcordError } from '../../shared/errors.js';
import { randomSecretKey } from '../../shared/crypto/secp256k1.js';
import { decryptKeystore, encryptKeystore, type ScryptParams } from '../../shared/keys/keystore.js';
import type { EnrolledKeys } from '../../shared/ceremony/contribution.js';
import type { SpecMember } from '../../shared/spec/schema.js';
import { readPasswordFile, readText, writeNewFile } from '../io/files.js';
import { keystoreRandomness, newPassword } from './random.js';

type Role = keyof EnrolledKeys;

/** The shortest password a member may supply for a ceremony key (a generated one has 32 characters). */
export const MIN_SUPPLIED_PASSWORD = 16;

/** The keystore and password file paths of one enrolled key. */
export function keyPaths(folder: string, role: Role, index: number): { keystore: string; password: string } {
  const base = join(folder, 'keys', `${role}-${index}`);
  return { keystore: `${base}.json`, password: `${base}.password` };
}

function slots(member: SpecMember): [Role, number][] {
  const list: [Role, number][] = [];
  for (let i = 0; i < member.authorityNodes; i++) list.push(['authority', i], ['node', i]);
  for (let i = 0; i < member.bridgeValidators; i++) list.push(['bridge', i]);
  return list;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * The password in a file that was there before its keystore: one the member supplied (or one generated
 * by a run stopped between writing it and the keystore). It must be as private as a generated one.
 */
async function readSuppliedPassword(path: string): Promise<string> {
  const mode = (await stat(path)).mode & 0o777;
  if (mode !== 0o600) {
    throw new ConcordError('FILE_INVALID', path, `a password file of mode 0600, readable and writable by its owner only (it has mode ${mode.toString(8).padStart(4, '0')}: chmod 600 it)`);
  }
  const password = await readPasswordFile(path);
  if (password.length < MIN_SUPPLIED_PASSWORD) throw new ConcordError('FILE_INVALID', path, `a password of at least ${MIN_SUPPLIED_PASSWORD} characters on the first line`);
  return password;
}

/**
 * Loads the member's enrolled keys from `folder`, making (and saving) any that do not exist yet.
 * `onProgress` is told each key as it is made or loaded (scrypt takes a moment per key).
 */
export async function loadOrCreateKeys(
  folder: string,
  member: SpecMember,
  scrypt: ScryptParams,
  onProgress: (done: number, total: number, label: string) => void,
): Promise<EnrolledKeys> {
  const keys: { authority: Uint8Array[]; node: Uint8Array[]; bridge: Uint8Array[] } = { authority: [], node: [], bridge: [] };
  const all = slots(member);
  // Supplied passwords are checked before any key is made, so a refused one leaves the folder as it was.
  const supplied = new Map<string, string>();
  for (const [role, index] of all) {
    const paths = keyPaths(folder, role, index);
    if (!(await exists(paths.keystore)) && (await exists(paths.password))) supplied.set(paths.password, await readSuppliedPassword(paths.password));
  }
  for (const [n, [role, index]] of all.entries()) {
    const paths = keyPaths(folder, role, index);
    let secretKey: Uint8Array;
    if (await exists(paths.keystore)) {
      const loaded = await decryptKeystore(await readText(paths.keystore, 'a keystore v3 JSON file'), await readPasswordFile(paths.password), paths.keystore);
      secretKey = loaded.secretKey;
      onProgress(n + 1, all.length, `loaded ${role} key ${index}`);
    } else {
      secretKey = randomSecretKey();
      let password = supplied.get(paths.password);
      const note = password === undefined ? '' : ' with the password already in its password file';
      if (password === undefined) {
        password = newPassword();
        await writeNewFile(paths.password, password, true);
      }
      await writeNewFile(paths.keystore, await encryptKeystore(secretKey, password, keystoreRandomness(), scrypt), true);
      onProgress(n + 1, all.length, `made ${role} key ${index}${note}`);
    }
    keys[role][index] = secretKey;
  }
  return keys;
}
