/**
 * `npm run bench`: performance as ratios measured in one run on one machine, so they do not depend on
 * the machine's speed. Everything is real: a coordinator on 127.0.0.1 with a SQLite file, members as
 * scripted websocket clients with real keys and signatures, scrypt keystores.
 *   1. coordinator accepted messages per second ÷ bare signature verifications per second
 *   2. ceremony wall time for 10, 50 and 200 members, and time per member at each size
 *   3. artifact verify time ÷ (number of signatures × one verification)
 *   4. time to write K keystores concurrently ÷ (K × one keystore written alone), with the client's
 *      scrypt (Node's, on the thread pool) and, for comparison, ethers' JavaScript one
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { startCoordinator } from '../server/coordinator.js';
import { addressOf, randomSecretKey } from '../shared/crypto/secp256k1.js';
import { recoverTypedSigner, signTyped } from '../shared/eip712/sign.js';
import { buildContribution, commitmentOf, type Contribution } from '../shared/ceremony/contribution.js';
import { replay } from '../shared/ceremony/reducer.js';
import { hashCanonical } from '../shared/hash/keccak.js';
import { toHex } from '../shared/hash/hex.js';
import { messageDigest, type SignedMessage } from '../shared/transcript/entry.js';
import { signDigest } from '../shared/crypto/secp256k1.js';
import { parseSpec, hashSpec } from '../shared/spec/parse.js';
import type { CeremonySpec } from '../shared/spec/schema.js';
import { verifyArtifact } from '../shared/artifact/verify.js';
import { encryptKeystore, STANDARD_SCRYPT } from '../shared/keys/keystore.js';
import { keystoreRandomness } from '../client/keys/random.js';
import { useNativeScrypt } from '../client/keys/kdf.js';

interface SimMember {
  key: Uint8Array;
  address: string;
  contribution: Contribution;
  salt: string;
}

function simulatedConsortium(size: number): { spec: CeremonySpec; specHash: string; coordinatorKey: Uint8Array; members: SimMember[] } {
  const coordinatorKey = randomSecretKey();
  const keys = Array.from({ length: size }, () => randomSecretKey());
  const spec = parseSpec({
    format: 'concord/ceremony-spec@1',
    ceremonyId: `bench-${size}`,
    consortium: 'Bench',
    coordinator: addressOf(coordinatorKey),
    members: keys.map((key, i) => ({ name: `m${i}`, identity: addressOf(key), authorityNodes: 1, bridgeValidators: 0 })),
    chain: { name: 'Bench', engine: 'aura', chainId: 88888, networkId: 88888, stepDurationSec: 5, gasLimit: '10000000', blockRewardWei: '0' },
    governance: { threshold: 1 },
    deadlines: { acceptSec: 3600, commitSec: 3600, revealSec: 3600, approveSec: 3600 },
  });
  const specHash = hashSpec(spec);
  const members = keys.map((key, i) => {
    const member = spec.members[i];
    if (member === undefined) throw new Error('member missing');
    const contribution = buildContribution(spec, specHash, member, { authority: [randomSecretKey()], node: [randomSecretKey()], bridge: [] }, [`10.${i >> 8}.${i & 255}.1:30303`]);
    return { key, address: addressOf(key), contribution, salt: toHex(randomBytes(32)) };
  });
  return { spec, specHash, coordinatorKey, members };
}

/** A scripted member connection: authenticates, then submits and awaits each receipt. */
async function connect(wsUrl: string, ceremonyId: string, member: SimMember): Promise<(message: SignedMessage) => Promise<void>> {
  const socket = new WebSocket(wsUrl);
  const inbox: ((frame: { type: string; nonce?: string; coordinator?: string }) => void)[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string };
    if (frame.type !== 'status') inbox.shift()?.(frame);
  });
  await new Promise((resolve) => socket.once('open', resolve));
  const next = (): Promise<{ type: string; nonce?: string; coordinator?: string }> => new Promise((resolve) => inbox.push(resolve));
  const send = async (frame: object): Promise<{ type: string; nonce?: string; coordinator?: string }> => {
    const reply = next();
    socket.send(JSON.stringify(frame));
    return reply;
  };
  const challenge = await send({ type: 'hello', ceremonyId, role: 'member', member: member.address });
  await send({ type: 'auth', signature: signTyped('Auth', { ceremonyId, coordinator: challenge.coordinator as string, nonce: challenge.nonce as string }, member.key) });
  return async (message) => {
    const reply = await send({ type: 'submit', id: 1, kind: message.kind, payload: message.payload, signature: signDigest(messageDigest(message), member.key) });
    if (reply.type !== 'receipt') throw new Error(`refused: ${JSON.stringify(reply)}`);
  };
}

