/**
 * The coordinator's file inputs: spec, keystore and password. Each error names the file and what it
 * should hold, never its content.
 */
import { readFile } from 'node:fs/promises';
import { ConcordError } from '../../shared/errors.js';
import { parseSpec } from '../../shared/spec/parse.js';
import type { CeremonySpec } from '../../shared/spec/schema.js';
import { decryptKeystore } from '../../shared/keys/keystore.js';

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new ConcordError('FILE_INVALID', path, `a readable file holding ${what}`);
  }
}

/** Reads and validates a ceremony spec file. */
export async function readSpecFile(path: string): Promise<CeremonySpec> {
  const text = await readText(path, 'a ceremony spec (JSON)');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConcordError('FILE_INVALID', path, 'JSON text');
  }
  return parseSpec(json, path);
}

/** Decrypts the coordinator's keystore with the password from a file (first line) or the environment. */
export async function readCoordinatorKey(keystorePath: string, passwordFile: string | undefined, passwordEnv: string | undefined): Promise<Uint8Array> {
  const json = await readText(keystorePath, 'a keystore v3 JSON file');
  let password: string;
  if (passwordFile !== undefined) password = (await readText(passwordFile, 'the keystore password')).split(/\r?\n/)[0] ?? '';
  else if (passwordEnv !== undefined) password = passwordEnv;
  else throw new ConcordError('FILE_INVALID', '--password-file', 'a password file, or the password in CONCORD_COORDINATOR_PASSWORD');
  return (await decryptKeystore(json, password, keystorePath)).secretKey;
}

/** The admin bearer token from a file (first line) or the environment; null when neither is given. */
export async function readAdminToken(tokenFile: string | undefined, tokenEnv: string | undefined): Promise<string | null> {
  const token = tokenFile !== undefined ? ((await readText(tokenFile, 'the admin token')).split(/\r?\n/)[0] ?? '') : (tokenEnv ?? null);
  if (token !== null && token.length < 16) throw new ConcordError('FILE_INVALID', tokenFile ?? '$CONCORD_ADMIN_TOKEN', 'an admin token of at least 16 characters');
  return token;
}
