/**
 * Governance for tests, with real keys and real signatures (as test/helpers/ceremony.ts does for the
 * ceremony): a ceremony run to FINALIZED through the real reducer, then Propose and Vote entries signed
 * by members' identity keys and the coordinator's Expire, applied with `applyEntry`; new keys for
 * changes, each with its proof of possession by the key itself; the genesis artifact and revision
 * artifacts sealed by the coordinator's key. Shared by the unit tests and the e2e tests.
 *
 *   const gov = await governed();                          // DEFAULT_LAYOUT: Alpha (2 nodes), Beta, Gamma; threshold 2
 *   const node = gov.newNode(gov.member('Alpha'), '10.9.0.1:30303');
 *   const hash = await gov.propose(gov.member('Alpha'), node.change);
 *   await gov.vote(gov.member('Beta'), hash, true);       // a yes also signs the proposal's permission contract changes
 *
 *   const permissioned = await governedPermissioned();     // the same, with a permissions section and its contract
 */
import { artifactSealMessage, buildArtifactBody, sealArtifact } from '../../../shared/artifact/build.js';
import type { GenesisArtifact } from '../../../shared/artifact/schema.js';
import { signTyped } from '../../../shared/eip712/sign.js';
import { signDigest, type Address } from '../../../shared/crypto/secp256k1.js';
import { hashCanonical } from '../../../shared/hash/keccak.js';
import type { Hex, Hex32 } from '../../../shared/hash/hex.js';
import { hashEntry, messageDigest, type EntryKind, type Payload, type SignedMessage, type TranscriptEntry } from '../../../shared/transcript/entry.js';
import type { CeremonyState } from '../../../shared/ceremony/reducer.js';
import type { Change, NodeEnrollment } from '../../../shared/governance/change.js';
import type { BridgeDeployment } from '../../../shared/governance/bridge-deployment.js';
import { memberOf, type ConsortiumState } from '../../../shared/governance/consortium.js';
import { currentConsortium, findProposal, type GovernanceState, type Proposal } from '../../../shared/governance/proposals.js';
import { signGovernancePop, type GovernancePopRole } from '../../../shared/governance/pop.js';
import { proposalContractSteps, signContractSteps } from '../../../shared/governance/contract-changes.js';
import { buildRevisionBody, revisionBodyHash, revisionSealMessage, sealRevision, type RevisionArtifact } from '../../../shared/governance/revision.js';
import { buildContribution, CeremonyRun, makeCeremony, makeKey, type CeremonyOptions, type TestCeremony, type TestKey } from '../../helpers/ceremony.js';
import { hashSpec, parseSpec } from '../../../shared/spec/parse.js';
import type { SpecMember } from '../../../shared/spec/schema.js';
import { makePermissionedCeremony, type Outsiders, type PermissionedOptions } from '../permissioning/fixture.js';

/** A far-future voting deadline (unix seconds): the reducer cannot see time, the coordinator can. */
export const LATER = 4_000_000_000;

/** A deployment of the bridge contracts to record: four fresh (checksummed) addresses and two deployment blocks. */
export function newBridgeDeployment(): BridgeDeployment {
  return {
    home: { bridge: makeKey().address, validators: makeKey().address, deployedBlock: 4200 },
    foreign: { bridge: makeKey().address, validators: makeKey().address, deployedBlock: 17_500_000 },
  };
}

/** Signs a message as its kind's EIP-712 typed message (a Propose signs its change by hash). */
export function signMessage<K extends EntryKind>(kind: K, payload: Payload<K>, key: TestKey): Hex {
  return signDigest(messageDigest({ kind, payload } as SignedMessage), key.secretKey);
}

/** Anyone who signs governance messages in a test: a member (of some revision) or an outsider. */
export interface Signer {
  name: string;
  identity: TestKey;
}

