/**
 * One ceremony hosted by the coordinator: the shared reducer over the stored transcript, a queue that
 * applies one message at a time, receipts, deadlines and the final artifact; after FINALIZED, governance
 * on the same transcript (DESIGN.md §7): proposals and votes, a timer per open proposal that records
 * its Expire at the voting deadline, and the signed revision artifact of each passed proposal, stored
 * with the vote that passed it. The state lives only as the reducer's fold of the transcript, so after
 * a crash `open` rebuilds it from the database, and records the Abort of a phase whose deadline passed
 * while the coordinator was down before it serves anyone.
 * A message is known by its content (kind, member, payload), not its signature bytes: a resend with
 * another valid signature of the same content gets the original receipt.
 */
import { EventEmitter } from 'node:events';
import { ConcordError } from '../../shared/errors.js';
import type { CeremonySpec } from '../../shared/spec/schema.js';
import type { Hex32 } from '../../shared/hash/hex.js';
import { signTyped } from '../../shared/eip712/sign.js';
import { parseWith } from '../../shared/validation/zod.js';
import { applyEntry, initialState, waitingFor, type CeremonyContext, type CeremonyState, type Phase } from '../../shared/ceremony/reducer.js';
import type { Assembly } from '../../shared/assembly/assemble.js';
import { hashEntry, messageDigest, transcriptEntrySchema, type MemberEntryKind, type TranscriptEntry } from '../../shared/transcript/entry.js';
import { recoverAddress, type Address } from '../../shared/crypto/secp256k1.js';
import { artifactSealMessage, buildArtifactBody, sealArtifact } from '../../shared/artifact/build.js';
import type { GenesisArtifact } from '../../shared/artifact/schema.js';
import { statusOf } from '../../shared/protocol/status.js';
import type { CeremonyStatus, Receipt } from '../../shared/protocol/messages.js';
import { canonicalize } from '../../shared/canonical/jcs.js';
import { hashCanonical } from '../../shared/hash/keccak.js';
import { findProposal, type GovernanceState } from '../../shared/governance/proposals.js';
import { memberOf } from '../../shared/governance/consortium.js';
import { buildRevisionBody, revisionSealMessage, sealRevision, type RevisionArtifact } from '../../shared/governance/revision.js';
import type { Store, StoredEntry, StoredRevision } from '../store/sqlite.js';
import { MAX_TIMER_MS, ProposalTimers, RETRY_MS } from './proposal-timers.js';

export interface HostOptions {
  store: Store;
  spec: CeremonySpec;
  specHash: Hex32;
  coordinatorKey: Uint8Array;
  now: () => number;
  /** Local operator log; never given secrets. */
  log: (line: string) => void;
}

const PHASE_DEADLINE: Record<Phase, keyof CeremonySpec['deadlines'] | null> = {
  OPEN: 'acceptSec',
  ACCEPT: 'acceptSec',
  COMMIT: 'commitSec',
  REVEAL: 'revealSec',
  APPROVE: 'approveSec',
  FINALIZED: null,
  ABORTED: null,
};

/** A phase as it happened: when it began and when its deadline passes (null once the ceremony ended). */
export interface PhaseWindow {
  phase: Phase;
  startedMs: number;
  deadlineMs: number | null;
}

export class CeremonyHost extends EventEmitter<{ change: [CeremonyStatus] }> {
  private readonly context: CeremonyContext;
  private readonly entries: TranscriptEntry[] = [];
  private readonly receipts: Receipt[] = [];
  /** The seq of each entry by the hash of its content (`contentHash`). */
  private readonly seqByContent = new Map<Hex32, number>();
  private state: CeremonyState;
  private phaseStartedMs: number;
  private artifactJson: string | null;
  private readonly receivedMs: number[] = [];
  private readonly phaseStarts: PhaseWindow[];
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Revision artifact texts; index n - 1 holds revision n. */
  private readonly revisionTexts: string[] = [];
  /** One timer per open proposal: it records the Expire. */
  private readonly proposalTimers: ProposalTimers;

