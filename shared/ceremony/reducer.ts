/**
 * The ceremony's phase machine as a pure reducer (DESIGN.md §3–§4): the state is a function of the
 * spec and the transcript alone. The coordinator runs it before it stores an entry, every client runs
 * it over the transcript it is shown, and `verify` runs it over the artifact's transcript.
 *
 *   OPEN -> ACCEPT -> COMMIT -> REVEAL -> APPROVE -> FINALIZED
 *     \________\________\________\_________\-----> ABORTED (deadline passed, or a member rejected)
 *
 * A phase ends when every member has acted in it; the first Accept moves OPEN to ACCEPT.
 * After FINALIZED the transcript goes on with governance (DESIGN.md §7): Propose, Vote and Expire
 * entries are checked here like any entry, then applied by shared/governance/reducer.ts to `governance`.
 */
import { ConcordError, joinPath } from '../errors.js';
import { hashCanonical } from '../hash/keccak.js';
import { ZERO_HASH, type Hex32 } from '../hash/hex.js';
import { recoverAddress, type Address } from '../crypto/secp256k1.js';
import type { CeremonySpec, SpecMember } from '../spec/schema.js';
import { messageDigest, hashEntry, type TranscriptEntry } from '../transcript/entry.js';
import { commitmentOf, enrolledAddresses, verifyContribution, type Contribution } from './contribution.js';
import { assemble, type Assembly, type AssemblyHashes } from '../assembly/assemble.js';
import { genesisConsortium } from '../governance/consortium.js';
import type { GovernanceState } from '../governance/proposals.js';
import { applyGovernanceEntry, beginGovernance, isGovernanceEntry } from '../governance/reducer.js';

export const PHASES = ['OPEN', 'ACCEPT', 'COMMIT', 'REVEAL', 'APPROVE', 'FINALIZED', 'ABORTED'] as const;
export type Phase = (typeof PHASES)[number];

/** What one member has done so far. */
export interface MemberProgress {
  accepted: boolean;
  commitment: Hex32 | null;
  contribution: Contribution | null;
  approved: boolean;
}

export interface CeremonyState {
  phase: Phase;
  /** How many entries have been applied; the next entry's seq. */
  seq: number;
  /** Hash of the last entry, or 32 zero bytes before the first. */
  head: Hex32;
  /** Keyed by identity address, in spec order. */
  members: Record<Address, MemberProgress>;
  /** The transcript head after the last Reveal: what every Approve signs. */
  revealHead: Hex32 | null;
  assembly: Assembly | null;
  abort: { by: Address; reason: string } | null;
  /** Revisions and proposals, from FINALIZED on; null before. */
  governance: GovernanceState | null;
}

/** The ceremony a reducer runs for. */
export interface CeremonyContext {
  spec: CeremonySpec;
  specHash: Hex32;
}

/** The state before any entry. */
export function initialState(spec: CeremonySpec): CeremonyState {
  const members: Record<Address, MemberProgress> = {};
  for (const member of spec.members) members[member.identity] = { accepted: false, commitment: null, contribution: null, approved: false };
  return { phase: 'OPEN', seq: 0, head: ZERO_HASH, members, revealHead: null, assembly: null, abort: null, governance: null };
}

/** The members who have not yet acted in the current phase (empty once the ceremony has ended). */
export function waitingFor(state: CeremonyState): Address[] {
  const pending: Record<Phase, ((progress: MemberProgress) => boolean) | null> = {
    OPEN: (progress) => !progress.accepted,
    ACCEPT: (progress) => !progress.accepted,
    COMMIT: (progress) => progress.commitment === null,
    REVEAL: (progress) => progress.contribution === null,
    APPROVE: (progress) => !progress.approved,
    FINALIZED: null,
    ABORTED: null,
  };
  const test = pending[state.phase];
  return test === null ? [] : Object.entries(state.members).filter(([, progress]) => test(progress)).map(([address]) => address);
}

/** Applies entries in order from the initial state; throws at the first invalid one. */
export async function replay(context: CeremonyContext, entries: readonly TranscriptEntry[]): Promise<CeremonyState> {
  let state = initialState(context.spec);
  for (const [i, entry] of entries.entries()) state = await applyEntry(context, state, entry, joinPath('transcript', i));
  return state;
}

/**
 * Applies one entry, or throws a ConcordError saying why it cannot be applied. Never mutates `state`.
 */
