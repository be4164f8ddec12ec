import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';

export const PUBLIC_DIR = path.resolve(__dirname, '../../public');

interface Asset {
  file: string;
  url: string;
}

/**
 * Static files are served under names that carry their content hash (/static/app.3f2a9c1b.css), so the
 * browser keeps them for a year without asking again; a changed file gets a new name. Built once at start.
 */
export class Assets {
  private readonly byName = new Map<string, Asset>();
  private readonly byUrl = new Map<string, Asset>();

  constructor(private readonly dir = PUBLIC_DIR) {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (!fs.statSync(file).isFile()) continue;
      const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 10);
      const ext = path.extname(name);
      const url = `/static/${path.basename(name, ext)}.${hash}${ext}`;
      const a = { file, url };
      this.byName.set(name, a);
      this.byUrl.set(url, a);
    }
  }

  /** The fingerprinted URL of public/<name> (`/static/app.css` is accepted too). */
  url(name: string): string {
    const key = name.replace(/^\/static\//, '');
    const a = this.byName.get(key);
    if (!a) throw new Error(`Unknown static asset ${name}`);
    return a.url;
  }

  /** Serves fingerprinted names with a long immutable cache; the plain names stay reachable, revalidated. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const hit = this.byUrl.get(req.path);
      if (hit) {
        res.sendFile(hit.file, { headers: { 'Cache-Control': 'public, max-age=31536000, immutable' } }, (e) => {
          if (e) next(e);
        });
        return;
      }
      const plain = /^\/static\/([^/]+)$/.exec(req.path);
      const a = plain ? this.byName.get(plain[1]) : undefined;
      if (!a) return next();
      res.sendFile(a.file, { headers: { 'Cache-Control': 'no-cache' } }, (e) => {
        if (e) next(e);
      });
    };
  }
}

let shared: Assets | undefined;
export function assets(): Assets {
  shared ??= new Assets();
  return shared;
}
