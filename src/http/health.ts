import express, { type Router } from 'express';
import { readiness } from '../db/health.repo';

/**
 * Probes for the proxy and the orchestrator, outside the policy layer on purpose: they answer only
 * "up / ready" and never anything about the registry's data.
 * GET /healthz: the process answers. GET /readyz: the database answers and every migration is applied.
 */
export function healthRoutes(): Router {
  const r = express.Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const s = await readiness();
    const ready = s.database && s.pendingMigrations === 0;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      database: s.database ? 'ok' : 'unreachable',
      migrations: !s.database ? 'unknown' : s.pendingMigrations === 0 ? 'applied' : 'pending',
    });
  });
  return r;
}
