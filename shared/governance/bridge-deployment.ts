/**
 * The bridge contracts the consortium deployed (issue 6.3), recorded by a `recordBridgeDeployment`
 * proposal once tokenbridge-contracts 5.6.0 `deploy/` has run with the public bundle's
 * `bridge/deploy.env`: per chain, the bridge, its BridgeValidators contract and the block the bridge was
 * deployed at. From the revision that records them on, the bridge calls of every later revision
 * (bridge-calls.ts) target the BridgeValidators contracts, and oracle env files
 * (shared/bundle/oracle-env.ts) carry the bridge addresses and start blocks instead of placeholders.
 * Recording again (after a redeployment) replaces them.
 *
 * Where each value comes from, ERC_TO_ERC: omni/tokenbridge-contracts `deploy/deploy.js`
 * `deployErcToErc`, `deploy/src/erc_to_erc/home.js` and `foreign.js` (the index holds no copy at 5.6.0;
 * the stored versions read all write these the same way):
 *   bridge         `homeBridge.address` / `foreignBridge.address` of `bridgeDeploymentResults.json`, the
 *                  bridge's EternalStorageProxy: the oracle's COMMON_HOME_BRIDGE_ADDRESS /
 *                  COMMON_FOREIGN_BRIDGE_ADDRESS
 *   validators     the BridgeValidators EternalStorageProxy, which the deployment prints as
 *                  `[Home] BridgeValidators Storage: <address>` (`[Foreign] …`) and the bridge returns
 *                  from `validatorContract()`; not in the results file
 *   deployedBlock  `homeBridge.deployedBlockNumber` / `foreignBridge.deployedBlockNumber`: where the
 *                  oracle starts scanning (ORACLE_HOME_START_BLOCK / ORACLE_FOREIGN_START_BLOCK, omni/tokenbridge
 *                  `oracle/config/base.config.js` @ c63733c8, `toBN(... || 0)`: from block 0 without them)
 *
 * The addresses are EIP-55 checksummed (the schema refuses any other spelling). `checkBridgeDeployment`
 * refuses, as CHANGE_INVALID naming the field (apply-change.ts refuses a consortium without a bridge
 * first): the zero address; two of the four addresses equal; an address the consortium already uses for
 * something else (a key it ever enrolled or its coordinator, the spec's bridge owner, validators owner,
 * upgradeable admin or foreign token, the permission contract, a contract deployer of the policy in
 * force, a validator-set contract of the chain); and the deployment already recorded.
 */
import { z } from 'zod';
import { ConcordError, joinPath } from '../errors.js';
import { canonicalize } from '../canonical/jcs.js';
import type { Address } from '../crypto/secp256k1.js';
import { checksummedAddressField, intField } from '../validation/fields.js';
import type { CeremonySpec } from '../spec/schema.js';
import { PERMISSION_CONTRACT_ADDRESS } from '../permissioning/account.js';
import type { ConsortiumState } from './consortium.js';

/** The contracts of one side of the bridge. */
const deployedSideSchema = z.strictObject({
  /** The bridge (its proxy). */
  bridge: checksummedAddressField,
  /** Its BridgeValidators contract (proxy): the target of the owner's validator calls. */
  validators: checksummedAddressField,
  /** The block the bridge was deployed at: the oracle's start block. */
  deployedBlock: intField(1),
});

/** The deployed bridge contracts, home and foreign. */
export const bridgeDeploymentSchema = z.strictObject({ home: deployedSideSchema, foreign: deployedSideSchema });

/** The deployed bridge contracts, home and foreign. */
export type BridgeDeployment = z.infer<typeof bridgeDeploymentSchema>;

/** The chains a bridge spans. */
export const BRIDGE_CHAINS = ['home', 'foreign'] as const;

/** One chain of the bridge. */
export type BridgeChain = (typeof BRIDGE_CHAINS)[number];

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

/** What each address the consortium already uses is, for the error that names it. */
function knownAddresses(spec: CeremonySpec, state: ConsortiumState): Map<Address, string> {
  const known = new Map<Address, string>();
  if (spec.bridge !== undefined) {
    known.set(spec.bridge.foreignToken, 'the foreign ERC-20 token (spec bridge.foreignToken)');
    known.set(spec.bridge.upgradeableAdmin, 'the upgradeable admin (spec bridge.upgradeableAdmin)');
    known.set(spec.bridge.validatorsOwner, 'the validators owner (spec bridge.validatorsOwner)');
    known.set(spec.bridge.owner, 'the bridge owner (spec bridge.owner)');
  }
  for (const contract of state.schedule.contracts) known.set(contract.address, 'a validator-set contract of the chain (spec chain.validatorTransitions)');
  if (state.permissions !== null) {
    known.set(PERMISSION_CONTRACT_ADDRESS, 'the permission contract');
    for (const deployer of state.permissions.policy.deployers) known.set(deployer.address, 'a contract deployer of the permission policy in force');
  }
  for (const address of state.usedAddresses) known.set(address, 'a key this consortium enrolled (identity, signer, node key, bridge validator) or its coordinator');
  return known;
}

/** Throws CHANGE_INVALID at the first field of `deployment` (at `path`) that `state` cannot record. */
export function checkBridgeDeployment(spec: CeremonySpec, state: ConsortiumState, deployment: BridgeDeployment, path: string): void {
  const known = knownAddresses(spec, state);
  const given = new Map<Address, string>();
  for (const chain of BRIDGE_CHAINS) {
    for (const role of ['bridge', 'validators'] as const) {
      const address = deployment[chain][role];
      const at = joinPath(path, chain, role);
      if (address === ZERO_ADDRESS) throw new ConcordError('CHANGE_INVALID', at, 'the address of a deployed contract, not the zero address');
      const earlier = given.get(address);
      if (earlier !== undefined) throw new ConcordError('CHANGE_INVALID', at, `an address other than ${earlier}: the four contracts are distinct`);
      const what = known.get(address);
      if (what !== undefined) throw new ConcordError('CHANGE_INVALID', at, `the address of a deployed bridge contract, not one the consortium already uses (this is ${what})`);
      given.set(address, `${chain}.${role}`);
    }
  }
  const recorded = state.bridge?.deployment ?? null;
  if (recorded !== null && canonicalize(recorded) === canonicalize(deployment)) {
    throw new ConcordError('CHANGE_INVALID', path, `a deployment other than the one in force at revision ${state.revision}`);
  }
}

/** The recorded contracts in one line, as the CLI prints them. */
export function describeBridgeDeployment(deployment: BridgeDeployment): string {
  return BRIDGE_CHAINS.map((chain) => `${chain} bridge ${deployment[chain].bridge} (BridgeValidators ${deployment[chain].validators}, deployed at block ${deployment[chain].deployedBlock})`).join('; ');
}
