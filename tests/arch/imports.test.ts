/**
 * The one-way import rule (docs/ARCHITECTURE.md): http/, policy/ and db/ know nothing of feature modules, and
 * feature modules (src/modules/<name>/) do not import each other in a circle. Reads the import graph of src/
 * with a small parser (static `import … from '…'`, `export … from '…'`, `import('…')`, `require('…')`).
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../../src');

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'generated' || e.name === 'node_modules') continue;
      out.push(...walk(p));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** Resolves a relative specifier to a file under src/ (or null for packages). */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  return null;
}

/** Strips comments so that an import named in a comment is not counted. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of walk(SRC)) {
    const deps: string[] = [];
    for (const m of code(fs.readFileSync(file, 'utf8')).matchAll(IMPORT_RE)) {
      const target = resolve(file, m[1]);
      if (target) deps.push(target);
    }
    graph.set(file, deps);
  }
  return graph;
}

const rel = (f: string): string => path.relative(SRC, f).split(path.sep).join('/');
/** The feature module a file belongs to (src/modules/<name>/…), or null. */
const moduleOf = (f: string): string | null => /^modules\/([^/]+)\//.exec(rel(f))?.[1] ?? null;

/** Every elementary cycle would be too many; report each strongly connected component of size > 1 (Tarjan). */
function cycles(nodes: string[], edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || edges.get(v)?.has(v)) out.push(comp.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}

describe('import graph of src/', () => {
  const graph = importGraph();

  it('finds the modules (the parser works)', () => {
    const mods = new Set([...graph.keys()].map(moduleOf).filter(Boolean));
    expect(mods.size).toBeGreaterThan(10);
    expect(graph.get(path.join(SRC, 'app.ts'))!.length).toBeGreaterThan(10);
  });

  it('http/, policy/ and db/ (and db.ts, config.ts, lib/) import no feature module', () => {
    const lower = /^(http|policy|db|lib)\/|^(db|config)\.ts$/;
    const bad: string[] = [];
    for (const [file, deps] of graph) {
      if (!lower.test(rel(file))) continue;
      for (const d of deps) if (moduleOf(d)) bad.push(`${rel(file)} → ${rel(d)}`);
    }
    expect(bad).toEqual([]);
  });

  it('feature modules do not import each other in a circle', () => {
    const edges = new Map<string, Set<string>>();
    const why = new Map<string, string>();
    for (const [file, deps] of graph) {
      const a = moduleOf(file);
      if (!a) continue;
      for (const d of deps) {
        const b = moduleOf(d);
        if (!b || b === a) continue;
        if (!edges.has(a)) edges.set(a, new Set());
        edges.get(a)!.add(b);
        if (!why.has(`${a}>${b}`)) why.set(`${a}>${b}`, `${rel(file)} → ${rel(d)}`);
      }
    }
    const found = cycles([...edges.keys()].sort(), edges).map((comp) => {
      const inComp = new Set(comp);
      const links = [...why].filter(([k]) => k.split('>').every((m) => inComp.has(m))).map(([, v]) => v);
      return `${comp.join(' ↔ ')}: ${links.join('; ')}`;
    });
    expect(found).toEqual([]);
  });
});
