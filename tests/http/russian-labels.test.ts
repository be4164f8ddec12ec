/** No English codes and no «1 регионов» in what people read. */
import fs from 'node:fs';
import path from 'node:path';
import { viewHelpers as h } from '../../src/http/render';

it('shows report form codes the Russian way', () => {
  expect(h.formCode('5SP')).toBe('5СП');
  expect(h.formCode('1SP')).toBe('1СП');
  expect(h.formCode('UNION')).toBe('Сводный');
});

it('agrees a number with its noun', () => {
  const regions = (n: number) => `${n} ${h.plural(n, 'регион', 'региона', 'регионов')}`;
  expect([1, 2, 5, 11, 21, 22, 112].map(regions)).toEqual([
    '1 регион',
    '2 региона',
    '5 регионов',
    '11 регионов',
    '21 регион',
    '22 региона',
    '112 регионов',
  ]);
});

it('has no template that prints a count before a fixed plural noun or repeats «выдан»', () => {
  const views = path.resolve(__dirname, '../../views');
  const offenders: string[] = [];
  const walk = (d: string) => {
    for (const f of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, f.name);
      if (f.isDirectory()) walk(p);
      else if (p.endsWith('.ejs')) {
        const s = fs.readFileSync(p, 'utf8');
        if (/\.length %> регионов/.test(s)) offenders.push(`${p}: «N регионов»`);
        // «выдан, выдан 01.09.2025»: the status word must not be followed by the same word with the date.
        if (s.includes(', выдан <%= h.formatDay(c.issuedAt)') && !s.includes("c.status === 'выдан'"))
          offenders.push(`${p}: «выдан, выдан»`);
        if (/<td data-label="Код"><%= t\.code %>/.test(s)) offenders.push(`${p}: form code in Latin`);
      }
    }
  };
  walk(views);
  expect(offenders).toEqual([]);
});
