import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import * as secp from '@noble/secp256k1';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { TypedDataEncoder, Wallet, getAddress, keccak256, toUtf8Bytes, verifyTypedData, type TypedDataField } from 'ethers';
import { describe, expect, it } from 'vitest';
import { recoverTypedPublicKey, recoverTypedSigner, signTyped, typedDigest } from '../../../shared/eip712/sign.js';
import { CONCORD_DOMAIN, TYPED_MESSAGES, type TypedMessageKind, type TypedValue } from '../../../shared/eip712/types.js';
import { addressOf, publicKeyOf, randomSecretKey } from '../../../shared/crypto/secp256k1.js';
import { fromHex, toHex } from '../../../shared/hash/hex.js';
import { expectThrows } from '../../helpers/errors.js';

const KINDS = Object.keys(TYPED_MESSAGES) as TypedMessageKind[];
const CURVE_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** A field value: EIP-712 string, bytes32 and address as text, uint256 as a number, bool as a boolean. */
type FieldValue = string | number | boolean;

/** ethers' types object for one kind, as a mutable copy. */
function typesOf(kind: TypedMessageKind): Record<string, TypedDataField[]> {
  return { [kind]: TYPED_MESSAGES[kind].map((field) => ({ name: field.name, type: field.type })) };
}

/** A value of `kind` with random field values (fresh bytes32s and addresses, a small uint). */
function randomValue<K extends TypedMessageKind>(kind: K): TypedValue<K> {
  const value: Record<string, FieldValue> = {};
  for (const field of TYPED_MESSAGES[kind]) {
    if (field.type === 'bytes32') value[field.name] = toHex(randomBytes(32));
    else if (field.type === 'address') value[field.name] = addressOf(randomSecretKey());
    else if (field.type === 'uint256') value[field.name] = randomBytes(2).readUInt16BE(0);
    else if (field.type === 'bool') value[field.name] = (randomBytes(1)[0] as number) % 2 === 1;
    else value[field.name] = `concord-${field.name}-${randomBytes(4).toString('hex')}`;
  }
  return value as TypedValue<K>;
}

/** Splits r ‖ s ‖ v. */
function parts(signature: string): { r: bigint; s: bigint; v: number } {
  const bytes = fromHex(signature);
  return { r: BigInt(toHex(bytes.subarray(0, 32))), s: BigInt(toHex(bytes.subarray(32, 64))), v: bytes[64] as number };
}

function join(r: bigint, s: bigint, v: number): string {
  return `0x${r.toString(16).padStart(64, '0')}${s.toString(16).padStart(64, '0')}${v.toString(16).padStart(2, '0')}`;
}

describe('signTyped / recoverTypedSigner', () => {
  for (const kind of KINDS) {
    it(`round-trips a ${kind}: the recovered address is the signer's`, () => {
      const secretKey = randomSecretKey();
      const value = randomValue(kind);
      const signature = signTyped(kind, value, secretKey);
      expect(signature).toMatch(/^0x[0-9a-f]{130}$/);
      expect(recoverTypedSigner(kind, value, signature, 'signature')).toBe(addressOf(secretKey));
      expect(toHex(recoverTypedPublicKey(kind, value, signature, 'signature'))).toBe(toHex(publicKeyOf(secretKey)));
    });
  }

  it('signs low-s signatures with v = 27 or 28', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const { s, v } = parts(signTyped('Accept', randomValue('Accept'), randomSecretKey()));
      expect(s <= CURVE_N / 2n).toBe(true);
      expect([27, 28]).toContain(v);
      seen.add(v);
    }
    expect(seen.size).toBe(2);
  });
});

