/**
 * `concord admission prepare`: run by a company that wants to join a finalized consortium. Offline, from
 * the consortium's verified genesis artifact, it makes the candidate's node and bridge-validator keys in
 * its own key folder (as `join` does: `keys/<role>-<i>.json` with a password file each, from index 0)
 * and writes the admitMember change with a proof of possession by every key, the identity's included
 * (role `identity`, index 0). A member then proposes it with `concord propose admit-member --admission
 * <file>`; once it passes, the candidate is a member and votes with its identity. No secret is in the file.
 */
import { resolve } from 'node:path';
import { ConcordError } from '../../shared/errors.js';
import { addressOf, publicKeyOf } from '../../shared/crypto/secp256k1.js';
import { toHex } from '../../shared/hash/hex.js';
import { parseWith } from '../../shared/validation/zod.js';
import { endpointField } from '../../shared/validation/fields.js';
import { verifyArtifact } from '../../shared/artifact/verify.js';
import { changeSchema } from '../../shared/governance/change.js';
import { parseSpec } from '../../shared/spec/parse.js';
import { signGovernancePop, type PopContext } from '../../shared/governance/pop.js';
import { unlockIdentity } from '../keys/identity.js';
import { scryptParams } from '../keys/kdf.js';
import { readJson, writeNewFile } from '../io/files.js';
import type { Output } from '../cli/output.js';
import { loadOrCreateKey } from './governance-keys.js';
import { wholeNumber } from './governance-propose.js';

export interface AdmissionOptions {
  artifact: string;
  identity: string;
  passwordFile?: string;
  passwordEnv?: string;
  name: string;
  endpoint: string[];
  bridgeValidators: string;
  keys: string;
  out: string;
  lightKdf: boolean;
}

/** Makes the candidate's keys and writes its admitMember change. */
export async function admissionPrepare(options: AdmissionOptions, output: Output): Promise<void> {
  const artifactPath = resolve(options.artifact);
  const report = await verifyArtifact(await readJson(artifactPath, 'a Concord genesis artifact'));
  if (!report.ok || report.artifact === null) throw new ConcordError('ARTIFACT_INVALID', artifactPath, 'a genesis artifact that verifies (run concord verify on it)');
  const context: PopContext = { ceremonyId: parseSpec(report.artifact.spec, 'artifact.spec').ceremonyId, specHash: report.artifact.specHash };
  const password = options.passwordFile !== undefined ? { file: resolve(options.passwordFile) } : { env: options.passwordEnv ?? 'CONCORD_PASSWORD' };
  const identity = await unlockIdentity(resolve(options.identity), password, (line) => output.progress(line));
  const endpoints = options.endpoint.map((endpoint, i) => parseWith(endpointField, endpoint, 'ENDPOINT_INVALID', `--endpoint[${i}]`));
  const bridgeCount = wholeNumber(options.bridgeValidators, '--bridge-validators');
  const folder = resolve(options.keys);
  const scrypt = scryptParams(options.lightKdf);
  const progress = (line: string): void => output.progress(line);
  const pop = (role: 'identity' | 'authority' | 'node' | 'bridge', index: number, secretKey: Uint8Array): string => signGovernancePop(context, identity.address, role, index, secretKey);

  const nodes = [];
  for (const [i, endpoint] of endpoints.entries()) {
    const signer = await loadOrCreateKey(folder, 'authority', i, scrypt, progress);
    const node = await loadOrCreateKey(folder, 'node', i, scrypt, progress);
    nodes.push({ signer: addressOf(signer), signerPop: pop('authority', i, signer), nodePublicKey: toHex(publicKeyOf(node)), nodePop: pop('node', i, node), endpoint });
  }
  const bridgeValidators = [];
  for (let i = 0; i < bridgeCount; i++) {
    const key = await loadOrCreateKey(folder, 'bridge', i, scrypt, progress);
    bridgeValidators.push({ address: addressOf(key), pop: pop('bridge', i, key) });
  }
  const change = parseWith(changeSchema, { kind: 'admitMember', identity: identity.address, name: options.name, identityPop: pop('identity', 0, identity.secretKey), nodes, bridgeValidators }, 'MESSAGE_INVALID', 'admission');
  const out = resolve(options.out);
  await writeNewFile(out, `${JSON.stringify(change, null, 2)}\n`, false);
  output.result({ admission: out, change }, [
    `admission of ${options.name} (${identity.address}) to ${context.ceremonyId}: ${nodes.length} authority node(s), ${bridgeValidators.length} bridge validator(s); keys in ${folder}`,
    `a member proposes it with: concord propose admit-member --admission ${out} --activation-block <block>`,
    out,
  ]);
}
