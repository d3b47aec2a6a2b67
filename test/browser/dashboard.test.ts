/**
 * The live dashboard in a real browser (Debian's chromium driven by playwright-core): it opens a
 * ceremony in progress, sees a member move from waiting to done as that member acts over the real
 * websocket, and saves a screenshot to test-output/. Without /usr/bin/chromium this test fails loudly
 * (`.ci/run` installs it); it never skips by itself.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { signTyped } from '../../shared/eip712/sign.js';
import { makeCeremony, type TestCeremony } from '../helpers/ceremony.js';
import { connectMember } from '../helpers/ws-client.js';
import { REPO_ROOT } from '../helpers/processes.js';
import { tempFolder } from '../helpers/temp.js';

const CHROMIUM = '/usr/bin/chromium';

describe('the ceremony dashboard', () => {
  let ceremony: TestCeremony;
  let coordinator: RunningCoordinator;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: the dashboard test needs Debian's chromium (apt-get install chromium; .ci/run installs it)`);
    }
    ceremony = makeCeremony({ ceremonyId: 'dashboard', layout: ['Northwind', 'Contoso', 'Fabrikam'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 })) });
    const folder = await tempFolder('dashboard');
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  });
  afterAll(async () => {
    await browser?.close();
    await coordinator?.close();
  });

  it('shows a member move from waiting to done live, without reload', async () => {
    const northwind = ceremony.members[0];
    if (northwind === undefined) throw new Error('no member');
    await page.goto(`${coordinator.httpUrl}/ceremonies/dashboard`);
    const state = page.locator(`tr[data-member="${northwind.identity.address}"] .state`);
    await expect.poll(() => state.textContent()).toBe('waiting');
    await expect.poll(() => page.locator('#live').getAttribute('data-live')).toBe('true');
    expect(await page.locator('#phase').textContent()).toBe('OPEN');
    expect(await page.locator('#countdown').textContent()).toMatch(/^deadline in /);

    const client = await connectMember(coordinator.wsUrl, 'dashboard', northwind.identity);
    const payload = { ceremonyId: 'dashboard', specHash: ceremony.specHash };
    const reply = await client.send(JSON.stringify({ type: 'submit', id: 1, kind: 'Accept', payload, signature: signTyped('Accept', payload, northwind.identity.secretKey) }));
    expect(reply.type).toBe('receipt');

    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toBe('done');
    expect(await page.locator('#phase').textContent()).toBe('ACCEPT');
    expect(await page.locator('#transcript tbody tr').count()).toBe(1);
    expect(await page.locator('#transcript tbody tr td').nth(3).textContent()).toBe('Northwind');
    expect(await page.locator(`tr[data-member="${ceremony.members[1]?.identity.address}"] .state`).textContent()).toBe('waiting');
    expect(await page.locator('#waiting').textContent()).toContain('waiting for 2 of 3');
    client.close();

    const outputDir = join(REPO_ROOT, 'test-output');
    await mkdir(outputDir, { recursive: true });
    await page.screenshot({ path: join(outputDir, 'dashboard.png'), fullPage: true });
  });

  it('lists the hosted ceremonies on its front page', async () => {
    await page.goto(`${coordinator.httpUrl}/`);
    await expect.poll(() => page.locator('#ceremonies a').first().textContent()).toBe('dashboard');
  });

  it('serves no secret: the page shows only public facts', async () => {
    const html = await page.content();
    for (const member of ceremony.members) expect(html).not.toContain(Buffer.from(member.identity.secretKey).toString('hex'));
  });
});
