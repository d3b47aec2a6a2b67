/**
 * Permissioned ceremonies for the permissioning tests: `makeCeremony`'s members and keys (real keys,
 * real proofs of possession), with a `permissions` section written from those keys, and the chain spec
 * Concord assembles from the spec and the honest reveals.
 */
import { assemble, type Assembly } from '../../../shared/assembly/assemble.js';
import type { EvmLevel } from '../../../shared/chainspec/evm-levels.js';
import { parseSpec, hashSpec } from '../../../shared/spec/parse.js';
import type { SpecMember } from '../../../shared/spec/schema.js';
import {
  DEFAULT_LAYOUT,
  buildContribution,
  endpointOf,
  makeKey,
  randomHash,
  specJson,
  type MemberLayout,
  type TestCeremony,
  type TestKey,
} from '../../helpers/ceremony.js';

/** Accounts outside the consortium that a test policy names. */
export interface Outsiders {
  /** listed in `transact` */
  caller: TestKey;
  /** listed in `create` and as the bridge deployer */
  deployer: TestKey;
  /** listed nowhere */
  stranger: TestKey;
}

/** Options of `makePermissionedCeremony`. */
export interface PermissionedOptions {
  layout?: readonly MemberLayout[];
  evm?: EvmLevel;
  /** the `permissions` section, from the outsiders' keys and the member identities */
  permissions?: (outsiders: Outsiders, identities: readonly string[]) => Record<string, unknown>;
}

/** A ceremony with its outsiders, and what the honest reveals assemble to. */
export interface PermissionedCeremony {
  ceremony: TestCeremony;
  outsiders: Outsiders;
  assembly: Assembly;
}

/** The default policy: the consortium and `caller` may call, `deployer` may create, everyone else basic. */
export function defaultPolicy(outsiders: Outsiders): Record<string, unknown> {
  return {
    read: { readers: [{ name: 'Audit Partners', servedBy: 'Beta' }] },
    transact: ['consortium', outsiders.caller.address],
    create: [outsiders.deployer.address],
    unlisted: 'basic',
    deployers: [{ address: outsiders.deployer.address, deploys: 'bridge' }],
  };
}

/** A ceremony like `makeCeremony()`, with a `permissions` section, at the given EVM level. */
export async function makePermissionedCeremony(options: PermissionedOptions = {}): Promise<PermissionedCeremony> {
  const layout = options.layout ?? DEFAULT_LAYOUT;
  const outsiders: Outsiders = { caller: makeKey(), deployer: makeKey(), stranger: makeKey() };
  const coordinator = makeKey();
  const keys = layout.map((memberLayout, m) => ({
    layout: memberLayout,
    identity: makeKey(),
    authorities: Array.from({ length: memberLayout.authorityNodes }, (_, i) => ({ signer: makeKey(), node: makeKey(), endpoint: endpointOf(m, i) })),
    bridgeValidators: Array.from({ length: memberLayout.bridgeValidators }, () => makeKey()),
  }));
  const json = specJson(
    'permissioned-ceremony',
    coordinator.address,
    keys.map((k) => ({ layout: k.layout, identity: k.identity.address, endpoints: k.authorities.map((a) => a.endpoint) })),
  );
  json.permissions = (options.permissions ?? defaultPolicy)(outsiders, keys.map((k) => k.identity.address));
  const level = options.evm ?? 'london';
  json.chain = { ...(json.chain as Record<string, unknown>), evm: level, clients: level === 'london' ? ['openethereum', 'nethermind'] : ['nethermind'] };
  const spec = parseSpec(json);
  const specHash = hashSpec(spec);
  const ceremony: TestCeremony = { spec, specHash, context: { spec, specHash }, coordinator, members: [] };
  keys.forEach((k, m) => {
    const base = { name: k.layout.name, identity: k.identity, authorities: k.authorities, bridgeValidators: k.bridgeValidators, spec: spec.members[m] as SpecMember };
    ceremony.members.push({ ...base, contribution: buildContribution(ceremony, base), salt: randomHash() });
  });
  const assembly = await assemble(spec, ceremony.members.map((member) => member.contribution));
  return { ceremony, outsiders, assembly };
}
