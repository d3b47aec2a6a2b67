/**
 * A finalized ceremony for bundle unit tests: driven through the real reducer with real signatures
 * (test/helpers/ceremony.ts), sealed by the coordinator, plus each member's key material as its client
 * would hold it after decrypting its folder (keystores encrypted with a cheap scrypt).
 */
import { randomBytes } from 'node:crypto';
import { signTyped } from '../../../shared/eip712/sign.js';
import { artifactSealMessage, buildArtifactBody, sealArtifact } from '../../../shared/artifact/build.js';
import type { GenesisArtifact } from '../../../shared/artifact/schema.js';
import { encryptKeystore } from '../../../shared/keys/keystore.js';
import type { MemberKeyMaterial } from '../../../shared/bundle/member.js';
import { CeremonyRun, makeCeremony, type MemberLayout, type TestCeremony, type TestMember } from '../../helpers/ceremony.js';

/** Four members, five authority nodes (Acme runs two), three bridge validators. */
export const BUNDLE_LAYOUT: readonly MemberLayout[] = [
  { name: 'Acme', authorityNodes: 2, bridgeValidators: 1 },
  { name: 'Bolt', authorityNodes: 1, bridgeValidators: 1, fixedEndpoints: true },
  { name: 'Crane', authorityNodes: 1, bridgeValidators: 1 },
  { name: 'Delta', authorityNodes: 1, bridgeValidators: 0 },
];

/** A sealed artifact, its text, and the ceremony it came from. */
export interface FinalizedCeremony {
  ceremony: TestCeremony;
  artifact: GenesisArtifact;
  artifactText: string;
}

/** Runs a ceremony of `layout` to FINALIZED and seals its artifact. */
export async function finalizedCeremony(layout: readonly MemberLayout[] = BUNDLE_LAYOUT, ceremonyId = 'bundle-unit'): Promise<FinalizedCeremony> {
  return sealedCeremony(makeCeremony({ layout, ceremonyId, requiredSignatures: 2 }));
}

/** Runs `ceremony` (any spec, e.g. one with a permissions section) to FINALIZED and seals its artifact. */
export async function sealedCeremony(ceremony: TestCeremony): Promise<FinalizedCeremony> {
  const run = new CeremonyRun(ceremony);
  const state = await run.advanceTo('FINALIZED');
  const body = buildArtifactBody(ceremony.context, run.entries, state);
  const artifact = sealArtifact(body, signTyped('Artifact', artifactSealMessage(body, ceremony.spec.ceremonyId), ceremony.coordinator.secretKey));
  return { ceremony, artifact, artifactText: `${JSON.stringify(artifact, null, 2)}\n` };
}

/** A member's keys as its client holds them after decrypting its folder. */
export async function keyMaterialOf(member: TestMember): Promise<MemberKeyMaterial> {
  const authority = await Promise.all(
    member.authorities.map(async (node) => {
      const password = randomBytes(24).toString('base64');
      const keystoreJson = await encryptKeystore(node.signer.secretKey, password, { salt: randomBytes(32), iv: randomBytes(16), uuid: randomBytes(16) }, { N: 1 << 10, r: 8, p: 1 });
      return { keystoreJson, password, secretKey: node.signer.secretKey };
    }),
  );
  return { authority, node: member.authorities.map((node) => node.node.secretKey), bridge: member.bridgeValidators.map((key) => key.secretKey) };
}
