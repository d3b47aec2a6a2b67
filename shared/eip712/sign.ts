/**
 * EIP-712 digests, signing and signer recovery for Concord's typed messages. The struct hashing
 * is ethers' `TypedDataEncoder` (ethers `src.ts/hash/typed-data.ts`); the curve is noble's.
 */
import { TypedDataEncoder } from 'ethers';
import { fromHex, type Hex } from '../hash/hex.js';
import { recoverAddress, recoverPublicKey, signDigest, type Address } from '../crypto/secp256k1.js';
import { CONCORD_DOMAIN, TYPED_MESSAGES, type TypedMessageKind, type TypedValue } from './types.js';

/** The EIP-712 digest of a typed message: keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct). */
export function typedDigest<K extends TypedMessageKind>(kind: K, value: TypedValue<K>): Uint8Array {
  const types = { [kind]: TYPED_MESSAGES[kind].map((field) => ({ ...field })) };
  return fromHex(TypedDataEncoder.hash(CONCORD_DOMAIN, types, value));
}

/** Signs a typed message with a secret key. */
export function signTyped<K extends TypedMessageKind>(kind: K, value: TypedValue<K>, secretKey: Uint8Array): Hex {
  return signDigest(typedDigest(kind, value), secretKey);
}

/** The address that signed a typed message; `path` names the signature in errors. */
export function recoverTypedSigner<K extends TypedMessageKind>(
  kind: K,
  value: TypedValue<K>,
  signature: string,
  path: string,
): Address {
  return recoverAddress(typedDigest(kind, value), signature, path);
}

/** The 64-byte public key that signed a typed message (for node keys, whose enode is the key). */
export function recoverTypedPublicKey<K extends TypedMessageKind>(
  kind: K,
  value: TypedValue<K>,
  signature: string,
  path: string,
): Uint8Array {
  return recoverPublicKey(typedDigest(kind, value), signature, path);
}
