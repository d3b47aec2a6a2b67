/**
 * The key share format (shared/backup/share.ts): the known fixture, the checksum rule derived
 * independently with ethers, both forms round-tripping, a typed share with a wrong character caught
 * and named, and one table of hostile share files per form with code and path.
 */
import { randomBytes } from 'node:crypto';
import { id } from 'ethers';
import { describe, expect, it } from 'vitest';
import { makeShare, parsePrintedShare, parseShare, printShare, readShareText, serializeShare, shareChecksum } from '../../../shared/backup/share.js';
import { splitKey } from '../../../client/backup/split.js';
import { randomSecretKey } from '../../../shared/crypto/secp256k1.js';
import { expectThrows, thrown } from '../../helpers/errors.js';
import { FIXTURE_ADDRESS, FIXTURE_SHARES, FIXTURE_SHARE_1_TEXT } from './fixture.js';

type ShareJson = Record<string, unknown>;
const PATH = 'vault/share-1.json';
const TEXT_PATH = 'vault/share-1.txt';
const fixture1 = (): ShareJson => ({ ...FIXTURE_SHARES[0] });

describe('the known 2-of-3 fixture', () => {
  it('parses every share file as written', () => {
    for (const [i, json] of FIXTURE_SHARES.entries()) expect(parseShare(json, `share-${i + 1}.json`)).toEqual(json);
  });

  it('has checksums that are the first 4 bytes of keccak-256 over the sorted-key JSON of the other fields', () => {
    const { share, setId } = FIXTURE_SHARES[0];
    // RFC 8785 by hand: keys in code-point order, no whitespace.
    const canonical = `{"address":"${FIXTURE_ADDRESS}","format":"concord/key-share@1","index":1,"k":2,"n":3,"setId":"${setId}","share":"${share}"}`;
    expect(id(canonical).slice(0, 10)).toBe(FIXTURE_SHARES[0].checksum);
    expect(shareChecksum(parseShare(fixture1(), PATH))).toBe(FIXTURE_SHARES[0].checksum);
  });

  it('prints share 1 exactly as kept on paper', () => {
    expect(printShare(parseShare(fixture1(), PATH))).toBe(FIXTURE_SHARE_1_TEXT);
  });

  it('writes share 1 as two-space JSON with its fields in format order', () => {
    expect(serializeShare(parseShare(fixture1(), PATH))).toBe(`${JSON.stringify(FIXTURE_SHARES[0], null, 2)}\n`);
  });
});

describe('round trips', () => {
  it('reads back every share of a fresh 3-of-5 split from its JSON and from its printed text', async () => {
    const shares = await splitKey(randomSecretKey(), 3, 5, randomBytes(16));
    for (const share of shares) {
      expect(readShareText(serializeShare(share), PATH)).toEqual(share);
      expect(readShareText(printShare(share), TEXT_PATH)).toEqual(share);
      expect(parsePrintedShare(printShare(share), TEXT_PATH)).toEqual(share);
    }
  });

  it('reads a printed share typed back in capitals, with other spacing and grouping, CRLF line ends and no comments', () => {
    const typed = [
      '  concord/key-share@1',
      '',
      `address   ${FIXTURE_ADDRESS}`,
      'index 1',
      'k 2',
      'n\t3',
      'setId 0X000102030405060708090A0B0C0D0E0F',
      'share EFCF831E04AE2BFEFA6EE55AF1456BEF93CC9E8BD11A6685',
      'share 9D A0 43 2B 1E C7 0C 9C DE',
      'checksum 0xB31C1951',
    ].join('\r\n');
    expect(parsePrintedShare(typed, TEXT_PATH)).toEqual(FIXTURE_SHARES[0]);
  });

  it('reads a lowercase address and stores it checksummed, under the same checksum', () => {
    const text = FIXTURE_SHARE_1_TEXT.replace(`address  ${FIXTURE_ADDRESS}`, `address  ${FIXTURE_ADDRESS.toLowerCase()}`);
    expect(parsePrintedShare(text, TEXT_PATH).address).toBe(FIXTURE_ADDRESS);
  });

  it('makeShare adds the checksum that parseShare checks', () => {
    const { checksum: _, ...body } = FIXTURE_SHARES[1];
    expect(makeShare(body)).toEqual(FIXTURE_SHARES[1]);
  });
});

/** Every single-character change of a hex digit in the printed share lines. */
function typos(text: string): { line: number; column: number; text: string }[] {
  const lines = text.split('\n');
  const out: { line: number; column: number; text: string }[] = [];
  lines.forEach((line, l) => {
    if (!line.startsWith('share ')) return;
    for (let c = 'share '.length; c < line.length; c++) {
      const digit = line[c] as string;
      if (!/[0-9a-f]/.test(digit)) continue;
      const other = digit === '0' ? '8' : '0';
      const edited = [...lines];
      edited[l] = line.slice(0, c) + other + line.slice(c + 1);
      out.push({ line: l + 1, column: c + 1, text: edited.join('\n') });
    }
  });
  return out;
}

