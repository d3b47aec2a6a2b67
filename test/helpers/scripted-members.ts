/**
 * Members driven by a script instead of the client: each submits its pre-made, honestly signed messages
 * (from `makeCeremony`) over a real authenticated websocket, in a fixed order, and computes its Approve
 * from the transcript the coordinator serves, as a real client does. A fixed order makes the transcript,
 * and so the artifact, a pure function of the inputs.
 */
import { expect } from 'vitest';
import { replay } from '../../shared/ceremony/reducer.js';
import type { Payload } from '../../shared/transcript/entry.js';
import { signPayload, type TestCeremony, type TestMember } from './ceremony.js';
import { connectMember, type RawClient } from './ws-client.js';
import { commitmentOf } from '../../shared/ceremony/contribution.js';
import { hashCanonical } from '../../shared/hash/keccak.js';

export type Step = 'Accept' | 'Commit' | 'Reveal' | 'Approve';
export const STEPS: readonly Step[] = ['Accept', 'Commit', 'Reveal', 'Approve'];

let requestId = 1;

/** The frame member `member` sends for `step`; Approve is computed from the coordinator's transcript. */
export async function frameFor(ceremony: TestCeremony, member: TestMember, step: Step, reader: RawClient): Promise<string> {
  const base = { ceremonyId: ceremony.spec.ceremonyId, specHash: ceremony.specHash };
  let payload: Payload<Step>;
  switch (step) {
    case 'Accept':
      payload = base;
      break;
    case 'Commit':
      payload = { ...base, commitment: commitmentOf(member.contribution, member.salt) };
      break;
    case 'Reveal':
      payload = { ...base, contributionHash: hashCanonical(member.contribution), salt: member.salt, contribution: member.contribution };
      break;
    case 'Approve': {
      const reply = await reader.send(JSON.stringify({ type: 'transcript', id: requestId++, fromSeq: 0 }));
      const state = await replay(ceremony.context, reply.entries as never);
      if (state.assembly === null || state.revealHead === null) throw new Error(`no assembly yet (phase ${state.phase})`);
      payload = { ...base, transcriptHead: state.revealHead, ...state.assembly.hashes };
      break;
    }
  }
  const signature = signPayload(step, payload as never, member.identity.secretKey);
  return JSON.stringify({ type: 'submit', id: requestId++, kind: step, payload, signature });
}

/** Authenticated connections, one per member, in spec order. */
export async function connectAll(wsUrl: string, ceremony: TestCeremony): Promise<RawClient[]> {
  return Promise.all(ceremony.members.map((member) => connectMember(wsUrl, ceremony.spec.ceremonyId, member.identity)));
}

/** Finalizes `ceremony` on the coordinator at `wsUrl`: every member sends each step in turn, each must get a receipt. */
export async function finalizeOverWebsockets(wsUrl: string, ceremony: TestCeremony): Promise<void> {
  const members = await connectAll(wsUrl, ceremony);
  try {
    for (const step of STEPS) {
      for (const [i, member] of ceremony.members.entries()) {
        const reader = members[i] as RawClient;
        expect(await reader.send(await frameFor(ceremony, member, step, reader))).toMatchObject({ type: 'receipt' });
      }
    }
  } finally {
    for (const member of members) member.close();
  }
}
