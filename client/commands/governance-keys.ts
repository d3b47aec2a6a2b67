/**
 * New keys for governance changes, made locally into the member's key folder exactly as `join` makes
 * its keys (client/keys/ceremony-keys.ts): `keys/<role>-<index>.json`, a keystore v3 file with its own
 * generated password in a 0600 file beside it, `index` being the member's next PoP index for the role.
 * A key already there (a proposal made once and made again, or not passed) is loaded, never replaced.
 * What a member's folder holds is also read here, to tell which keys a revision retired.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { getAddress } from 'ethers';
import { ConcordError } from '../../shared/errors.js';
import { randomSecretKey, type Address } from '../../shared/crypto/secp256k1.js';
import { decryptKeystore, encryptKeystore, type ScryptParams } from '../../shared/keys/keystore.js';
import type { EnrolledKeys } from '../../shared/ceremony/contribution.js';
import { keyPaths } from '../keys/ceremony-keys.js';
import { keystoreRandomness, newPassword } from '../keys/random.js';
import { pathExists, readPasswordFile, readText, writeNewFile } from '../io/files.js';

/** The roles of a member's key folder. */
export type KeyRole = keyof EnrolledKeys;

/** Loads the key at `keys/<role>-<index>.json`, or makes it (password first, then keystore). */
export async function loadOrCreateKey(folder: string, role: KeyRole, index: number, scrypt: ScryptParams, report: (line: string) => void): Promise<Uint8Array> {
  const paths = keyPaths(folder, role, index);
  if (await pathExists(paths.keystore)) {
    report(`loaded ${paths.keystore}`);
    return (await decryptKeystore(await readText(paths.keystore, 'a keystore v3 JSON file'), await readPasswordFile(paths.password), paths.keystore)).secretKey;
  }
  const secretKey = randomSecretKey();
  // A run stopped between the two writes leaves a password without its keystore: reuse it.
  let password: string;
  if (await pathExists(paths.password)) password = await readPasswordFile(paths.password);
  else {
    password = newPassword();
    await writeNewFile(paths.password, password, true);
  }
  await writeNewFile(paths.keystore, await encryptKeystore(secretKey, password, keystoreRandomness(), scrypt), true);
  report(`made ${paths.keystore} (mode 0600, password in ${paths.password})`);
  return secretKey;
}

/** A keystore of a member's folder and the address it holds (read from the file, not decrypted). */
export interface FolderKey {
  path: string;
  role: KeyRole;
  index: number;
  address: Address;
}

/** The address a keystore v3 file says it holds. */
function keystoreAddress(text: string, path: string): Address {
  try {
    const { address } = JSON.parse(text) as { address?: unknown };
    if (typeof address !== 'string') throw new Error('no address');
    return getAddress(address.startsWith('0x') ? address : `0x${address}`);
  } catch {
    throw new ConcordError('KEYSTORE_INVALID', path, 'a keystore v3 JSON file with its address');
  }
}

/** Every `keys/<role>-<index>.json` of a member's folder with its address. */
export async function folderKeys(folder: string): Promise<FolderKey[]> {
  const keysFolder = join(folder, 'keys');
  if (!(await pathExists(keysFolder))) return [];
  const found: FolderKey[] = [];
  for (const name of (await readdir(keysFolder)).sort()) {
    const match = /^(authority|node|bridge)-(\d+)\.json$/.exec(name);
    if (match === null) continue;
    const path = join(keysFolder, name);
    found.push({ path, role: match[1] as KeyRole, index: Number(match[2]), address: keystoreAddress(await readText(path, 'a keystore v3 JSON file'), path) });
  }
  return found;
}
