/**
 * secp256k1 keys and Ethereum-style recoverable signatures (r ‖ s ‖ v, v ∈ {27, 28}, low s as
 * EIP-2 requires), on @noble/secp256k1. Private keys enter as bytes and never leave this module
 * except as signatures; errors state lengths, never bytes (noble-hashes `abytes`).
 */
import * as secp from '@noble/secp256k1';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { getAddress } from 'ethers';
import { ConcordError } from '../errors.js';
import { fromHex, toHex, type Hex } from '../hash/hex.js';

secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key, message) => hmac(sha256, key, message);

/** A checksummed (EIP-55) Ethereum address. */
export type Address = string;

/** The 64-byte uncompressed public key without the 0x04 prefix: the form an enode URL carries. */
export type NodePublicKey = Hex;

const SIGNATURE_PATTERN = /^0x[0-9a-f]{130}$/;

function assertSecretKey(secretKey: Uint8Array): void {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32 || !secp.utils.isValidSecretKey(secretKey)) {
    throw new ConcordError('KEYSTORE_INVALID', 'secretKey', 'a 32-byte secp256k1 secret key in [1, n-1]');
  }
}

/** The checksummed address of a 64-byte (x ‖ y) public key. */
export function addressOfPublicKey(publicKey64: Uint8Array): Address {
  return getAddress(toHex(keccak_256(publicKey64).subarray(12)));
}

/** The 64-byte x ‖ y public key of a secret key. */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  assertSecretKey(secretKey);
  return secp.getPublicKey(secretKey, false).subarray(1);
}

/** The checksummed address of a secret key. */
export function addressOf(secretKey: Uint8Array): Address {
  return addressOfPublicKey(publicKeyOf(secretKey));
}

/** A fresh secret key from the platform CSPRNG (noble uses `crypto.getRandomValues`). */
export function randomSecretKey(): Uint8Array {
  return secp.utils.randomSecretKey();
}

/** Signs a 32-byte digest; returns r ‖ s ‖ v as 0x + 130 hex digits. */
export function signDigest(digest: Uint8Array, secretKey: Uint8Array): Hex {
  assertSecretKey(secretKey);
  if (digest.length !== 32) throw new ConcordError('INTERNAL', 'digest', 'a 32-byte digest');
  const recovered = secp.sign(digest, secretKey, { prehash: false, format: 'recovered' });
  const out = new Uint8Array(65);
  out.set(recovered.subarray(1), 0);
  out[64] = 27 + (recovered[0] as number);
  return toHex(out);
}

/**
 * Recovers the signer of a digest from an r ‖ s ‖ v signature. Refuses malformed signatures, v
 * other than 27/28, and high s (EIP-2), so each signed message has exactly one valid signature.
 */
export function recoverPublicKey(digest: Uint8Array, signature: string, path: string): Uint8Array {
  if (!SIGNATURE_PATTERN.test(signature)) {
    throw new ConcordError('SIGNATURE_INVALID', path, 'a 65-byte signature r ‖ s ‖ v as 0x + 130 lowercase hex digits');
  }
  const bytes = fromHex(signature);
  const v = bytes[64] as number;
  if (v !== 27 && v !== 28) throw new ConcordError('SIGNATURE_INVALID', path, 'a signature with v = 27 or 28');
  const noble = new Uint8Array(65);
  noble[0] = v - 27;
  noble.set(bytes.subarray(0, 64), 1);
  try {
    if (secp.Signature.fromBytes(noble, 'recovered').hasHighS()) throw new ConcordError('SIGNATURE_INVALID', path, 'a signature with low s (EIP-2)');
    return secp.recoverPublicKey(noble, digest, { prehash: false, isCompressed: false }).subarray(1);
  } catch (error) {
    if (error instanceof ConcordError) throw error;
    throw new ConcordError('SIGNATURE_INVALID', path, 'a signature from which a secp256k1 public key can be recovered');
  }
}

/** Recovers the checksummed address that signed `digest`. */
export function recoverAddress(digest: Uint8Array, signature: string, path: string): Address {
  return addressOfPublicKey(recoverPublicKey(digest, signature, path));
}
