/**
 * One timer per open governance proposal, at its voting deadline (unix seconds, the coordinator's
 * clock): when it fires, the host records the coordinator-signed Expire (DESIGN.md §7), as a phase
 * deadline's timer records an Abort. `sync` after every change of the state: proposals no longer open
 * lose their timer, new open ones get one; after a restart every open proposal gets one (a deadline
 * passed while the coordinator was down fires at once).
 */
import type { Hex32 } from '../../shared/hash/hex.js';
import type { GovernanceState } from '../../shared/governance/proposals.js';

/** setTimeout's longest delay; a later deadline is re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ProposalTimers {
  private readonly timers = new Map<Hex32, NodeJS.Timeout>();

  /** `onDeadline` is called with a proposal's hash once its deadline has passed. */
  constructor(
    private readonly now: () => number,
    private readonly onDeadline: (proposalHash: Hex32) => void,
  ) {}

  /** Arms a timer for every open proposal that has none; stops those of proposals no longer open. */
  sync(governance: GovernanceState | null): void {
    for (const proposal of governance?.proposals ?? []) {
      const timer = this.timers.get(proposal.hash);
      if (proposal.status !== 'open' && timer !== undefined) {
        clearTimeout(timer);
        this.timers.delete(proposal.hash);
      }
      if (proposal.status === 'open' && timer === undefined) this.arm(proposal.hash, proposal.entry.payload.votingDeadline * 1000);
    }
  }

  /** Stops every timer. */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(hash: Hex32, deadlineMs: number): void {
    const delay = Math.max(0, deadlineMs - this.now());
    const timer = setTimeout(() => {
      this.timers.delete(hash);
      if (delay > MAX_TIMER_MS) this.arm(hash, deadlineMs);
      else this.onDeadline(hash);
    }, Math.min(delay, MAX_TIMER_MS));
    timer.unref();
    this.timers.set(hash, timer);
  }
}