  private constructor(private readonly options: HostOptions, createdMs: number, artifactJson: string | null) {
    super();
    this.context = { spec: options.spec, specHash: options.specHash };
    this.state = initialState(options.spec);
    this.phaseStartedMs = createdMs;
    this.phaseStarts = [{ phase: 'OPEN', startedMs: createdMs, deadlineMs: this.deadlineOf('OPEN', createdMs) }];
    this.artifactJson = artifactJson;
    this.proposalTimers = new ProposalTimers(options.now, (hash) => this.enqueue(() => this.expireProposal(hash)), options.log);
  }

  /** Opens the ceremony of `spec` in the store, creating it on first start and replaying its transcript otherwise. */
  static async open(options: HostOptions): Promise<CeremonyHost> {
    const { store, spec, specHash } = options;
    let stored = await store.getCeremony(spec.ceremonyId);
    if (stored === null) {
      await store.createCeremony(spec.ceremonyId, canonicalize(spec), specHash, options.now());
      stored = await store.getCeremony(spec.ceremonyId);
    }
    if (stored === null) throw new Error('ceremony row missing right after insert');
    if (stored.specHash !== specHash) {
      throw new ConcordError('SPEC_INVALID', 'spec', `the spec this database already holds for ceremony ${spec.ceremonyId} (hash ${stored.specHash})`);
    }
    const host = new CeremonyHost(options, stored.createdMs, stored.artifactJson);
    for (const row of await store.entries(spec.ceremonyId)) {
      const entry = parseWith(transcriptEntrySchema, JSON.parse(row.entryJson), 'TRANSCRIPT_INVALID', `store.entries[${row.seq}]`);
      host.accept(entry, await applyEntry(host.context, host.state, entry, `store.entries[${row.seq}]`), row);
    }
    const revisions = await store.revisions(spec.ceremonyId);
    const passed = (host.state.governance?.revisions.length ?? 1) - 1;
    if (revisions.length !== passed || revisions.some((row, i) => row.revision !== i + 1)) {
      throw new ConcordError('INTERNAL', 'store.revisions', `revision artifacts 1..${passed}, one per passed proposal of the transcript`);
    }
    host.revisionTexts.push(...revisions.map((row) => row.artifactJson));
    await host.abortIfDeadlinePassed();
    host.armDeadline();
    host.proposalTimers.sync(host.state.governance);
    return host;
  }

  /** The hosted spec and its hash. */
  identity(): { spec: CeremonySpec; specHash: Hex32 } {
    return { spec: this.options.spec, specHash: this.options.specHash };
  }

  /** A member of the spec or of any revision since (a removed member may connect; the reducer refuses its messages). */
  isMember(address: Address): boolean {
    if (this.options.spec.members.some((member) => member.identity === address)) return true;
    return this.state.governance?.revisions.some((revision) => memberOf(revision, address) !== undefined) ?? false;
  }

  status(): CeremonyStatus {
    return statusOf(this.options.spec, this.options.specHash, this.state, this.deadlineMs());
  }

  transcript(fromSeq: number): TranscriptEntry[] {
    return this.entries.slice(fromSeq);
  }

  /** When each phase began (the first is OPEN, at creation) and its deadline, for the dashboard's timeline. */
  phaseHistory(): readonly PhaseWindow[] {
    return this.phaseStarts;
  }

  /** When the coordinator accepted each entry, by seq. */
  acceptedAtMs(): readonly number[] {
    return this.receivedMs;
  }

  /** What was assembled from the reveals, once every member has revealed. */
  assembly(): Assembly | null {
    return this.state.assembly;
  }

  /** The artifact JSON text once FINALIZED, else null. */
  artifact(): string | null {
    return this.artifactJson;
  }

