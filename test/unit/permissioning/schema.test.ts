/**
 * The `permissions` section of the ceremony spec: what it accepts and normalizes, and one table of
 * hostile inputs, each refused with its code, the path of the field at fault and the words expected
 * there (STYLE.md §5).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../../shared/spec/parse.js';
import { PERMISSION_CONTRACT_ADDRESS } from '../../../shared/permissioning/account.js';
import { expectThrows } from '../../helpers/errors.js';

type SpecJson = Record<string, any>; // raw JSON that the table edits freely

const SPECS_DIR = new URL('../../../ceremony-specs/', import.meta.url);
const read = (name: string): SpecJson => JSON.parse(readFileSync(new URL(name, SPECS_DIR), 'utf8')) as SpecJson;

const DEPLOYER = '0x5B38Da6a701c568545dCfcB03FcB875f56beddC4';
const CALLER = '0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2';
/** The seed's second member, Contoso Bank. */
const CONTOSO = '0x4823dEB2a8d1BCc254B542cA49F0540074c16664';
const ENODE = `enode://${'ab'.repeat(64)}@10.1.0.9:30303`;

function seedPermissions(): SpecJson {
  return {
    read: { peers: [{ name: 'Archive', enode: ENODE, operator: 'Contoso Bank' }], readers: [{ name: 'Audit Partners', servedBy: 'Contoso Bank' }] },
    transact: ['consortium', CALLER],
    create: [DEPLOYER],
    unlisted: 'none',
    deployers: [{ address: DEPLOYER, deploys: 'bridge' }],
  };
}

/** The seed spec with a valid permissions section, changed by `edit` (on a copy). */
function seedWith(edit: (spec: SpecJson) => void): SpecJson {
  const spec = read('seed-consortium.json');
  spec.permissions = seedPermissions();
  edit(spec);
  return spec;
}

/** The seed spec without its bridge (and so without bridge validators). */
function withoutBridge(spec: SpecJson): void {
  delete spec.bridge;
  for (const member of spec.members) member.bridgeValidators = 0;
}

