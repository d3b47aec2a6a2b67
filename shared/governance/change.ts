/**
 * What a governance proposal changes (DESIGN.md §7, issue 6): one zod schema, discriminated on `kind`,
 * used by the coordinator, every client and `verify`. A `Propose` signs the change by its hash
 * (`changeHash` = keccak256(JCS(change)), as a Reveal signs its contribution), so the change travels in
 * the entry's payload beside the signed fields.
 *
 * New keys come with proofs of possession by the keys themselves (shared/governance/pop.ts):
 *   addAuthority          {member, node: {signer, signerPop, nodePublicKey, nodePop, endpoint}}
 *   removeAuthority       {signer}
 *   rotateAuthority       {oldSigner, newSigner, newSignerPop}         (the node keeps its p2p key and endpoint)
 *   setBridgeValidators   {add: [{member, address, pop}], remove: [address], requiredSignatures}
 *   admitMember           {identity, name, identityPop, nodes: [node…], bridgeValidators: [{address, pop}]}
 *   removeMember          {identity}
 *   setPermissions        {permissions}                                 (the spec's `permissions` section, whole)
 *   recordBridgeDeployment {home, foreign: {bridge, validators, deployedBlock}} (the deployed bridge
 *                          contracts, bridge-deployment.ts; replaces any recorded before)
 * Bounds that need the consortium (which keys exist, which addresses were ever used, how many must sign)
 * are checked by `applyChange` (apply-change.ts), and so are the permission section's cross-field rules
 * (shared/permissioning/schema.ts `refinePermissions`, against the consortium's members); this schema
 * checks shapes only.
 */
import { z } from 'zod';
import { addressField, endpointField, intField, nodePublicKeyField, signatureField } from '../validation/fields.js';
import { MAX_BRIDGE_VALIDATORS, MAX_KEYS_PER_MEMBER } from '../spec/schema.js';
import { permissionsSchema } from '../permissioning/schema.js';
import { bridgeDeploymentSchema } from './bridge-deployment.js';

/** A new authority node: its signer and p2p node key, each with its proof of possession, and where it listens. */
export const nodeEnrollmentSchema = z.strictObject({
  signer: addressField,
  signerPop: signatureField,
  nodePublicKey: nodePublicKeyField,
  nodePop: signatureField,
  endpoint: endpointField,
});

/** A new bridge validator of a member of the consortium. */
const bridgeAdditionSchema = z.strictObject({ member: addressField, address: addressField, pop: signatureField });

/** A new bridge validator of a member being admitted. */
const bridgeEnrollmentSchema = z.strictObject({ address: addressField, pop: signatureField });

/** The change a proposal makes, by kind. */
export const changeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('addAuthority'), member: addressField, node: nodeEnrollmentSchema }),
  z.strictObject({ kind: z.literal('removeAuthority'), signer: addressField }),
  z.strictObject({ kind: z.literal('rotateAuthority'), oldSigner: addressField, newSigner: addressField, newSignerPop: signatureField }),
  z.strictObject({
    kind: z.literal('setBridgeValidators'),
    add: z.array(bridgeAdditionSchema).max(MAX_BRIDGE_VALIDATORS),
    remove: z.array(addressField).max(MAX_BRIDGE_VALIDATORS),
    // 0 parses so that applyChange can say what the bound is (1..number of bridge validators).
    requiredSignatures: intField(0, MAX_BRIDGE_VALIDATORS),
  }),
  z.strictObject({
    kind: z.literal('admitMember'),
    identity: addressField,
    name: z.string().min(1).max(64),
    identityPop: signatureField,
    nodes: z.array(nodeEnrollmentSchema).max(MAX_KEYS_PER_MEMBER),
    bridgeValidators: z.array(bridgeEnrollmentSchema).max(MAX_KEYS_PER_MEMBER),
  }),
  z.strictObject({ kind: z.literal('removeMember'), identity: addressField }),
  z.strictObject({ kind: z.literal('setPermissions'), permissions: permissionsSchema }),
  z.strictObject({ kind: z.literal('recordBridgeDeployment'), ...bridgeDeploymentSchema.shape }),
]);

/** A proposed change. */
export type Change = z.infer<typeof changeSchema>;
/** A new authority node with its proofs of possession. */
export type NodeEnrollment = z.infer<typeof nodeEnrollmentSchema>;
