/**
 * `concord identity create`: a member's identity key in a keystore v3 file.
 */
import { resolve } from 'node:path';
import { createIdentity } from '../keys/identity.js';
import { scryptParams } from '../keys/kdf.js';
import type { Output } from '../cli/output.js';

export interface IdentityCreateOptions {
  out: string;
  passwordFile?: string;
  lightKdf: boolean;
}

export async function identityCreate(options: IdentityCreateOptions, output: Output): Promise<void> {
  const created = await createIdentity(resolve(options.out), options.passwordFile === undefined ? undefined : resolve(options.passwordFile), scryptParams(options.lightKdf));
  output.result(created, [
    `identity ${created.address}`,
    `keystore ${created.keystorePath}`,
    `password ${created.passwordPath} (mode 0600; keep it with the keystore's custodian)`,
  ]);
}
