import { readFileSync, readdirSync } from 'node:fs';
import { keccak256, toUtf8Bytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import { hashSpec, parseSpec } from '../../../shared/spec/parse.js';
import { canonicalize } from '../../../shared/canonical/jcs.js';
import { MAX_BRIDGE_VALIDATORS, MAX_KEYS_PER_MEMBER, SPEC_FORMAT } from '../../../shared/spec/schema.js';
import { expectThrows } from '../../helpers/errors.js';

const SPECS_DIR = new URL('../../../ceremony-specs/', import.meta.url);
const EXAMPLES = readdirSync(SPECS_DIR).filter((name) => name.endsWith('.json'));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SpecJson = Record<string, any>; // raw JSON that the hostile-input table edits freely

function readExample(name: string): SpecJson {
  return JSON.parse(readFileSync(new URL(name, SPECS_DIR), 'utf8')) as SpecJson;
}

/** The seed spec, changed by `edit` (on a copy). */
function seedWith(edit: (spec: SpecJson) => void): SpecJson {
  const spec = readExample('seed-consortium.json');
  edit(spec);
  return spec;
}

/** The same JSON with every object's members in reverse order. */
function reversedKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).reverse().map((key) => [key, reversedKeys(value[key] as Json)]));
}

/** The same JSON with every address-shaped string in lowercase. */
function lowercasedAddresses(value: Json): Json {
  if (Array.isArray(value)) return value.map(lowercasedAddresses);
  if (typeof value === 'string') return /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : value;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, lowercasedAddresses(item)]));
}

/** An address with the case of its first letter digit flipped: same bytes, wrong EIP-55 checksum. */
function badChecksum(address: string): string {
  const i = address.slice(2).search(/[a-fA-F]/) + 2;
  const c = address.charAt(i);
  return address.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + address.slice(i + 1);
}

describe('parseSpec: the example specs', () => {
  it('finds the example specs', () => {
    expect(EXAMPLES).toContain('seed-consortium.json');
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(2);
  });

  for (const name of EXAMPLES) {
    it(`parses ceremony-specs/${name}`, () => {
      const spec = parseSpec(readExample(name));
      expect(spec.format).toBe(SPEC_FORMAT);
      expect(hashSpec(spec)).toMatch(/^0x[0-9a-f]{64}$/);
    });
  }

  it('fills in the defaults of the seed spec as it writes them', () => {
    const spec = parseSpec(readExample('seed-consortium.json'));
    expect(spec.chain.evm).toBe('london');
    expect(spec.chain.clients).toEqual(['openethereum', 'nethermind']);
    expect(spec.members).toHaveLength(5);
  });
});

describe('hashSpec', () => {
  const seed = readExample('seed-consortium.json');
  const seedHash = hashSpec(parseSpec(seed));

  it('is keccak-256 of the canonical JSON of the parsed spec', () => {
    const spec = parseSpec(seed);
    expect(seedHash).toBe(keccak256(toUtf8Bytes(canonicalize(spec))));
  });

  it('is stable under key reordering', () => {
    expect(JSON.stringify(reversedKeys(seed))).not.toBe(JSON.stringify(seed));
    expect(hashSpec(parseSpec(reversedKeys(seed)))).toBe(seedHash);
  });

  it('is stable under lowercase addresses (they normalize to EIP-55)', () => {
    const lower = lowercasedAddresses(seed) as SpecJson;
    expect(lower.coordinator).toBe(String(seed.coordinator).toLowerCase());
    expect(hashSpec(parseSpec(lower))).toBe(seedHash);
    expect(parseSpec(lower).coordinator).toBe(seed.coordinator);
  });

  it('is stable when fields equal to their defaults are left out', () => {
    const bare = seedWith((spec) => {
      delete spec.chain.evm;
      delete spec.chain.clients;
      delete spec.chain.baseFeePerGasWei;
    });
    expect(hashSpec(parseSpec(bare))).toBe(seedHash);
  });

  it('changes with any value', () => {
    expect(hashSpec(parseSpec(seedWith((spec) => (spec.chain.chainId += 1))))).not.toBe(seedHash);
    expect(hashSpec(parseSpec(seedWith((spec) => (spec.members[0].name += '.'))))).not.toBe(seedHash);
    expect(hashSpec(parseSpec(seedWith((spec) => (spec.deadlines.approveSec += 1))))).not.toBe(seedHash);
  });
});

interface BadSpec {
  name: string;
  edit: (spec: SpecJson) => void;
  path: string;
}