describe('typedDigest agrees with ethers', () => {
  for (const kind of KINDS) {
    it(`gives ethers' TypedDataEncoder.hash for a ${kind}, and a signature ethers makes and verifies`, async () => {
      const secretKey = randomSecretKey();
      const wallet = new Wallet(toHex(secretKey));
      const value = randomValue(kind);
      expect(toHex(typedDigest(kind, value))).toBe(TypedDataEncoder.hash({ ...CONCORD_DOMAIN }, typesOf(kind), value));
      const ours = signTyped(kind, value, secretKey);
      // Both sign deterministically (RFC 6979) with low s: the bytes are the same.
      expect(ours).toBe(await wallet.signTypedData({ ...CONCORD_DOMAIN }, typesOf(kind), value));
      expect(verifyTypedData({ ...CONCORD_DOMAIN }, typesOf(kind), value, ours)).toBe(wallet.address);
    });
  }

  it('uses the domain {name: "Concord", version: "1"} and nothing else', () => {
    expect(CONCORD_DOMAIN).toEqual({ name: 'Concord', version: '1' });
    expect(TypedDataEncoder.hashDomain({ ...CONCORD_DOMAIN })).toBe(
      keccak256(
        concatBytes(
          keccak_256(utf8ToBytes('EIP712Domain(string name,string version)')),
          keccak_256(utf8ToBytes('Concord')),
          keccak_256(utf8ToBytes('1')),
        ),
      ),
    );
  });
});

// An EIP-712 encoder written out by hand for the field types Concord uses, independent of ethers.
function encodeField(type: string, value: FieldValue): Uint8Array {
  if (type === 'string') return keccak_256(utf8ToBytes(String(value)));
  if (type === 'bytes32') return fromHex(String(value));
  if (type === 'bool') value = value === true ? 1 : 0;
  const word = new Uint8Array(32);
  const bytes = type === 'address' ? fromHex(String(value).toLowerCase()) : fromHex(`0x${BigInt(value).toString(16).padStart(64, '0')}`);
  word.set(bytes, 32 - bytes.length);
  return word;
}

function digestByHand(kind: TypedMessageKind, value: Record<string, FieldValue>): string {
  const fields = TYPED_MESSAGES[kind];
  const typeString = `${kind}(${fields.map((field) => `${field.type} ${field.name}`).join(',')})`;
  const structHash = keccak_256(concatBytes(keccak_256(utf8ToBytes(typeString)), ...fields.map((field) => encodeField(field.type, value[field.name] as FieldValue))));
  const domainSeparator = keccak_256(
    concatBytes(keccak_256(utf8ToBytes('EIP712Domain(string name,string version)')), keccak_256(utf8ToBytes('Concord')), keccak_256(utf8ToBytes('1'))),
  );
  return toHex(keccak_256(concatBytes(new Uint8Array([0x19, 0x01]), domainSeparator, structHash)));
}

describe('typedDigest agrees with EIP-712 written out by hand', () => {
  for (const kind of KINDS) {
    it(`hashes a ${kind} as keccak256(0x1901 ‖ domainSeparator ‖ hashStruct)`, () => {
      const value = randomValue(kind);
      expect(toHex(typedDigest(kind, value))).toBe(digestByHand(kind, value as Record<string, FieldValue>));
    });
  }
});

// Golden vectors: our own typed messages, signed by ethers with a fixed key. Regenerate only on purpose (a new
// file for a new version; v1 is kept forever):  UPDATE_GOLDEN=1 npx vitest run test/unit/eip712/sign.test.ts
interface GoldenVector {
  kind: TypedMessageKind;
  encodeType: string;
  value: Record<string, FieldValue>;
  digest: string;
  signature: string;
}
const GOLDEN_FILE = fileURLToPath(new URL('../../golden/eip712/typed-messages-v1.json', import.meta.url));
const GOLDEN_KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';

function goldenValue(kind: TypedMessageKind): Record<string, FieldValue> {
  const value: Record<string, FieldValue> = {};
  for (const field of TYPED_MESSAGES[kind]) {
    const label = keccak256(toUtf8Bytes(`concord golden ${kind}.${field.name}`));
    if (field.type === 'bytes32') value[field.name] = label;
    else if (field.type === 'address') value[field.name] = getAddress(`0x${label.slice(-40)}`);
    else if (field.type === 'uint256') value[field.name] = 7;
    else if (field.type === 'bool') value[field.name] = true;
    else value[field.name] = field.name === 'ceremonyId' ? 'golden-ceremony' : field.name === 'role' ? 'authority' : 'deadline passed';
  }
  return value;
}

