/**
 * The dashboard after genesis, in a real browser: a finalized ceremony on the real coordinator admits
 * a member (revision 1), who then proposes a change and votes for it; the page shows the consortium of
 * revision 1 with the admitted member by name, its validators and bridge validators, and each proposal
 * with its change, proposer, status, tally, who has not voted and its deadline; once a revision records
 * the bridge deployment, the recorded contracts. Without
 * /usr/bin/chromium this fails loudly (see dashboard.test.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { hashEntry } from '../../shared/transcript/entry.js';
import type { TranscriptEntry } from '../../shared/transcript/entry.js';
import { governed, newBridgeDeployment, type GovernanceRun, type Signer } from '../unit/governance/fixture.js';
import { connectMember, type RawClient } from '../helpers/ws-client.js';
import { REPO_ROOT } from '../helpers/processes.js';
import { tempFolder } from '../helpers/temp.js';

const CHROMIUM = '/usr/bin/chromium';

describe('the dashboard after genesis', () => {
  let governance: GovernanceRun;
  let coordinator: RunningCoordinator;
  let browser: Browser;
  let admitHash: string;
  let proposalHash: string;
  let delta: Signer;
  let deltaKeys: { signer: string; bridge: string };
  /** Applies an entry in the mirror and submits it to the coordinator; returns its hash. */
  let act: (entry: TranscriptEntry) => Promise<string>;
  const clients = new Map<string, RawClient>();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the dashboard test needs Debian's chromium (apt-get install chromium; .ci/run installs it)`);
    governance = await governed({ ceremonyId: 'dashboard-governance' });
    const { ceremony } = governance;
    const folder = await tempFolder('dashboard-governance');
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    const submit = async (entry: TranscriptEntry): Promise<void> => {
      let client = clients.get(entry.member);
      if (client === undefined) {
        client = await connectMember(coordinator.wsUrl, ceremony.spec.ceremonyId, governance.signerOf(entry.member).identity);
        clients.set(entry.member, client);
      }
      const reply = await client.send(JSON.stringify({ type: 'submit', id: 1, kind: entry.kind, payload: entry.payload, signature: entry.signature }));
      expect(reply.type, JSON.stringify(reply)).toBe('receipt');
    };
    act = async (entry: TranscriptEntry): Promise<string> => {
      await governance.apply(entry);
      await submit(entry);
      return hashEntry(entry);
    };
    // Replay the finalized ceremony the reducer ran in-process into the real coordinator, in order.
    for (const entry of governance.run.entries) await submit(entry);
    const alpha = governance.member('Alpha');
    const admission = governance.admission('Delta', ['10.9.0.1:30303'], 1);
    delta = admission.signer;
    deltaKeys = { signer: admission.nodes[0]?.signer.address as string, bridge: admission.bridge[0]?.address as string };
    admitHash = await act(governance.entry('Propose', alpha.identity, governance.proposePayload(admission.change)));
    for (const voter of [alpha, governance.member('Beta')]) await act(governance.entry('Vote', voter.identity, governance.votePayload(admitHash, true)));
    const second = ceremony.members[0]?.authorities[1]?.signer.address;
    if (second === undefined) throw new Error('Alpha has two nodes in the default layout');
    proposalHash = await act(governance.entry('Propose', delta.identity, governance.proposePayload({ kind: 'removeAuthority', signer: second })));
    await act(governance.entry('Vote', delta.identity, governance.votePayload(proposalHash, true)));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    for (const client of clients.values()) client.close();
    await browser?.close();
    await coordinator?.close();
  });

  it('shows the consortium of the latest revision with the admitted member by name, and each proposal with its tally, who has not voted and its deadline', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    await page.goto(`${coordinator.httpUrl}/ceremonies/dashboard-governance`);
    await expect.poll(() => page.locator('#phase').textContent()).toBe('FINALIZED');
    const row = page.locator(`tr[data-proposal="${proposalHash}"]`);
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toMatch(/^remove the node signing as 0x[0-9a-fA-F]{40} · from block \d+$/);
    expect(cells[2]).toBe('Delta');
    expect(cells[3]).toBe('open');
    expect(cells[4]).toBe(`1 / 0 / ${governance.ceremony.spec.governance.threshold}`);
    expect(cells[5]).toBe('Alpha, Beta, Gamma');
    expect(cells[6]).toMatch(/\(in \d+ days\)$/);
    const admitted = await page.locator(`tr[data-proposal="${admitHash}"] td`).allTextContents();
    const threshold = governance.ceremony.spec.governance.threshold;
    const { activationBlock } = governance.proposal(admitHash).entry.payload;
    expect(admitted.slice(1, 6)).toEqual([`admit Delta (${delta.identity.address}) · from block ${activationBlock}`, 'Alpha', 'passed → revision 1', `2 / 0 / ${threshold}`, '']);

    expect(await page.locator('#revision').textContent()).toBe('1');
    expect(await page.locator('#consortium .revision').allTextContents()).toEqual(['1', '1', '1', '1']);
    const current = governance.current;
    expect(await page.locator('#consortium-members li').allTextContents()).toEqual(current.members.map((m) => `${m.name} ${m.identity}`));
    expect(await page.locator('#consortium-members li').last().textContent()).toBe(`Delta ${delta.identity.address}`);
    const validators = await page.locator('#consortium-validators li').allTextContents();
    expect(validators).toContain(deltaKeys.signer);
    expect(validators).toHaveLength(5);
    expect(await page.locator('#validators li').allTextContents()).not.toContain(deltaKeys.signer);
    expect(await page.locator('#consortium-bridge li').allTextContents()).toContain(deltaKeys.bridge);
    expect(await page.locator('#bridge li').allTextContents()).not.toContain(deltaKeys.bridge);
    expect(await page.locator('#consortium-required').textContent()).toBe(`${current.bridge?.requiredSignatures} of 3 signatures required`);
    expect(await page.locator('#consortium-deployment-none').isVisible()).toBe(true);
    expect(await page.locator('#consortium-deployment li').count()).toBe(0);
    const deltaRows = page.locator('#transcript tbody tr').filter({ hasText: 'Delta' });
    expect(await deltaRows.count()).toBe(2);
    expect(await page.locator('#artifact .verified').getAttribute('data-ok')).toBe('true');
    const output = join(REPO_ROOT, 'test-output');
    await mkdir(output, { recursive: true });
    await page.screenshot({ path: join(output, 'dashboard-governance.png'), fullPage: true });
  });

  it('shows the bridge contracts once a revision records them', async () => {
    const deployment = newBridgeDeployment();
    const alpha = governance.member('Alpha');
    const hash = await act(governance.entry('Propose', alpha.identity, governance.proposePayload({ kind: 'recordBridgeDeployment', ...deployment })));
    for (const voter of [alpha, governance.member('Beta')]) await act(governance.entry('Vote', voter.identity, governance.votePayload(hash, true)));
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    await page.goto(`${coordinator.httpUrl}/ceremonies/dashboard-governance`);
    await expect.poll(() => page.locator('#revision').textContent()).toBe('2');
    expect(await page.locator('#consortium-deployment li').allTextContents()).toEqual([
      `home: bridge ${deployment.home.bridge}, BridgeValidators ${deployment.home.validators}, deployed at block ${deployment.home.deployedBlock}`,
      `foreign: bridge ${deployment.foreign.bridge}, BridgeValidators ${deployment.foreign.validators}, deployed at block ${deployment.foreign.deployedBlock}`,
    ]);
    expect(await page.locator('#consortium-deployment-none').isVisible()).toBe(false);
    expect((await page.locator(`tr[data-proposal="${hash}"] td`).allTextContents())[1]).toBe(`record the deployed bridge: home ${deployment.home.bridge}, foreign ${deployment.foreign.bridge} · from block ${governance.proposal(hash).entry.payload.activationBlock}`);
  });
});
