/**
 * The coordinator's HTTP API (express). Reading is open to anyone (nothing here is secret); creating
 * and aborting a ceremony need the admin credential.
 *   GET  /api/ceremonies                  ids of the hosted ceremonies
 *   POST /api/ceremonies                  (admin) body: a ceremony spec; hosts it
 *   GET  /api/ceremonies/:id/status       the public status (phase, who we wait for, deadline, assembly)
 *   GET  /api/ceremonies/:id/spec         the agreed ceremony spec
 *   GET  /api/ceremonies/:id/transcript   every transcript entry (?fromSeq=n)
 *   GET  /api/ceremonies/:id/artifact     the signed genesis artifact, 404 until FINALIZED
 *   GET  /api/ceremonies/:id/proposals    governance proposals: change, status, tally, who has not voted, deadline
 *   GET  /api/ceremonies/:id/revisions/:n the signed revision artifact n (0: the genesis artifact), 404 until it exists
 *   POST /api/ceremonies/:id/abort        (admin) body: {reason}; records a coordinator-signed Abort
 *   GET  /api/ceremonies/:id/dashboard    everything the dashboard page shows (http/dashboard-view.ts)
 *   GET  /, /ceremonies/:id               the dashboard pages (static files in server/dashboard/)
 */
import express, { type Request, type Response, type NextFunction } from 'express';
import { z } from 'zod';
import { ConcordError, type ErrorReply } from '../../shared/errors.js';
import { canonicalize } from '../../shared/canonical/jcs.js';
import { parseSpec } from '../../shared/spec/parse.js';
import { parseWith } from '../../shared/validation/zod.js';
import { MAX_FRAME_BYTES } from '../../shared/protocol/messages.js';
import type { CeremonyRegistry } from '../ceremony/registry.js';
import type { AdminCredential } from './admin.js';
import { dashboardView } from './dashboard-view.js';
import { proposalViews } from '../../shared/governance/proposal-view.js';
import { fileURLToPath } from 'node:url';

export interface HttpContext {
  registry: CeremonyRegistry;
  admin: AdminCredential;
  now: () => number;
  log: (line: string) => void;
}

const DASHBOARD_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));

const abortBodySchema = z.strictObject({ reason: z.string().min(1).max(400) });

/** The express app of a coordinator. */
export function createHttpApp(context: HttpContext): express.Express {
  const { registry, admin } = context;
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: MAX_FRAME_BYTES }));

  app.get('/api/ceremonies', (_req, res) => {
    res.json(registry.ids());
  });
  app.post('/api/ceremonies', async (req, res) => {
    admin.check(req);
    const spec = parseSpec(req.body, 'body');
    const host = await registry.host(spec);
    context.log(`admin: hosting ceremony ${spec.ceremonyId}`);
    res.status(201).json(host.status());
  });
  app.get('/api/ceremonies/:id/status', (req, res) => {
    res.json(registry.get(req.params.id, 'id').status());
  });
  app.get('/api/ceremonies/:id/spec', (req, res) => {
    res.type('application/json').send(canonicalize(registry.get(req.params.id, 'id').identity().spec));
  });
  app.get('/api/ceremonies/:id/transcript', (req, res) => {
    const fromSeq = req.query.fromSeq === undefined ? 0 : Number(req.query.fromSeq);
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 0) throw new ConcordError('MESSAGE_INVALID', 'query.fromSeq', 'a whole number ≥ 0');
    res.json(registry.get(req.params.id, 'id').transcript(fromSeq));
  });
  app.get('/api/ceremonies/:id/artifact', (req, res) => {
    const host = registry.get(req.params.id, 'id');
    const artifact = host.artifact();
    if (artifact === null) throw new ConcordError('NOT_FOUND', 'artifact', `a FINALIZED ceremony (it is ${host.status().phase})`);
    res.type('application/json').send(artifact);
  });
  app.get('/api/ceremonies/:id/proposals', (req, res) => {
    const host = registry.get(req.params.id, 'id');
    const governance = host.governance();
    if (governance === null) throw new ConcordError('WRONG_PHASE', 'proposals', `a FINALIZED ceremony: governance begins then (it is ${host.status().phase})`);
    res.json(proposalViews(governance));
  });
  app.get('/api/ceremonies/:id/revisions/:n', (req, res) => {
    const host = registry.get(req.params.id, 'id');
    if (!/^(0|[1-9][0-9]{0,8})$/.test(req.params.n)) throw new ConcordError('MESSAGE_INVALID', 'n', 'a revision number: a whole number ≥ 0 without leading zeros');
    const text = host.revision(Number(req.params.n));
    if (text === null) throw new ConcordError('NOT_FOUND', 'n', `a revision that exists (the latest is ${(host.governance()?.revisions.length ?? 1) - 1}${host.artifact() === null ? ', and the ceremony is not FINALIZED' : ''})`);
    res.type('application/json').send(text);
  });
  app.post('/api/ceremonies/:id/abort', async (req, res) => {
    admin.check(req);
    const host = registry.get(req.params.id, 'id');
    const { reason } = parseWith(abortBodySchema, req.body, 'MESSAGE_INVALID', 'body');
    const receipt = await host.abort(reason);
    context.log(`admin: aborted ceremony ${req.params.id}`);
    res.json(receipt);
  });
  app.get('/api/ceremonies/:id/dashboard', async (req, res) => {
    res.json(await dashboardView(registry.get(req.params.id, 'id'), context.now()));
  });
  app.use('/assets', express.static(DASHBOARD_DIR, { index: false, fallthrough: false }));
  app.get('/', (_req, res) => {
    res.sendFile('index.html', { root: DASHBOARD_DIR });
  });
  app.get('/ceremonies/:id', (_req, res) => {
    res.sendFile('ceremony.html', { root: DASHBOARD_DIR });
  });
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(() => {
    throw new ConcordError('NOT_FOUND', 'path', 'one of /, /ceremonies/:id, /api/ceremonies[/:id/{status,spec,transcript,artifact,proposals,revisions/:n,abort,dashboard}], /healthz, /ws');
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const parserError = error as { type?: string; status?: number };
    if (parserError.status === 404 && !(error instanceof ConcordError)) error = new ConcordError('NOT_FOUND', 'path', 'an existing dashboard asset');
    if (parserError.type === 'entity.parse.failed') error = new ConcordError('MESSAGE_INVALID', 'body', 'a JSON body');
    if (parserError.type === 'entity.too.large') error = new ConcordError('MESSAGE_TOO_LARGE', 'body', `a body of at most ${MAX_FRAME_BYTES} bytes`);
    if (error instanceof ConcordError) {
      const status = error.code === 'NOT_FOUND' ? 404 : error.code === 'FORBIDDEN' ? 403 : error.code === 'WRONG_PHASE' ? 409 : 400;
      res.status(status).json(error.toReply());
      return;
    }
    context.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const reply: ErrorReply = { code: 'INTERNAL', path: '', expected: 'a coordinator without internal faults (logged on the coordinator)' };
    res.status(500).json(reply);
  });
  return app;
}
