/**
 * Assembly (DESIGN.md §3, APPROVE): everything the ceremony produces, derived deterministically from
 * the spec and the members' contributions alone. The coordinator, every client and `verify` run this
 * same function, so equal inputs give equal bytes everywhere.
 *
 * Order: authority nodes and bridge validators are interleaved by index, members in spec order
 * (member A node 0, member B node 0, …, member A node 1, …), so that Aura's round robin spreads a
 * member's slots instead of giving one company consecutive steps.
 */
import { ConcordError } from '../errors.js';
import { hashCanonical } from '../hash/keccak.js';
import type { Hex32 } from '../hash/hex.js';
import type { Address } from '../crypto/secp256k1.js';
import type { CeremonySpec } from '../spec/schema.js';
import type { Contribution } from '../ceremony/contribution.js';
import { assembleAuraChainSpec, type AuraChainSpec } from '../chainspec/aura.js';
import { assertChainSpec } from '../chainspec/strict.js';
import { computeGenesisHash } from '../genesis/hash.js';
import { formatEnode } from '../p2p/enode.js';
import { buildPublicBundle, type PublicBundle } from '../bundle/public.js';
import { resolvePolicy } from '../permissioning/policy.js';
import { transactionPermission } from '../permissioning/account.js';
import { interleave } from './interleave.js';

/** The bridge validator list and how many of them must sign. */
export interface BridgeValidatorSet {
  validators: Address[];
  requiredSignatures: number;
}

/** The values every member signs in its Approve, besides the transcript head. */
export interface AssemblyHashes {
  genesisHash: Hex32;
  chainSpecHash: Hex32;
  validatorSetHash: Hex32;
  bridgeValidatorsHash: Hex32;
  manifestHash: Hex32;
}

export interface Assembly {
  validators: Address[];
  bridge: BridgeValidatorSet | null;
  /** One enode URL per authority node, in validator order. */
  enodes: string[];
  chainSpec: AuraChainSpec;
  publicBundle: PublicBundle;
  hashes: AssemblyHashes;
}

/**
 * Assembles chain spec, validator set, bridge validators, public bundle and the genesis block hash.
 * `contributions` are in spec member order, one per member.
 */
export async function assemble(spec: CeremonySpec, contributions: readonly Contribution[]): Promise<Assembly> {
  const nodes = interleave(contributions.map((contribution) => contribution.authorities));
  const validators = nodes.map((node) => node.signer);
  const enodes = nodes.map((node) => formatEnode(node.nodePublicKey, node.endpoint));
  const bridge: BridgeValidatorSet | null =
    spec.bridge === undefined
      ? null
      : {
          validators: interleave(contributions.map((contribution) => contribution.bridgeValidators)).map((validator) => validator.address),
          requiredSignatures: spec.bridge.requiredSignatures,
        };
  const chainSpec = assembleAuraChainSpec({
    name: spec.chain.name,
    chainId: BigInt(spec.chain.chainId),
    networkId: BigInt(spec.chain.networkId),
    stepDurationSec: spec.chain.stepDurationSec,
    gasLimit: BigInt(spec.chain.gasLimit),
    blockRewardWei: BigInt(spec.chain.blockRewardWei),
    evm: spec.chain.evm,
    baseFeePerGasWei: BigInt(spec.chain.baseFeePerGasWei),
    validators,
    accounts: spec.chain.accounts.map((account) => ({ address: account.address, balanceWei: BigInt(account.balanceWei) })),
    genesisTimestamp: 0n,
    validatorTransitions: spec.chain.validatorTransitions?.map((t) => ({ fromBlock: BigInt(t.fromBlock), kind: t.kind, address: t.address })),
    transactionPermission:
      spec.permissions === undefined
        ? undefined
        : transactionPermission(
            resolvePolicy({
              permissions: spec.permissions,
              members: spec.members.map((member) => member.identity),
              threshold: spec.governance.threshold,
              bridgeValidators: bridge?.validators ?? [],
            }),
            spec.chain.evm,
          ),
  });
  // A bug guard: what Concord writes must load in every client the spec targets.
  assertChainSpec(chainSpec, spec.chain.clients);
  const genesisHash = await agreedGenesisHash(spec, chainSpec);
  // No bridge deployment is recorded at genesis: the contracts are deployed on the running chain.
  const publicBundle = buildPublicBundle({ chainSpec, enodes, agreed: { spec, validators, bridge, bridgeDeployment: null } });
  return {
    validators,
    bridge,
    enodes,
    chainSpec,
    publicBundle,
    hashes: {
      genesisHash,
      chainSpecHash: hashCanonical(chainSpec),
      validatorSetHash: hashCanonical(validators),
      bridgeValidatorsHash: hashCanonical(bridge),
      manifestHash: hashCanonical(publicBundle.manifest),
    },
  };
}

/** The block-0 hash, which must be the same for every client the spec targets. */
async function agreedGenesisHash(spec: CeremonySpec, chainSpec: AuraChainSpec): Promise<Hex32> {
  const hashes = await Promise.all(spec.chain.clients.map(async (client) => (await computeGenesisHash(chainSpec, { client })).hash));
  const first = hashes[0];
  if (first === undefined || hashes.some((hash) => hash !== first)) {
    throw new ConcordError('CHAINSPEC_UNSUPPORTED', 'chain.clients', 'clients that compute the same genesis block hash for this chain spec');
  }
  return first;
}
