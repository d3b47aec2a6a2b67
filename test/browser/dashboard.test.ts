/**
 * The live dashboard in a real browser (Debian's chromium driven by playwright-core) over a real
 * coordinator whose members take part through the real client session (`joinAs`). The page opens a
 * ceremony in progress and sees Northwind move from waiting to done as Northwind's client accepts;
 * then, without reload, it follows the ceremony to FINALIZED: the phase timeline with its deadlines,
 * the transcript with every entry hash and the head, the validators and bridge validators, the genesis
 * hash each member approved, and the artifact, downloaded through the page's link, with its
 * verification. A second ceremony with a short accept window shows the member who missed the deadline
 * as late. The browser may reach 127.0.0.1 only, and nothing the page shows or receives holds a
 * member's identity key, generated keys or keystore passwords. Screenshots go to test-output/.
 * Without /usr/bin/chromium this test fails loudly (`.ci/run` installs it); it never skips by itself.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import type { DashboardView } from '../../server/http/dashboard-view.js';
import type { Participation } from '../../client/ceremony/participate.js';
import { signTyped } from '../../shared/eip712/sign.js';
import { hashEntry, type TranscriptEntry } from '../../shared/transcript/entry.js';
import { verifyArtifact } from '../../shared/artifact/verify.js';
import { describePolicy } from '../../shared/permissioning/describe.js';
import { decryptKeystore } from '../../shared/keys/keystore.js';
import { hashSpec, parseSpec } from '../../shared/spec/parse.js';
import { makeCeremony, makeKey, specJson, type TestCeremony, type TestMember } from '../helpers/ceremony.js';
import { joinAs } from '../helpers/participants.js';
import { connectMember } from '../helpers/ws-client.js';
import { REPO_ROOT } from '../helpers/processes.js';
import { tempFolder } from '../helpers/temp.js';

const CHROMIUM = '/usr/bin/chromium';
const ID = 'dashboard';
const LATE_ID = 'dashboard-late';
/** The accept window of the second ceremony: long enough to open the page and accept once, short enough to wait out. */
const LATE_ACCEPT_SEC = 10;
const OUTPUT = join(REPO_ROOT, 'test-output');
const PHASES = ['OPEN', 'ACCEPT', 'COMMIT', 'REVEAL', 'APPROVE', 'FINALIZED'];

