/**
 * Recording the bridge deployment, end to end over a real coordinator (express + ws + SQLite) with the
 * `concord` CLI as real processes: a finalized 3-member consortium with a bridge; the coordinator
 * refuses bad recordings naming the field; `concord propose record-bridge-deployment` from
 * tokenbridge-contracts' `bridgeDeploymentResults.json` (and, for a redeployment, from flags) passes by
 * two votes; `revision fetch` says which contracts are recorded; `concord bundle` for that revision
 * writes oracle env files with the bridge addresses and start blocks (read by dotenv) and `verify
 * --bundle` accepts it; a later bridge change's calls target the recorded BridgeValidators contracts
 * and decode with ethers; the dashboard shows the recorded contracts; `verify` checks the chain.
 */
import { createRequire } from 'node:module';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Interface } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import type { RevisionArtifact } from '../../shared/governance/revision.js';
import type { BridgeDeployment } from '../../shared/governance/bridge-deployment.js';
import { CeremonyRun, makeCeremony, type TestCeremony } from '../helpers/ceremony.js';
import { finalizeOverWebsockets } from '../helpers/scripted-members.js';
import { connectMember } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';
import { concord } from '../helpers/cli-consortium.js';
import { writeMemberKeys, writeTestKeystore } from '../helpers/member-folder.js';
import { GovernanceRun, newBridgeDeployment, signMessage } from '../unit/governance/fixture.js';

const ID = 'e2e-bridge-deployment';
const LAYOUT = ['Ash', 'Birch', 'Cedar'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 }));
// tokenbridge-contracts 5.6.0 BridgeValidators, written out independently of shared/governance/bridge-calls.ts.
const BRIDGE_VALIDATORS = new Interface(['function addValidator(address)', 'function removeValidator(address)', 'function setRequiredSignatures(uint256)']);
/** dotenv 5 ships no types; `parse` returns each KEY=value it reads. */
const dotenv = createRequire(import.meta.url)('dotenv') as { parse: (src: string) => Record<string, string> };