/** Runs a whole ceremony; returns its wall time, the commit phase's rate, and the artifact. */
async function ceremony(size: number, folder: string): Promise<{ wallMs: number; commitsPerSec: number; artifact: unknown }> {
  const sim = simulatedConsortium(size);
  const coordinator = await startCoordinator({ spec: sim.spec, dbPath: join(folder, `bench-${size}.sqlite`), host: '127.0.0.1', port: 0, coordinatorKey: sim.coordinatorKey });
  const base = { ceremonyId: sim.spec.ceremonyId, specHash: sim.specHash };
  const started = performance.now();
  const submitters = await Promise.all(sim.members.map((member) => connect(coordinator.wsUrl, sim.spec.ceremonyId, member)));
  await Promise.all(submitters.map((submit) => submit({ kind: 'Accept', payload: base })));
  const commitStarted = performance.now();
  await Promise.all(submitters.map((submit, i) => submit({ kind: 'Commit', payload: { ...base, commitment: commitmentOf((sim.members[i] as SimMember).contribution, (sim.members[i] as SimMember).salt) } })));
  const commitsPerSec = size / ((performance.now() - commitStarted) / 1000);
  await Promise.all(
    submitters.map((submit, i) => {
      const { contribution, salt } = sim.members[i] as SimMember;
      return submit({ kind: 'Reveal', payload: { ...base, contributionHash: hashCanonical(contribution), salt, contribution } });
    }),
  );
  // One honest replay stands for every member's own (they compute the same values).
  const state = await replay({ spec: sim.spec, specHash: sim.specHash }, coordinator.ceremony(sim.spec.ceremonyId).transcript(0));
  if (state.assembly === null || state.revealHead === null) throw new Error('no assembly');
  const approve = { ...base, transcriptHead: state.revealHead, ...state.assembly.hashes };
  await Promise.all(submitters.map((submit) => submit({ kind: 'Approve', payload: approve })));
  const wallMs = performance.now() - started;
  const artifact = JSON.parse(coordinator.ceremony(sim.spec.ceremonyId).artifact() as string) as unknown;
  await coordinator.close();
  return { wallMs, commitsPerSec, artifact };
}

function verificationsPerSecond(): number {
  const key = randomSecretKey();
  const value = { ceremonyId: 'bench', specHash: `0x${'11'.repeat(32)}` };
  const signature = signTyped('Accept', value, key);
  const rounds = 300;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) recoverTypedSigner('Accept', value, signature, 'bench');
  return rounds / ((performance.now() - started) / 1000);
}

async function keystoreRatio(k: number): Promise<{ oneMs: number; manyMs: number }> {
  const write = (): Promise<string> => encryptKeystore(randomSecretKey(), 'bench password', keystoreRandomness(), STANDARD_SCRYPT);
  let started = performance.now();
  await write();
  const oneMs = performance.now() - started;
  started = performance.now();
  await Promise.all(Array.from({ length: k }, write));
  return { oneMs, manyMs: performance.now() - started };
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits);

async function main(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'concord-bench-'));
  try {
    const verifyRate = verificationsPerSecond();
    console.log(`bare EIP-712 signature verification: ${fmt(verifyRate, 0)} /s (reference for the ratios below)`);

    const sizes = [10, 50, 200];
    const runs = [];
    for (const size of sizes) runs.push({ size, ...(await ceremony(size, folder)) });
    const big = runs.find((run) => run.size === 50);
    if (big === undefined) throw new Error('missing run');
    console.log(`1. coordinator accepted messages/s ÷ verifications/s: ${fmt(big.commitsPerSec / verifyRate, 3)} (50 concurrent Commits: ${fmt(big.commitsPerSec, 0)} msg/s)`);
    const base = runs[0];
    if (base === undefined) throw new Error('missing run');
    for (const run of runs) {
      const perMember = run.wallMs / run.size;
      console.log(`2. ceremony of ${String(run.size).padStart(3)} members: ${fmt(run.wallMs / 1000)} s wall, ${fmt(perMember, 1)} ms per member, per-member cost ÷ 10-member run: ${fmt(perMember / (base.wallMs / base.size))}`);
    }
    const artifact = big.artifact as { transcript: unknown[] };
    // Signatures checked by verify: one per entry, PoPs (2 per member here), the coordinator's seal.
    const signatures = artifact.transcript.length + 2 * 50 + 1;
    const started = performance.now();
    const report = await verifyArtifact(artifact);
    const verifyMs = performance.now() - started;
    if (!report.ok) throw new Error('bench artifact does not verify');
    console.log(`3. artifact verify time ÷ (signatures × one verification): ${fmt(verifyMs / (signatures * (1000 / verifyRate)))} (${signatures} signatures in ${fmt(verifyMs, 0)} ms)`);
    const k = 4;
    const javascript = await keystoreRatio(k);
    useNativeScrypt();
    const keystores = await keystoreRatio(k);
    console.log(`4. ${k} keystores written concurrently ÷ ${k} × one alone (scrypt N=2^17, r=8, p=1, Node's scrypt on the thread pool as the client uses it): ${fmt(keystores.manyMs / (k * keystores.oneMs))} (one: ${fmt(keystores.oneMs, 0)} ms)`);
    console.log(`   for comparison, ethers' JavaScript scrypt on the main thread: ${fmt(javascript.manyMs / (k * javascript.oneMs))} (one: ${fmt(javascript.oneMs, 0)} ms)`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
