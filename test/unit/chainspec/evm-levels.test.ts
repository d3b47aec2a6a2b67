import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EVM_LEVEL,
  EVM_LEVELS,
  evmTransitions,
  supportedClients,
  type EvmLevel,
} from '../../../shared/chainspec/evm-levels.js';

// Written out by hand from the fork meta-EIPs and checked against OpenEthereum
// crates/ethcore/res/chainspec/test/london_test.json (every London switch at block 0) and Nethermind
// src/Nethermind/Chains/gnosis.json (the Shanghai and Cancun timestamp names).
const LONDON = [
  'eip150Transition',
  'eip155Transition',
  'eip160Transition',
  'eip161abcTransition',
  'eip161dTransition',
  'eip140Transition',
  'eip211Transition',
  'eip214Transition',
  'eip658Transition',
  'eip145Transition',
  'eip1014Transition',
  'eip1052Transition',
  'eip1283Transition',
  'eip1706Transition',
  'eip1344Transition',
  'eip1884Transition',
  'eip2028Transition',
  'eip2929Transition',
  'eip2930Transition',
  'eip1559Transition',
  'eip3198Transition',
  'eip3529Transition',
  'eip3541Transition',
];
const SHANGHAI = [...LONDON, 'eip3651TransitionTimestamp', 'eip3855TransitionTimestamp', 'eip3860TransitionTimestamp'];
const CANCUN = [...SHANGHAI, 'eip1153TransitionTimestamp', 'eip5656TransitionTimestamp', 'eip6780TransitionTimestamp'];

const EXPECTED: Record<EvmLevel, string[]> = { london: LONDON, shanghai: SHANGHAI, cancun: CANCUN };

describe('evmTransitions', () => {
  it.each(EVM_LEVELS.map((level) => [level]))('writes exactly the transitions of %s, in order, all from genesis', (level) => {
    const transitions = evmTransitions(level);
    expect(Object.keys(transitions)).toEqual(EXPECTED[level]);
    expect(new Set(Object.values(transitions))).toEqual(new Set(['0x0']));
  });

  it('writes London as block numbers only, which is all OpenEthereum 3.3.5 reads', () => {
    expect(Object.keys(evmTransitions('london')).filter((name) => !/^eip[0-9a-z]+Transition$/.test(name))).toEqual([]);
  });

  it('writes every level above London as London plus timestamp transitions only', () => {
    for (const level of ['shanghai', 'cancun'] as const) {
      const added = Object.keys(evmTransitions(level)).slice(LONDON.length);
      expect(added.length).toBeGreaterThan(0);
      expect(added.every((name) => /^eip[0-9]+TransitionTimestamp$/.test(name))).toBe(true);
    }
  });

  it('never enables withdrawals, blobs, the beacon root or anything later that changes the header', () => {
    const headerChanging = /^eip(4895|4844|4788|2935|6110|7002|7251|7623|7702)/;
    for (const level of EVM_LEVELS) {
      expect(Object.keys(evmTransitions(level)).filter((name) => headerChanging.test(name))).toEqual([]);
    }
  });

  it('never writes the Nethermind-only names OpenEthereum refuses', () => {
    const nethermindOnly = ['eip7Transition', 'eip152Transition', 'eip1108Transition', 'eip2200Transition', 'eip2565Transition'];
    for (const level of EVM_LEVELS) {
      expect(Object.keys(evmTransitions(level)).filter((name) => nethermindOnly.includes(name))).toEqual([]);
    }
  });

  it('returns a fresh object on every call', () => {
    const first = evmTransitions('cancun');
    delete first.eip1153TransitionTimestamp;
    expect(evmTransitions('cancun').eip1153TransitionTimestamp).toBe('0x0');
  });
});

describe('supportedClients', () => {
  it('runs London on OpenEthereum and Nethermind', () => {
    expect(supportedClients('london')).toEqual(['openethereum', 'nethermind']);
  });

  it('runs Shanghai and Cancun on Nethermind only (OpenEthereum refuses *TransitionTimestamp)', () => {
    expect(supportedClients('shanghai')).toEqual(['nethermind']);
    expect(supportedClients('cancun')).toEqual(['nethermind']);
  });

  it('defaults to London, which every client runs', () => {
    expect(DEFAULT_EVM_LEVEL).toBe('london');
    expect(supportedClients(DEFAULT_EVM_LEVEL)).toContain('openethereum');
  });
});
