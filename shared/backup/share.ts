/**
 * One Shamir share of a member's key, version 1 (DESIGN.md §8): a JSON file, or the same fields as
 * printable text for a custodian who keeps the share on paper. Sample (JSON):
 *
 *   { "format": "concord/key-share@1", "address": "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
 *     "k": 2, "n": 3, "index": 1, "setId": "0x000102030405060708090a0b0c0d0e0f",
 *     "share": "0x<33 bytes: 32 bytes of y values, then the x-coordinate>", "checksum": "0x<4 bytes>" }
 *
 * `share` is a share exactly as shamir-secret-sharing (privy-io) makes it: one GF(2^8) y value per
 * secret byte followed by the share's x-coordinate, a random non-zero byte (`src/index.ts`, `split`).
 * `index` (1..n) is only the share's name for its custodians. `setId` is random per split, so shares of
 * two splits of the same key are never combined. `checksum` is the first 4 bytes of keccak-256 over the
 * RFC 8785 canonical JSON of every other field (normalized), so a mistyped character anywhere is caught
 * in that share before any combining (a change slips through with probability 2^-32).
 *
 * The printable form (`printShare`) has one `label value` line per field, labels being the JSON field
 * names, the share bytes in groups of 3 bytes over several `share` lines, and `#` comment lines for
 * the person holding it. Pure code: no I/O and no randomness (the set id is made from bytes given to
 * `splitKey`).
 */
import { z } from 'zod';
import { ConcordError } from '../errors.js';
import { hashCanonical } from '../hash/keccak.js';
import { fromHex, hexPattern, type Hex } from '../hash/hex.js';
import { addressField, intField } from '../validation/fields.js';
import { parseWith } from '../validation/zod.js';

/** The format tag of version 1 of a key share. */
export const KEY_SHARE_FORMAT = 'concord/key-share@1';

/** Bytes of a set id. */
export const SET_ID_BYTES = 16;

/** Bytes of a share of a 32-byte secp256k1 key: 32 y values and the x-coordinate. */
const SHARE_BYTES = 33;

/** A share file (either form) larger than this is refused before parsing. */
const MAX_SHARE_FILE_CHARS = 4096;

const CHECKSUM_BYTES = 4;
const GROUP_HEX_DIGITS = 6;
const GROUPS_PER_LINE = 4;

const shareBodySchema = z.strictObject({
  format: z.literal(KEY_SHARE_FORMAT),
  /** The address of the key the shares restore. */
  address: addressField,
  /** The threshold: this many distinct shares restore the key; one fewer restores nothing. */
  k: intField(2, 255),
  /** How many shares the key was split into. */
  n: intField(2, 255),
  /** This share's number among the n, 1..n. */
  index: intField(1, 255),
  setId: z.string().regex(hexPattern(SET_ID_BYTES), `a ${SET_ID_BYTES}-byte set id as 0x + ${SET_ID_BYTES * 2} lowercase hex digits`),
  share: z
    .string()
    .regex(hexPattern(SHARE_BYTES), `a ${SHARE_BYTES}-byte share as 0x + ${SHARE_BYTES * 2} lowercase hex digits`)
    .refine((share) => !share.endsWith('00'), 'share bytes whose last byte (the x-coordinate) is not 0'),
});

/** The fields of a share that its checksum covers: all but the checksum. */
export type KeyShareBody = z.infer<typeof shareBodySchema>;

/** The checksum of a share: 0x + the first 4 bytes of keccak-256 of the canonical JSON of its body. */
export function shareChecksum(body: KeyShareBody): Hex {
  const { format, address, k, n, index, setId, share } = body;
  return hashCanonical({ format, address, k, n, index, setId, share }).slice(0, 2 + CHECKSUM_BYTES * 2);
}

/** The schema of a key share file: fields, cross-field rules, then the checksum. */
export const keyShareSchema = shareBodySchema
  .extend({
    checksum: z.string().regex(hexPattern(CHECKSUM_BYTES), `a ${CHECKSUM_BYTES}-byte checksum as 0x + ${CHECKSUM_BYTES * 2} lowercase hex digits`),
  })
  .superRefine((share, ctx) => {
    if (share.k > share.n) ctx.addIssue({ code: 'custom', path: ['k'], message: `a threshold k no greater than n (${share.n})` });
    else if (share.index > share.n) ctx.addIssue({ code: 'custom', path: ['index'], message: `an index in 1..n (n = ${share.n})` });
    else if (share.checksum !== shareChecksum(share)) {
      ctx.addIssue({
        code: 'custom',
        path: ['checksum'],
        message: 'the checksum of the fields of this share: a character of it was mistyped or changed, so this share cannot be used as it is',
      });
    }
  });

/** A validated key share. */
export type KeyShare = z.infer<typeof keyShareSchema>;

/** Makes a share from its body, adding the checksum. */
export function makeShare(body: KeyShareBody): KeyShare {
  return { ...body, checksum: shareChecksum(body) };
}

/** Validates a parsed JSON value as a key share; throws FILE_INVALID at `path.field` naming the bad field. */
export function parseShare(input: unknown, path: string): KeyShare {
  return parseWith(keyShareSchema, input, 'FILE_INVALID', path);
}

