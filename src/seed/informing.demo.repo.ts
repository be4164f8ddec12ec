/**
 * Announcements of the demo union: one important from the central council (unread by the demo chairs), a
 * regional one to the chairs of primaries and one to everybody (read by some), union news for the members,
 * a territorial draft, an edited one (its history) and one archived by the expiry job. A few more chairs of primaries of the demo territorial organisation make the
 * receipts page worth looking at.
 */
import { db } from '../db';
import { loadActor } from '../modules/auth/auth.repo';
import { addDays, today } from '../lib/dates';
import { SYSTEM_ACTOR } from '../policy/actor';
import {
  archiveExpiredAnnouncements,
  createAnnouncement,
  editAnnouncement,
  readAnnouncement,
} from '../modules/announcements/announcements.service';
import type { Audience } from '../modules/audience/audience.input';
import type { BuiltOrg } from './builders.repo';
import { buildUser } from './builders.repo';

const everyone: Audience = { kinds: [], roles: [], orgIds: [], members: false };

async function actorOf(login: string) {
  const u = await db().user.findUniqueOrThrow({ where: { login } });
  return (await loadActor(u.id, 'session'))!;
}

export async function buildInformingDemo(
  central: BuiltOrg,
  orgs: { regional: BuiltOrg; territorial: BuiltOrg },
  password: string,
): Promise<void> {
  // Chairs of the territorial organisation's primaries (demo-chair-1…12, the demo password).
  const primaries = await db().organisation.findMany({
    where: { parentId: orgs.territorial.id, kind: 'PRIMARY' },
    orderBy: { nameKey: 'asc' },
    take: 12,
    select: { id: true },
  });
  const SURNAMES = [
    'Алексеева',
    'Борисов',
    'Волкова',
    'Григорьев',
    'Ёлкина',
    'Жукова',
    'Зайцев',
    'Ильина',
    'Козлов',
    'Лебедева',
    'Макаров',
    'Никитина',
  ];
  const chairs: string[] = [];
  for (const [i, p] of primaries.entries())
    chairs.push(
      (
        await buildUser({
          login: `demo-chair-${i + 1}`,
          fullName: `${SURNAMES[i % SURNAMES.length]} (председатель ППО, демо)`,
          password,
          isDemo: true,
          roles: [{ role: 'CHAIR', org: p }],
        })
      ).id,
    );
  const admin = await actorOf('demo-central');
  const regional = await actorOf('demo-regional');
  const territorial = await actorOf('demo-territorial');

  await createAnnouncement(
    admin,
    central,
    {
      data: {
        title: 'Переход на электронный профсоюзный билет: сроки',
        body:
          'Уважаемые коллеги!\n\nДо конца года все первичные организации завершают обмен профсоюзных билетов на электронные. ' +
          'Порядок и ответы на частые вопросы — на сайте Профсоюза: https://www.eseur.ru\n\nПросим довести информацию до каждого члена Профсоюза.',
        important: true,
      },
      audience: everyone,
    },
    true,
  );
  const meeting = await createAnnouncement(
    regional,
    orgs.regional,
    {
      data: {
        title: 'Совещание председателей первичных организаций',
        body: 'Совещание пройдёт в режиме видеоконференции в четверг в 15:00.\nСсылка будет разослана накануне.',
        important: false,
      },
      audience: { kinds: ['PRIMARY'], roles: ['CHAIR'], orgIds: [], members: false },
    },
    true,
  );
  const campaign = await createAnnouncement(
    regional,
    orgs.regional,
    {
      data: {
        title: 'Отчётная кампания: статистические отчёты до 20 января',
        body: 'Статистические отчёты первичных организаций принимаются в реестре до 20 января.',
        important: false,
      },
      audience: everyone,
    },
    true,
  );
  await createAnnouncement(
    admin,
    central,
    {
      data: {
        title: 'Новые партнёры бонусной программы',
        body: 'К бонусной программе Профсоюза присоединились новые партнёры: скидки для членов Профсоюза по электронному билету.',
        important: false,
      },
      audience: { ...everyone, members: true },
    },
    true,
  );
  await createAnnouncement(
    territorial,
    orgs.territorial,
    {
      data: { title: 'Семинар для профсоюзного актива (черновик)', body: 'Дата уточняется.', important: false },
      audience: everyone,
    },
    false,
  );

  // Edited after publication: the earlier text stays in the history the publisher sees.
  const c = await db().announcement.findUniqueOrThrow({ where: { id: campaign.id } });
  await editAnnouncement(regional, c, c.version, {
    title: c.title,
    body: `${c.body}\nОтчёты профбюро и профгрупп входят в отчёт своей первичной организации.`,
    important: false,
  });
  // Past its last day of showing: the nightly job archived it; only the publisher still opens it.
  await createAnnouncement(
    regional,
    orgs.regional,
    {
      data: {
        title: 'Приём заявок на летнюю школу профактива (завершён)',
        body: 'Заявки на летнюю школу профсоюзного актива принимались до конца прошлого месяца.',
        important: false,
        publishOn: addDays(today(), -60),
        expiresOn: addDays(today(), -30),
      },
      audience: everyone,
    },
    true,
  );
  await archiveExpiredAnnouncements(SYSTEM_ACTOR);

  // Some have read: two thirds of the chairs read the meeting, the territorial chair and the viewer the campaign.
  const readers = await Promise.all(chairs.map((id) => loadActor(id, 'session')));
  for (const [i, r] of readers.entries()) {
    if (r && i % 3 !== 2) await readAnnouncement(r, { id: meeting.id, reminderOfId: null });
    if (r && i % 2 === 0) await readAnnouncement(r, { id: campaign.id, reminderOfId: null });
  }
  await readAnnouncement(territorial, { id: campaign.id, reminderOfId: null });
  await readAnnouncement(await actorOf('demo-viewer'), { id: campaign.id, reminderOfId: null });
}