describe('the permissions section', () => {
  it('is optional: every example spec parses without one, and stays an open chain', () => {
    for (const name of readdirSync(SPECS_DIR).filter((file) => file.endsWith('.json'))) {
      expect(parseSpec(read(name)).permissions).toBeUndefined();
    }
  });

  it('parses, normalizing addresses to EIP-55 and filling the defaults', () => {
    const spec = parseSpec(
      seedWith((s) => {
        s.permissions = { transact: ['consortium'], create: [DEPLOYER.toLowerCase()], unlisted: 'basic', deployers: [{ address: DEPLOYER.toLowerCase(), deploys: 'bridge' }] };
      }),
    );
    expect(spec.permissions).toEqual({
      read: { peers: [], readers: [] },
      transact: ['consortium'],
      create: [DEPLOYER],
      unlisted: 'basic',
      deployers: [{ address: DEPLOYER, deploys: 'bridge' }],
    });
  });

  it('accepts bridge validators reaching the bridge through unlisted "call" instead of the keyword', () => {
    expect(() => parseSpec(seedWith((s) => Object.assign(s.permissions, { transact: [CALLER], unlisted: 'call' })))).not.toThrow();
  });

  it('accepts a chain without a bridge, nothing to deploy and the consortium alone able to transact', () => {
    const spec = seedWith((s) => {
      withoutBridge(s);
      s.permissions = { transact: ['consortium'], unlisted: 'none' };
    });
    expect(parseSpec(spec).permissions?.deployers).toEqual([]);
  });

  it.each<[string, (spec: SpecJson) => void, string, string]>([
    ['an address listed twice for the same right', (s) => s.permissions.transact.push(CALLER), 'spec.permissions.transact[2]', 'an entry not already listed at permissions.transact[1]'],
    ['an address given two rights', (s) => s.permissions.create.push(CALLER), 'spec.permissions.create[1]', 'an entry not already given other rights at permissions.transact[1]'],
    ['the keyword given two rights', (s) => s.permissions.create.push('consortium'), 'spec.permissions.create[1]', 'an entry not already given other rights at permissions.transact[0]'],
    [
      'a member identity given other rights than the keyword gives it',
      (s) => s.permissions.create.push(CONTOSO),
      'spec.permissions.create[1]',
      'an address not already given other rights by "consortium" at permissions.transact[0] (it is a member identity)',
    ],
    [
      'a member identity listed beside the keyword',
      (s) => s.permissions.transact.push(CONTOSO.toLowerCase()),
      'spec.permissions.transact[2]',
      'an address not already covered by "consortium" at permissions.transact[0] (it is a member identity)',
    ],
    [
      'a bridge nobody may deploy',
      (s) => (s.permissions.deployers = []),
      'spec.permissions.deployers',
      'a deployer with deploys "bridge": the spec has a bridge section, whose home-side contracts someone must create',
    ],
    ['a deployer without Create', (s) => (s.permissions.create = []), 'spec.permissions.deployers[0].address', 'an address given Create in permissions.create (a deployer needs Create)'],
    [
      'bridge validators denied the call to the home bridge',
      (s) => (s.permissions.transact = [CALLER]),
      'spec.permissions.transact',
      '"consortium" in permissions.transact or permissions.create, or unlisted "call": the bridge validators\' oracles must call the home bridge',
    ],
    [
      'a bridge deployer without a bridge',
      (s) => {
        withoutBridge(s);
        s.permissions.create = [DEPLOYER];
      },
      'spec.permissions.deployers',
      'no deployer of the bridge: the spec has no bridge section',
    ],
    ['a deployer listed twice for the same deployment', (s) => s.permissions.deployers.push({ address: DEPLOYER, deploys: 'bridge' }), 'spec.permissions.deployers[1]', 'a deployer not already listed for the same deployment'],
    ['a word other than the keyword', (s) => (s.permissions.transact[0] = 'everyone'), 'spec.permissions.transact[0]', '"consortium" or an address (0x + 40 hex digits, lowercase or EIP-55)'],
    [
      'an address with a wrong checksum',
      (s) => (s.permissions.transact[1] = CALLER.replace('Ab84', 'aB84')),
      'spec.permissions.transact[1]',
      '"consortium" or an address (0x + 40 hex digits, lowercase or EIP-55)',
    ],
    ['an unknown default', (s) => (s.permissions.unlisted = 'all'), 'spec.permissions.unlisted', 'one of "none", "basic", "call"'],
    ['no default', (s) => delete s.permissions.unlisted, 'spec.permissions.unlisted', 'one of "none", "basic", "call"'],
    ['an unknown field', (s) => (s.permissions.admin = CALLER), 'spec.permissions', 'no field named "admin" (unknown field)'],
    ['an unknown deployment', (s) => (s.permissions.deployers[0].deploys = 'everything'), 'spec.permissions.deployers[0].deploys', 'one of "bridge", "iexec", "other"'],
    ['a reader served by no member', (s) => (s.permissions.read.readers[0].servedBy = 'Nobody Inc'), 'spec.permissions.read.readers[0].servedBy', 'the name of a member (members[].name) whose proxy serves this reader'],
    [
      'two readers of one name',
      (s) => s.permissions.read.readers.push({ name: 'audit partners', servedBy: 'Fabrikam Energy' }),
      'spec.permissions.read.readers[1].name',
      'a name not already used by permissions.read.readers[0]',
    ],
    ['a peer run by no member', (s) => (s.permissions.read.peers[0].operator = 'Nobody Inc'), 'spec.permissions.read.peers[0].operator', 'the name of a member (members[].name), or no operator for an outside party'],
    ['a malformed enode', (s) => (s.permissions.read.peers[0].enode = 'enode://abc@10.1.0.9:30303'), 'spec.permissions.read.peers[0].enode', 'enode://<128 lowercase hex digits of the node public key>@host:port'],
    [
      'an enode without a port',
      (s) => (s.permissions.read.peers[0].enode = ENODE.replace(':30303', '')),
      'spec.permissions.read.peers[0].enode',
      'enode://…@host:port: host:port with an IPv4 address or DNS name (IPv6 is not supported) and a port in 1..65535',
    ],
    [
      'an enode whose host is no IPv4 address',
      (s) => (s.permissions.read.peers[0].enode = ENODE.replace('10.1.0.9', '10.1.0.256')),
      'spec.permissions.read.peers[0].enode',
      'enode://…@host:port: an IPv4 address as four decimal numbers 0..255 without leading zeros (a host ending in a number is no DNS name)',
    ],
    [
      'one node key as two peers',
      (s) => s.permissions.read.peers.push({ name: 'Mirror', enode: ENODE.replace('10.1.0.9', '10.1.0.10') }),
      'spec.permissions.read.peers[1].enode',
      'a node key not already listed at permissions.read.peers[0]',
    ],
    [
      "a prefunded account at the permission contract's address",
      (s) => (s.chain.accounts[0].address = PERMISSION_CONTRACT_ADDRESS),
      'spec.chain.accounts[0].address',
      `an address other than the permission contract's (${PERMISSION_CONTRACT_ADDRESS})`,
    ],
  ])('refuses %s, naming the field', (_name, edit, path, expected) => {
    const error = expectThrows(() => parseSpec(seedWith(edit)), 'SPEC_INVALID', path);
    expect(error.expected).toBe(expected);
  });
});
