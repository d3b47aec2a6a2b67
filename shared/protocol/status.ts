/**
 * The public status of a ceremony, derived from its reducer state: what the coordinator publishes
 * over HTTP and websocket, and what a client compares with its own replay of the transcript.
 */
import type { CeremonySpec } from '../spec/schema.js';
import type { Hex32 } from '../hash/hex.js';
import { waitingFor, type CeremonyState } from '../ceremony/reducer.js';
import type { CeremonyStatus } from './messages.js';

/** The status of a ceremony in `state`; `deadlineMs` is the coordinator's clock, passed in. */
export function statusOf(spec: CeremonySpec, specHash: Hex32, state: CeremonyState, deadlineMs: number | null): CeremonyStatus {
  return {
    ceremonyId: spec.ceremonyId,
    specHash,
    phase: state.phase,
    seq: state.seq,
    head: state.head,
    members: spec.members.map((member) => {
      const progress = state.members[member.identity];
      return {
        identity: member.identity,
        name: member.name,
        accepted: progress?.accepted ?? false,
        committed: (progress?.commitment ?? null) !== null,
        revealed: (progress?.contribution ?? null) !== null,
        approved: progress?.approved ?? false,
      };
    }),
    waitingFor: waitingFor(state),
    deadlineMs,
    assembly: state.assembly === null || state.revealHead === null ? null : { transcriptHead: state.revealHead, ...state.assembly.hashes },
    abort: state.abort,
    governance:
      state.governance === null
        ? null
        : {
            revision: state.governance.revisions.length - 1,
            open: state.governance.proposals.filter((proposal) => proposal.status === 'open').map((proposal) => proposal.hash),
          },
  };
}