  /** Revisions and proposals once FINALIZED, else null. */
  governance(): GovernanceState | null {
    return this.state.governance;
  }

  /** The text of revision `n` (0 is the genesis artifact), or null if there is none yet. */
  revision(n: number): string | null {
    return n === 0 ? this.artifactJson : (this.revisionTexts[n - 1] ?? null);
  }

  /**
   * Applies a member's signed message: validates it as the next transcript entry, runs the reducer,
   * stores it durably, and returns the coordinator's receipt. A resend of an accepted message (the same
   * content, validly signed, whatever the signature bytes) gets the original receipt and changes nothing.
   * Once the phase's deadline has passed nothing is accepted, even before its timer has fired.
   */
  submit(member: Address, kind: MemberEntryKind, payload: unknown, signature: string): Promise<Receipt> {
    return this.enqueue(async () => {
      await this.abortIfDeadlinePassed();
      const candidate = { seq: this.state.seq, prevHash: this.state.head, kind, member, payload, signature };
      const entry = parseWith(transcriptEntrySchema, candidate, 'MESSAGE_INVALID', 'message');
      const earlier = this.seqByContent.get(contentHash(entry));
      if (earlier !== undefined) {
        if (recoverAddress(messageDigest(entry), entry.signature, 'message.signature') !== member) {
          throw new ConcordError('SIGNATURE_INVALID', 'message.signature', `an EIP-712 ${kind} signature by ${member}`);
        }
        return this.receipts[earlier] as Receipt;
      }
      const next = await applyEntry(this.context, this.state, entry, 'message');
      this.checkVotingTime(entry);
      return this.persist(entry, next);
    });
  }

  /** The operator's abort (authorized by the admin credential at the edge): a coordinator-signed Abort entry. */
  abort(reason: string): Promise<Receipt> {
    return this.enqueue(async () => {
      if (this.state.phase === 'FINALIZED' || this.state.phase === 'ABORTED') {
        throw new ConcordError('WRONG_PHASE', 'ceremony', `a running ceremony (it is ${this.state.phase})`);
      }
      return this.recordAbort(`aborted by the coordinator operator: ${reason}`);
    });
  }

  /** Stops every timer, for good; the caller closes the store. */
  close(): void {
    this.closed = true;
    this.clearPhaseTimer();
    this.proposalTimers.close();
  }