describe('a share with a wrong character', () => {
  it('is caught at its checksum for every one-digit typo in the printed share bytes, naming the file', () => {
    const all = typos(FIXTURE_SHARE_1_TEXT);
    expect(all).toHaveLength(66);
    for (const typo of all) {
      const error = thrown(() => parsePrintedShare(typo.text, TEXT_PATH));
      expect({ code: error.code, path: error.path }, `line ${typo.line} column ${typo.column}`).toEqual({ code: 'FILE_INVALID', path: `${TEXT_PATH}.checksum` });
    }
  });

  it('is caught at its checksum when the index, k, n or set id was mistyped into another valid value', () => {
    const edits: [string, string][] = [
      ['index    1', 'index    2'],
      ['k        2', 'k        3'],
      ['n        3', 'n        4'],
      ['setId    0x000102030405060708090a0b0c0d0e0f', 'setId    0x000102030405060708090a0b0c0d0e1f'],
      ['checksum 0xb31c1951', 'checksum 0xb31c1950'],
    ];
    for (const [from, to] of edits) expectThrows(() => parsePrintedShare(FIXTURE_SHARE_1_TEXT.replace(from, to), TEXT_PATH), 'FILE_INVALID', `${TEXT_PATH}.checksum`);
  });

  it('says what the checksum means, and never echoes the share bytes', () => {
    const changed = { ...fixture1(), share: `${FIXTURE_SHARES[0].share.slice(0, -4)}00de` };
    const error = expectThrows(() => parseShare(changed, PATH), 'FILE_INVALID', `${PATH}.checksum`);
    expect(error.message).toBe(
      `FILE_INVALID at ${PATH}.checksum: expected the checksum of the fields of this share: a character of it was mistyped or changed, so this share cannot be used as it is`,
    );
    expect(error.message).not.toContain(FIXTURE_SHARES[0].share.slice(2, 20));
  });
});

interface BadShareJson {
  name: string;
  edit: (share: ShareJson) => unknown;
  path: string;
}

const BAD_SHARE_FILES: BadShareJson[] = [
  { name: 'null', edit: () => null, path: PATH },
  { name: 'an array', edit: (s) => [s], path: PATH },
  { name: 'a string', edit: () => 'share', path: PATH },
  { name: 'an unknown field', edit: (s) => ({ ...s, note: 'safe' }), path: PATH },
  { name: 'no format tag', edit: ({ format: _, ...s }) => s, path: `${PATH}.format` },
  { name: 'another format tag', edit: (s) => ({ ...s, format: 'concord/key-share@2' }), path: `${PATH}.format` },
  { name: 'no address', edit: ({ address: _, ...s }) => s, path: `${PATH}.address` },
  { name: 'a short address', edit: (s) => ({ ...s, address: '0x2c7536' }), path: `${PATH}.address` },
  { name: 'an address with a bad EIP-55 checksum', edit: (s) => ({ ...s, address: FIXTURE_ADDRESS.replace('E3605D', 'e3605D') }), path: `${PATH}.address` },
  { name: 'no k', edit: ({ k: _, ...s }) => s, path: `${PATH}.k` },
  { name: 'k as a string', edit: (s) => ({ ...s, k: '2' }), path: `${PATH}.k` },
  { name: 'k = 1', edit: (s) => ({ ...s, k: 1 }), path: `${PATH}.k` },
  { name: 'k above n', edit: (s) => ({ ...s, k: 4 }), path: `${PATH}.k` },
  { name: 'n = 256', edit: (s) => ({ ...s, n: 256 }), path: `${PATH}.n` },
  { name: 'a fractional n', edit: (s) => ({ ...s, n: 3.5 }), path: `${PATH}.n` },
  { name: 'no index', edit: ({ index: _, ...s }) => s, path: `${PATH}.index` },
  { name: 'index 0', edit: (s) => ({ ...s, index: 0 }), path: `${PATH}.index` },
  { name: 'an index above n', edit: (s) => ({ ...s, index: 4 }), path: `${PATH}.index` },
  { name: 'no set id', edit: ({ setId: _, ...s }) => s, path: `${PATH}.setId` },
  { name: 'a 15-byte set id', edit: (s) => ({ ...s, setId: '0x000102030405060708090a0b0c0d0e' }), path: `${PATH}.setId` },
  { name: 'a set id in capitals', edit: (s) => ({ ...s, setId: '0x000102030405060708090A0B0C0D0E0F' }), path: `${PATH}.setId` },
  { name: 'no share bytes', edit: ({ share: _, ...s }) => s, path: `${PATH}.share` },
  { name: '32 share bytes (no x-coordinate)', edit: (s) => ({ ...s, share: FIXTURE_SHARES[0].share.slice(0, -2) }), path: `${PATH}.share` },
  { name: 'share bytes without 0x', edit: (s) => ({ ...s, share: FIXTURE_SHARES[0].share.slice(2) }), path: `${PATH}.share` },
  { name: 'share bytes with x-coordinate 0', edit: (s) => ({ ...s, share: `${FIXTURE_SHARES[0].share.slice(0, -2)}00` }), path: `${PATH}.share` },
  { name: 'share bytes as a number array', edit: (s) => ({ ...s, share: [1, 2, 3] }), path: `${PATH}.share` },
  { name: 'no checksum', edit: ({ checksum: _, ...s }) => s, path: `${PATH}.checksum` },
  { name: 'a 3-byte checksum', edit: (s) => ({ ...s, checksum: '0xb31c19' }), path: `${PATH}.checksum` },
  { name: 'a wrong checksum', edit: (s) => ({ ...s, checksum: '0x00000000' }), path: `${PATH}.checksum` },
];

