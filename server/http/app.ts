/**
 * The coordinator's HTTP API (express): read-only views of a ceremony for members, observers and
 * downstream tooling. Nothing here writes; nothing here is secret.
 *   GET /api/ceremonies/:id/status      the public status (phase, who we wait for, deadline, assembly)
 *   GET /api/ceremonies/:id/spec        the agreed ceremony spec
 *   GET /api/ceremonies/:id/transcript  every transcript entry (?fromSeq=n)
 *   GET /api/ceremonies/:id/artifact    the signed genesis artifact, 404 until FINALIZED
 */
import express, { type Request, type Response, type NextFunction } from 'express';
import { ConcordError, type ErrorReply } from '../../shared/errors.js';
import type { CeremonyHost } from '../ceremony/host.js';

export interface HttpContext {
  host: CeremonyHost;
  ceremonyId: string;
  specJson: string;
  log: (line: string) => void;
}

/** The express app serving one ceremony. */
export function createHttpApp(context: HttpContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const ceremony = express.Router({ mergeParams: true });
  ceremony.use((req: Request<{ id: string }>, _res, next) => {
    if (req.params.id !== context.ceremonyId) throw new ConcordError('NOT_FOUND', 'id', `ceremony ${context.ceremonyId}`);
    next();
  });
  ceremony.get('/status', (_req, res) => {
    res.json(context.host.status());
  });
  ceremony.get('/spec', (_req, res) => {
    res.type('application/json').send(context.specJson);
  });
  ceremony.get('/transcript', (req, res) => {
    const fromSeq = req.query.fromSeq === undefined ? 0 : Number(req.query.fromSeq);
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 0) throw new ConcordError('MESSAGE_INVALID', 'query.fromSeq', 'a whole number ≥ 0');
    res.json(context.host.transcript(fromSeq));
  });
  ceremony.get('/artifact', (_req, res) => {
    const artifact = context.host.artifact();
    if (artifact === null) throw new ConcordError('NOT_FOUND', 'artifact', `a FINALIZED ceremony (it is ${context.host.status().phase})`);
    res.type('application/json').send(artifact);
  });
  app.use('/api/ceremonies/:id', ceremony);
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use((_req: Request, _res: Response) => {
    throw new ConcordError('NOT_FOUND', 'path', 'one of /api/ceremonies/:id/{status,spec,transcript,artifact}, /healthz, /ws');
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ConcordError) {
      res.status(error.code === 'NOT_FOUND' ? 404 : 400).json(error.toReply());
      return;
    }
    context.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const reply: ErrorReply = { code: 'INTERNAL', path: '', expected: 'a coordinator without internal faults (logged on the coordinator)' };
    res.status(500).json(reply);
  });
  return app;
}
