/**
 * Proofs of possession for keys enrolled by governance (DESIGN.md §3, §7): the ceremony's EIP-712
 * `ProofOfPossession{ceremonyId, specHash, member, role, index}` signed by the new key itself, with
 * `index` the member's next index for that role (consortium.ts `nextIndex`), so a PoP made for one
 * enrollment names its member, role and slot and cannot be reused for another. An admitted member's
 * identity proves itself with role `identity`, index 0.
 */
import { ConcordError } from '../errors.js';
import { toHex, type Hex, type Hex32 } from '../hash/hex.js';
import type { Address } from '../crypto/secp256k1.js';
import { recoverTypedPublicKey, recoverTypedSigner, signTyped } from '../eip712/sign.js';
import type { TypedValue } from '../eip712/types.js';
import type { PopRole } from '../ceremony/contribution.js';

/** The roles a governance PoP may name: the ceremony's, and `identity` for a member being admitted. */
export type GovernancePopRole = PopRole | 'identity';

/** The ceremony every PoP binds. */
export interface PopContext {
  ceremonyId: string;
  specHash: Hex32;
}

/** The typed value a governance PoP signs. */
export function governancePop(context: PopContext, member: Address, role: GovernancePopRole, index: number): TypedValue<'ProofOfPossession'> {
  return { ceremonyId: context.ceremonyId, specHash: context.specHash, member, role, index };
}

/** Signs a PoP with the enrolled key. */
export function signGovernancePop(context: PopContext, member: Address, role: GovernancePopRole, index: number, secretKey: Uint8Array): Hex {
  return signTyped('ProofOfPossession', governancePop(context, member, role, index), secretKey);
}

/** Checks that `signature` is a PoP by `address` for `member`'s `role` slot `index`; throws POP_INVALID at `path`. */
export function checkAddressPop(context: PopContext, member: Address, role: GovernancePopRole, index: number, signature: string, address: Address, path: string): void {
  if (recoverTypedSigner('ProofOfPossession', governancePop(context, member, role, index), signature, path) !== address) {
    throw new ConcordError('POP_INVALID', path, `a signature by ${address} over ProofOfPossession{ceremonyId, specHash, member: ${member}, role: ${role}, index: ${index}}`);
  }
}

/** Checks that `signature` is a PoP by the node key `nodePublicKey` for `member`'s node slot `index`. */
export function checkNodePop(context: PopContext, member: Address, index: number, signature: string, nodePublicKey: Hex, path: string): void {
  if (toHex(recoverTypedPublicKey('ProofOfPossession', governancePop(context, member, 'node', index), signature, path)) !== nodePublicKey) {
    throw new ConcordError('POP_INVALID', path, `a signature by the node key ${nodePublicKey.slice(0, 10)}… over ProofOfPossession{ceremonyId, specHash, member: ${member}, role: node, index: ${index}}`);
  }
}
