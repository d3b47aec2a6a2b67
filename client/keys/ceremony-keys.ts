/**
 * The keys a member enrolls in a ceremony, made locally and kept in its own folder:
 *   keys/authority-<i>.json   the Aura signer of authority node i      (+ .password)
 *   keys/node-<i>.json        the p2p node key of authority node i     (+ .password)
 *   keys/bridge-<i>.json      bridge validator i                       (+ .password)
 * Every keystore is v3 with its own generated password in a 0600 file beside it. Keys are made once:
 * a restarted client loads them instead of making new ones.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { randomSecretKey } from '../../shared/crypto/secp256k1.js';
import { decryptKeystore, encryptKeystore, type ScryptParams } from '../../shared/keys/keystore.js';
import type { EnrolledKeys } from '../../shared/ceremony/contribution.js';
import type { SpecMember } from '../../shared/spec/schema.js';
import { readPasswordFile, readText, writeNewFile } from '../io/files.js';
import { keystoreRandomness, newPassword } from './random.js';

type Role = keyof EnrolledKeys;

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
  for (const [n, [role, index]] of all.entries()) {
    const paths = keyPaths(folder, role, index);
    let secretKey: Uint8Array;
    if (await exists(paths.keystore)) {
      const loaded = await decryptKeystore(await readText(paths.keystore, 'a keystore v3 JSON file'), await readPasswordFile(paths.password), paths.keystore);
      secretKey = loaded.secretKey;
      onProgress(n + 1, all.length, `loaded ${role} key ${index}`);
    } else {
      secretKey = randomSecretKey();
      // A run stopped between the two writes leaves a password without its keystore: reuse it.
      let password: string;
      if (await exists(paths.password)) password = await readPasswordFile(paths.password);
      else {
        password = newPassword();
        await writeNewFile(paths.password, password, true);
      }
      await writeNewFile(paths.keystore, await encryptKeystore(secretKey, password, keystoreRandomness(), scrypt), true);
      onProgress(n + 1, all.length, `made ${role} key ${index}`);
    }
    keys[role][index] = secretKey;
  }
  return keys;
}