const BAD_SPECS: BadSpec[] = [
  // unknown fields, at several depths
  { name: 'an unknown top-level field', edit: (s) => (s.extra = 1), path: 'spec' },
  { name: 'an unknown member field', edit: (s) => (s.members[2].role = 'admin'), path: 'spec.members[2]' },
  { name: 'an unknown chain field', edit: (s) => (s.chain.homestead = 0), path: 'spec.chain' },
  { name: 'an unknown prefunded-account field', edit: (s) => (s.chain.accounts[0].nonce = '0'), path: 'spec.chain.accounts[0]' },
  { name: 'an unknown bridge-limits field', edit: (s) => (s.bridge.home.fee = '1'), path: 'spec.bridge.home' },
  { name: 'an unknown home-token field', edit: (s) => (s.bridge.homeToken.icon = 'x'), path: 'spec.bridge.homeToken' },
  // missing required fields
  { name: 'no chainId', edit: (s) => delete s.chain.chainId, path: 'spec.chain.chainId' },
  { name: 'no members', edit: (s) => delete s.members, path: 'spec.members' },
  { name: 'no member identity', edit: (s) => delete s.members[1].identity, path: 'spec.members[1].identity' },
  { name: 'no governance', edit: (s) => delete s.governance, path: 'spec.governance' },
  { name: 'no deadline for reveal', edit: (s) => delete s.deadlines.revealSec, path: 'spec.deadlines.revealSec' },
  { name: 'no format tag', edit: (s) => delete s.format, path: 'spec.format' },
  // wrong types and values
  { name: 'a chainId as a string', edit: (s) => (s.chain.chainId = '77077'), path: 'spec.chain.chainId' },
  { name: 'a gas limit as a number', edit: (s) => (s.chain.gasLimit = 10000000), path: 'spec.chain.gasLimit' },
  { name: 'an amount with a leading zero', edit: (s) => (s.chain.accounts[0].balanceWei = '01'), path: 'spec.chain.accounts[0].balanceWei' },
  { name: 'a negative amount', edit: (s) => (s.bridge.home.gasPriceWei = '-1'), path: 'spec.bridge.home.gasPriceWei' },
  { name: 'a fractional authority count', edit: (s) => (s.members[0].authorityNodes = 1.5), path: 'spec.members[0].authorityNodes' },
  { name: 'no authority node', edit: (s) => (s.members[0].authorityNodes = 0), path: 'spec.members[0].authorityNodes' },
  { name: 'too many authority nodes', edit: (s) => (s.members[0].authorityNodes = MAX_KEYS_PER_MEMBER + 1), path: 'spec.members[0].authorityNodes' },
  { name: 'an empty member list', edit: (s) => (s.members = []), path: 'spec.members' },
  { name: 'another engine', edit: (s) => (s.chain.engine = 'clique'), path: 'spec.chain.engine' },
  { name: 'an unknown EVM level', edit: (s) => (s.chain.evm = 'paris'), path: 'spec.chain.evm' },
  { name: 'an unknown client', edit: (s) => (s.chain.clients = ['geth']), path: 'spec.chain.clients[0]' },
  { name: 'another format tag', edit: (s) => (s.format = 'concord/ceremony-spec@2'), path: 'spec.format' },
  { name: 'a bad endpoint port', edit: (s) => (s.members[0].endpoints = ['node.example.org:70000']), path: 'spec.members[0].endpoints[0]' },
  { name: 'an endpoint without a port', edit: (s) => (s.members[0].endpoints = ['node.example.org']), path: 'spec.members[0].endpoints[0]' },
  ...[
    ['an IPv4 endpoint with octets above 255', '999.999.999.999:30303'],
    ['an IPv4 endpoint with one octet above 255', '10.0.0.256:30303'],
    ['a three-part numeric host', '1.2.3:30303'],
    ['a five-part numeric host', '1.2.3.4.5:30303'],
    ['an IPv4 endpoint with a leading zero (octal to inet_aton)', '010.0.0.1:30303'],
    ['a host ending in a numeric label', 'node.example.123:30303'],
    ['the unspecified address 0.0.0.0', '0.0.0.0:30303'],
    ['an address in 0.0.0.0/8', '0.1.2.3:30303'],
    ['a multicast address', '224.0.0.1:30303'],
    ['a reserved address', '240.0.0.1:30303'],
    ['the broadcast address', '255.255.255.255:30303'],
    ['a DNS label starting with -', '-node.example.org:30303'],
    ['a DNS label ending with -', 'node-.example.org:30303'],
    ['a DNS label with _', 'node_1.example.org:30303'],
    ['a DNS label of 64 characters', `${'a'.repeat(64)}.example.org:30303`],
    ['a DNS name of 254 characters', `${'a'.repeat(62)}.${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(62)}.ef:30303`],
    ['a DNS name with a trailing dot', 'node.example.org.:30303'],
    ['an empty host', ':30303'],
    ['an IPv6 endpoint', '[::1]:30303'],
    ['an IPv6 endpoint without brackets', '::1:30303'],
    ['a port with a leading zero', 'node.example.org:030303'],
    ['port 0', 'node.example.org:0'],
  ].map(([name, endpoint]) => ({ name: name as string, edit: (s: SpecJson) => (s.members[0].endpoints = [endpoint]), path: 'spec.members[0].endpoints[0]' })),
  // addresses
  { name: 'a short coordinator address', edit: (s) => (s.coordinator = '0x1234'), path: 'spec.coordinator' },
  { name: 'an address without 0x', edit: (s) => (s.bridge.owner = String(s.bridge.owner).slice(2)), path: 'spec.bridge.owner' },
  { name: 'an address with a bad checksum', edit: (s) => (s.members[0].identity = badChecksum(s.members[0].identity)), path: 'spec.members[0].identity' },
  { name: 'an all-uppercase address', edit: (s) => (s.chain.accounts[0].address = `0x${String(s.chain.accounts[0].address).slice(2).toUpperCase()}`), path: 'spec.chain.accounts[0].address' },
  { name: 'a precompile as a prefunded account', edit: (s) => (s.chain.accounts[0].address = '0x0000000000000000000000000000000000000001'), path: 'spec.chain.accounts[0].address' },
  // cross-field rules
  { name: 'a duplicate identity (other case)', edit: (s) => (s.members[3].identity = String(s.members[1].identity).toLowerCase()), path: 'spec.members[3].identity' },
  { name: 'a duplicate member name (other case)', edit: (s) => (s.members[2].name = String(s.members[0].name).toUpperCase()), path: 'spec.members[2].name' },
  { name: 'fewer endpoints than authority nodes', edit: (s) => ((s.members[1].authorityNodes = 2), (s.members[1].endpoints = ['10.0.0.1:30303'])), path: 'spec.members[1].endpoints' },
  { name: 'more endpoints than authority nodes', edit: (s) => (s.members[4].endpoints = ['10.0.0.1:30303', '10.0.0.2:30303']), path: 'spec.members[4].endpoints' },
  { name: 'a threshold above the member count', edit: (s) => (s.governance.threshold = 6), path: 'spec.governance.threshold' },
  { name: 'a zero threshold', edit: (s) => (s.governance.threshold = 0), path: 'spec.governance.threshold' },
  {
    name: 'a duplicate prefunded account (other case)',
    edit: (s) => s.chain.accounts.push({ address: String(s.chain.accounts[0].address).toLowerCase(), balanceWei: '1' }),
    path: 'spec.chain.accounts[1].address',
  },
  { name: 'a prefunded account with balance 0', edit: (s) => (s.chain.accounts[0].balanceWei = '0'), path: 'spec.chain.accounts[0].balanceWei' },
  { name: 'openethereum with evm shanghai', edit: (s) => (s.chain.evm = 'shanghai'), path: 'spec.chain.clients[0]' },
  { name: 'openethereum second with evm cancun', edit: (s) => ((s.chain.evm = 'cancun'), (s.chain.clients = ['nethermind', 'openethereum'])), path: 'spec.chain.clients[1]' },
  { name: 'a client named twice', edit: (s) => (s.chain.clients = ['nethermind', 'nethermind']), path: 'spec.chain.clients' },
  { name: 'base fee 0', edit: (s) => (s.chain.baseFeePerGasWei = '0'), path: 'spec.chain.baseFeePerGasWei' },
  { name: 'bridge validators without a bridge', edit: (s) => delete s.bridge, path: 'spec.bridge' },
  {
    name: 'a bridge without bridge validators',
    edit: (s) => s.members.forEach((m: SpecJson) => (m.bridgeValidators = 0)),
    path: 'spec.bridge',
  },
  { name: 'requiredSignatures above the bridge validators', edit: (s) => (s.bridge.requiredSignatures = 6), path: 'spec.bridge.requiredSignatures' },
  {
    name: 'more bridge validators than the contract holds',
    edit: (s) => s.members.forEach((m: SpecJson) => (m.bridgeValidators = MAX_KEYS_PER_MEMBER)),
    path: 'spec.members',
  },
  { name: 'bridge minPerTx 0', edit: (s) => (s.bridge.home.minPerTx = '0'), path: 'spec.bridge.home' },
  { name: 'a foreign gas price of 0', edit: (s) => (s.bridge.foreign.gasPriceWei = '0'), path: 'spec.bridge.foreign.gasPriceWei' },
  { name: 'a home gas price of 0', edit: (s) => (s.bridge.home.gasPriceWei = '0'), path: 'spec.bridge.home.gasPriceWei' },
  { name: 'bridge minPerTx = maxPerTx', edit: (s) => (s.bridge.foreign.minPerTx = s.bridge.foreign.maxPerTx), path: 'spec.bridge.foreign' },
  { name: 'bridge maxPerTx = dailyLimit', edit: (s) => (s.bridge.home.maxPerTx = s.bridge.home.dailyLimit), path: 'spec.bridge.home' },
  { name: 'bridge minPerTx > maxPerTx', edit: (s) => (s.bridge.foreign.minPerTx = '200000000000000000000000'), path: 'spec.bridge.foreign' },
  { name: 'a ceremonyId in uppercase', edit: (s) => (s.ceremonyId = 'Seed-Consortium'), path: 'spec.ceremonyId' },
  { name: 'a ceremonyId of 2 characters', edit: (s) => (s.ceremonyId = 'ab'), path: 'spec.ceremonyId' },
  { name: 'a ceremonyId starting with -', edit: (s) => (s.ceremonyId = '-seed'), path: 'spec.ceremonyId' },
  { name: 'a ceremonyId of 65 characters', edit: (s) => (s.ceremonyId = 'a'.repeat(65)), path: 'spec.ceremonyId' },
  { name: 'the coordinator as a member identity', edit: (s) => (s.members[4].identity = s.coordinator), path: 'spec.members[4].identity' },
];

