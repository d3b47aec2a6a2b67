/**
 * The nftables serializer (shared/bundle/nft-ruleset.ts): the replace-the-table preamble, sets and
 * rules as nft reads them (checked with `nft -c` where the binary and the rights exist), and a table of
 * hostile inputs.
 */
import { describe, expect, it } from 'vitest';
import { serializeNftRuleset, type NftRuleset } from '../../../shared/bundle/nft-ruleset.js';
import { nftCheck, parseNftFile } from './conf-parsers.js';
import { expectThrows } from '../../helpers/errors.js';

const RULESET: NftRuleset = {
  comments: ['header'],
  tables: [
    {
      name: 'concord_test',
      sets: [
        { name: 'peers_30303', comments: ['10.0.0.1: a'], elements: ['10.0.0.1', '192.168.1.20'] },
        { name: 'peers_30304', comments: ['peer.example: resolve it'], elements: [] },
      ],
      chains: [
        {
          name: 'p2p_input',
          priority: 0,
          rules: [
            { protocol: 'tcp', port: 30303, sourceSet: 'peers_30303', verdict: 'accept' },
            { protocol: 'tcp', port: 30303, verdict: 'drop' },
            { protocol: 'udp', port: 30304, sourceSet: 'peers_30304', verdict: 'accept' },
            { protocol: 'udp', port: 30304, verdict: 'drop' },
          ],
        },
      ],
    },
  ],
};

describe('serializeNftRuleset', () => {
  const text = serializeNftRuleset(RULESET, 'rules.nft');

  it('declares, deletes and redefines each table, so loading twice replaces it', () => {
    const parsed = parseNftFile(text);
    expect(parsed.header).toEqual(['header']);
    expect(parsed.tables).toHaveLength(1);
    expect(parsed.tables[0]).toMatchObject({ family: 'inet', name: 'concord_test', replaced: true });
  });

  it('writes sets with their elements (none for an empty set) and port rules in order', () => {
    const table = parseNftFile(text).tables[0];
    expect(table?.sets).toEqual([
      { name: 'peers_30303', type: 'ipv4_addr', elements: ['10.0.0.1', '192.168.1.20'], comments: ['10.0.0.1: a'] },
      { name: 'peers_30304', type: 'ipv4_addr', elements: [], comments: ['peer.example: resolve it'] },
    ]);
    expect(table?.chains).toEqual([
      {
        name: 'p2p_input',
        head: 'type filter hook input priority 0; policy accept;',
        rules: ['tcp dport 30303 ip saddr @peers_30303 accept', 'tcp dport 30303 drop', 'udp dport 30304 ip saddr @peers_30304 accept', 'udp dport 30304 drop'],
      },
    ]);
  });

  it('is accepted by nft -c where nft can check', () => {
    const status = nftCheck(text);
    if (status !== null) expect(status).toBe(0);
  });

  const withTable = (edit: Partial<NftRuleset['tables'][number]>): NftRuleset => ({ comments: [], tables: [{ ...(RULESET.tables[0] as NftRuleset['tables'][number]), ...edit }] });
  const HOSTILE: [string, NftRuleset, string][] = [
    ['a table name with a space', withTable({ name: 'concord test' }), 'f: table'],
    ['a DNS name as an element', withTable({ sets: [{ name: 'peers', comments: [], elements: ['peer.example'] }], chains: [] }), 'f: set peers'],
    ['an element twice', withTable({ sets: [{ name: 'peers', comments: [], elements: ['10.0.0.1', '10.0.0.1'] }], chains: [] }), 'f: set peers'],
    ['a rule on a set the table does not define', withTable({ sets: [], chains: [{ name: 'c', priority: 0, rules: [{ protocol: 'tcp', port: 1, sourceSet: 'nope', verdict: 'accept' }] }] }), 'f: chain c'],
    ['port 0', withTable({ sets: [], chains: [{ name: 'c', priority: 0, rules: [{ protocol: 'tcp', port: 0, verdict: 'drop' }] }] }), 'f: chain c'],
    ['a comment with a newline', { comments: ['a\nflush ruleset'], tables: [] }, 'f'],
  ];
  for (const [name, ruleset, path] of HOSTILE) {
    it(`refuses ${name}`, () => {
      expectThrows(() => serializeNftRuleset(ruleset, 'f'), 'FILE_INVALID', path);
    });
  }
});