/** A new authority node: its two keys and the addAuthority change enrolling it. */
export interface NewNode {
  signer: TestKey;
  node: TestKey;
  enrollment: NodeEnrollment;
  change: Change;
}

/** Options of a proposal. */
export interface ProposeOptions {
  activationBlock?: number;
  votingDeadline?: number;
  /** The revision it claims to be made against (default: the current one). */
  revision?: number;
  /** Sign with another key than the author's. */
  signer?: TestKey;
}

/**
 * A finalized ceremony whose governance is driven through the real reducer. `state` and `entries`
 * move together; a refused entry changes neither.
 */
export class GovernanceRun {
  readonly run: CeremonyRun;
  private nextActivation = 100;

  constructor(readonly ceremony: TestCeremony, run: CeremonyRun) {
    this.run = run;
  }

  get state(): CeremonyState {
    return this.run.state;
  }

  get governance(): GovernanceState {
    const governance = this.run.state.governance;
    if (governance === null) throw new Error('not FINALIZED');
    return governance;
  }

  get current(): ConsortiumState {
    return currentConsortium(this.governance);
  }

  get genesisHash(): Hex32 {
    return this.governance.genesisHash;
  }

  /** A member of the test ceremony by name (its identity key). */
  member(name: string): Signer {
    const found = this.ceremony.members.find((member) => member.name === name);
    if (found === undefined) throw new Error(`no member ${name}`);
    return { name, identity: found.identity };
  }

  /** A signed entry at the next position. */
  entry<K extends EntryKind>(kind: K, author: TestKey, payload: Payload<K>, signer: TestKey = author): TranscriptEntry {
    const { seq, prevHash } = this.run.position;
    return { seq, prevHash, kind, member: author.address, payload, signature: signMessage(kind, payload, signer) } as TranscriptEntry;
  }

  /** A Propose payload for `change`, made against the current revision unless told otherwise. */
  proposePayload(change: Change, options: ProposeOptions = {}): Payload<'Propose'> {
    this.nextActivation += 100;
    return {
      ceremonyId: this.ceremony.spec.ceremonyId,
      specHash: this.ceremony.specHash,
      genesisHash: this.genesisHash,
      revision: options.revision ?? this.current.revision,
      changeHash: hashCanonical(change),
      activationBlock: options.activationBlock ?? this.nextActivation,
      votingDeadline: options.votingDeadline ?? LATER,
      change,
    };
  }

  /** A Vote payload on `proposalHash`, for the proposal's revision unless told otherwise, carrying `contractSignatures` (none by default). */
  votePayload(proposalHash: Hex32, approve: boolean, revision?: number, contractSignatures: string[] = []): Payload<'Vote'> {
    const made = findProposal(this.governance, proposalHash)?.entry.payload.revision ?? this.current.revision;
    return {
      ceremonyId: this.ceremony.spec.ceremonyId,
      specHash: this.ceremony.specHash,
      genesisHash: this.genesisHash,
      revision: revision ?? made,
      proposalHash,
      approve,
      contractSignaturesHash: hashCanonical(contractSignatures),
      contractSignatures,
    };
  }

  /** `voter`'s signatures over the permission contract changes of the proposal `proposalHash` (none if it makes none). */
  contractSignatures(voter: Signer, proposalHash: Hex32): string[] {
    return signContractSteps(this.ceremony.spec, proposalContractSteps(this.governance, this.proposal(proposalHash)), voter.identity.secretKey);
  }

  /** Applies an entry through the reducer. */
  apply(entry: TranscriptEntry): Promise<CeremonyState> {
    return this.run.apply(entry);
  }

  /** Proposes `change` as `author`; returns the proposal's hash. */
  async propose(author: Signer, change: Change, options: ProposeOptions = {}): Promise<Hex32> {
    const entry = this.entry('Propose', author.identity, this.proposePayload(change, options), options.signer);
    await this.apply(entry);
    return hashEntry(entry);
  }