/** The JSON file text of a share. */
export function serializeShare(share: KeyShare): string {
  const { format, address, k, n, index, setId, share: bytes, checksum } = share;
  return `${JSON.stringify({ format, address, k, n, index, setId, share: bytes, checksum }, null, 2)}\n`;
}

/** The printable text of a share, for paper: comments for the custodian, then one `label value` line per field. */
export function printShare(share: KeyShare): string {
  const digits = share.share.slice(2);
  const groups: string[] = [];
  for (let at = 0; at < digits.length; at += GROUP_HEX_DIGITS) groups.push(digits.slice(at, at + GROUP_HEX_DIGITS));
  const shareLines: string[] = [];
  for (let at = 0; at < groups.length; at += GROUPS_PER_LINE) shareLines.push(`share    ${groups.slice(at, at + GROUPS_PER_LINE).join(' ')}`);
  return [
    KEY_SHARE_FORMAT,
    `# Share ${share.index} of ${share.n} of the key of ${share.address}.`,
    `# Any ${share.k} of the ${share.n} shares restore the key; ${share.k - 1} or fewer restore nothing. Keep it private.`,
    '# Restore with: concord backup recover --out <keystore> <share files>',
    `address  ${share.address}`,
    `index    ${share.index}`,
    `k        ${share.k}`,
    `n        ${share.n}`,
    `setId    ${share.setId}`,
    ...shareLines,
    `checksum ${share.checksum}`,
    '',
  ].join('\n');
}

const SINGLE_LABELS = ['address', 'index', 'k', 'n', 'setId', 'checksum'] as const;
type SingleLabel = (typeof SINGLE_LABELS)[number];
const NUMBER_LABELS: ReadonlySet<string> = new Set(['index', 'k', 'n']);

/**
 * Parses the printable text of a share as a person typed it back: blank and `#` lines ignored, any
 * spacing, hex in either case. Line-level problems are FILE_INVALID at `path:line`; field problems,
 * the checksum among them, at `path.field` as for a JSON share.
 */
export function parsePrintedShare(text: string, path: string): KeyShare {
  const lines = text.split(/\r?\n/).map((line, i) => ({ number: i + 1, text: line.trim() })).filter((line) => line.text !== '' && !line.text.startsWith('#'));
  const [first, ...rest] = lines;
  if (first === undefined || first.text !== KEY_SHARE_FORMAT) {
    throw new ConcordError('FILE_INVALID', `${path}:${first?.number ?? 1}`, `the first line ${KEY_SHARE_FORMAT}`);
  }
  const fields: Partial<Record<SingleLabel, string | number>> = {};
  const shareParts: string[] = [];
  for (const line of rest) {
    const match = /^(\S+)\s+(.+)$/.exec(line.text);
    const label = match?.[1];
    const value = match?.[2];
    if (label === undefined || value === undefined) throw new ConcordError('FILE_INVALID', `${path}:${line.number}`, 'a line "<label> <value>"');
    if (label === 'share') {
      shareParts.push(value.replace(/\s+/g, '').toLowerCase());
      continue;
    }
    if (!(SINGLE_LABELS as readonly string[]).includes(label)) {
      throw new ConcordError('FILE_INVALID', `${path}:${line.number}`, `a line starting with one of ${['share', ...SINGLE_LABELS].join(', ')}`);
    }
    const key = label as SingleLabel;
    if (fields[key] !== undefined) throw new ConcordError('FILE_INVALID', `${path}:${line.number}`, `one ${key} line only`);
    if (NUMBER_LABELS.has(key)) {
      if (!/^[0-9]{1,3}$/.test(value)) throw new ConcordError('FILE_INVALID', `${path}.${key}`, 'a whole number in 1..255');
      fields[key] = Number(value);
    } else fields[key] = key === 'address' ? value : value.toLowerCase();
  }
  const share = shareParts.length === 0 ? undefined : `0x${shareParts.join('')}`;
  return parseShare({ format: KEY_SHARE_FORMAT, ...fields, share }, path);
}

/**
 * Parses a share file in either form, after a size cap: JSON if its first non-blank character is `{`,
 * the printable text otherwise. `path` names the file in errors.
 */
export function readShareText(text: string, path: string): KeyShare {
  if (text.length > MAX_SHARE_FILE_CHARS) throw new ConcordError('FILE_INVALID', path, `a key share file of at most ${MAX_SHARE_FILE_CHARS} characters`);
  if (!text.trimStart().startsWith('{')) return parsePrintedShare(text, path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConcordError('FILE_INVALID', path, `JSON text holding a ${KEY_SHARE_FORMAT} share`);
  }
  return parseShare(json, path);
}

/** The share's bytes in the layout shamir-secret-sharing combines (y values, then the x-coordinate). */
export function shareBytes(share: KeyShare): Uint8Array {
  return fromHex(share.share);
}

/** The x-coordinate of a share: its last byte. */
export function shareX(share: KeyShare): number {
  return Number.parseInt(share.share.slice(-2), 16);
}
