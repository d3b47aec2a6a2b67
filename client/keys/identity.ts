/**
 * A member's identity: the secp256k1 key that signs every ceremony message, in a keystore v3 file.
 */
import { ConcordError } from '../../shared/errors.js';
import { randomSecretKey, addressOf, type Address } from '../../shared/crypto/secp256k1.js';
import { decryptKeystore, encryptKeystore, type ScryptParams } from '../../shared/keys/keystore.js';
import { readPasswordFile, readText, writeNewFile } from '../io/files.js';
import { keystoreRandomness, newPassword } from './random.js';
import { promptPassword } from './password-prompt.js';

export interface CreatedIdentity {
  address: Address;
  keystorePath: string;
  /** Where the password is: the file the user gave, or the new 0600 file beside the keystore. */
  passwordPath: string;
}

/**
 * Creates a new identity keystore at `keystorePath`. The password comes from `passwordPath` if given,
 * otherwise one is generated and written to `<keystorePath>.password` with mode 0600.
 */
export async function createIdentity(keystorePath: string, passwordPath: string | undefined, scrypt: ScryptParams): Promise<CreatedIdentity> {
  const secretKey = randomSecretKey();
  let password: string;
  let writtenPasswordPath: string;
  if (passwordPath !== undefined) {
    password = await readPasswordFile(passwordPath);
    writtenPasswordPath = passwordPath;
  } else {
    password = newPassword();
    writtenPasswordPath = `${keystorePath}.password`;
    await writeNewFile(writtenPasswordPath, password, true);
  }
  await writeNewFile(keystorePath, await encryptKeystore(secretKey, password, keystoreRandomness(), scrypt), true);
  return { address: addressOf(secretKey), keystorePath, passwordPath: writtenPasswordPath };
}

/**
 * Where a password comes from: a file, an environment variable, or (when neither holds one and there
 * is a terminal) a prompt with no echo. Never a command-line argument.
 */
export type PasswordSource = { file: string } | { env: string };

/** Reads the password from its source, asking on the terminal if the variable is unset. */
export async function readPassword(source: PasswordSource): Promise<string> {
  if ('file' in source) return readPasswordFile(source.file);
  const value = process.env[source.env];
  if (value !== undefined && value !== '') return value;
  if (!process.stdin.isTTY) throw new ConcordError('FILE_INVALID', `$${source.env}`, `the keystore password in --password-file or in $${source.env}`);
  const typed = await promptPassword('keystore password: ');
  if (typed === '') throw new ConcordError('FILE_INVALID', 'password', 'a non-empty password');
  return typed;
}

/** Unlocks an identity keystore; `report` gets a progress line before the (slow) scrypt. */
export async function unlockIdentity(keystorePath: string, password: PasswordSource, report: (line: string) => void): Promise<{ address: Address; secretKey: Uint8Array }> {
  const json = await readText(keystorePath, 'a keystore v3 JSON file');
  const text = await readPassword(password);
  report(`unlocking the identity ${keystorePath} (scrypt, about a second for a standard keystore)`);
  return decryptKeystore(json, text, keystorePath);
}
