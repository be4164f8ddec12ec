/** Accessibility basics checked without a browser: unique ids on busy pages, a focus ring of at least 3:1. */
import fs from 'node:fs';
import path from 'node:path';
import { buildTree, loginAs, useDb, userWith } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';

useDb();

function duplicates(html: string): string[] {
  const seen = new Map<string, number>();
  for (const m of html.matchAll(/\sid="([^"]+)"/g)) seen.set(m[1], (seen.get(m[1]) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

it('gives no two elements the same id on the member card (several forms with a «date» field)', async () => {
  const t = await buildTree();
  const m = await buildMember({ org: t.primA1, lastName: 'Идентичная' });
  const chair = await loginAs((await userWith('CHAIR', t.primA1)).login);
  for (const url of [`/members/${m.memberId}`, `/orgs/${t.primA1.id}`, '/members', '/profile']) {
    const res = await chair.get(url);
    expect([url, res.status]).toEqual([url, 200]);
    expect([url, duplicates(res.text)]).toEqual([url, []]);
  }
});

function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const l = c.map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}
const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

it('draws the focus ring at 3:1 or more against the page, the fields and the header', () => {
  const css = fs.readFileSync(path.resolve(__dirname, '../../public/app.css'), 'utf8');
  const ring = /a:focus,[\s\S]*?\{[^}]*outline:\s*3px solid (#[0-9a-f]{6})/i.exec(css)?.[1];
  expect(ring).toBeDefined();
  for (const bg of ['#ffffff', '#f6f7f9']) expect(contrast(ring!, bg)).toBeGreaterThanOrEqual(3);
  const top = /\.top a:focus[\s\S]*?\{[^}]*outline-color:\s*(#[0-9a-f]{6})/i.exec(css)?.[1];
  expect(top).toBeDefined();
  expect(contrast(top!, '#0b3d75')).toBeGreaterThanOrEqual(3);
});