  private clearPhaseTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Time is the coordinator's to judge (the reducer cannot see it): a proposal's voting deadline must be
   * in the future when it is submitted, and a vote must come before its proposal's deadline.
   */
  private checkVotingTime(entry: TranscriptEntry): void {
    const nowMs = this.options.now();
    if (entry.kind === 'Propose' && entry.payload.votingDeadline * 1000 <= nowMs) {
      throw new ConcordError('DEADLINE_PASSED', 'message.payload.votingDeadline', `a voting deadline in the future (unix seconds; the coordinator's clock reads ${Math.floor(nowMs / 1000)})`);
    }
    if (entry.kind === 'Vote') {
      const deadline = this.state.governance === null ? undefined : findProposal(this.state.governance, entry.payload.proposalHash)?.entry.payload.votingDeadline;
      if (deadline !== undefined && deadline * 1000 <= nowMs) {
        throw new ConcordError('DEADLINE_PASSED', 'message.payload.proposalHash', `a vote before the proposal's voting deadline (${deadline}, unix seconds; it has passed)`);
      }
    }
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async persist(entry: TranscriptEntry, next: CeremonyState): Promise<Receipt> {
    const { spec, coordinatorKey, store, now } = this.options;
    const entryHash = hashEntry(entry);
    const receiptSignature = signTyped('Receipt', { ceremonyId: spec.ceremonyId, seq: entry.seq, entryHash }, coordinatorKey);
    let artifactJson: string | null = null;
    if (next.phase === 'FINALIZED' && this.state.phase !== 'FINALIZED') {
      const body = buildArtifactBody(this.context, [...this.entries, entry], next);
      const artifact: GenesisArtifact = sealArtifact(body, signTyped('Artifact', artifactSealMessage(body, spec.ceremonyId), coordinatorKey));
      artifactJson = `${JSON.stringify(artifact, null, 2)}\n`;
    }
    const row: StoredEntry = {
      seq: entry.seq,
      hash: entryHash,
      kind: entry.kind,
      member: entry.member,
      entryJson: canonicalize(entry),
      receivedMs: now(),
      receiptSignature,
    };
    const revision = await this.revisionMadeBy(entry, next);
    await store.append(spec.ceremonyId, { ...row, signature: entry.signature }, artifactJson, revision);
    if (artifactJson !== null) this.artifactJson = artifactJson;
    if (revision !== null) this.revisionTexts.push(revision.artifactJson);
    this.accept(entry, next, row);
    this.options.log(`accepted #${entry.seq} ${entry.kind} from ${entry.member}; phase ${next.phase}${revision === null ? '' : `; revision ${revision.revision}`}`);
    this.armDeadline();
    this.proposalTimers.sync(this.state.governance);
    this.emit('change', this.status());
    return this.receipts[entry.seq] as Receipt;
  }

  /** The signed revision artifact when `entry` is the vote that passes a proposal in `next`, else null. */
  private async revisionMadeBy(entry: TranscriptEntry, next: CeremonyState): Promise<StoredRevision | null> {
    const before = this.state.governance;
    const after = next.governance;
    if (entry.kind !== 'Vote' || before === null || after === null || after.revisions.length === before.revisions.length) return null;
    const proposal = findProposal(after, entry.payload.proposalHash);
    const made = after.revisions[after.revisions.length - 1];
    const previous = before.revisions[before.revisions.length - 1];
    if (proposal === undefined || made === undefined || previous === undefined || next.assembly === null) {
      throw new ConcordError('INTERNAL', 'governance', 'a passed proposal with the revision it made');
    }
    const { spec, specHash, coordinatorKey } = this.options;
    const body = await buildRevisionBody(
      { spec, specHash, genesisHash: after.genesisHash, genesisChainSpec: next.assembly.chainSpec },
      { previousBodyHash: this.lastBodyHash(), before: previous, after: made, proposal: proposal.entry, votes: proposal.votes },
    );
    const artifact: RevisionArtifact = sealRevision(body, signTyped('Revision', revisionSealMessage(body), coordinatorKey));
    return { revision: made.revision, seq: entry.seq, artifactJson: `${JSON.stringify(artifact, null, 2)}\n` };
  }

  /** keccak256(JCS(body)) of the latest revision, or of the genesis artifact before any: what the next revision links to. */
  private lastBodyHash(): Hex32 {
    const latest = this.revisionTexts[this.revisionTexts.length - 1];
    const text = latest ?? this.artifactJson;
    if (text === null) throw new ConcordError('INTERNAL', 'artifact', 'the genesis artifact of a FINALIZED ceremony');
    // Both formats hash their body as keccak256(JCS(body)) (artifact/build.ts, governance/revision.ts).
    const { coordinatorSignature: _signature, ...body } = JSON.parse(text) as { coordinatorSignature: string };
    return hashCanonical(body);
  }

  /** Records a coordinator-signed Expire, if the proposal is still open when its deadline passes. */
  private async expireProposal(hash: Hex32): Promise<void> {
    const governance = this.state.governance;
    if (governance === null || findProposal(governance, hash)?.status !== 'open') return;
    const { spec, specHash, coordinatorKey } = this.options;
    const payload = { ceremonyId: spec.ceremonyId, specHash, proposalHash: hash };
    const entry: TranscriptEntry = {
      seq: this.state.seq,
      prevHash: this.state.head,
      kind: 'Expire',
      member: spec.coordinator,
      payload,
      signature: signTyped('Expire', payload, coordinatorKey),
    };
    await this.persist(entry, await applyEntry(this.context, this.state, entry));
  }

  private accept(entry: TranscriptEntry, next: CeremonyState, row: StoredEntry): void {
    if (next.phase !== this.state.phase) {
      // OPEN and ACCEPT share one deadline: the accept window runs from the ceremony's creation.
      if (!(this.state.phase === 'OPEN' && next.phase === 'ACCEPT')) this.phaseStartedMs = row.receivedMs;
      this.phaseStarts.push({ phase: next.phase, startedMs: row.receivedMs, deadlineMs: this.deadlineOf(next.phase, this.phaseStartedMs) });
    }
    this.entries.push(entry);
    this.seqByContent.set(contentHash(entry), entry.seq);
    this.receivedMs.push(row.receivedMs);
    this.receipts.push({ ceremonyId: this.options.spec.ceremonyId, seq: row.seq, entryHash: row.hash, signature: row.receiptSignature });
    this.state = next;
  }

  private deadlineMs(): number | null {
    return this.deadlineOf(this.state.phase, this.phaseStartedMs);
  }

  private deadlineOf(phase: Phase, windowStartMs: number): number | null {
    const key = PHASE_DEADLINE[phase];
    return key === null ? null : windowStartMs + this.options.spec.deadlines[key] * 1000;
  }

  /** Arms the timer of the current phase's deadline, no sooner than `minDelayMs` from now. */
  private armDeadline(minDelayMs = 0): void {
    this.clearPhaseTimer();
    const deadline = this.deadlineMs();
    if (deadline === null || this.closed) return;
    const delay = Math.max(minDelayMs, deadline - this.options.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (delay > MAX_TIMER_MS) {
        this.armDeadline();
        return;
      }
      this.enqueue(() => this.expire(deadline)).catch((error: unknown) => {
        this.options.log(`deadline abort failed, retrying in ${RETRY_MS} ms: ${String(error)}`);
        // An entry accepted since has armed the timer of its own phase already.
        if (this.timer === null) this.armDeadline(RETRY_MS);
      });
    }, Math.min(delay, MAX_TIMER_MS));
    this.timer.unref();
  }

