/**
 * zod building blocks shared by every schema: addresses, hashes, signatures, amounts, endpoints.
 * Each says in words what a valid value is, because that text becomes ConcordError.expected.
 */
import { z } from 'zod';
import { getAddress } from 'ethers';

/** An address in lowercase or correct EIP-55 checksum, normalized to the checksummed form. */
export const addressField = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'a 0x-prefixed 20-byte address (40 hex digits)')
  .refine((value) => value === value.toLowerCase() || isChecksummed(value), 'an address in lowercase or with a correct EIP-55 checksum')
  .transform((value) => getAddress(value));

function isChecksummed(value: string): boolean {
  try {
    return getAddress(value) === value;
  } catch {
    return false;
  }
}

/**
 * An address with its EIP-55 checksum, exactly: for an address copied by hand (a deployed contract's),
 * where a lowercase one would let a mistyped digit through unnoticed.
 */
export const checksummedAddressField = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'a 0x-prefixed 20-byte address (40 hex digits)')
  .refine(isChecksummed, 'an address with its EIP-55 checksum (mixed case, as bridgeDeploymentResults.json and block explorers write it)');

/** A 32-byte value as 0x + 64 lowercase hex digits. */
export const hash32Field = z.string().regex(/^0x[0-9a-f]{64}$/, 'a 32-byte value as 0x + 64 lowercase hex digits');

/** A 65-byte r ‖ s ‖ v signature as 0x + 130 lowercase hex digits. */
export const signatureField = z.string().regex(/^0x[0-9a-f]{130}$/, 'a 65-byte signature as 0x + 130 lowercase hex digits');

/** A 64-byte uncompressed secp256k1 public key without the 04 prefix (the enode id). */
export const nodePublicKeyField = z.string().regex(/^0x[0-9a-f]{128}$/, 'a 64-byte public key as 0x + 128 lowercase hex digits');

/** A non-negative integer amount in wei (or token units) as a decimal string without leading zeros. */
export const amountField = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, 'a non-negative integer as a decimal string without leading zeros');

/** A whole number in [min, max]. */
export function intField(min: number, max: number = Number.MAX_SAFE_INTEGER): z.ZodNumber {
  return z.number().int(`a whole number`).min(min).max(max);
}

/** One decimal octet 0..255 without leading zeros. */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

/**
 * Whether `host` is an IPv4 address in canonical dotted-quad form: four decimal octets 0..255 without
 * leading zeros. Other spellings (`010.0.0.1`, `1.2.3`, `0x7f.1`) mean different addresses to
 * different parsers (inet_aton reads a leading 0 as octal and fewer parts as a shorter form; RFC 6943
 * §3.1.1), so none is taken for an address.
 */
export function isIpv4(host: string): boolean {
  return IPV4.test(host);
}

/** An IPv4 address in canonical dotted-quad form (a listen address: 0.0.0.0 allowed). */
export const ipv4Field = z.string().refine(isIpv4, 'an IPv4 address as four decimal numbers 0..255 without leading zeros');

/** Why no other node can dial `host` (a canonical IPv4 address), or null; ranges and sources as RFC 6890's special-purpose registry lists them. */
function undialableIpv4(host: string): string | null {
  const first = Number(host.slice(0, host.indexOf('.')));
  // RFC 1122 §3.2.1.3: 0.0.0.0/8 is "this host on this network", a source address only; to a listener 0.0.0.0 means any address.
  if (first === 0) return 'not 0.0.0.0/8 ("this network": a source or listen address, never one to dial)';
  // RFC 5771: 224.0.0.0/4 is multicast; devp2p runs on TCP, which connects to one host.
  if (first >= 224 && first <= 239) return 'not a multicast address (224.0.0.0/4)';
  // RFC 1112 §4: 240.0.0.0/4 is reserved; 255.255.255.255 is the limited broadcast (RFC 919 §7).
  if (first >= 240) return 'not a reserved or broadcast address (240.0.0.0/4)';
  return null;
}

/** RFC 1123 §2.1 host name labels: letters, digits and -, 1..63 characters, no - at either end. */
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * What is wrong with an endpoint `host:port`, in words for ConcordError.expected; null if nothing is.
 *
 * The host is an IPv4 address or a DNS name, because the other nodes dial it from the enode URL
 * `enode://id@host:port` (REFERENCE.md §3); IPv6 is left out because that form would need brackets.
 * - An IPv4 address is a canonical dotted quad (`isIpv4`), and one another node can dial: not
 *   0.0.0.0/8, multicast 224.0.0.0/4 or reserved 240.0.0.0/4 (`undialableIpv4`). Loopback and private
 *   ranges stay allowed: a test network on one host, a consortium over a VPN.
 * - A DNS name is labels of RFC 1123 §2.1, 253 characters at most (RFC 1035 §2.3.4: 255 octets on the
 *   wire). Its last label is not all digits: RFC 1123 §2.1 says a host name is never dotted decimal,
 *   and RFC 3696 §2 that a top-level domain is never all-numeric; so `999.1.1.1`, `10.0.0.256` or
 *   `1.2.3` is a bad address, not a name.
 * - The port is 1..65535 in decimal without leading zeros.
 */
export function endpointProblem(value: string): string | null {
  const colon = value.lastIndexOf(':');
  const host = value.slice(0, colon);
  const port = value.slice(colon + 1);
  if (colon < 0 || host.includes(':') || host.startsWith('[')) return 'host:port with an IPv4 address or DNS name (IPv6 is not supported) and a port in 1..65535';
  if (!/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535) return 'host:port with a port in 1..65535 (decimal, no leading zeros)';
  const labels = host.split('.');
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) {
    if (!isIpv4(host)) return 'an IPv4 address as four decimal numbers 0..255 without leading zeros (a host ending in a number is no DNS name)';
    const undialable = undialableIpv4(host);
    return undialable === null ? null : `an IPv4 address other nodes can dial: ${undialable}`;
  }
  if (host.length > 253 || !labels.every((label) => LABEL.test(label))) {
    return 'a DNS name of labels of letters, digits and - (1..63 characters each, no - at either end; 253 characters at most)';
  }
  return null;
}

/** A p2p endpoint `host:port` that the other nodes dial (`endpointProblem` says what is accepted). */
export const endpointField = z.string().superRefine((value, ctx) => {
  const problem = endpointProblem(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});
