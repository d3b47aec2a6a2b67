/**
 * `concord identity create`: a member's identity key in a keystore v3 file.
 */
import { resolve } from 'node:path';
import { createIdentity } from '../keys/identity.js';
import { describeScrypt, scryptParams } from '../keys/kdf.js';
import type { Output } from '../cli/output.js';

export interface IdentityCreateOptions {
  out: string;
  passwordFile?: string;
  lightKdf: boolean;
}

export async function identityCreate(options: IdentityCreateOptions, output: Output): Promise<void> {
  const out = resolve(options.out);
  const scrypt = scryptParams(options.lightKdf);
  output.progress(`making an identity key and encrypting it into ${out} (${describeScrypt(scrypt)})`);
  const created = await createIdentity(out, options.passwordFile === undefined ? undefined : resolve(options.passwordFile), scrypt);
  output.result(created, [
    `identity ${created.address}`,
    `keystore ${created.keystorePath}`,
    `password ${created.passwordPath} (mode 0600; keep it with the keystore's custodian)`,
  ]);
}