describe('parseSpec: hostile specs', () => {
  for (const bad of BAD_SPECS) {
    it(`refuses ${bad.name} at ${bad.path}`, () => {
      expectThrows(() => parseSpec(seedWith(bad.edit)), 'SPEC_INVALID', bad.path);
    });
  }

  it('refuses what is not an object', () => {
    for (const input of [null, [], 'spec', 1, true, undefined]) expectThrows(() => parseSpec(input), 'SPEC_INVALID', 'spec');
  });

  it('roots paths where the caller says', () => {
    expectThrows(() => parseSpec(seedWith((s) => (s.chain.chainId = 0)), 'artifact.spec'), 'SPEC_INVALID', 'artifact.spec.chain.chainId');
  });

  it('accepts the bridge limits at their tightest, 0 < min < max < daily', () => {
    const spec = parseSpec(seedWith((s) => (s.bridge.home = { ...s.bridge.home, minPerTx: '1', maxPerTx: '2', dailyLimit: '3' })));
    expect(spec.bridge?.home.dailyLimit).toBe('3');
  });

  it(`accepts up to ${MAX_BRIDGE_VALIDATORS} bridge validators`, () => {
    const spec = parseSpec(seedWith((s) => s.members.forEach((m: SpecJson) => (m.bridgeValidators = MAX_BRIDGE_VALIDATORS / 5))));
    expect(spec.members.reduce((sum, m) => sum + m.bridgeValidators, 0)).toBe(MAX_BRIDGE_VALIDATORS);
  });

  it('accepts evm shanghai for nethermind alone', () => {
    expect(parseSpec(seedWith((s) => ((s.chain.evm = 'shanghai'), (s.chain.clients = ['nethermind'])))).chain.evm).toBe('shanghai');
  });

  // A spec that fixes one endpoint for two nodes can never finish: the reducer refuses the second reveal
  // (ENDPOINT_INVALID), and the spec-fixed endpoint leaves the member no other choice.
  it('refuses a spec that fixes one endpoint for two nodes of two members', () => {
    const spec = seedWith((s) => {
      s.members[0].endpoints = ['node.example.org:30303'];
      s.members[1].endpoints = ['node.example.org:30303'];
    });
    expectThrows(() => parseSpec(spec), 'SPEC_INVALID', 'spec.members[1].endpoints[0]');
  });

  it('accepts IPv4 endpoints in canonical form, loopback and private ones included, and RFC 1123 names in any case', () => {
    const endpoints = [
      '127.0.0.1:30303', '10.0.0.255:1', '192.168.1.10:65535', '223.255.255.255:30303', '8.8.8.8:30303',
      'localhost:30303', 'Node-1.Example.ORG:30303', '1.2.3.example:30303', '1node.example.org:30303',
      `${'a'.repeat(63)}.example.org:30303`, `${'a'.repeat(62)}.${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(62)}.e:30303`,
    ];
    const spec = parseSpec(seedWith((s) => ((s.members[0].authorityNodes = endpoints.length), (s.members[0].endpoints = endpoints))));
    expect(spec.members[0]?.endpoints).toEqual(endpoints);
  });

  it('refuses a spec that fixes one endpoint for two nodes of one member', () => {
    const spec = seedWith((s) => {
      s.members[0].authorityNodes = 2;
      s.members[0].endpoints = ['node.example.org:30303', 'NODE.example.org:30303'];
    });
    expectThrows(() => parseSpec(spec), 'SPEC_INVALID', 'spec.members[0].endpoints[1]');
  });
});

