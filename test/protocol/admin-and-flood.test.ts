/**
 * The admin credential and flood control: creating and aborting a ceremony over HTTP need the
 * coordinator's admin token; observers read but write nothing; a connection that floods is told so
 * and closed, and nothing changes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { canonicalize } from '../../shared/canonical/jcs.js';
import { makeCeremony, makeKey, specJson, type TestCeremony } from '../helpers/ceremony.js';
import { connectRaw } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';

const ADMIN_TOKEN = 'correct horse battery staple 42';

describe('the admin API and flood control', () => {
  let ceremony: TestCeremony;
  let coordinator: RunningCoordinator;
  const post = (path: string, body: unknown, token?: string): Promise<Response> =>
    fetch(`${coordinator.httpUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    ceremony = makeCeremony({ ceremonyId: 'admin-first' });
    const folder = await tempFolder('admin');
    coordinator = await startCoordinator({ dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey, adminToken: ADMIN_TOKEN });
  });
  afterAll(async () => {
    await coordinator.close();
  });

  it('refuses to create a ceremony without the admin token, or with a wrong one', async () => {
    for (const token of [undefined, 'wrong token wrong token']) {
      const response = await post('/api/ceremonies', JSON.parse(canonicalize(ceremony.spec)), token);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'FORBIDDEN', path: 'authorization' });
    }
    expect(await (await fetch(`${coordinator.httpUrl}/api/ceremonies`)).json()).toEqual([]);
  });

  it('creates a ceremony with the admin token, and anyone can then read it', async () => {
    const response = await post('/api/ceremonies', JSON.parse(canonicalize(ceremony.spec)), ADMIN_TOKEN);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ ceremonyId: 'admin-first', phase: 'OPEN' });
    expect(await (await fetch(`${coordinator.httpUrl}/api/ceremonies`)).json()).toEqual(['admin-first']);
    expect(await (await fetch(`${coordinator.httpUrl}/api/ceremonies/admin-first/status`)).json()).toMatchObject({ specHash: ceremony.specHash });
  });

  it('refuses a spec that names another coordinator, or is invalid, naming the field', async () => {
    const other = specJson('admin-other', makeKey().address, [{ layout: { name: 'Solo', authorityNodes: 1, bridgeValidators: 0 }, identity: makeKey().address, endpoints: [] }]);
    expect(await (await post('/api/ceremonies', other, ADMIN_TOKEN)).json()).toMatchObject({ code: 'SPEC_INVALID', path: 'spec.coordinator' });
    expect(await (await post('/api/ceremonies', { ...other, coordinator: 'nope' }, ADMIN_TOKEN)).json()).toMatchObject({ code: 'SPEC_INVALID', path: 'body.coordinator' });
    expect(await (await post('/api/ceremonies', '{"broken', ADMIN_TOKEN)).json()).toMatchObject({ code: 'MESSAGE_INVALID', path: 'body' });
  });

  it('aborts only with the admin token, with a coordinator-signed entry', async () => {
    expect((await post('/api/ceremonies/admin-first/abort', { reason: 'members asked' })).status).toBe(403);
    expect(coordinator.ceremony('admin-first').status().phase).toBe('OPEN');
    const response = await post('/api/ceremonies/admin-first/abort', { reason: 'members asked' }, ADMIN_TOKEN);
    expect(response.status).toBe(200);
    const status = coordinator.ceremony('admin-first').status();
    expect(status.phase).toBe('ABORTED');
    expect(status.abort).toEqual({ by: ceremony.coordinator.address, reason: 'aborted by the coordinator operator: members asked' });
    expect((await post('/api/ceremonies/admin-first/abort', { reason: 'again' }, ADMIN_TOKEN)).status).toBe(409);
  });

  it('lets an observer read but not submit', async () => {
    const observer = await connectRaw(coordinator.wsUrl);
    expect((await observer.send(JSON.stringify({ type: 'hello', ceremonyId: 'admin-first', role: 'observer' }))).type).toBe('welcome');
    expect((await observer.send(JSON.stringify({ type: 'transcript', id: 1, fromSeq: 0 }))).type).toBe('transcript');
    const reply = await observer.send(JSON.stringify({ type: 'submit', id: 2, kind: 'Accept', payload: {}, signature: `0x${'00'.repeat(65)}` }));
    expect(reply).toMatchObject({ type: 'error', code: 'UNAUTHENTICATED' });
    observer.close();
  });

  it('answers a flood from one connection with RATE_LIMITED and closes it (1008), changing nothing', async () => {
    const before = coordinator.ceremony('admin-first').status().head;
    const flooder = await connectRaw(coordinator.wsUrl);
    const replies: Record<string, unknown>[] = [];
    flooder.socket.on('message', (data) => replies.push(JSON.parse(data.toString()) as Record<string, unknown>));
    for (let i = 0; i < 200; i++) flooder.socket.send(JSON.stringify({ type: 'transcript', id: i, fromSeq: 0 }));
    expect(await flooder.closed).toBe(1008);
    expect(replies.some((reply) => reply.code === 'RATE_LIMITED')).toBe(true);
    expect(coordinator.ceremony('admin-first').status().head).toBe(before);
  });
});