  /** Votes as `voter`; a yes-vote carries the voter's contract signatures. */
  async vote(voter: Signer, proposalHash: Hex32, approve: boolean): Promise<CeremonyState> {
    const contractSignatures = approve ? this.contractSignatures(voter, proposalHash) : [];
    return this.apply(this.entry('Vote', voter.identity, this.votePayload(proposalHash, approve, undefined, contractSignatures)));
  }

  /** The coordinator's Expire of a proposal. */
  expireEntry(proposalHash: Hex32, author: TestKey = this.ceremony.coordinator): TranscriptEntry {
    return this.entry('Expire', author, { ceremonyId: this.ceremony.spec.ceremonyId, specHash: this.ceremony.specHash, proposalHash });
  }

  /** Proposes `change` and has the first `threshold` members of the current revision approve it. */
  async pass(author: Signer, change: Change, options: ProposeOptions = {}): Promise<Hex32> {
    const threshold = this.current.threshold;
    const voters = this.current.members.slice(0, threshold).map((member) => this.signerOf(member.identity));
    const hash = await this.propose(author, change, options);
    for (const voter of voters) await this.vote(voter, hash, true);
    return hash;
  }

  /** The proposal with this hash. */
  proposal(hash: Hex32): Proposal {
    const found = findProposal(this.governance, hash);
    if (found === undefined) throw new Error(`no proposal ${hash}`);
    return found;
  }

  /** The signer whose identity is `address` (a spec member, or one admitted with `admission`). */
  signerOf(address: Address): Signer {
    const found = this.ceremony.members.find((member) => member.identity.address === address) ?? this.admitted.find((signer) => signer.identity.address === address);
    if (found === undefined) throw new Error(`no key for ${address}`);
    return { name: found.name, identity: found.identity };
  }

  /** Members admitted by `admission` in this run. */
  readonly admitted: Signer[] = [];

  /** A PoP by `key` for `member`'s slot. */
  pop(member: Address, role: GovernancePopRole, index: number, key: TestKey): Hex {
    return signGovernancePop({ ceremonyId: this.ceremony.spec.ceremonyId, specHash: this.ceremony.specHash }, member, role, index, key.secretKey);
  }

  /** A new node for `member` at its next authority index (or `index`), with valid PoPs. */
  newNode(member: Signer, endpoint: string, index?: number): NewNode {
    const signer = makeKey();
    const node = makeKey();
    const at = index ?? memberOf(this.current, member.identity.address)?.nextIndex.authority ?? 0;
    const enrollment: NodeEnrollment = {
      signer: signer.address,
      signerPop: this.pop(member.identity.address, 'authority', at, signer),
      nodePublicKey: node.publicKey,
      nodePop: this.pop(member.identity.address, 'node', at, node),
      endpoint,
    };
    return { signer, node, enrollment, change: { kind: 'addAuthority', member: member.identity.address, node: enrollment } };
  }

  /** A member to admit: its identity and keys, and the admitMember change with every PoP. */
  admission(name: string, endpoints: readonly string[], bridgeValidators: number): { signer: Signer; nodes: { signer: TestKey; node: TestKey }[]; bridge: TestKey[]; change: Change } {
    const identity = makeKey();
    const nodes = endpoints.map(() => ({ signer: makeKey(), node: makeKey() }));
    const bridge = Array.from({ length: bridgeValidators }, () => makeKey());
    const signer = { name, identity };
    this.admitted.push(signer);
    return {
      signer,
      nodes,
      bridge,
      change: {
        kind: 'admitMember',
        identity: identity.address,
        name,
        identityPop: this.pop(identity.address, 'identity', 0, identity),
        nodes: nodes.map((keys, i) => ({
          signer: keys.signer.address,
          signerPop: this.pop(identity.address, 'authority', i, keys.signer),
          nodePublicKey: keys.node.publicKey,
          nodePop: this.pop(identity.address, 'node', i, keys.node),
          endpoint: endpoints[i] as string,
        })),
        bridgeValidators: bridge.map((key, i) => ({ address: key.address, pop: this.pop(identity.address, 'bridge', i, key) })),
      },
    };
  }