describe('parseSpec: error text', () => {
  function messageOf(edit: (spec: SpecJson) => void): string {
    try {
      parseSpec(seedWith(edit));
    } catch (error) {
      return (error as Error).message;
    }
    return 'no error';
  }

  it('names the unknown field', () => {
    expect(messageOf((s) => (s.members[2].role = 'admin'))).toMatchInlineSnapshot(`"SPEC_INVALID at spec.members[2]: expected no field named "role" (unknown field)"`);
  });

  it('says a missing field is required', () => {
    expect(messageOf((s) => delete s.chain.chainId)).toMatchInlineSnapshot(`"SPEC_INVALID at spec.chain.chainId: expected a value of type number (this field is required)"`);
  });

  it('says what a valid address is', () => {
    expect(messageOf((s) => (s.coordinator = '0x1234'))).toMatchInlineSnapshot(`"SPEC_INVALID at spec.coordinator: expected a 0x-prefixed 20-byte address (40 hex digits)"`);
    expect(messageOf((s) => (s.members[0].identity = badChecksum(s.members[0].identity)))).toMatchInlineSnapshot(
      `"SPEC_INVALID at spec.members[0].identity: expected an address in lowercase or with a correct EIP-55 checksum"`,
    );
  });

  it('names the earlier duplicate', () => {
    expect(messageOf((s) => (s.members[3].identity = String(s.members[1].identity).toLowerCase()))).toMatchInlineSnapshot(
      `"SPEC_INVALID at spec.members[3].identity: expected an identity not already used by members[1]"`,
    );
  });

  it('says which client cannot run the EVM level', () => {
    expect(messageOf((s) => (s.chain.evm = 'shanghai'))).toMatchInlineSnapshot(
      `"SPEC_INVALID at spec.chain.clients[0]: expected a client that runs EVM level shanghai (nethermind); lower chain.evm or drop openethereum"`,
    );
  });

  it('states the bridge limit rule', () => {
    expect(messageOf((s) => (s.bridge.home.minPerTx = '0'))).toMatchInlineSnapshot(`"SPEC_INVALID at spec.bridge.home: expected 0 < minPerTx < maxPerTx < dailyLimit"`);
  });

  it('says what a valid endpoint host is', () => {
    expect(messageOf((s) => (s.members[0].endpoints = ['10.0.0.256:30303']))).toMatchInlineSnapshot(`"SPEC_INVALID at spec.members[0].endpoints[0]: expected an IPv4 address as four decimal numbers 0..255 without leading zeros (a host ending in a number is no DNS name)"`);
    expect(messageOf((s) => (s.members[0].endpoints = ['0.0.0.0:30303']))).toMatchInlineSnapshot(`"SPEC_INVALID at spec.members[0].endpoints[0]: expected an IPv4 address other nodes can dial: not 0.0.0.0/8 ("this network": a source or listen address, never one to dial)"`);
    expect(messageOf((s) => (s.members[0].endpoints = ['node_1.example.org:30303']))).toMatchInlineSnapshot(`"SPEC_INVALID at spec.members[0].endpoints[0]: expected a DNS name of labels of letters, digits and - (1..63 characters each, no - at either end; 253 characters at most)"`);
  });

  it('cites the rule that refuses a foreign gas price of 0', () => {
    expect(messageOf((s) => (s.bridge.foreign.gasPriceWei = '0'))).toMatchInlineSnapshot(`"SPEC_INVALID at spec.bridge.foreign.gasPriceWei: expected a gas price above 0 (tokenbridge-contracts deploy/src/loadEnv.js: FOREIGN_GAS_PRICE should be bigger than zero)"`);
  });

  it('never echoes the value it refused', () => {
    const secretish = 'not-an-address-but-maybe-a-secret';
    expect(messageOf((s) => (s.coordinator = secretish))).not.toContain(secretish);
    expect(messageOf((s) => (s.consortium = 42))).not.toContain('42');
  });
});