describe('recording the bridge deployment over a real coordinator, with the concord CLI', () => {
  const ceremony = makeCeremony({ layout: LAYOUT, ceremonyId: ID, requiredSignatures: 2 });
  let folder: string;
  let coordinator: RunningCoordinator;
  let artifactPath: string;
  const recorded: BridgeDeployment = newBridgeDeployment();
  const folderOf = (name: string): string => join(folder, name);
  const revisionPath = (n: number): string => join(folder, `revision-${n}.json`);
  const as = (name: string): string[] => ['--coordinator', coordinator.wsUrl, '--ceremony', ID, '--identity', join(folderOf(name), 'identity.json'), '--password-file', join(folderOf(name), 'identity.password')];
  const read = (): string[] => ['--coordinator', coordinator.wsUrl, '--ceremony', ID, '--artifact', artifactPath];
  const validatorFlags = (deployment: BridgeDeployment): string[] => ['--home-validators', deployment.home.validators, '--foreign-validators', deployment.foreign.validators];

  /**
   * Proposes with the CLI as Cedar, passes it with Ash's and Birch's votes, and fetches revision `n`;
   * returns what the first vote and the fetch printed.
   */
  const passWithCli = async (n: number, proposeArgs: readonly string[]): Promise<{ vote: string[]; fetch: string[] }> => {
    const proposed = await concord(['propose', ...proposeArgs, ...as('Cedar')]);
    expect(proposed.code, proposed.lines.join('\n')).toBe(0);
    const hash = proposed.lines.at(-1) as string;
    const votes: string[][] = [];
    for (const name of ['Ash', 'Birch']) {
      const voted = await concord(['vote', hash, '--yes', ...as(name)]);
      expect(voted.code, voted.lines.join('\n')).toBe(0);
      votes.push(voted.lines);
    }
    const fetched = await concord(['revision', 'fetch', String(n), '--out', revisionPath(n), ...read()]);
    expect(fetched.code, fetched.lines.join('\n')).toBe(0);
    return { vote: votes[0] as string[], fetch: fetched.lines };
  };
  const revision = async (n: number): Promise<RevisionArtifact> => JSON.parse(await readFile(revisionPath(n), 'utf8')) as RevisionArtifact;

  beforeAll(async () => {
    folder = await tempFolder('e2e-bridge-deployment');
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey, log: () => undefined });
    await finalizeOverWebsockets(coordinator.wsUrl, ceremony);
    artifactPath = join(folder, 'artifact.json');
    await writeFile(artifactPath, coordinator.ceremony(ID).artifact() as string);
    for (const m of ceremony.members as TestCeremony['members']) {
      await writeTestKeystore(join(folderOf(m.name), 'identity.json'), m.identity);
      await writeMemberKeys(folderOf(m.name), m);
    }
  });
  afterAll(async () => {
    await coordinator.close();
  });

  it('refuses, over the websocket, an unchecksummed address and a reused one, naming the field, the transcript unchanged', async () => {
    const run = new CeremonyRun(ceremony);
    for (const entry of coordinator.ceremony(ID).transcript(0)) await run.apply(entry);
    const mirror = new GovernanceRun(ceremony, run);
    const ash = mirror.member('Ash');
    const client = await connectMember(coordinator.wsUrl, ID, ash.identity);
    try {
      const head = coordinator.ceremony(ID).status().head;
      const deployment = newBridgeDeployment();
      const submit = (change: Record<string, unknown>) => {
        const payload = mirror.proposePayload(change as never);
        return client.send(JSON.stringify({ type: 'submit', id: 1, kind: 'Propose', payload, signature: signMessage('Propose', payload, ash.identity) }));
      };
      const lowercase = await submit({ kind: 'recordBridgeDeployment', ...deployment, home: { ...deployment.home, bridge: deployment.home.bridge.toLowerCase() } });
      expect(lowercase).toMatchObject({ type: 'error', code: 'MESSAGE_INVALID', path: 'message.payload.change.home.bridge' });
      expect(String(lowercase.expected)).toContain('EIP-55 checksum');
      const identity = await submit({ kind: 'recordBridgeDeployment', ...deployment, foreign: { ...deployment.foreign, validators: mirror.member('Birch').identity.address } });
      expect(identity).toMatchObject({ type: 'error', code: 'CHANGE_INVALID', path: 'message.payload.change.foreign.validators' });
      expect(coordinator.ceremony(ID).status().head).toBe(head);
    } finally {
      client.close();
    }
  });

  it('refuses, exiting 2, an address typed without its checksum, naming the flag', async () => {
    const refused = await concord(['propose', 'record-bridge-deployment', ...as('Ash'), '--home-bridge', recorded.home.bridge, '--home-block', '1', '--foreign-bridge', recorded.foreign.bridge, '--foreign-block', '1', '--home-validators', recorded.home.validators.toLowerCase(), '--foreign-validators', recorded.foreign.validators]);
    expect(refused.code).toBe(2);
    expect(refused.lines.join('\n')).toContain('MESSAGE_INVALID at --home-validators');
  });

  it('records the deployment from bridgeDeploymentResults.json by two votes; revision fetch and the dashboard say what is recorded', async () => {
    // As tokenbridge-contracts' deploy.js writes it for ERC_TO_ERC (the erc677 token beside the home bridge).
    const results = join(folder, 'bridgeDeploymentResults.json');
    const file = {
      homeBridge: { address: recorded.home.bridge, deployedBlockNumber: recorded.home.deployedBlock, erc677: { address: newBridgeDeployment().home.bridge } },
      foreignBridge: { address: recorded.foreign.bridge, deployedBlockNumber: recorded.foreign.deployedBlock },
    };
    await writeFile(results, JSON.stringify(file, null, 4));
    const printed = await passWithCli(1, ['record-bridge-deployment', '--results', results, ...validatorFlags(recorded)]);
    const described = `home bridge ${recorded.home.bridge} (BridgeValidators ${recorded.home.validators}, deployed at block ${recorded.home.deployedBlock}); foreign bridge ${recorded.foreign.bridge} (BridgeValidators ${recorded.foreign.validators}, deployed at block ${recorded.foreign.deployedBlock})`;
    expect(printed.vote).toContain(`voting yes on: record the deployed bridge: ${described}`);
    expect(printed.fetch).toContain(`  bridge deployed ${described}`);
    const first = await revision(1);
    expect(first.consortium.bridge?.deployment).toEqual(recorded);
    expect(first.bridgeCalls).toEqual([]);
    expect(first.validators).toEqual(JSON.parse(await readFile(artifactPath, 'utf8')).validators);
    const dashboard = (await (await fetch(`${coordinator.httpUrl}/api/ceremonies/${ID}/dashboard`)).json()) as { governance: { revision: number; bridgeDeployment: unknown } };
    expect(dashboard.governance).toMatchObject({ revision: 1, bridgeDeployment: recorded });
  });

  it('builds a member bundle for that revision whose oracle env carries the recorded addresses, and verify --bundle accepts it', async () => {
    const out = join(folder, 'bundle-ash-1');
    const made = await concord(['bundle', '--artifact', artifactPath, '--revision', revisionPath(1), '--keys', folderOf('Ash'), '--out', out]);
    expect(made.code, made.lines.join('\n')).toBe(0);
    const env = dotenv.parse(await readFile(join(out, 'oracle', 'bridge-0.env'), 'utf8'));
    expect(env).toMatchObject({
      COMMON_HOME_BRIDGE_ADDRESS: recorded.home.bridge,
      COMMON_FOREIGN_BRIDGE_ADDRESS: recorded.foreign.bridge,
      ORACLE_HOME_START_BLOCK: String(recorded.home.deployedBlock),
      ORACLE_FOREIGN_START_BLOCK: String(recorded.foreign.deployedBlock),
      ORACLE_VALIDATOR_ADDRESS: ceremony.members[0]?.bridgeValidators[0]?.address,
    });
    expect(await readFile(join(out, 'public', 'README.md'), 'utf8')).toContain(`| home | ${recorded.home.bridge} | ${recorded.home.validators} | ${recorded.home.deployedBlock} |`);
    const checked = await concord(['verify', artifactPath, revisionPath(1), '--bundle', out]);
    expect(checked.code, checked.lines.join('\n')).toBe(0);
  });

  it('targets the recorded BridgeValidators contracts in the calls of a later bridge change', async () => {
    const lines = (await passWithCli(2, ['set-bridge-validators', '--required-signatures', '3'])).fetch;
    expect(lines.filter((line) => line.includes('setRequiredSignatures(3)'))).toEqual([
      expect.stringContaining(`home    ${recorded.home.validators} setRequiredSignatures(3)`),
      expect.stringContaining(`foreign ${recorded.foreign.validators} setRequiredSignatures(3)`),
    ]);
    const calls = (await revision(2)).bridgeCalls;
    expect(calls.map((call) => [call.chain, call.target, BRIDGE_VALIDATORS.parseTransaction({ data: call.calldata })?.name, String(BRIDGE_VALIDATORS.parseTransaction({ data: call.calldata })?.args[0])])).toEqual([
      ['home', recorded.home.validators, 'setRequiredSignatures', '3'],
      ['foreign', recorded.foreign.validators, 'setRequiredSignatures', '3'],
    ]);
  });

  it('records a redeployment given as flags, replacing the recorded contracts, and verify checks the whole chain', async () => {
    const redeployed = newBridgeDeployment();
    const { fetch: lines } = await passWithCli(3, [
      'record-bridge-deployment',
      '--home-bridge', redeployed.home.bridge,
      '--home-block', String(redeployed.home.deployedBlock),
      '--foreign-bridge', redeployed.foreign.bridge,
      '--foreign-block', String(redeployed.foreign.deployedBlock),
      ...validatorFlags(redeployed),
    ]);
    expect(lines.join('\n')).toContain(`bridge deployed home bridge ${redeployed.home.bridge}`);
    expect((await revision(3)).consortium.bridge).toEqual({ requiredSignatures: 3, deployment: redeployed });
    const checked = await concord(['verify', artifactPath, revisionPath(1), revisionPath(2), revisionPath(3)]);
    expect(checked.code, checked.lines.join('\n')).toBe(0);
  });
});