  /** Records the Abort of the current phase if its deadline has passed. */
  private async abortIfDeadlinePassed(): Promise<void> {
    const deadline = this.deadlineMs();
    if (deadline !== null && deadline <= this.options.now()) await this.expire(deadline);
  }

  /** Records an Abort naming who did not act, if the phase whose deadline this was is still running. */
  private async expire(deadline: number): Promise<void> {
    if (this.deadlineMs() !== deadline) return;
    const { spec } = this.options;
    const late = waitingFor(this.state).map((address) => `${spec.members.find((m) => m.identity === address)?.name ?? address} (${address})`);
    await this.recordAbort(`deadline of phase ${this.state.phase} passed; no message from ${late.join(', ')}`);
  }

  private async recordAbort(reason: string): Promise<Receipt> {
    const { spec, specHash, coordinatorKey } = this.options;
    const payload = { ceremonyId: spec.ceremonyId, specHash, reason: reason.slice(0, 500) };
    const entry: TranscriptEntry = {
      seq: this.state.seq,
      prevHash: this.state.head,
      kind: 'Abort',
      member: spec.coordinator,
      payload,
      signature: signTyped('Abort', payload, coordinatorKey),
    };
    return this.persist(entry, await applyEntry(this.context, this.state, entry));
  }
}

/**
 * What identifies a message apart from its signature bytes: keccak256(JCS) of its kind, author and
 * payload (the payload covers what the EIP-712 signature signs, and what a Reveal, Propose or Vote signs by hash).
 */
function contentHash(entry: TranscriptEntry): Hex32 {
  return hashCanonical({ kind: entry.kind, member: entry.member, payload: entry.payload });
}
