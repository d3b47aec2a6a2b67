/**
 * `npm run demo`: a full local ceremony of the seed's 5-node consortium on loopback. Makes a
 * coordinator key and five member identities, writes the spec with their addresses, starts the
 * coordinator (embedded SQLite) as a child process and each member as its own `concord join` process,
 * verifies the artifact, and has each member make its deployment bundle (`concord bundle`) and check
 * it (`concord verify --bundle`). The last line printed is the output folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIdentity, type CreatedIdentity } from '../client/keys/identity.js';
import { STANDARD_SCRYPT } from '../shared/keys/keystore.js';
import { verifyArtifact } from '../shared/artifact/verify.js';
import { parseSpec } from '../shared/spec/parse.js';
import { verifyMemberBundle } from '../shared/bundle/verify-bundle.js';
import { readFolderFiles } from '../client/io/files.js';
import { useNativeScrypt } from '../client/keys/kdf.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const started = Date.now();

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function run(label: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`${label.padEnd(22)} ${line}`));
  }
  return child;
}

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code ?? 1)));
}

async function main(): Promise<void> {
  const out = join(root, 'out', `demo-${stamp()}`);
  await mkdir(out, { recursive: true });
  const seed = JSON.parse(await readFile(join(root, 'ceremony-specs', 'seed-consortium.json'), 'utf8')) as {
    coordinator: string;
    members: { name: string; identity: string }[];
  };

  console.log(`making the coordinator key and ${seed.members.length} member identities (scrypt keystores)`);
  useNativeScrypt();
  const slugs = seed.members.map((member) => member.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'));
  const [coordinator, ...identities] = await Promise.all([
    createIdentity(join(out, 'coordinator', 'coordinator-key.json'), undefined, STANDARD_SCRYPT),
    ...slugs.map((slug) => createIdentity(join(out, 'identities', `${slug}.json`), undefined, STANDARD_SCRYPT)),
  ]);
  if (coordinator === undefined) throw new Error('no coordinator key');
  const members: { name: string; slug: string; identity: CreatedIdentity }[] = seed.members.map((member, i) => ({ name: member.name, slug: slugs[i] as string, identity: identities[i] as CreatedIdentity }));
  const spec = { ...seed, coordinator: coordinator.address, members: seed.members.map((member, i) => ({ ...member, identity: members[i]?.identity.address })) };
  const parsedSpec = parseSpec(spec, 'demo spec');
  const specPath = join(out, 'spec.json');
  await writeFile(specPath, `${JSON.stringify(spec, null, 2)}\n`);

  const coordinatorProcess = run('coordinator', [
    'server/bin.ts',
    '--spec', specPath,
    '--key', coordinator.keystorePath,
    '--password-file', coordinator.passwordPath,
    '--db', join(out, 'coordinator', 'coordinator.sqlite'),
    '--listen', '127.0.0.1:0',
  ]);
  const wsUrl = await new Promise<string>((resolveUrl, reject) => {
    createInterface({ input: coordinatorProcess.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const match = /websocket (ws:\/\/\S+)\)/.exec(line);
      if (match?.[1] !== undefined) resolveUrl(match[1]);
    });
    coordinatorProcess.once('exit', (code) => reject(new Error(`coordinator exited with ${code}`)));
  });

  const exits = members.map((member, i) =>
    exited(
      run(member.name, [
        'client/bin.ts', 'join',
        '--coordinator', wsUrl,
        '--spec', specPath,
        '--identity', member.identity.keystorePath,
        '--password-file', member.identity.passwordPath,
        '--out', join(out, 'members', member.slug),
        '--endpoint', `127.0.0.1:${30303 + i}`,
        '--yes',
      ]),
    ),
  );
  const codes = await Promise.all(exits);
  const finalizedMs = Date.now() - started;
  coordinatorProcess.kill('SIGTERM');
  await exited(coordinatorProcess);
  const failed = codes.flatMap((code, i) => (code === 0 ? [] : [members[i]?.name]));
  if (failed.length > 0) throw new Error(`member process(es) failed: ${failed.join(', ')}`);

  const artifacts = await Promise.all(members.map((member) => readFile(join(out, 'members', member.slug, 'artifact.json'), 'utf8')));
  if (new Set(artifacts).size !== 1) throw new Error('members saved different artifacts');
  const artifactPath = join(out, 'artifact.json');
  await writeFile(artifactPath, artifacts[0] as string);
  const report = await verifyArtifact(JSON.parse(artifacts[0] as string));
  const artifact = report.artifact;
  if (!report.ok || artifact === null) throw new Error(`artifact does not verify: ${JSON.stringify(report.failures)}`);
  const bundles = await Promise.all(
    members.map(async (member) => {
      const folder = join(out, 'bundles', member.slug);
      const made = await exited(run(member.name, ['client/bin.ts', 'bundle', '--artifact', join(out, 'members', member.slug, 'artifact.json'), '--keys', join(out, 'members', member.slug), '--out', folder]));
      if (made !== 0) throw new Error(`bundle of ${member.name} failed`);
      const failures = verifyMemberBundle(artifact, parsedSpec, await readFolderFiles(folder));
      if (failures.length > 0) throw new Error(`bundle of ${member.name} does not verify: ${JSON.stringify(failures)}`);
      return folder;
    }),
  );
  console.log('');
  console.log(`ceremony FINALIZED in ${(finalizedMs / 1000).toFixed(1)} s, bundles made and checked by ${((Date.now() - started) / 1000).toFixed(1)} s; artifact verified offline`);
  console.log(`  genesis hash  ${artifact.genesisHash}`);
  console.log(`  validators    ${artifact.validators.join(' ')}`);
  console.log(`  artifact      ${artifactPath} (check it: npm run concord -- verify ${artifactPath})`);
  console.log(`  members       ${join(out, 'members')}/<member>/{keys/,public/chain-spec.json,artifact.json}`);
  console.log(`  bundles       ${bundles.length} verified deployment bundles in ${join(out, 'bundles')}/<member>/ (node-<i>/, docker-compose.yml, oracle/, public/, manifest.json)`);
  console.log(out);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
