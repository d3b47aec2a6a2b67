/**
 * What a cheating coordinator does after it edits a transcript: it re-chains it. A member's signature
 * covers the entry's payload, never its `seq` or `prevHash` (shared/transcript/entry.ts `messageDigest`),
 * so anyone can renumber the entries and recompute each `prevHash` from the entry before (`hashEntry`);
 * only an edit of a payload needs a member's key. Tests re-chain what they doctor, so that what catches
 * the cheat is the check that should, not the hash chain.
 *
 *   const shown = rechain(entries.filter((entry) => entry !== dropped));   // a consistent chain again
 */
import { ZERO_HASH, type Hex32 } from '../../shared/hash/hex.js';
import { hashCanonical } from '../../shared/hash/keccak.js';
import { hashEntry, type TranscriptEntry } from '../../shared/transcript/entry.js';

/** `entries` renumbered from 0, each `prevHash` the hash of the entry before (32 zero bytes for the first). */
export function rechain(entries: readonly TranscriptEntry[]): TranscriptEntry[] {
  let prevHash: Hex32 = ZERO_HASH;
  return entries.map((entry, seq): TranscriptEntry => {
    const chained = { ...entry, seq, prevHash } as TranscriptEntry;
    prevHash = hashEntry(chained);
    return chained;
  });
}

/** The hash of the last entry: the head of a chain `rechain` made. */
export function headOf(entries: readonly TranscriptEntry[]): Hex32 {
  const last = entries.at(-1);
  return last === undefined ? ZERO_HASH : hashEntry(last);
}

/** The index of every entry of `kind`. */
export function indexesOf(entries: readonly TranscriptEntry[], kind: TranscriptEntry['kind']): number[] {
  return entries.flatMap((entry, i) => (entry.kind === kind ? [i] : []));
}

/** The entries up to and including the last Reveal: the transcript every Approve signs the head of. */
export function throughLastReveal(entries: readonly TranscriptEntry[]): TranscriptEntry[] {
  const last = indexesOf(entries, 'Reveal').at(-1);
  if (last === undefined) throw new Error('the transcript has no Reveal');
  return entries.slice(0, last + 1);
}

/**
 * A Reveal entry whose contribution `edit` changed, with its `contributionHash` recomputed: everything a
 * coordinator can redo without the member's key. The member's signature stays the one over the original.
 */
export function withEditedContribution(
  entry: Extract<TranscriptEntry, { kind: 'Reveal' }>,
  edit: (contribution: Extract<TranscriptEntry, { kind: 'Reveal' }>['payload']['contribution']) => void,
): Extract<TranscriptEntry, { kind: 'Reveal' }> {
  const contribution = structuredClone(entry.payload.contribution);
  edit(contribution);
  return { ...entry, payload: { ...entry.payload, contribution, contributionHash: hashCanonical(contribution) } };
}
