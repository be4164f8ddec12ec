/**
 * Registry indicators: what a statistical form can take from the registry as of a date. Each is counted for
 * a reporting unit's own part (a primary organisation with its профбюро and профгруппы; a territorial,
 * regional or central organisation's own apparatus) and summed up the tree, so a parent's figure is always the
 * sum of its parts. Names are stable: templates refer to them.
 */
export const INDICATORS: Record<string, string> = {
  members_total: 'Членов Профсоюза (на электронном учёте)',
  members_working: 'Членов Профсоюза — работающих',
  members_students: 'Членов Профсоюза — обучающихся',
  members_pensioners: 'Членов Профсоюза — неработающих пенсионеров',
  members_women: 'Из членов Профсоюза — женщин',
  members_youth: 'Из членов Профсоюза — молодёжи до 35 лет',
  members_working_women: 'Работающих членов Профсоюза — женщин',
  members_working_youth: 'Работающих членов Профсоюза — до 35 лет',
  admitted: 'Принято в Профсоюз за год',
  exits_total: 'Выбыло за год, всего',
  exits_voluntary: 'Вышло по собственному желанию',
  exits_excluded: 'Исключено',
  exits_dismissed: 'Выбыло в связи с увольнением',
  exits_graduated: 'Выбыло в связи с окончанием обучения',
  exits_died: 'Умерло',
  transfers_in: 'Поставлено на учёт переводом',
  transfers_out: 'Снято с учёта переводом',
  org_primary: 'Первичных профсоюзных организаций',
  org_primary_small: 'ППО с числом членов менее 15',
  org_primary_empty: 'ППО, не начавших работу в реестре (нет членов)',
  org_primary_doo: 'ППО в ДОО', org_primary_oo: 'ППО в ОО', org_primary_udo: 'ППО в УДО', org_primary_poo: 'ППО в ПОО',
  org_primary_oovo: 'ППО в ООВО', org_primary_science: 'ППО в научных организациях', org_primary_authority: 'ППО в органах управления образованием',
  org_primary_other: 'ППО в прочих организациях',
  org_primary_territorial_rights: 'ППО с правами территориальной',
  org_territorial: 'Территориальных организаций',
  org_profburo: 'Профбюро', org_profgroup: 'Профгрупп',
  chairs: 'Председателей', chairs_women: 'Председателей — женщин', chairs_men: 'Председателей — мужчин',
  chairs_age_under35: 'Председателей до 35 лет', chairs_age_35_55: 'Председателей 35–55 лет', chairs_age_over55: 'Председателей старше 55 лет',
  chairs_tenure_under5: 'Председателей со стажем в должности до 5 лет', chairs_tenure_5_10: 'со стажем 5–10 лет', chairs_tenure_over10: 'со стажем более 10 лет',
  chairs_paid: 'Председателей — штатных (оплачиваемых)', chairs_volunteer: 'Председателей — на общественных началах',
  committee_members: 'Членов профкомов', audit_members: 'Членов ревизионных комиссий', profgroup_organisers: 'Профгрупоргов',
  profburo_chairs: 'Председателей профбюро', safety_reps: 'Уполномоченных по охране труда', registry_officers: 'Ответственных за работу в реестре',
  paid_staff: 'Штатных работников аппарата', paid_staff_elected: 'из них выборных',
  cards_plastic: 'Выдано пластиковых билетов (действуют)', cards_virtual: 'Выдано виртуальных билетов (действуют)', cards_total: 'Членов с электронным билетом',
};
export type IndicatorValues = Record<string, number>;
