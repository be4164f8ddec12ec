/** Request logs are JSON lines with method, path, status and time, and nothing personal (no query, no cookies). */
import { Writable } from 'node:stream';
import request from 'supertest';
import express from 'express';
import { requestLogger } from '../../src/http/logging';

it('logs one JSON line per request without the query string, headers or body', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  const app = express();
  app.use(requestLogger('info', sink));
  app.use(express.urlencoded({ extended: false }));
  app.all('/members', (_req, res) => {
    res.status(200).send('ok');
  });
  await request(app).get('/members?q=Иванова%20Мария&snils=112-233-445%2095').set('Cookie', 'reestr.sid=secret-sid');
  await request(app).post('/members').type('form').send({ lastName: 'Петрова' });
  expect(lines).toHaveLength(2);
  const first = JSON.parse(lines[0]) as { req: { method: string; path: string }; res: { status: number } };
  expect(first.req).toMatchObject({ method: 'GET', path: '/members' });
  expect(first.res).toEqual({ status: 200 });
  const all = lines.join('\n');
  for (const secret of ['Иванова', '%D0', '112-233', 'secret-sid', 'Петрова', 'cookie', 'q=']) {
    expect(all).not.toContain(secret);
  }
});