export async function applyEntry(context: CeremonyContext, state: CeremonyState, entry: TranscriptEntry, path = 'entry'): Promise<CeremonyState> {
  const { spec, specHash } = context;
  const governance = isGovernanceEntry(entry);
  if (state.phase === 'ABORTED' || (state.phase === 'FINALIZED' && !governance)) {
    throw new ConcordError('WRONG_PHASE', joinPath(path, 'kind'), `nothing: the ceremony is ${state.phase}`);
  }
  if (governance && state.phase !== 'FINALIZED') {
    throw new ConcordError('WRONG_PHASE', joinPath(path, 'kind'), `a message of phase ${state.phase}, not ${entry.kind} (governance begins once the ceremony is FINALIZED)`);
  }
  if (entry.seq !== state.seq) throw new ConcordError('TRANSCRIPT_INVALID', joinPath(path, 'seq'), `seq ${state.seq}`);
  if (entry.prevHash !== state.head) throw new ConcordError('TRANSCRIPT_INVALID', joinPath(path, 'prevHash'), `the hash of the previous entry (${state.head})`);
  if (entry.payload.ceremonyId !== spec.ceremonyId) {
    throw new ConcordError('WRONG_CEREMONY', joinPath(path, 'payload', 'ceremonyId'), `ceremony ${spec.ceremonyId}`);
  }
  if (entry.payload.specHash !== specHash) throw new ConcordError('WRONG_CEREMONY', joinPath(path, 'payload', 'specHash'), `the spec hash ${specHash}`);
  if (recoverAddress(messageDigest(entry), entry.signature, joinPath(path, 'signature')) !== entry.member) {
    throw new ConcordError('SIGNATURE_INVALID', joinPath(path, 'signature'), `an EIP-712 ${entry.kind} signature by ${entry.member}`);
  }
  const head = hashEntry(entry);
  const next: CeremonyState = { ...state, seq: state.seq + 1, head };

  if (isGovernanceEntry(entry)) {
    if (state.governance === null) throw new ConcordError('INTERNAL', 'governance', 'a governance state once FINALIZED');
    return { ...next, governance: applyGovernanceEntry(context, state.governance, entry, head, path) };
  }
  if (entry.kind === 'Abort') {
    if (entry.member !== spec.coordinator) throw new ConcordError('FORBIDDEN', joinPath(path, 'member'), `the coordinator ${spec.coordinator} (only it records an Abort)`);
    return { ...next, phase: 'ABORTED', abort: { by: entry.member, reason: entry.payload.reason } };
  }
  const member = spec.members.find((candidate) => candidate.identity === entry.member);
  const progress = state.members[entry.member];
  if (member === undefined || progress === undefined) {
    throw new ConcordError('NOT_A_MEMBER', joinPath(path, 'member'), 'the identity of a member listed in the spec');
  }
  const update = (changed: Partial<MemberProgress>): Record<Address, MemberProgress> => ({ ...state.members, [entry.member]: { ...progress, ...changed } });
  const expectPhase = (...phases: Phase[]): void => {
    if (!phases.includes(state.phase)) throw new ConcordError('WRONG_PHASE', joinPath(path, 'kind'), `a message of phase ${state.phase}, not ${entry.kind}`);
  };
  const complete = (members: Record<Address, MemberProgress>, done: (p: MemberProgress) => boolean): boolean => Object.values(members).every(done);

  switch (entry.kind) {
    case 'Reject':
      return { ...next, phase: 'ABORTED', abort: { by: entry.member, reason: entry.payload.reason } };
    case 'Accept': {
      expectPhase('OPEN', 'ACCEPT');
      if (progress.accepted) throw duplicate(path, 'Accept');
      const members = update({ accepted: true });
      return { ...next, members, phase: complete(members, (p) => p.accepted) ? 'COMMIT' : 'ACCEPT' };
    }
    case 'Commit': {
      expectPhase('COMMIT');
      if (progress.commitment !== null) throw duplicate(path, 'Commit');
      const members = update({ commitment: entry.payload.commitment });
      return { ...next, members, phase: complete(members, (p) => p.commitment !== null) ? 'REVEAL' : 'COMMIT' };
    }
    case 'Reveal': {
      expectPhase('REVEAL');
      if (progress.contribution !== null) throw duplicate(path, 'Reveal');
      const { contribution, salt, contributionHash } = entry.payload;
      const payloadPath = joinPath(path, 'payload');
      if (hashCanonical(contribution) !== contributionHash) {
        throw new ConcordError('MESSAGE_INVALID', joinPath(payloadPath, 'contributionHash'), 'keccak256 of the canonical JSON of the contribution');
      }
      if (commitmentOf(contribution, salt) !== progress.commitment) {
        throw new ConcordError('COMMITMENT_MISMATCH', joinPath(payloadPath, 'salt'), `a contribution and salt that open ${member.name}'s commitment ${progress.commitment}`);
      }
      verifyContribution(spec, specHash, member, contribution, joinPath(payloadPath, 'contribution'));
      checkNoReuse(context, state, member, contribution, joinPath(payloadPath, 'contribution'));
      const members = update({ contribution });
      if (!complete(members, (p) => p.contribution !== null)) return { ...next, members };
      const contributions = spec.members.map((m) => members[m.identity]?.contribution).filter((c): c is Contribution => c !== null && c !== undefined);
      return { ...next, members, phase: 'APPROVE', revealHead: head, assembly: await assemble(spec, contributions) };
    }
    case 'Approve': {
      expectPhase('APPROVE');
      if (progress.approved) throw duplicate(path, 'Approve');
      const payloadPath = joinPath(path, 'payload');
      if (entry.payload.transcriptHead !== state.revealHead) {
        throw new ConcordError('APPROVAL_MISMATCH', joinPath(payloadPath, 'transcriptHead'), `the transcript head after the last reveal (${state.revealHead})`);
      }
      const assembly = state.assembly;
      if (assembly === null) throw new ConcordError('INTERNAL', payloadPath, 'an assembly in phase APPROVE');
      const hashes = assembly.hashes;
      for (const field of Object.keys(hashes) as (keyof AssemblyHashes)[]) {
        if (entry.payload[field] !== hashes[field]) {
          throw new ConcordError('APPROVAL_MISMATCH', joinPath(payloadPath, field), `the assembled ${field} ${hashes[field]}`);
        }
      }
      const members = update({ approved: true });
      if (!complete(members, (p) => p.approved)) return { ...next, members, phase: 'APPROVE' };
      const contributions = spec.members.map((m) => members[m.identity]?.contribution).filter((c): c is Contribution => c !== null && c !== undefined);
      const genesis = genesisConsortium(spec, contributions, assembly);
      return { ...next, members, phase: 'FINALIZED', governance: beginGovernance(hashes.genesisHash, genesis) };
    }
  }
}