describe('parseShare: hostile share files', () => {
  for (const bad of BAD_SHARE_FILES) {
    it(`refuses ${bad.name} at ${bad.path}`, () => {
      expectThrows(() => parseShare(bad.edit(fixture1()), PATH), 'FILE_INVALID', bad.path);
    });
  }
});

interface BadPrinted {
  name: string;
  text: string;
  path: string;
}

const fixtureText = FIXTURE_SHARE_1_TEXT;
const withoutLine = (prefix: string): string => fixtureText.split('\n').filter((line) => !line.startsWith(prefix)).join('\n');

const BAD_PRINTED: BadPrinted[] = [
  { name: 'an empty file', text: '', path: `${TEXT_PATH}:1` },
  { name: 'another first line', text: fixtureText.replace('concord/key-share@1', 'concord/key-share@2'), path: `${TEXT_PATH}:1` },
  { name: 'the tag after a field', text: `index 1\n${fixtureText}`, path: `${TEXT_PATH}:1` },
  { name: 'an unknown label', text: fixtureText.replace('index    1', 'number   1'), path: `${TEXT_PATH}:6` },
  { name: 'a label without a value', text: fixtureText.replace('index    1', 'index'), path: `${TEXT_PATH}:6` },
  { name: 'k twice', text: fixtureText.replace('n        3', 'k        2'), path: `${TEXT_PATH}:8` },
  { name: 'no k line', text: withoutLine('k '), path: `${TEXT_PATH}.k` },
  { name: 'k in words', text: fixtureText.replace('k        2', 'k        two'), path: `${TEXT_PATH}.k` },
  { name: 'a negative index', text: fixtureText.replace('index    1', 'index    -1'), path: `${TEXT_PATH}.index` },
  { name: 'no share lines', text: withoutLine('share '), path: `${TEXT_PATH}.share` },
  { name: 'a share line missing', text: fixtureText.replace('share    9da043 2b1ec7 0c9cde\n', ''), path: `${TEXT_PATH}.share` },
  { name: 'a letter o for a zero in the share', text: fixtureText.replace('0c9cde', 'oc9cde'), path: `${TEXT_PATH}.share` },
  { name: 'a 0x in a share line', text: fixtureText.replace('share    efcf83', 'share    0xefcf83'), path: `${TEXT_PATH}.share` },
  { name: 'no checksum line', text: withoutLine('checksum'), path: `${TEXT_PATH}.checksum` },
  { name: 'a set id without 0x', text: fixtureText.replace('setId    0x', 'setId    '), path: `${TEXT_PATH}.setId` },
  { name: 'a mistyped address', text: fixtureText.replace(`address  ${FIXTURE_ADDRESS}`, `address  ${FIXTURE_ADDRESS.slice(0, -1)}`), path: `${TEXT_PATH}.address` },
  { name: 'a file of 5000 characters', text: `${fixtureText}${'#'.repeat(5000)}`, path: TEXT_PATH },
];

describe('parsePrintedShare / readShareText: hostile printed shares', () => {
  for (const bad of BAD_PRINTED) {
    it(`refuses ${bad.name} at ${bad.path}`, () => {
      expectThrows(() => readShareText(bad.text, TEXT_PATH), 'FILE_INVALID', bad.path);
    });
  }

  it('refuses a file that starts like JSON but is not', () => {
    expectThrows(() => readShareText('{"format": "concord/key-share@1",', PATH), 'FILE_INVALID', PATH);
  });

  it('never echoes a value it refused', () => {
    for (const bad of BAD_PRINTED) {
      const error = thrown(() => readShareText(bad.text, TEXT_PATH));
      expect(error.message).not.toMatch(/efcf83|9da043|1e04ae/);
    }
  });
});
