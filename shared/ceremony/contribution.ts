/**
 * A member's contribution (DESIGN.md §3, REVEAL): per authority node the signer address, the node's
 * enode public key and endpoint, and proofs of possession; per bridge validator its address and PoP.
 * A proof of possession is an EIP-712 `ProofOfPossession{ceremonyId, specHash, member, role, index}`
 * signed by the enrolled key itself, so nobody can enroll a key it does not hold, and a PoP copied
 * from another member names the other member and fails.
 * The commitment is keccak256(JCS(contribution) ‖ salt) (DESIGN.md §3, COMMIT).
 */
import { z } from 'zod';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { utf8ToBytes, concatBytes } from '@noble/hashes/utils.js';
import { ConcordError, joinPath } from '../errors.js';
import { canonicalize } from '../canonical/jcs.js';
import { fromHex, toHex, type Hex32 } from '../hash/hex.js';
import { addressOf, addressOfPublicKey, publicKeyOf, type Address } from '../crypto/secp256k1.js';
import { recoverTypedPublicKey, recoverTypedSigner, signTyped } from '../eip712/sign.js';
import type { TypedValue } from '../eip712/types.js';
import { addressField, endpointField, endpointProblem, intField, nodePublicKeyField, signatureField } from '../validation/fields.js';
import type { CeremonySpec, SpecMember } from '../spec/schema.js';

/** What a proof of possession proves a key is for. */
export type PopRole = 'authority' | 'node' | 'bridge';

export const contributionSchema = z.strictObject({
  member: addressField,
  authorities: z.array(
    z.strictObject({
      index: intField(0),
      signer: addressField,
      signerPop: signatureField,
      nodePublicKey: nodePublicKeyField,
      nodePop: signatureField,
      endpoint: endpointField,
    }),
  ),
  bridgeValidators: z.array(
    z.strictObject({
      index: intField(0),
      address: addressField,
      pop: signatureField,
    }),
  ),
});

/** A member's revealed contribution. */
export type Contribution = z.infer<typeof contributionSchema>;
/** One authority node of a contribution. */
export type AuthorityEnrollment = Contribution['authorities'][number];

/** The typed value a proof of possession signs. */
export function popMessage(
  ceremonyId: string,
  specHash: Hex32,
  member: Address,
  role: PopRole,
  index: number,
): TypedValue<'ProofOfPossession'> {
  return { ceremonyId, specHash, member, role, index };
}

/** Signs a proof of possession with the enrolled key. */
export function signPop(
  ceremonyId: string,
  specHash: Hex32,
  member: Address,
  role: PopRole,
  index: number,
  secretKey: Uint8Array,
): string {
  return signTyped('ProofOfPossession', popMessage(ceremonyId, specHash, member, role, index), secretKey);
}

/** keccak256(JCS(contribution) ‖ salt): what a member commits to before anyone reveals. */
export function commitmentOf(contribution: Contribution, salt: Hex32): Hex32 {
  return toHex(keccak_256(concatBytes(utf8ToBytes(canonicalize(contribution)), fromHex(salt))));
}

/**
 * Checks a contribution against the spec: it is the member's own, it enrolls exactly the keys the
 * spec gives the member in index order, the endpoints are the spec's where the spec fixes them, and
 * every proof of possession is by the enrolled key over this ceremony, this member, role and index.
 */
export function verifyContribution(
  spec: CeremonySpec,
  specHash: Hex32,
  member: SpecMember,
  contribution: Contribution,
  path: string,
): void {
  if (contribution.member !== member.identity) {
    throw new ConcordError('POP_INVALID', joinPath(path, 'member'), `the revealing member's own identity ${member.identity}`);
  }
  if (contribution.authorities.length !== member.authorityNodes) {
    throw new ConcordError('MESSAGE_INVALID', joinPath(path, 'authorities'), `exactly ${member.authorityNodes} authority node(s), as the spec gives ${member.name}`);
  }
  if (contribution.bridgeValidators.length !== member.bridgeValidators) {
    throw new ConcordError('MESSAGE_INVALID', joinPath(path, 'bridgeValidators'), `exactly ${member.bridgeValidators} bridge validator(s), as the spec gives ${member.name}`);
  }
  contribution.authorities.forEach((node, i) => {
    const nodePath = joinPath(path, 'authorities', i);
    if (node.index !== i) throw new ConcordError('MESSAGE_INVALID', joinPath(nodePath, 'index'), `index ${i} (entries in index order)`);
    const fixed = member.endpoints?.[i];
    if (fixed !== undefined && node.endpoint !== fixed) {
      throw new ConcordError('ENDPOINT_INVALID', joinPath(nodePath, 'endpoint'), `the endpoint the spec fixes for this node (${fixed})`);
    }
    const signer = recoverTypedSigner('ProofOfPossession', popMessage(spec.ceremonyId, specHash, member.identity, 'authority', i), node.signerPop, joinPath(nodePath, 'signerPop'));
    if (signer !== node.signer) {
      throw new ConcordError('POP_INVALID', joinPath(nodePath, 'signerPop'), `a signature by ${node.signer} over ProofOfPossession{ceremonyId, specHash, member, role: authority, index: ${i}}`);
    }
    const nodeKey = toHex(recoverTypedPublicKey('ProofOfPossession', popMessage(spec.ceremonyId, specHash, member.identity, 'node', i), node.nodePop, joinPath(nodePath, 'nodePop')));
    if (nodeKey !== node.nodePublicKey) {
      throw new ConcordError('POP_INVALID', joinPath(nodePath, 'nodePop'), `a signature by the node key ${node.nodePublicKey.slice(0, 10)}… over ProofOfPossession{ceremonyId, specHash, member, role: node, index: ${i}}`);
    }
  });
  contribution.bridgeValidators.forEach((validator, i) => {
    const validatorPath = joinPath(path, 'bridgeValidators', i);
    if (validator.index !== i) throw new ConcordError('MESSAGE_INVALID', joinPath(validatorPath, 'index'), `index ${i} (entries in index order)`);
    const signer = recoverTypedSigner('ProofOfPossession', popMessage(spec.ceremonyId, specHash, member.identity, 'bridge', i), validator.pop, joinPath(validatorPath, 'pop'));
    if (signer !== validator.address) {
      throw new ConcordError('POP_INVALID', joinPath(validatorPath, 'pop'), `a signature by ${validator.address} over ProofOfPossession{ceremonyId, specHash, member, role: bridge, index: ${i}}`);
    }
  });
}

