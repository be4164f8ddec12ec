import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../src/app';
import { disconnectDb } from '../src/db';
import { backgroundIdle } from '../src/lib/background';
import { closeSessionPool } from '../src/http/web';
import { createToken } from '../src/modules/auth/auth.repo';
import { buildOrg, buildUser, type BuiltOrg } from '../src/seed/builders.repo';
import type { Role } from '../src/generated/prisma/client';

let app: Express | undefined;
export function testApp(): Express {
  // The second factor's requirement for central and regional users is off in the shared app (every test signs in
  // such users by password); tests/auth/second-factor.test.ts builds its own app with it on.
  app ??= createApp({ sessionSecret: 'test-session-secret-0123456789', secondFactorRequired: false });
  return app;
}

/** Call once per test file: closes the database pools after the file. */
export function useDb(): void {
  afterAll(async () => {
    await backgroundIdle(); // a code or an in-process job started after an answer must not outlive the pools
    await disconnectDb();
    await closeSessionPool();
  });
}

export const PASSWORD = 'Test-password-1';

/** The CSRF token of a page the agent can open. */
export async function csrfFrom(agent: request.Agent, url = '/login'): Promise<string> {
  const res = await agent.get(url);
  const m = /name="_csrf" value="([^"]+)"/.exec(res.text);
  if (!m) throw new Error(`No CSRF token on ${url} (status ${res.status})`);
  return m[1];
}

/** A browser-like agent logged in through the login form. */
export async function loginAs(login: string, password = PASSWORD): Promise<request.Agent> {
  const agent = request.agent(testApp());
  const csrf = await csrfFrom(agent, '/login');
  const res = await agent.post('/login').type('form').send({ _csrf: csrf, login, password });
  if (res.status !== 303) throw new Error(`Login failed for ${login}: ${res.status}`);
  return agent;
}

/** Posts a form with the CSRF token taken from `pageUrl`. */
export async function postForm(agent: request.Agent, pageUrl: string, url: string, data: Record<string, string>) {
  const csrf = await csrfFrom(agent, pageUrl);
  return agent
    .post(url)
    .type('form')
    .send({ _csrf: csrf, ...data });
}

export async function bearer(userId: string): Promise<string> {
  const { token } = await createToken(userId, 'test', 1);
  return `Bearer ${token}`;
}

export function api() {
  return request(testApp());
}

export interface Tree {
  central: BuiltOrg;
  regionA: BuiltOrg;
  terrA1: BuiltOrg;
  primA1: BuiltOrg;
  buroA1: BuiltOrg;
  primA2: BuiltOrg;
  terrA2: BuiltOrg;
  primA3: BuiltOrg;
  regionB: BuiltOrg;
  terrB1: BuiltOrg;
  primB1: BuiltOrg;
}

/**
 * A small union of its own for each test:
 * central → regionA → terrA1 → primA1 → buroA1; terrA1 → primA2; regionA → terrA2 → primA3;
 * central → regionB → terrB1 → primB1.
 */
export async function buildTree(): Promise<Tree> {
  const central = await buildOrg(null, 'CENTRAL', { name: 'Центральный Совет' });
  const regionA = await buildOrg(central, 'REGIONAL', { name: 'Региональная А' });
  const terrA1 = await buildOrg(regionA, 'TERRITORIAL', { name: 'Районная А1' });
  const primA1 = await buildOrg(terrA1, 'PRIMARY', { name: 'ППО школы А1', institutionType: 'OO', employeesCount: 50 });
  const buroA1 = await buildOrg(primA1, 'PROFBURO', { name: 'Профбюро А1' });
  const primA2 = await buildOrg(terrA1, 'PRIMARY', { name: 'ППО детского сада А2', institutionType: 'DOO' });
  const terrA2 = await buildOrg(regionA, 'TERRITORIAL', { name: 'Районная А2' });
  const primA3 = await buildOrg(terrA2, 'PRIMARY', { name: 'ППО школы А3', institutionType: 'OO' });
  const regionB = await buildOrg(central, 'REGIONAL', { name: 'Региональная Б' });
  const terrB1 = await buildOrg(regionB, 'TERRITORIAL', { name: 'Районная Б1' });
  const primB1 = await buildOrg(terrB1, 'PRIMARY', { name: 'ППО школы Б1', institutionType: 'OO' });
  return { central, regionA, terrA1, primA1, buroA1, primA2, terrA2, primA3, regionB, terrB1, primB1 };
}

export async function userWith(
  role: Role,
  org: { id: string },
  o: { ndaAccepted?: boolean; endsOn?: string; startsOn?: string } = {},
) {
  return buildUser({ roles: [{ role, org, endsOn: o.endsOn, startsOn: o.startsOn }], ndaAccepted: o.ndaAccepted });
}
