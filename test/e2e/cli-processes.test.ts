/**
 * A ceremony of 3 members where everything is a real process: the coordinator (`server/bin.ts`) and
 * each member's `concord identity create` and `concord join`, then `concord verify` on the result
 * and on a tampered copy.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { specJson } from '../helpers/ceremony.js';
import { cleanUpProcesses, startScript } from '../helpers/processes.js';
import { tempFolder } from '../helpers/temp.js';

cleanUpProcesses();

describe('a 3-member ceremony with every party its own process', () => {
  let folder: string;
  let artifactPaths: string[];
  let coordinatorKey: { keystore: string; password: string };
  const names = ['Ash', 'Birch', 'Cedar'];

  // Eight `node --import tsx` processes, four of them at once: far slower on a loaded 2-core CI machine.
  beforeAll(async () => {
    folder = await tempFolder('cli');
    const identities: { address: string; keystore: string; password: string }[] = [];
    const created = await Promise.all(
      [...names, 'coordinator'].map(async (name) => {
        const keystore = join(folder, `${name}.json`);
        const run = startScript('client/bin.ts', ['identity', 'create', '--out', keystore, '--light-kdf']);
        const match = await run.waitForLine(/^identity (0x[0-9a-fA-F]{40})$/);
        expect(await run.exited).toBe(0);
        return { address: match[1] as string, keystore, password: `${keystore}.password` };
      }),
    );
    identities.push(...created.slice(0, 3));
    const coordinator = created[3];
    if (coordinator === undefined) throw new Error('no coordinator identity');
    coordinatorKey = coordinator;
    const spec = specJson(
      'cli-three',
      coordinator.address,
      identities.map((identity, i) => ({ layout: { name: names[i] as string, authorityNodes: 1, bridgeValidators: 1 }, identity: identity.address, endpoints: [] })),
      2,
    );
    const specPath = join(folder, 'spec.json');
    await writeFile(specPath, JSON.stringify(spec, null, 2));

    const server = startScript('server/bin.ts', ['--spec', specPath, '--key', coordinator.keystore, '--password-file', coordinator.password, '--db', join(folder, 'c.sqlite'), '--listen', '127.0.0.1:0']);
    const wsUrl = (await server.waitForLine(/websocket (ws:\/\/\S+)\)/))[1] as string;
    const members = identities.map((identity, i) =>
      startScript('client/bin.ts', [
        'join',
        '--coordinator', wsUrl,
        '--spec', specPath,
        '--identity', identity.keystore,
        '--password-file', identity.password,
        '--out', join(folder, names[i] as string),
        '--endpoint', `127.0.0.1:${32000 + i}`,
        '--yes',
        '--light-kdf',
      ]),
    );
    const output = (): string => [server, ...members].map((run) => run.lines.join('\n')).join('\n---\n');
    // A member that fails leaves the others waiting for it: stop at the first failure, with everyone's output.
    await Promise.all(
      members.map(async (member) => {
        const code = await member.exited;
        if (code !== 0) throw new Error(`a member exited with ${code}:\n${output()}`);
      }),
    );
    server.child.kill('SIGTERM');
    await server.exited;
    artifactPaths = members.map((member) => member.lines.at(-1) as string);
  }, 180_000);

  it('each join prints the path of the artifact it saved as its last line, and all are the same file content', async () => {
    expect(artifactPaths).toEqual(names.map((name) => join(folder, name, 'artifact.json')));
    const texts = await Promise.all(artifactPaths.map((path) => readFile(path, 'utf8')));
    expect(new Set(texts).size).toBe(1);
  });

  it('concord verify exits 0 on the artifact', async () => {
    const run = startScript('client/bin.ts', ['verify', artifactPaths[0] as string]);
    expect(await run.exited).toBe(0);
    expect(run.lines[0]).toMatch(/^OK /);
  });

  it('concord verify exits 1 and names the field on an artifact with a changed validator', async () => {
    const artifact = JSON.parse(await readFile(artifactPaths[0] as string, 'utf8')) as { validators: string[] };
    artifact.validators[0] = '0x000000000000000000000000000000000000dEaD';
    const tampered = join(folder, 'tampered.json');
    await writeFile(tampered, JSON.stringify(artifact));
    const run = startScript('client/bin.ts', ['verify', tampered]);
    expect(await run.exited).toBe(1);
    expect(run.lines.join('\n')).toContain('assembly: at artifact.validators');
    expect(run.lines.join('\n')).toContain('coordinator signature: at artifact.coordinatorSignature');
  });

  it('the coordinator refuses an address in use with one error line naming it, exits 1, and leaves its database usable', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    const db = join(folder, 'c.sqlite');
    const args = ['--key', coordinatorKey.keystore, '--password-file', coordinatorKey.password, '--db', db];
    try {
      const refused = startScript('server/bin.ts', [...args, '--listen', `127.0.0.1:${port}`]);
      expect(await refused.exited).toBe(1);
      expect(refused.lines).toEqual([`error: USAGE_INVALID at listen: expected an address this machine lets the coordinator listen on; 127.0.0.1:${port} gives EADDRINUSE`]);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
    const restarted = startScript('server/bin.ts', [...args, '--listen', '127.0.0.1:0']);
    await restarted.waitForLine(/ceremonies: cli-three$/);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  });
});
