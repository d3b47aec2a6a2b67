/**
 * `concord backup split` and `concord backup recover`: Shamir backups of any key a member holds
 * (DESIGN.md §8; formats in shared/backup/). Passwords come from files or the environment, never from
 * the command line. Every file written is mode 0600 and new: the targets are checked before anything
 * is written, so a refusal leaves no partial set of shares and no stray password file.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { ConcordError } from '../../shared/errors.js';
import { toHex } from '../../shared/hash/hex.js';
import { decryptKeystore, encryptKeystore } from '../../shared/keys/keystore.js';
import { SET_ID_BYTES, printShare, readShareText, serializeShare } from '../../shared/backup/share.js';
import { MAX_SHARES, splitKey } from '../backup/split.js';
import { recoverKey, type LoadedShare } from '../../shared/backup/recover.js';
import { pathExists, readPasswordFile, readText, writeNewFile } from '../io/files.js';
import { readPassword, type PasswordSource } from '../keys/identity.js';
import { describeScrypt, scryptParams } from '../keys/kdf.js';
import { keystoreRandomness, newPassword } from '../keys/random.js';
import type { Output } from '../cli/output.js';

/** Options of `concord backup split`. */
export interface BackupSplitOptions {
  key: string;
  passwordFile?: string;
  passwordEnv?: string;
  k: number;
  n: number;
  out: string;
  text: boolean;
}

/** Options of `concord backup recover`. */
export interface BackupRecoverOptions {
  out: string;
  passwordFile?: string;
  lightKdf: boolean;
}

/** Parses the value of -k or -n: a whole number in 2..255 (commander names the option when this throws). */
export function parseShareCount(value: string): number {
  const count = /^[0-9]{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(count >= 2 && count <= MAX_SHARES)) throw new InvalidArgumentError(`a whole number in 2..${MAX_SHARES}`);
  return count;
}

async function refuseExisting(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    if (await pathExists(path)) throw new ConcordError('FILE_EXISTS', path, 'a path where no file exists yet (Concord never overwrites keys or shares)');
  }
}

/** Splits the key in `--key` into share-<i>.json (and share-<i>.txt with --text) in `--out`; prints where each share is. */
export async function backupSplit(options: BackupSplitOptions, output: Output): Promise<void> {
  const keystorePath = resolve(options.key);
  const folder = resolve(options.out);
  const sharePath = (index: number, extension: 'json' | 'txt'): string => join(folder, `share-${index}.${extension}`);
  const indexes = Array.from({ length: options.n }, (_, i) => i + 1);
  await refuseExisting(indexes.flatMap((index) => (options.text ? [sharePath(index, 'json'), sharePath(index, 'txt')] : [sharePath(index, 'json')])));
  const password: PasswordSource =
    options.passwordFile !== undefined ? { file: resolve(options.passwordFile) } : { env: options.passwordEnv ?? 'CONCORD_PASSWORD' };
  const keystoreJson = await readText(keystorePath, 'a keystore v3 JSON file');
  const passwordText = await readPassword(password);
  output.progress(`unlocking ${keystorePath} (scrypt, about a second for a standard keystore)`);
  const { address, secretKey } = await decryptKeystore(keystoreJson, passwordText, keystorePath);
  const setIdBytes = randomBytes(SET_ID_BYTES);
  const shares = await splitKey(secretKey, options.k, options.n, setIdBytes);
  for (const share of shares) {
    await writeNewFile(sharePath(share.index, 'json'), serializeShare(share), true);
    if (options.text) await writeNewFile(sharePath(share.index, 'txt'), printShare(share), true);
  }
  const custodians = indexes.map((index) => ({ index, json: sharePath(index, 'json'), ...(options.text ? { text: sharePath(index, 'txt') } : {}) }));
  output.result({ address, setId: toHex(setIdBytes), k: options.k, n: options.n, folder, shares: custodians }, [
    `split ${address} into ${options.n} shares (set ${toHex(setIdBytes)}): any ${options.k} restore the key, ${options.k - 1} or fewer restore nothing`,
    ...custodians.map((share) => `custodian ${share.index} gets share ${share.index} of ${options.n}: ${share.text === undefined ? share.json : `${share.json} or its printable copy ${share.text}`}`),
    `files are mode 0600; hand each custodian only its own share, then delete ${folder}`,
  ]);
}

/** Restores a key from share files (JSON or printable text) into a new keystore; prints the address. */
export async function backupRecover(sharePaths: readonly string[], options: BackupRecoverOptions, output: Output): Promise<void> {
  const keystorePath = resolve(options.out);
  const givenPasswordPath = options.passwordFile === undefined ? undefined : resolve(options.passwordFile);
  const passwordPath = givenPasswordPath ?? `${keystorePath}.password`;
  await refuseExisting(givenPasswordPath === undefined ? [keystorePath, passwordPath] : [keystorePath]);
  const loaded: LoadedShare[] = [];
  for (const path of sharePaths.map((share) => resolve(share))) {
    loaded.push({ path, share: readShareText(await readText(path, 'a Concord key share'), path) });
  }
  const { address, secretKey } = await recoverKey(loaded);
  let password: string;
  if (givenPasswordPath !== undefined) password = await readPasswordFile(givenPasswordPath);
  else {
    password = newPassword();
    await writeNewFile(passwordPath, password, true);
  }
  const scrypt = scryptParams(options.lightKdf);
  output.progress(`encrypting the restored key into ${keystorePath} (${describeScrypt(scrypt)})`);
  await writeNewFile(keystorePath, await encryptKeystore(secretKey, password, keystoreRandomness(), scrypt), true);
  const generated = givenPasswordPath === undefined;
  output.result({ address, keystore: keystorePath, password: passwordPath, passwordGenerated: generated }, [
    `restored ${address}`,
    `keystore ${keystorePath}`,
    `password ${passwordPath}${generated ? ' (generated, mode 0600)' : ''}`,
  ]);
}