function duplicate(path: string, kind: string): ConcordError {
  return new ConcordError('DUPLICATE', joinPath(path, 'kind'), `one ${kind} per member (this member's ${kind} is already in the transcript)`);
}

/** No key may be enrolled twice, nor be an identity or the coordinator; no two nodes may share an endpoint. */
function checkNoReuse(context: CeremonyContext, state: CeremonyState, member: SpecMember, contribution: Contribution, path: string): void {
  const taken = new Map<Address, string>([[context.spec.coordinator, 'the coordinator']]);
  for (const m of context.spec.members) taken.set(m.identity, `the identity of ${m.name}`);
  const endpoints = new Map<string, string>();
  for (const m of context.spec.members) {
    // Endpoints the spec fixes for other members are theirs before they reveal.
    if (m.identity !== member.identity) for (const endpoint of m.endpoints ?? []) endpoints.set(endpoint.toLowerCase(), `a node of ${m.name} (fixed by the spec)`);
  }
  for (const m of context.spec.members) {
    const earlier = state.members[m.identity]?.contribution;
    if (earlier === null || earlier === undefined) continue;
    for (const { address } of enrolledAddresses(earlier, '')) taken.set(address, `a key enrolled by ${m.name}`);
    for (const node of earlier.authorities) endpoints.set(node.endpoint.toLowerCase(), `a node of ${m.name}`);
  }
  for (const { address, path: keyPath } of enrolledAddresses(contribution, path)) {
    const owner = taken.get(address);
    if (owner !== undefined) throw new ConcordError('ADDRESS_REUSED', keyPath, `a key not already used as ${owner}`);
    taken.set(address, `another key of ${member.name}`);
  }
  contribution.authorities.forEach((node, i) => {
    const owner = endpoints.get(node.endpoint.toLowerCase());
    if (owner !== undefined) throw new ConcordError('ENDPOINT_INVALID', joinPath(path, 'authorities', i, 'endpoint'), `an endpoint not already used by ${owner}`);
    endpoints.set(node.endpoint.toLowerCase(), `another node of ${member.name}`);
  });
}
