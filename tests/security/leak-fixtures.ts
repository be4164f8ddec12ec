/**
 * Two sibling subtrees for the leak sweep: side A (where the actors sit) and side B (the sibling region), each with
 * one record of every kind the app shows (member, card, card order, event with a check-in, announcement, document,
 * survey with an answer, message, import, join application, campaign report, user). Side B's names are
 * distinctive («Утечкина», «Тайнинская …») so that any of them in any answer is a leak.
 */
import type request from 'supertest';
import { api, bearer, loginAs, userWith } from '../helpers';
import { db } from '../../src/db';
import { buildMember, buildOrg, buildUser, type BuiltOrg } from '../../src/seed/builders.repo';
import { pdfWithText } from '../../src/seed/library.files';
import { SYSTEM_ACTOR } from '../../src/policy/actor';
import { createAnnouncement } from '../../src/modules/announcements/announcements.service';
import { insertCampaign, loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import { submitOrder, virtualCard } from '../cards/support';
import { addPosition } from '../reports/support';

export type Kind =
  | 'org'
  | 'member'
  | 'card'
  | 'order'
  | 'event'
  | 'announcement'
  | 'document'
  | 'survey'
  | 'message'
  | 'import'
  | 'user'
  | 'role'
  | 'campaign'
  | 'application'
  | 'transfer'
  | 'position'
  | 'question'
  | 'cardRequest'
  | 'correction'
  | 'token';

export interface Side {
  region: BuiltOrg;
  terr: BuiltOrg;
  prim: BuiltOrg;
  ids: Record<Kind, string[]>;
  memberId: string;
  personId: string;
  cardNumber: string;
  chairAuth: string;
}

export interface Names {
  region: string;
  terr: string;
  prim: string;
  lastName: string;
  firstName: string;
  middleName: string;
  user: string;
  login: string;
  word: string;
}

async function created(what: string, res: { status: number; body: unknown }): Promise<string> {
  if (res.status !== 201 && res.status !== 202)
    throw new Error(`fixture ${what} not created: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: string }).id;
}

const audience = { kinds: [] as never[], roles: [] as never[], orgIds: [], members: false };

/** One subtree under `central` with a record of every kind, named after `n`. */
export async function buildSide(central: BuiltOrg, n: Names, campaignId: string): Promise<Side> {
  const region = await buildOrg(central, 'REGIONAL', { name: n.region });
  const terr = await buildOrg(region, 'TERRITORIAL', { name: n.terr });
  const prim = await buildOrg(terr, 'PRIMARY', { name: n.prim, institutionType: 'OO', employeesCount: 30 });
  const chair = await userWith('CHAIR', prim);
  const auth = await bearer(chair.id);
  const regionAuth = await bearer((await userWith('CHAIR', region)).id);
  const staff = await buildUser({ login: n.login, fullName: n.user, roles: [{ role: 'REGISTRAR', org: terr }] });
  const role = await db().roleAssignment.findFirstOrThrow({ where: { userId: staff.id } });
  const m = await buildMember({
    org: prim,
    lastName: n.lastName,
    firstName: n.firstName,
    middleName: n.middleName,
    email: `${n.login}@example.org`,
    consents: { messaging: true },
  });
  const card = await virtualCard(prim, m.memberId);
  const other = await buildMember({ org: prim, lastName: `${n.lastName}а`, firstName: n.firstName });
  const order = await submitOrder(prim, [other.memberId]);
  const event = await created(
    'event',
    await api()
      .post(`/api/v1/orgs/${prim.id}/events`)
      .set('Authorization', auth)
      .send({ title: `${n.word} собрание`, kind: 'EVENT', date: '2030-01-01' }),
  );
  await api().post(`/api/v1/events/${event}/checkins`).set('Authorization', auth).send({ cardNumber: card.number });
  const data = { title: `${n.word} объявление`, body: `Текст ${n.word}`, important: false };
  const ann = (await createAnnouncement(SYSTEM_ACTOR, region, { data, audience }, true)).id;
  const doc = await created(
    'document',
    await api()
      .post(`/api/v1/orgs/${region.id}/documents`)
      .set('Authorization', regionAuth)
      .field('title', `${n.word} документ`)
      .field('kind', 'OTHER')
      .attach('file', await pdfWithText(`${n.word} документ`, ['Текст']), `${n.login}.pdf`),
  );
  const survey = await created(
    'survey',
    await api()
      .post(`/api/v1/orgs/${region.id}/surveys`)
      .set('Authorization', regionAuth)
      .send({
        title: `${n.word} опрос`,
        kind: 'SURVEY',
        audience: {},
        closesAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
        questions: [{ code: 'q1', text: `${n.word} вопрос`, type: 'TEXT' }],
      }),
  );
  await api()
    .post(`/api/v1/surveys/${survey}/responses`)
    .set('Authorization', auth)
    .send({ answers: { q1: `${n.word} ответ` } });
  const message = await created(
    'message',
    await api()
      .post(`/api/v1/orgs/${prim.id}/messages`)
      .set('Authorization', auth)
      .send({ channel: 'EMAIL', subject: `${n.word} письмо`, text: `${n.word} текст` }),
  );
  const job = await db().importJob.create({
    data: {
      organisationId: prim.id,
      userId: chair.id,
      mode: 'ADD',
      fileName: `${n.login}.csv`,
      fileHash: n.login,
      mapping: {},
      status: 'DONE',
    },
  });
  const application = await db().joinApplication.create({
    data: {
      organisationId: prim.id,
      lastName: `${n.lastName}о`,
      firstName: n.firstName,
      birthDate: new Date('1990-01-01'),
    },
  });
  await db().report.create({
    data: {
      campaignId,
      organisationId: region.id,
      templateId: (await db().reportTemplate.findFirstOrThrow({ where: { active: true } })).id,
      status: 'SUBMITTED',
    },
  });
  const position = await db().position.create({
    data: { personId: m.personId, organisationId: prim.id, kind: 'STAFF', startDate: new Date('2020-01-01') },
  });
  const question = await db().surveyQuestion.findFirstOrThrow({ where: { surveyId: survey } });
  const cardRequest = await db().virtualCardRequest.create({
    data: { memberId: other.memberId, organisationId: prim.id },
  });
  const correction = await db().correctionRequest.create({
    data: { personId: m.personId, organisationId: prim.id, field: 'other', proposed: `${n.word} поправка` },
  });
  const token = await db().apiToken.findFirstOrThrow({ where: { userId: chair.id } });
  return {
    region,
    terr,
    prim,
    ids: {
      org: [region.id, terr.id, prim.id],
      member: [m.memberId, other.memberId],
      card: [card.id],
      order: [order],
      event: [event],
      announcement: [ann],
      document: [doc],
      survey: [survey],
      message: [message],
      import: [job.id],
      user: [staff.id, chair.id],
      role: [role.id],
      campaign: [campaignId],
      application: [application.id],
      transfer: [],
      position: [position.id],
      question: [question.id],
      cardRequest: [cardRequest.id],
      correction: [correction.id],
      token: [token.id],
    },
    memberId: m.memberId,
    personId: m.personId,
    cardNumber: card.number,
    chairAuth: auth,
  };
}

export async function buildCampaign(): Promise<string> {
  await loadShippedTemplates();
  return (await insertCampaign({ title: 'Сводный отчёт', reportDate: '2099-01-01', deadline: '2099-03-01' })).id;
}

/** The four actors of side A the sweeps ask as: a primary's chair, a territorial chair, a regional viewer and registrar. */
export type Who = 'primChair' | 'terrChair' | 'viewer' | 'registrar';
export const WHO: Who[] = ['primChair', 'terrChair', 'viewer', 'registrar'];

export interface World {
  A: Side;
  B: Side;
  /** Every id of side B (and of the cross links into B), searched for in every answer. */
  bIds: string[];
  actors: Record<Who, { agent: request.Agent; auth: string; userId: string }>;
}

/** Sides A and B under one central organisation, the records of A that point into B, and A's four actors. */
export async function buildWorld(): Promise<World> {
  const central = await buildOrg(null, 'CENTRAL', { name: 'Общий Совет' });
  const campaign = await buildCampaign();
  const stamp = Date.now().toString(36);
  const A = await buildSide(
    central,
    {
      region: 'Своя региональная',
      terr: 'Своя районная',
      prim: 'ППО своей школы',
      lastName: 'Своякова',
      firstName: 'Ольга',
      middleName: 'Ивановна',
      user: 'Свояков Регистратор',
      login: `svoy-${stamp}`,
      word: 'Своё',
    },
    campaign,
  );
  const B = await buildSide(
    central,
    {
      region: 'Тайнинская региональная',
      terr: 'Тайнинская районная',
      prim: 'ППО Тайнинской школы',
      lastName: 'Утечкина',
      firstName: 'Секретина',
      middleName: 'Тайновна',
      user: 'Утечкин Регистратор',
      login: `utechkin-${stamp}`,
      word: 'Тайнинское',
    },
    campaign,
  );
  // Records of A that point into B.
  const holder = await buildMember({ org: A.prim, lastName: 'Совместителева' });
  await addPosition(holder.personId, B.prim, 'CHAIR', '2020-01-01');
  A.ids.member.push(holder.memberId);
  const both = await buildUser({
    fullName: 'Двойнов Общий',
    roles: [
      { role: 'VIEWER', org: A.prim },
      { role: 'CHAIR', org: B.prim },
    ],
  });
  A.ids.user.push(both.id);
  // A's outgoing request shows the name A typed to ask for it (a neutral one here), never B's organisation.
  // Deciding it is B's business: it counts among B's records.
  const asked = await buildMember({ org: B.prim, lastName: 'Переводимова' });
  B.ids.member.push(asked.memberId);
  const transfer = await db().transferRequest.create({
    data: { memberId: asked.memberId, fromOrgId: B.prim.id, toOrgId: A.prim.id, date: new Date('2030-01-01') },
  });
  B.ids.transfer.push(transfer.id);
  await api()
    .post(`/api/v1/events/${A.ids.event[0]}/checkins`)
    .set('Authorization', A.chairAuth)
    .send({ cardNumber: B.cardNumber });
  const posOrg = await db().position.findMany({ where: { organisationId: B.prim.id }, select: { id: true } });
  const bIds = [...Object.values(B.ids).flat(), B.personId, B.cardNumber, ...posOrg.map((p) => p.id)].filter(
    (id) => !B.ids.campaign.includes(id),
  );
  const at: Record<Who, [Parameters<typeof userWith>[0], { id: string }]> = {
    primChair: ['CHAIR', A.prim],
    terrChair: ['CHAIR', A.terr],
    viewer: ['VIEWER', A.region],
    registrar: ['REGISTRAR', A.region],
  };
  const actors = {} as World['actors'];
  for (const who of Object.keys(at) as Who[]) {
    const u = await userWith(at[who][0], at[who][1]);
    actors[who] = { agent: await loginAs(u.login), auth: await bearer(u.id), userId: u.id };
  }
  return { A, B, bIds: [...new Set(bIds)], actors };
}