/**
 * Every address a contribution enrolls, with its path: signers, node-key addresses and bridge
 * validators. Across a consortium (identities included) no address may repeat.
 */
export function enrolledAddresses(contribution: Contribution, path: string): { address: Address; path: string }[] {
  return [
    ...contribution.authorities.flatMap((node, i) => [
      { address: node.signer, path: joinPath(path, 'authorities', i, 'signer') },
      { address: addressOfPublicKey(fromHex(node.nodePublicKey)), path: joinPath(path, 'authorities', i, 'nodePublicKey') },
    ]),
    ...contribution.bridgeValidators.map((validator, i) => ({ address: validator.address, path: joinPath(path, 'bridgeValidators', i, 'address') })),
  ];
}

/** The secret keys a member enrolls, by role, in index order. */
export interface EnrolledKeys {
  authority: readonly Uint8Array[];
  node: readonly Uint8Array[];
  bridge: readonly Uint8Array[];
}

/**
 * Checks the endpoints a member is about to commit to, before it makes keys and commits: a reveal the
 * reducer refuses cannot be made again with other endpoints, since it must open the commitment. Each
 * must be one the transcript schema accepts (shared/validation/fields.ts `endpointProblem`), none given
 * twice, and none one the spec fixes for another member's node (compared case-insensitively, as the
 * reducer does). `path` names the input (`--endpoint`); endpoints of other members' reveals are the
 * reducer's to check.
 */
export function checkEndpointsToCommit(spec: CeremonySpec, member: SpecMember, endpoints: readonly string[], path: string): void {
  if (endpoints.length !== member.authorityNodes) {
    throw new ConcordError('ENDPOINT_INVALID', path, `${member.authorityNodes} endpoint(s) host:port, one per authority node of ${member.name}`);
  }
  const taken = new Map<string, string>();
  for (const other of spec.members) {
    if (other.identity !== member.identity) for (const endpoint of other.endpoints ?? []) taken.set(endpoint.toLowerCase(), `a node of ${other.name} (fixed by the spec)`);
  }
  endpoints.forEach((endpoint, i) => {
    const problem = endpointProblem(endpoint);
    if (problem !== null) throw new ConcordError('ENDPOINT_INVALID', joinPath(path, i), problem);
    const owner = taken.get(endpoint.toLowerCase());
    if (owner !== undefined) throw new ConcordError('ENDPOINT_INVALID', joinPath(path, i), `an endpoint not already used by ${owner}`);
    taken.set(endpoint.toLowerCase(), `another node of ${member.name}`);
  });
}

/** Builds a member's contribution with a proof of possession by every enrolled key. */
export function buildContribution(
  spec: CeremonySpec,
  specHash: Hex32,
  member: SpecMember,
  keys: EnrolledKeys,
  endpoints: readonly string[],
): Contribution {
  const pop = (role: PopRole, index: number, secretKey: Uint8Array): string => signPop(spec.ceremonyId, specHash, member.identity, role, index, secretKey);
  return {
    member: member.identity,
    authorities: keys.authority.map((signerKey, index) => {
      const nodeKey = keys.node[index];
      const endpoint = endpoints[index];
      if (nodeKey === undefined || endpoint === undefined) {
        throw new ConcordError('MESSAGE_INVALID', joinPath('keys', 'node', index), 'one node key and one endpoint per authority node');
      }
      return {
        index,
        signer: addressOf(signerKey),
        signerPop: pop('authority', index, signerKey),
        nodePublicKey: toHex(publicKeyOf(nodeKey)),
        nodePop: pop('node', index, nodeKey),
        endpoint,
      };
    }),
    bridgeValidators: keys.bridge.map((secretKey, index) => ({ index, address: addressOf(secretKey), pop: pop('bridge', index, secretKey) })),
  };
}