  /** The genesis artifact of this run's ceremony, sealed by the coordinator. */
  genesisArtifact(): GenesisArtifact {
    const finalizedAt = this.run.entries.findIndex((entry) => entry.kind === 'Propose' || entry.kind === 'Vote' || entry.kind === 'Expire');
    const entries = finalizedAt < 0 ? this.run.entries : this.run.entries.slice(0, finalizedAt);
    const body = buildArtifactBody(this.ceremony.context, entries, this.state);
    return sealArtifact(body, signTyped('Artifact', artifactSealMessage(body, this.ceremony.spec.ceremonyId), this.ceremony.coordinator.secretKey));
  }

  /** The signed revision artifacts of every passed proposal, in order, as the coordinator makes them. */
  async revisionArtifacts(): Promise<RevisionArtifact[]> {
    const assembly = this.state.assembly;
    if (assembly === null) throw new Error('no assembly');
    const { spec, specHash } = this.ceremony;
    const genesis = { spec, specHash, genesisHash: this.genesisHash, genesisChainSpec: assembly.chainSpec };
    const { coordinatorSignature: _signature, ...genesisBody } = this.genesisArtifact();
    let previousBodyHash = hashCanonical(genesisBody);
    const out: RevisionArtifact[] = [];
    for (const proposal of this.governance.proposals.filter((p) => p.status === 'passed')) {
      const n = proposal.after.revision;
      const before = this.governance.revisions[n - 1] as ConsortiumState;
      const body = await buildRevisionBody(genesis, { previousBodyHash, before, after: proposal.after, proposal: proposal.entry, votes: proposal.votes });
      out.push(sealRevision(body, signTyped('Revision', revisionSealMessage(body), this.ceremony.coordinator.secretKey)));
      previousBodyHash = revisionBodyHash(body);
    }
    return out;
  }
}

/** A ceremony run to FINALIZED, ready for governance; `edit` may change the spec JSON first (keys stay the same). */
export async function governed(options: CeremonyOptions = {}, edit?: (json: Record<string, unknown>) => void): Promise<GovernanceRun> {
  let ceremony = makeCeremony({ ceremonyId: 'governance-unit', ...options });
  if (edit !== undefined) ceremony = respec(ceremony, edit);
  const run = new CeremonyRun(ceremony);
  await run.advanceTo('FINALIZED');
  return new GovernanceRun(ceremony, run);
}

/**
 * A ceremony run to FINALIZED on a permissioned chain (test/unit/permissioning/fixture.ts: the
 * consortium and an outside caller may call, an outside deployer may create, everyone else basic),
 * with its outsiders' keys.
 */
export async function governedPermissioned(options: PermissionedOptions = {}): Promise<{ gov: GovernanceRun; outsiders: Outsiders }> {
  const { ceremony, outsiders } = await makePermissionedCeremony(options);
  const run = new CeremonyRun(ceremony);
  await run.advanceTo('FINALIZED');
  return { gov: new GovernanceRun(ceremony, run), outsiders };
}

/** The same members and keys under an edited spec (contributions re-signed for its hash). */
function respec(ceremony: TestCeremony, edit: (json: Record<string, unknown>) => void): TestCeremony {
  const json = structuredClone(ceremony.spec) as unknown as Record<string, unknown>;
  edit(json);
  const spec = parseSpec(json);
  const specHash = hashSpec(spec);
  const edited: TestCeremony = { ...ceremony, spec, specHash, context: { spec, specHash }, members: [] };
  for (const [m, member] of ceremony.members.entries()) {
    edited.members.push({ ...member, spec: spec.members[m] as SpecMember, contribution: buildContribution(edited, member) });
  }
  return edited;
}
