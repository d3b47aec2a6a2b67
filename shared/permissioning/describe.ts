/**
 * The agreed permission policy in plain words, for a person who signs off on it (a compliance officer)
 * rather than one who reads chain specs: `concord verify` prints it under the artifact's summary. Every
 * sentence is derived from the spec and the agreed bridge validators, the same inputs the contract's
 * genesis storage comes from; it names what the chain does not enforce as well as what it does.
 */
import type { CeremonySpec } from '../spec/schema.js';
import { PERMISSION_CONTRACT_ADDRESS } from './account.js';
import { CONSORTIUM, type Permissions } from './schema.js';

const UNLISTED_WORDS: Readonly<Record<Permissions['unlisted'], string>> = Object.freeze({
  none: 'may not send any transaction.',
  basic: 'may only send value to accounts without code: no contract calls, no contract creation.',
  call: 'may send value and call contracts, but not create contracts.',
});

const DEPLOYS_WORDS: Readonly<Record<Permissions['deployers'][number]['deploys'], string>> = Object.freeze({
  bridge: 'deploys the token bridge',
  iexec: 'deploys the iExec contracts',
  other: 'deploys contracts',
});

function plural(count: number, one: string, many: string = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function quoted(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

/** Who a list of grantees is, in words: the consortium keyword spelled out, each address with what it deploys. */
function whoIs(grantees: readonly string[], spec: CeremonySpec, bridgeValidators: readonly string[]): string {
  const deploys = new Map<string, string[]>();
  for (const deployer of spec.permissions?.deployers ?? []) deploys.set(deployer.address, [...(deploys.get(deployer.address) ?? []), DEPLOYS_WORDS[deployer.deploys]]);
  const parts = grantees.map((grantee) => {
    if (grantee === CONSORTIUM) {
      const identities = `the ${plural(spec.members.length, 'member identity', 'member identities')} (${quoted(spec.members.map((member) => member.name))})`;
      return bridgeValidators.length === 0 ? identities : `${identities} and their ${plural(bridgeValidators.length, 'bridge validator')}`;
    }
    const roles = deploys.get(grantee);
    return roles === undefined ? grantee : `${grantee} (${roles.join(', ')})`;
  });
  return parts.length === 0 ? 'no one is listed' : parts.join('; ');
}

/**
 * The permission policy of `spec` as sentences, one per line. `bridgeValidators` are the agreed ones
 * (the artifact's `bridge.validators`), empty without a bridge.
 */
export function describePolicy(spec: CeremonySpec, bridgeValidators: readonly string[]): string[] {
  const permissions = spec.permissions;
  if (permissions === undefined) {
    return ['Permissions: none. Anyone with an account may send transactions, call and create contracts; no permission contract is in genesis.'];
  }
  const peers = permissions.read.peers.map((peer) => `"${peer.name}" (${peer.operator === undefined ? 'an outside party' : `run by ${peer.operator}`})`);
  const readers = permissions.read.readers.map((reader) => `"${reader.name}" (through ${reader.servedBy})`);
  return [
    `Permissions: enforced on chain from block 1 by the permission contract at ${PERMISSION_CONTRACT_ADDRESS} (transaction filter version 2, read by OpenEthereum and Nethermind).`,
    `Reading the chain: the members' authority nodes exchange blocks and state${peers.length === 0 ? ' with no other node' : `, and so do these full nodes: ${peers.join(', ')}`}; ${
      readers.length === 0 ? 'no outside reader is given RPC access' : `outside readers reach RPC only through a member's authenticating proxy: ${readers.join(', ')}`
    }. Reading is not checked on chain: node configurations and firewalls enforce it.`,
    `Sending transactions and calling contracts: ${whoIs(permissions.transact, spec, bridgeValidators)}.`,
    `Creating contracts (and sending transactions): ${whoIs(permissions.create, spec, bridgeValidators)}.`,
    `Everyone else ${UNLISTED_WORDS[permissions.unlisted]}`,
    'A member identity may always call the permission contract, to submit a signed change.',
    `Changing these rules or the members takes the signatures of ${spec.governance.threshold} of the ${plural(spec.members.length, 'member')} over that exact change (EIP-712, bound to chain id ${spec.chain.chainId}, the contract and its change counter); there is no administrator key.`,
    'Limit: only the transaction a sender signs is checked, so anyone who may call contracts can also create contracts through a factory contract already on the chain.',
  ];
}