async function goldenVectors(): Promise<GoldenVector[]> {
  const wallet = new Wallet(GOLDEN_KEY);
  return Promise.all(
    KINDS.map(async (kind) => {
      const value = goldenValue(kind);
      return {
        kind,
        encodeType: TypedDataEncoder.from(typesOf(kind)).encodeType(kind),
        value,
        digest: TypedDataEncoder.hash({ ...CONCORD_DOMAIN }, typesOf(kind), value),
        signature: await wallet.signTypedData({ ...CONCORD_DOMAIN }, typesOf(kind), value),
      };
    }),
  );
}

describe('typed messages, golden v1', async () => {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(GOLDEN_FILE), { recursive: true });
    writeFileSync(GOLDEN_FILE, `${JSON.stringify({ key: GOLDEN_KEY, address: new Wallet(GOLDEN_KEY).address, vectors: await goldenVectors() }, null, 2)}\n`);
  }
  const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as { key: string; address: string; vectors: GoldenVector[] };

  it('covers every kind of TYPED_MESSAGES, and no other', () => {
    expect(golden.vectors.map((vector) => vector.kind).sort()).toEqual([...KINDS].sort());
  });

  for (const vector of golden.vectors) {
    it(`keeps the v1 type, digest and signature of ${vector.kind}`, () => {
      const kind = vector.kind;
      expect(TypedDataEncoder.from(typesOf(kind)).encodeType(kind), `${kind} encodeType`).toBe(vector.encodeType);
      const value = vector.value as TypedValue<typeof kind>;
      expect(toHex(typedDigest(kind, value)), `${kind} digest`).toBe(vector.digest);
      expect(signTyped(kind, value, fromHex(golden.key)), `${kind} signature`).toBe(vector.signature);
      expect(recoverTypedSigner(kind, value, vector.signature, 'signature'), `${kind} signer`).toBe(golden.address);
    });
  }
});

describe('recoverTypedSigner refusals', () => {
  const secretKey = randomSecretKey();
  const value = randomValue('Accept');
  const signature = signTyped('Accept', value, secretKey);
  const digest = typedDigest('Accept', value);

  it('refuses a high-s signature (EIP-2), although the curve accepts it', () => {
    const { r, s, v } = parts(signature);
    const malleated = join(r, CURVE_N - s, v === 27 ? 28 : 27);
    // The malleated signature is valid on the curve for the same key: it is refused by rule, not by accident.
    const recovered = secp.recoverPublicKey(concatBytes(new Uint8Array([(v === 27 ? 28 : 27) - 27]), fromHex(malleated).subarray(0, 64)), digest, { prehash: false });
    expect(toHex(recovered)).toBe(toHex(secp.getPublicKey(secretKey, true)));
    const error = expectThrows(() => recoverTypedSigner('Accept', value, malleated, 'accept.signature'), 'SIGNATURE_INVALID', 'accept.signature');
    expect(error.expected).toBe('a signature with low s (EIP-2)');
  });

  for (const v of [0, 1, 26, 29, 37, 38]) {
    it(`refuses v = ${v}`, () => {
      const { r, s } = parts(signature);
      const error = expectThrows(() => recoverTypedSigner('Accept', value, join(r, s, v), 'accept.signature'), 'SIGNATURE_INVALID', 'accept.signature');
      expect(error.expected).toBe('a signature with v = 27 or 28');
    });
  }

  const malformed: [string, string][] = [
    ['64 bytes (no v)', signature.slice(0, -2)],
    ['66 bytes', `${signature}00`],
    ['no 0x prefix', signature.slice(2)],
    ['uppercase hex', `0x${signature.slice(2).toUpperCase()}`],
    ['one uppercase digit', `0x${signature.slice(2).replace(/[a-f]/, (digit) => digit.toUpperCase())}`],
    ['a non-hex character', `${signature.slice(0, 10)}g${signature.slice(11)}`],
    ['the empty string', ''],
  ];
  for (const [name, bad] of malformed) {
    it(`refuses a signature of ${name}`, () => {
      const error = expectThrows(() => recoverTypedSigner('Accept', value, bad, 'accept.signature'), 'SIGNATURE_INVALID', 'accept.signature');
      expect(error.expected).toBe('a 65-byte signature r ‖ s ‖ v as 0x + 130 lowercase hex digits');
    });
  }

  it('refuses r = 0 and s = 0, from which no key can be recovered', () => {
    const { r, s, v } = parts(signature);
    for (const bad of [join(0n, s, v), join(r, 0n, v), join(CURVE_N, s, v)]) {
      const error = expectThrows(() => recoverTypedSigner('Accept', value, bad, 'accept.signature'), 'SIGNATURE_INVALID', 'accept.signature');
      expect(error.expected).toBe('a signature from which a secp256k1 public key can be recovered');
    }
  });

  it('names the signature in the message without echoing it', () => {
    const error = expectThrows(() => recoverTypedSigner('Accept', value, signature.toUpperCase(), 'reveal.signature'), 'SIGNATURE_INVALID', 'reveal.signature');
    expect(error.message).not.toContain(signature.slice(2, 20));
    expect(error.message).toMatchInlineSnapshot(`"SIGNATURE_INVALID at reveal.signature: expected a 65-byte signature r ‖ s ‖ v as 0x + 130 lowercase hex digits"`);
  });
});

