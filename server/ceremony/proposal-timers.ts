/**
 * One timer per open governance proposal, at its voting deadline (unix seconds, the coordinator's
 * clock): when it fires, the host records the coordinator-signed Expire (DESIGN.md §7), as a phase
 * deadline's timer records an Abort. `sync` after every change of the state: proposals no longer open
 * lose their timer, new open ones get one; after a restart every open proposal gets one (a deadline
 * passed while the coordinator was down fires at once). An Expire that cannot be recorded (the store
 * failed) is tried again after RETRY_MS, until it is recorded or the proposal is no longer open.
 */
import type { Hex32 } from '../../shared/hash/hex.js';
import type { GovernanceState } from '../../shared/governance/proposals.js';

/** setTimeout's longest delay; a later deadline is re-armed in steps. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** How long a timer-driven write (an Expire, a deadline's Abort) waits before it is tried again after a failure. */
export const RETRY_MS = 1000;

export class ProposalTimers {
  private readonly timers = new Map<Hex32, NodeJS.Timeout>();
  private closed = false;

  /** `onDeadline` records the Expire of a proposal whose deadline has passed; `log` hears of its failures. */
  constructor(
    private readonly now: () => number,
    private readonly onDeadline: (proposalHash: Hex32) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  /** Arms a timer for every open proposal that has none; stops those of proposals no longer open. */
  sync(governance: GovernanceState | null): void {
    for (const proposal of governance?.proposals ?? []) {
      const timer = this.timers.get(proposal.hash);
      if (proposal.status !== 'open' && timer !== undefined) {
        clearTimeout(timer);
        this.timers.delete(proposal.hash);
      }
      if (proposal.status === 'open' && timer === undefined) this.arm(proposal.hash, proposal.entry.payload.votingDeadline * 1000, 0);
    }
  }

  /** Stops every timer, for good. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(hash: Hex32, deadlineMs: number, minDelayMs: number): void {
    if (this.closed) return;
    const delay = Math.max(minDelayMs, deadlineMs - this.now());
    const timer = setTimeout(() => {
      this.timers.delete(hash);
      if (delay > MAX_TIMER_MS) {
        this.arm(hash, deadlineMs, 0);
        return;
      }
      this.onDeadline(hash).catch((error: unknown) => {
        this.log(`proposal expiry failed, retrying in ${RETRY_MS} ms: ${String(error)}`);
        // A sync since may have armed it again already.
        if (!this.timers.has(hash)) this.arm(hash, deadlineMs, RETRY_MS);
      });
    }, Math.min(delay, MAX_TIMER_MS));
    timer.unref();
    this.timers.set(hash, timer);
  }
}