describe('the ceremony dashboard', () => {
  let ceremony: TestCeremony;
  let coordinator: RunningCoordinator;
  let folder: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every URL the browser asked for, websockets included. */
  const requested: string[] = [];
  /** Requests to anywhere but 127.0.0.1, refused. */
  const blocked: string[] = [];
  /** Every websocket frame the page received. */
  const frames: string[] = [];
  /** Each member's client session, started when the test lets that member act. */
  const sessions = new Map<string, Promise<Participation>>();

  const member = (name: string): TestMember => {
    const found = ceremony.members.find((candidate) => candidate.name === name);
    if (found === undefined) throw new Error(`no member ${name}`);
    return found;
  };
  const act = (name: string): void => {
    const index = ceremony.members.findIndex((candidate) => candidate.name === name);
    sessions.set(name, joinAs({ wsUrl: coordinator.wsUrl, ceremony, member: member(name), folder: join(folder, name), endpoints: [`127.0.0.1:${35000 + index}`] }));
  };
  const api = async (id: string, path: string): Promise<string> => {
    const response = await fetch(`${coordinator.httpUrl}/api/ceremonies/${id}/${path}`);
    expect(response.status, path).toBe(200);
    return response.text();
  };
  const dashboardJson = async (id: string): Promise<DashboardView> => JSON.parse(await api(id, 'dashboard')) as DashboardView;
  const transcript = async (): Promise<TranscriptEntry[]> => JSON.parse(await api(ID, 'transcript')) as TranscriptEntry[];
  /** A time as the page writes it (the browser's locale and time zone). */
  const pageTime = (ms: number): Promise<string> => page.evaluate((at) => new Date(at).toLocaleTimeString(), ms);
  const stateOf = (address: string): Locator => page.locator(`#members tr[data-member="${address}"] .state`);
  const phaseItem = (phase: string): Locator => page.locator(`#timeline li[data-phase="${phase}"]`);
  /** The seconds left that the header's countdown shows. */
  const countdownSeconds = async (): Promise<number> => {
    const text = (await page.locator('#countdown').textContent()) ?? '';
    const match = /^deadline in (\d+):(\d\d) \(/.exec(text);
    if (match === null) throw new Error(`not a countdown under an hour: ${text}`);
    return Number(match[1]) * 60 + Number(match[2]);
  };
  /** Set once on the page: it survives every live update and is lost by a reload. */
  const markPage = (): Promise<void> => page.evaluate(() => void ((globalThis as Record<string, unknown>).notReloaded = true));
  const stillMarked = (): Promise<unknown> => page.evaluate(() => (globalThis as Record<string, unknown>).notReloaded);
  const screenshot = async (name: string): Promise<void> => {
    await mkdir(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, name), fullPage: true });
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: the dashboard test needs Debian's chromium (apt-get install chromium; .ci/run installs it)`);
    }
    ceremony = makeCeremony({ ceremonyId: ID, layout: ['Northwind', 'Contoso', 'Fabrikam'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 })) });
    folder = await tempFolder('dashboard');
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
    context.on('request', (request) => requested.push(request.url()));
    await context.route('**/*', async (route) => {
      if (new URL(route.request().url()).hostname === '127.0.0.1') return route.continue();
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    page = await context.newPage();
    page.on('websocket', (socket) => {
      requested.push(socket.url());
      socket.on('framereceived', (frame) => frames.push(String(frame.payload)));
    });
  });
  afterAll(async () => {
    await browser?.close();
    await coordinator?.close();
  });

  it('shows Northwind move from waiting to done as its client accepts, live, without reload', async () => {
    const northwind = member('Northwind');
    await page.goto(`${coordinator.httpUrl}/ceremonies/${ID}`);
    await markPage();
    await expect.poll(() => stateOf(northwind.identity.address).textContent()).toBe('waiting');
    await expect.poll(() => page.locator('#live').getAttribute('data-live')).toBe('true');
    expect(await page.locator('#phase').textContent()).toBe('OPEN');
    for (const { name, identity } of ceremony.members) {
      const cells = await page.locator(`#members tr[data-member="${identity.address}"] td`).allTextContents();
      expect(cells.slice(0, 3)).toEqual([name, identity.address, 'waiting']);
    }

    // The deadline counts down, in the header and on the running phase of the timeline.
    const opened = await dashboardJson(ID);
    const deadlineMs = opened.phases[0]?.deadlineMs;
    if (deadlineMs === null || deadlineMs === undefined) throw new Error('OPEN has a deadline');
    expect(await page.locator('#countdown').textContent()).toContain(`(${await pageTime(deadlineMs)})`);
    expect(await phaseItem('OPEN').getAttribute('data-state')).toBe('current');
    expect(await phaseItem('OPEN').locator('.deadline').textContent()).toBe(`deadline ${await pageTime(deadlineMs)}`);
    expect(await phaseItem('OPEN').locator('.left').textContent()).toMatch(/^in \d+:\d\d$/);
    const before = await countdownSeconds();
    await expect.poll(countdownSeconds, { timeout: 5_000 }).toBeLessThan(before);

    act('Northwind');
    await expect.poll(() => stateOf(northwind.identity.address).textContent(), { timeout: 10_000 }).toBe('done');
    expect(await page.locator('#phase').textContent()).toBe('ACCEPT');
    expect(await stateOf(member('Contoso').identity.address).textContent()).toBe('waiting');
    expect(await stateOf(member('Fabrikam').identity.address).textContent()).toBe('waiting');
    expect(await page.locator('#waiting').textContent()).toBe('· waiting for 2 of 3');
    const [accept] = await transcript();
    if (accept === undefined) throw new Error('no Accept');
    const view = await dashboardJson(ID);
    expect(await page.locator('#transcript tbody tr td').allTextContents()).toEqual(['0', await pageTime(view.transcript[0]?.acceptedMs ?? 0), 'Accept', 'Northwind', hashEntry(accept)]);
    expect(await page.locator('#head').textContent()).toBe(hashEntry(accept));
    expect(await phaseItem('OPEN').getAttribute('data-state')).toBe('done');
    expect(await phaseItem('ACCEPT').getAttribute('data-state')).toBe('current');
    // OPEN and ACCEPT share the window opened at creation.
    expect(await phaseItem('ACCEPT').locator('.deadline').textContent()).toBe(`deadline ${await pageTime(deadlineMs)}`);
    expect(await stillMarked()).toBe(true);
    await screenshot('dashboard.png');
  });

  it('follows the ceremony to FINALIZED: timeline, transcript and head, validators, approvals, the artifact and its verification', async () => {
    act('Contoso');
    act('Fabrikam');
    const participations = await Promise.all(ceremony.members.map((m) => sessions.get(m.name) as Promise<Participation>));
    const artifact = participations[0]?.artifact;
    if (artifact === undefined || artifact.bridge === null) throw new Error('an artifact with a bridge');
    await expect.poll(() => page.locator('#phase').textContent(), { timeout: 10_000 }).toBe('FINALIZED');
    const view = await dashboardJson(ID);
    const entries = await transcript();
    expect(entries.map((entry) => entry.kind)).toEqual(['Accept', 'Commit', 'Reveal', 'Approve'].flatMap((kind) => [kind, kind, kind]));

    expect(view.phases.map((window) => window.phase)).toEqual(PHASES);
    for (const window of view.phases) {
      const item = phaseItem(window.phase);
      expect(await item.getAttribute('data-state')).toBe('done');
      const lines = await item.locator('.when').allTextContents();
      const deadline = window.deadlineMs === null ? [] : [`deadline ${await pageTime(window.deadlineMs)}`];
      expect(lines).toEqual([`from ${await pageTime(window.startedMs)}`, ...deadline]);
    }
    expect(view.phases.slice(0, -1).every((window) => window.deadlineMs !== null)).toBe(true);
    expect(await page.locator('#timeline .left').count()).toBe(0);
    expect(await page.locator('#countdown').textContent()).toBe('');

    // Newest first: every entry with its time, kind, member and hash, and the head is the last hash.
    const rows = page.locator('#transcript tbody tr');
    expect(await rows.count()).toBe(entries.length);
    for (const [i, entry] of [...entries].reverse().entries()) {
      const name = ceremony.members.find((m) => m.identity.address === entry.member)?.name;
      expect(await rows.nth(i).locator('td').allTextContents()).toEqual([String(entry.seq), await pageTime(view.transcript[entry.seq]?.acceptedMs ?? 0), entry.kind, name, hashEntry(entry)]);
    }
    const head = hashEntry(entries[entries.length - 1] as TranscriptEntry);
    expect(await page.locator('#head').textContent()).toBe(head);
    expect(view.status.head).toBe(head);

    for (const { identity } of ceremony.members) {
      const cells = await page.locator(`#members tr[data-member="${identity.address}"] td`).allTextContents();
      expect(cells.slice(1)).toEqual([identity.address, 'done', '✓', '✓', '✓', '✓', artifact.genesisHash]);
      const approve = entries.find((entry) => entry.kind === 'Approve' && entry.member === identity.address);
      expect(approve?.kind === 'Approve' ? approve.payload.genesisHash : null).toBe(artifact.genesisHash);
    }
    expect(await page.locator('#waiting').textContent()).toBe('');
    expect(await page.locator('#genesis').textContent()).toBe(artifact.genesisHash);
    expect(await page.locator('#validators li').allTextContents()).toEqual(artifact.validators);
    expect(artifact.validators).toHaveLength(3);
    expect(await page.locator('#bridge li').allTextContents()).toEqual(artifact.bridge.validators);
    expect(artifact.bridge.validators).toHaveLength(3);
    expect(await page.locator('#required').textContent()).toBe(`${artifact.bridge.requiredSignatures} of 3 signatures required`);
    expect(await page.locator('#policy li').allTextContents()).toEqual(describePolicy(ceremony.spec, artifact.bridge.validators));

    // The page's link is the artifact: the file it downloads is the one every member's client verified and saved.
    const link = page.locator('#artifact a');
    expect(await link.getAttribute('href')).toBe(`/api/ceremonies/${ID}/artifact`);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`${ID}-artifact.json`);
    const downloaded = await readFile(await download.path(), 'utf8');
    for (const participation of participations) expect(downloaded).toBe(await readFile(participation.artifactPath, 'utf8'));
    expect((await verifyArtifact(JSON.parse(downloaded))).ok).toBe(true);
    expect(await page.locator('#artifact .verified').getAttribute('data-ok')).toBe('true');
    expect(await page.locator('#artifact .verified').textContent()).toContain('✓ verified by the coordinator');
    expect(await stillMarked()).toBe(true);
    await screenshot('dashboard-finalized.png');
  });

  it('shows a member who missed the deadline of its phase as late', async () => {
    const prompt = makeKey();
    const tardy = makeKey();
    const raw = specJson(
      LATE_ID,
      ceremony.coordinator.address,
      [
        { name: 'Prompt', identity: prompt.address },
        { name: 'Tardy', identity: tardy.address },
      ].map(({ name, identity }) => ({ layout: { name, authorityNodes: 1, bridgeValidators: 0 }, identity, endpoints: [] })),
    );
    const spec = parseSpec({ ...raw, deadlines: { acceptSec: LATE_ACCEPT_SEC, commitSec: 3600, revealSec: 3600, approveSec: 3600 } });
    await coordinator.registry.host(spec);
    await page.goto(`${coordinator.httpUrl}/ceremonies/${LATE_ID}`);
    await expect.poll(() => stateOf(tardy.address).textContent()).toBe('waiting');
    expect(await stateOf(prompt.address).textContent()).toBe('waiting');

    const client = await connectMember(coordinator.wsUrl, LATE_ID, prompt);
    const payload = { ceremonyId: LATE_ID, specHash: hashSpec(spec) };
    const reply = await client.send(JSON.stringify({ type: 'submit', id: 1, kind: 'Accept', payload, signature: signTyped('Accept', payload, prompt.secretKey) }));
    client.close();
    expect(reply.type).toBe('receipt');
    await expect.poll(() => stateOf(prompt.address).textContent()).toBe('done');
    expect(await stateOf(tardy.address).textContent()).toBe('waiting');

    await expect.poll(() => stateOf(tardy.address).textContent(), { timeout: (LATE_ACCEPT_SEC + 15) * 1000 }).toBe('late');
    expect(await stateOf(prompt.address).textContent()).toBe('done');
    expect(await page.locator('#phase').textContent()).toBe('ABORTED');
    expect(await phaseItem('ACCEPT').getAttribute('data-state')).toBe('aborted');
    const abort = page.locator('#abort');
    expect(await abort.isVisible()).toBe(true);
    expect(await abort.textContent()).toBe(`Aborted by ${ceremony.coordinator.address}: deadline of phase ACCEPT passed; no message from Tardy (${tardy.address})`);
    await screenshot('dashboard-late.png');
  });

  it('lists the hosted ceremonies on its front page', async () => {
    await page.goto(`${coordinator.httpUrl}/`);
    await expect.poll(() => page.locator('#ceremonies a').allTextContents()).toEqual([ID, LATE_ID]);
  });

  it('serves no secret: nothing the page shows or receives holds a member key or password', async () => {
    await page.goto(`${coordinator.httpUrl}/ceremonies/${ID}`);
    await expect.poll(() => page.locator('#phase').textContent()).toBe('FINALIZED');
    const secrets: string[] = [];
    for (const m of ceremony.members) {
      secrets.push(Buffer.from(m.identity.secretKey).toString('hex'));
      const keys = join(folder, m.name, 'keys');
      const keystores = (await readdir(keys)).filter((file) => file.endsWith('.json'));
      // One authority signer, one node key and one bridge validator each.
      expect(keystores).toHaveLength(3);
      for (const file of keystores) {
        const password = await readFile(join(keys, file.replace(/\.json$/, '.password')), 'utf8');
        const { secretKey } = await decryptKeystore(await readFile(join(keys, file), 'utf8'), password, file);
        secrets.push(Buffer.from(secretKey).toString('hex'), password);
      }
    }
    const seen = [
      await page.content(),
      await page.locator('body').innerText(),
      await api(ID, 'dashboard'),
      await api(ID, 'status'),
      ...frames,
    ]
      .join('\n')
      .toLowerCase();
    // The same text does carry the public facts, every identity address among them.
    for (const m of ceremony.members) expect(seen).toContain(m.identity.address.toLowerCase());
    expect(frames.length).toBeGreaterThan(0);
    expect(secrets).toHaveLength(3 * 7);
    for (const secret of secrets) expect(seen).not.toContain(secret.toLowerCase());
  });

  it('reaches no host but the coordinator on 127.0.0.1: no CDN, no font, no tracker', () => {
    expect(blocked).toEqual([]);
    expect(requested).toContain(`${coordinator.httpUrl}/assets/ceremony.js`);
    expect(requested).toContain(`${coordinator.httpUrl}/assets/dashboard.css`);
    expect(requested).toContain(coordinator.wsUrl);
    for (const url of requested) expect(new URL(url).hostname, url).toBe('127.0.0.1');
  });
});