describe('signatures are bound to their kind and ceremony', () => {
  const secretKey = randomSecretKey();
  const signer = addressOf(secretKey);

  it('does not recover the signer of a Reject as the signer of an Abort with the same fields', () => {
    const value = randomValue('Reject');
    const signature = signTyped('Reject', value, secretKey);
    expect(recoverTypedSigner('Reject', value, signature, 'signature')).toBe(signer);
    expect(recoverTypedSigner<'Abort'>('Abort', value, signature, 'signature')).not.toBe(signer);
  });

  it('does not recover the signer of an Accept under any other kind that has its fields', () => {
    const accept = randomValue('Accept');
    const signature = signTyped('Accept', accept, secretKey);
    for (const kind of KINDS.filter((k) => k !== 'Accept')) {
      const other = { ...randomValue(kind), ...accept } as TypedValue<typeof kind>;
      expect(recoverTypedSigner(kind, other, signature, 'signature'), kind).not.toBe(signer);
    }
  });

  it('does not recover the signer under another ceremonyId or specHash', () => {
    const value = randomValue('Commit');
    const signature = signTyped('Commit', value, secretKey);
    expect(recoverTypedSigner('Commit', { ...value, ceremonyId: `${value.ceremonyId}-2` }, signature, 'signature')).not.toBe(signer);
    expect(recoverTypedSigner('Commit', { ...value, specHash: toHex(randomBytes(32)) }, signature, 'signature')).not.toBe(signer);
    expect(recoverTypedSigner('Commit', { ...value, commitment: toHex(randomBytes(32)) }, signature, 'signature')).not.toBe(signer);
  });

  it('does not recover a proof of possession for another member, role or index', () => {
    const value = randomValue('ProofOfPossession');
    const signature = signTyped('ProofOfPossession', value, secretKey);
    expect(recoverTypedSigner('ProofOfPossession', { ...value, member: addressOf(randomSecretKey()) }, signature, 'pop')).not.toBe(signer);
    expect(recoverTypedSigner('ProofOfPossession', { ...value, role: 'bridge' }, signature, 'pop')).not.toBe(signer);
    expect(recoverTypedSigner('ProofOfPossession', { ...value, index: value.index + 1 }, signature, 'pop')).not.toBe(signer);
  });
});
