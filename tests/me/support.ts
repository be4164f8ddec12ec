import request from 'supertest';
import { db } from '../../src/db';
import { csrfFrom, testApp } from '../helpers';

/** The newest code sent to `recipient` through the outbox (the demo path), waiting for the background send. */
export async function codeFor(recipient: string, after = new Date(0)): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const row = await db().outbox.findFirst({
      where: { recipient, createdAt: { gt: after } },
      orderBy: { createdAt: 'desc' },
    });
    const m = row ? /(\d{6})/.exec(row.text) : null;
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`No code arrived for ${recipient}`);
}

/** Waits until the background work of a code request has written its code row (known or unknown contact). */
export async function codeRowsSettle(before: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const n = await db().memberCode.count();
    if (n > before) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('No code row was written');
}

/** A browser-like agent signed in on the members' side with the code from the outbox. */
export async function memberAgent(contact: string, recipient = contact): Promise<request.Agent> {
  const agent = request.agent(testApp());
  const started = new Date(Date.now() - 1);
  let csrf = await csrfFrom(agent, '/me/login');
  const r1 = await agent.post('/me/login').type('form').send({ _csrf: csrf, contact });
  if (r1.status !== 303) throw new Error(`Code request failed: ${r1.status}`);
  const code = await codeFor(recipient, started);
  csrf = await csrfFrom(agent, '/me/login/code');
  const r2 = await agent.post('/me/login/code').type('form').send({ _csrf: csrf, code });
  if (r2.status !== 303) throw new Error(`Member sign-in failed: ${r2.status}`);
  return agent;
}

/** A member API token got through the code flow. */
export async function memberToken(contact: string, recipient = contact): Promise<string> {
  const started = new Date(Date.now() - 1);
  const app = request(testApp());
  const r1 = await app.post('/api/v1/member/auth/code').send({ contact });
  if (r1.status !== 202) throw new Error(`Code request failed: ${r1.status}`);
  const code = await codeFor(recipient, started);
  const r2 = await request(testApp()).post('/api/v1/member/auth/token').send({ contact, code });
  if (r2.status !== 201) throw new Error(`Token failed: ${r2.status}`);
  return `Bearer ${(r2.body as { token: string }).token}`;
}
