/**
 * The policy in plain words, pinned: what `concord verify` prints for a compliance officer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describePolicy } from '../../../shared/permissioning/describe.js';
import { parseSpec } from '../../../shared/spec/parse.js';

type SpecJson = Record<string, any>; // raw JSON edited freely

const seed = (): SpecJson => JSON.parse(readFileSync(new URL('../../../ceremony-specs/seed-consortium.json', import.meta.url), 'utf8')) as SpecJson;
const DEPLOYER = '0x5B38Da6a701c568545dCfcB03FcB875f56beddC4';
const CALLER = '0xAb8483F64d9C6d1EcF9b849Ae677dD3315835cb2';
const VALIDATORS = ['0x1efF47bc3a10a45D4B230B5d10E37751FE6AA718', '0xe1AB8145F7E55DC933d51a18c793F901A3A0b276'];

describe('describePolicy', () => {
  it('says an open chain is open', () => {
    expect(describePolicy(parseSpec(seed()), VALIDATORS)).toEqual([
      'Permissions: none. Anyone with an account may send transactions, call and create contracts; no permission contract is in genesis.',
    ]);
  });

  it('words every level of a permissioned chain, its governance and its limit', () => {
    const json = seed();
    json.permissions = {
      read: { peers: [{ name: 'Archive', enode: `enode://${'ab'.repeat(64)}@10.1.0.9:30303`, operator: 'Contoso Bank' }], readers: [{ name: 'Audit Partners', servedBy: 'Contoso Bank' }] },
      transact: ['consortium', CALLER],
      create: [DEPLOYER],
      unlisted: 'none',
      deployers: [{ address: DEPLOYER, deploys: 'bridge' }],
    };
    expect(describePolicy(parseSpec(json), VALIDATORS)).toEqual([
      'Permissions: enforced on chain from block 1 by the permission contract at 0xC0C0000000000000000000000000000000000001 (transaction filter version 2, read by OpenEthereum and Nethermind).',
      'Reading the chain: the members\' authority nodes exchange blocks and state, and so do these full nodes: "Archive" (run by Contoso Bank); outside readers reach RPC only through a member\'s authenticating proxy: "Audit Partners" (through Contoso Bank). Reading is not checked on chain: node configurations and firewalls enforce it.',
      `Sending transactions and calling contracts: the 5 member identities ("Northwind Logistics", "Contoso Bank", "Fabrikam Energy", "Tailspin Insurance", "Woodgrove Trade") and their 2 bridge validators; ${CALLER}.`,
      `Creating contracts (and sending transactions): ${DEPLOYER} (deploys the token bridge).`,
      'Everyone else may not send any transaction.',
      'A member identity may always call the permission contract, to submit a signed change.',
      'Changing these rules or the members takes the signatures of 3 of the 5 members over that exact change (EIP-712, bound to chain id 77077, the contract and its change counter); there is no administrator key.',
      'Limit: only the transaction a sender signs is checked, so anyone who may call contracts can also create contracts through a factory contract already on the chain.',
    ]);
  });

  it('says when no one is listed and what unlisted senders may do', () => {
    const json = seed();
    json.permissions = { create: [DEPLOYER], unlisted: 'call', deployers: [{ address: DEPLOYER, deploys: 'bridge' }] };
    const lines = describePolicy(parseSpec(json), VALIDATORS);
    expect(lines[1]).toContain('with no other node; no outside reader is given RPC access.');
    expect(lines[2]).toBe('Sending transactions and calling contracts: no one is listed.');
    expect(lines[4]).toBe('Everyone else may send value and call contracts, but not create contracts.');
  });
});
