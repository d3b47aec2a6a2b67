/**
 * The dashboard after genesis, in a real browser: a finalized ceremony on the real coordinator gets a
 * governance proposal and a first vote; the page shows the proposal with its tally, who has not voted
 * and its deadline. Without /usr/bin/chromium this fails loudly (see dashboard.test.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { hashEntry } from '../../shared/transcript/entry.js';
import { governed, type GovernanceRun } from '../unit/governance/fixture.js';
import { connectMember, type RawClient } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';

const CHROMIUM = '/usr/bin/chromium';

describe('the dashboard after genesis', () => {
  let governance: GovernanceRun;
  let coordinator: RunningCoordinator;
  let browser: Browser;
  let proposalHash: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the dashboard test needs Debian's chromium (apt-get install chromium; .ci/run installs it)`);
    governance = await governed({ ceremonyId: 'dashboard-governance' });
    const { ceremony } = governance;
    const folder = await tempFolder('dashboard-governance');
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    const clients = new Map<string, RawClient>();
    for (const member of ceremony.members) clients.set(member.identity.address, await connectMember(coordinator.wsUrl, ceremony.spec.ceremonyId, member.identity));
    const submit = async (entry: { kind: string; member: string; payload: unknown; signature: string }): Promise<void> => {
      const reply = await clients.get(entry.member)?.send(JSON.stringify({ type: 'submit', id: 1, kind: entry.kind, payload: entry.payload, signature: entry.signature }));
      expect(reply?.type, JSON.stringify(reply)).toBe('receipt');
    };
    // Replay the finalized ceremony the reducer ran in-process into the real coordinator, in order.
    for (const entry of governance.run.entries) await submit(entry);
    const alpha = governance.member('Alpha');
    const second = ceremony.members[0]?.authorities[1]?.signer.address;
    if (second === undefined) throw new Error('Alpha has two nodes in the default layout');
    const propose = governance.entry('Propose', alpha.identity, governance.proposePayload({ kind: 'removeAuthority', signer: second }));
    await governance.apply(propose);
    await submit(propose);
    proposalHash = hashEntry(propose);
    const vote = governance.entry('Vote', alpha.identity, governance.votePayload(proposalHash, true));
    await governance.apply(vote);
    await submit(vote);
    for (const client of clients.values()) client.close();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await coordinator?.close();
  });

  it('shows the open proposal with its tally, who has not voted and its deadline', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    await page.goto(`${coordinator.httpUrl}/ceremonies/dashboard-governance`);
    await expect.poll(() => page.locator('#phase').textContent()).toBe('FINALIZED');
    const row = page.locator(`tr[data-proposal="${proposalHash}"]`);
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toMatch(/^remove the node signing as 0x[0-9a-fA-F]{40} · from block \d+$/);
    expect(cells[2]).toBe('Alpha');
    expect(cells[3]).toBe('open');
    expect(cells[4]).toBe(`1 / 0 / ${governance.ceremony.spec.governance.threshold}`);
    expect(cells[5]).toBe('Beta, Gamma');
    expect(cells[6]).toMatch(/\(in /);
    expect(await page.locator('#revision').textContent()).toBe('0');
    expect(await page.locator('#artifact .verified').getAttribute('data-ok')).toBe('true');
    await page.screenshot({ path: join(process.cwd(), 'test-output', 'dashboard-governance.png'), fullPage: true });
  });
});
