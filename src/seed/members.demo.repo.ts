import crypto from 'node:crypto';
import { db } from '../db';
import { addDays, today } from '../lib/dates';
import { SYSTEM_ACTOR } from '../policy/actor';
import { issueVirtualCard } from '../modules/cards/cards.service';
import { saveSubscription } from '../modules/push/push.repo';
import { buildMembers, type BuiltOrg } from './builders.repo';

/** Members whose contacts are printed at start: their sign-in codes arrive in the outbox (/outbox, demo-central). */
export const DEMO_MEMBER_CONTACTS = [
  {
    contact: 'member@demo.reestr.ru',
    note: 'член Профсоюза: виртуальный билет, согласия, сообщения, push (код — в /outbox)',
  },
  { contact: '+7 900 000-00-02', note: 'член Профсоюза без билета (код по SMS — в /outbox)' },
];

export async function buildDemoMembers(org: BuiltOrg): Promise<void> {
  const t = today();
  const [withCard] = await buildMembers([
    {
      org,
      lastName: 'Соловьёва',
      firstName: 'Мария',
      middleName: 'Андреевна',
      birthDate: '1990-03-14',
      gender: 'FEMALE',
      email: DEMO_MEMBER_CONTACTS[0].contact,
      phone: '+7 900 000-00-01',
      category: 'WORKING',
      joinedAt: addDays(t, -900),
      consents: { bonusProgramme: true, messaging: true },
    },
    {
      org,
      lastName: 'Ершов',
      firstName: 'Илья',
      middleName: 'Петрович',
      birthDate: '1985-11-02',
      gender: 'MALE',
      phone: DEMO_MEMBER_CONTACTS[1].contact,
      category: 'WORKING',
      joinedAt: addDays(t, -400),
      consents: { messaging: true },
    },
  ]);
  const m = await db().member.findUniqueOrThrow({
    where: { id: withCard.memberId },
    select: {
      id: true,
      status: true,
      organisationId: true,
      person: { select: { lastName: true, firstName: true, middleName: true } },
    },
  });
  await issueVirtualCard(SYSTEM_ACTOR, m);
  // Her phone subscribed to web push on /me (keys as a browser makes them); the demo has no push service, so the
  // pushes sent to her stay in the outbox.
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  await saveSubscription(withCard.personId, {
    endpoint: `https://push.demo.invalid/${crypto.randomUUID()}`,
    p256dh: ecdh.getPublicKey().toString('base64url'),
    auth: crypto.randomBytes(16).toString('base64url'),
  });
}
