/**
 * The contract calls a bridge change needs (DESIGN.md §7, REFERENCE.md §4): the bridge's validator set
 * lives in a `BridgeValidators` contract on each chain, found by `validatorContract()` on that chain's
 * bridge, owned by the spec's `bridge.validatorsOwner` (VALIDATORS_OWNER at deployment). Only the owner
 * may call, so a revision lists each call exactly, for home and for foreign: target, function, arguments
 * and ABI-encoded calldata (ethers `Interface`). The target is the BridgeValidators contract the
 * consortium recorded (bridge-deployment.ts) as the revision leaves it, checksummed; before any
 * deployment is recorded, a placeholder that says where to find it.
 *
 * tokenbridge-contracts 5.6.0 `contracts/upgradeable_contracts/BaseBridgeValidators.sol` and
 * `BridgeValidators.sol` (ERC_TO_ERC, not rewardable):
 *   addValidator(address)            0x4d238c8e  the address must not be a validator yet
 *   removeValidator(address)         0x40a141ff  only while validatorCount() > requiredSignatures()
 *   setRequiredSignatures(uint256)   0x7d2b9cc0  0 < n ≤ validatorCount()
 * so the order that never reverts, given a valid final set: every add; then, if the required count
 * goes down, lower it; then every remove; then, if it goes up, raise it.
 */
import { z } from 'zod';
import { Interface } from 'ethers';
import { ConcordError } from '../errors.js';
import { addressField } from '../validation/fields.js';
import type { CeremonySpec } from '../spec/schema.js';
import { bridgeDeploymentOf, bridgeOf, type ConsortiumState } from './consortium.js';
import { BRIDGE_CHAINS, type BridgeChain } from './bridge-deployment.js';

/** The three owner functions of tokenbridge's BridgeValidators that a revision may call. */
export const BRIDGE_VALIDATORS_ABI: readonly string[] = [
  'function addValidator(address _validator)',
  'function removeValidator(address _validator)',
  'function setRequiredSignatures(uint256 _requiredSignatures)',
];

const BRIDGE_VALIDATORS = new Interface(BRIDGE_VALIDATORS_ABI);

/** The BridgeValidators contract of `chain` as recorded in `state`, or the placeholder the owner replaces. */
function bridgeValidatorsTarget(state: ConsortiumState, chain: BridgeChain): string {
  return bridgeDeploymentOf(state)?.[chain].validators ?? `<BridgeValidators address: validatorContract() of the ${chain} bridge>`;
}

/** One owner call on a BridgeValidators contract. */
export const bridgeCallSchema = z.strictObject({
  chain: z.enum(BRIDGE_CHAINS),
  target: z.string(),
  /** Who must send it: the contract's owner. */
  from: addressField,
  /** The function's signature, e.g. `addValidator(address)`. */
  function: z.string(),
  /** Its arguments, as decimal numbers and checksummed addresses. */
  args: z.array(z.string()),
  /** 4-byte selector and ABI-encoded arguments. */
  calldata: z.string().regex(/^0x([0-9a-f]{2})+$/, '0x + lowercase hex bytes'),
});

/** One owner call on a BridgeValidators contract. */
export type BridgeCall = z.infer<typeof bridgeCallSchema>;

/** The calls, home first then foreign, that take the bridge from `before` to `after` (none if it did not change). */
export function bridgeCallsOf(spec: CeremonySpec, before: ConsortiumState, after: ConsortiumState): BridgeCall[] {
  const from = bridgeOf(before);
  const to = bridgeOf(after);
  if (spec.bridge === undefined || from === null || to === null) return [];
  const added = to.validators.filter((address) => !from.validators.includes(address));
  const removed = from.validators.filter((address) => !to.validators.includes(address));
  const steps: { name: string; args: string[] }[] = [
    ...added.map((address) => ({ name: 'addValidator', args: [address] })),
    ...(to.requiredSignatures < from.requiredSignatures ? [{ name: 'setRequiredSignatures', args: [String(to.requiredSignatures)] }] : []),
    ...removed.map((address) => ({ name: 'removeValidator', args: [address] })),
    ...(to.requiredSignatures > from.requiredSignatures ? [{ name: 'setRequiredSignatures', args: [String(to.requiredSignatures)] }] : []),
  ];
  const owner = spec.bridge.validatorsOwner;
  return BRIDGE_CHAINS.flatMap((chain) =>
    steps.map(({ name, args }) => {
      const fragment = BRIDGE_VALIDATORS.getFunction(name);
      if (fragment === null) throw new ConcordError('INTERNAL', 'BRIDGE_VALIDATORS_ABI', `a function ${name}`);
      return { chain, target: bridgeValidatorsTarget(after, chain), from: owner, function: fragment.format('sighash'), args, calldata: BRIDGE_VALIDATORS.encodeFunctionData(fragment, args) };
    }),
  );
}
