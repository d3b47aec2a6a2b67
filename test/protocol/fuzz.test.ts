/**
 * Property tests (fast-check): thousands of generated malformed frames and mutated valid messages
 * thrown at the frame decoder and at the reducer. Every one is either decoded/applied as an
 * equivalent of a valid message or refused with a ConcordError; nothing else is thrown, and a refused
 * entry never changes the state.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConcordError } from '../../shared/errors.js';
import { canonicalize } from '../../shared/canonical/jcs.js';
import { parseWith } from '../../shared/validation/zod.js';
import { clientFrameSchema } from '../../shared/protocol/messages.js';
import { transcriptEntrySchema, type TranscriptEntry } from '../../shared/transcript/entry.js';
import { applyEntry, type CeremonyState } from '../../shared/ceremony/reducer.js';
import { CeremonyRun, makeCeremony } from '../helpers/ceremony.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside `value` (objects and arrays included), root excluded. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => {
    const child = (value as Record<string | number, Json>)[key] as Json;
    return [[...prefix, key], ...paths(child, [...prefix, key])];
  });
}

/** A copy of `value` with the thing at `path` replaced (or, with `replacement` undefined, deleted). */
function mutate(value: Json, path: (string | number)[], replacement: Json | undefined): Json {
  const copy = structuredClone(value);
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path.at(-1) as string | number;
  if (replacement === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = replacement;
  return copy;
}

function flipHexDigit(text: string, at: number): string {
  const i = 2 + (at % (text.length - 2));
  const digit = text[i] === '0' ? '1' : '0';
  return `${text.slice(0, i)}${digit}${text.slice(i + 1)}`;
}

const replacement: fc.Arbitrary<Json | undefined> = fc.oneof(fc.constant(undefined), fc.jsonValue() as fc.Arbitrary<Json>);

describe('the frame decoder', () => {
  it('refuses arbitrary JSON with a ConcordError or decodes it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseWith(clientFrameSchema, value, 'MESSAGE_INVALID', 'frame');
        } catch (error) {
          expect(error).toBeInstanceOf(ConcordError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses arbitrary frames of every known type with a ConcordError or decodes them', () => {
    const frames = fc.record({ type: fc.constantFrom('hello', 'auth', 'submit', 'transcript', 'other'), id: fc.jsonValue(), kind: fc.jsonValue(), payload: fc.jsonValue(), signature: fc.jsonValue(), ceremonyId: fc.jsonValue(), role: fc.jsonValue(), member: fc.jsonValue(), fromSeq: fc.jsonValue() }, { requiredKeys: ['type'] });
    fc.assert(
      fc.property(frames, (frame) => {
        try {
          parseWith(clientFrameSchema, frame, 'MESSAGE_INVALID', 'frame');
        } catch (error) {
          expect(error).toBeInstanceOf(ConcordError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the reducer under mutated valid entries', () => {
  const cases: { name: string; state: CeremonyState; entry: TranscriptEntry; run: CeremonyRun }[] = [];

  beforeAll(async () => {
    const ceremony = makeCeremony({ ceremonyId: 'fuzz' });
    const [alpha] = ceremony.members;
    if (alpha === undefined) throw new Error('no member');
    const run = new CeremonyRun(ceremony);
    cases.push({ name: 'Accept', state: run.state, entry: run.entry('Accept', alpha.identity, run.acceptPayload()), run });
    await run.advanceTo('COMMIT');
    cases.push({ name: 'Commit', state: run.state, entry: run.entry('Commit', alpha.identity, run.commitPayload(alpha)), run });
    await run.advanceTo('REVEAL');
    cases.push({ name: 'Reveal', state: run.state, entry: run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), run });
    await run.advanceTo('APPROVE');
    cases.push({ name: 'Approve', state: run.state, entry: run.entry('Approve', alpha.identity, run.approvePayload()), run });
  });

  it.each(['Accept', 'Commit', 'Reveal', 'Approve'])('accepts no mutation of a valid %s and never changes the state', async (name) => {
    const { state, entry, run } = cases.find((c) => c.name === name) as (typeof cases)[number];
    const before = canonicalize(state);
    const original = JSON.parse(JSON.stringify(entry)) as Json;
    const all = paths(original);
    await fc.assert(
      fc.asyncProperty(fc.nat(all.length - 1), replacement, fc.nat(), fc.boolean(), async (pick, value, at, flip) => {
        const path = all[pick] as (string | number)[];
        const target = path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key] as Json, original);
        const mutated = flip && typeof target === 'string' && /^0x[0-9a-f]+$/.test(target) ? mutate(original, path, flipHexDigit(target, at)) : mutate(original, path, value);
        if (canonicalize(mutated) === canonicalize(original)) return;
        try {
          const decoded = parseWith(transcriptEntrySchema, mutated, 'MESSAGE_INVALID', 'message');
          await applyEntry(run.ceremony.context, state, decoded, 'message');
          // Only a mutation that decodes to the same entry (e.g. an address in another letter case) may pass.
          expect(canonicalize(decoded)).toBe(canonicalize(original));
        } catch (error) {
          if (!(error instanceof ConcordError)) throw error;
        }
      }),
      { numRuns: name === 'Reveal' ? 400 : 800 },
    );
    expect(canonicalize(state)).toBe(before);
  });
});
