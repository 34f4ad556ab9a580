// Creating and changing alert notification rules, with every input checked and a bad one named by
// its field (docs/notifications.md#alert-notifications). Ids must name rows of the caller's reseller.
import type { EntityManager } from '@mikro-orm/postgresql';
import { parseTimeOfDay } from '../domain/notification-rules';
import { isSeverity } from '../domain/severity';
import type { SeverityValue } from '../entities/base';
import { NotificationRule } from '../entities/notification-rule.entity';
import { Reseller } from '../entities/reseller.entity';
import { isUuid } from '../lib/ids';
import { DomainError } from '../errors/domain-error';
import { normaliseAddresses } from './email';
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, canonicalLocale, validTimeZone } from './email-templates';

export const MAX_RULES_PER_RESELLER = 100;
export const MAX_LIST_LENGTH = 200;
export const MAX_GROUP_WINDOW_MINUTES = 24 * 60;
export const MAX_ESCALATE_AFTER_MINUTES = 7 * 24 * 60;

export interface NotificationRuleInput {
  name?: string | null;
  enabled?: boolean | null;
  minSeverity?: string | null;
  customerIds?: readonly string[] | null;
  siteIds?: readonly string[] | null;
  printerIds?: readonly string[] | null;
  userIds?: readonly string[] | null;
  emails?: readonly string[] | null;
  locale?: string | null;
  timeZone?: string | null;
  quietHours?: { start: string; end: string; overrideMinSeverity?: string | null } | null;
  groupWindowMinutes?: number | null;
  escalateAfterMinutes?: number | null;
  escalationUserIds?: readonly string[] | null;
  escalationEmails?: readonly string[] | null;
}

const bad = (field: string, message: string) =>
  new DomainError('BAD_USER_INPUT', `${field}: ${message}`, field);

const TABLE_OF = {
  customerIds: ['customer', 'customer'],
  siteIds: ['site', 'site'],
  printerIds: ['printer', 'printer'],
  userIds: ['app_user', 'user'],
  escalationUserIds: ['app_user', 'user'],
} as const;

/** The ids, deduplicated, each a row of this reseller (users: enabled ones). */
async function ownIds(
  em: EntityManager,
  resellerId: string,
  field: keyof typeof TABLE_OF,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length > MAX_LIST_LENGTH) throw bad(field, `at most ${MAX_LIST_LENGTH} ids`);
  const unique = [...new Set(ids)];
  unique.forEach((id, i) => {
    if (!isUuid(id)) throw bad(`${field}[${i}]`, `expected an id (uuid), got "${id}"`);
  });
  if (unique.length === 0) return [];
  const [table, what] = TABLE_OF[field];
  const found = await em.execute<{ id: string }[]>(
    `select id from ${table} where reseller_id = ? and id in (select (jsonb_array_elements_text(?::jsonb))::uuid)${table === 'app_user' ? ' and disabled_at is null' : ''}`,
    [resellerId, JSON.stringify(unique)],
  );
  const known = new Set(found.map((r) => r.id));
  const missing = unique.findIndex((id) => !known.has(id));
  if (missing >= 0)
    throw bad(`${field}[${missing}]`, `no ${what} with id ${unique[missing]} in your organisation`);
  return unique;
}

function integer(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw bad(field, `must be a whole number ${min}-${max}`);
  return value;
}

function severity(field: string, value: string): SeverityValue {
  const lower = value.toLowerCase();
  if (!isSeverity(lower)) throw bad(field, 'must be INFO, WARNING, ERROR or CRITICAL');
  return lower;
}

function addresses(field: string, list: readonly string[]): string[] {
  if (list.length > MAX_LIST_LENGTH) throw bad(field, `at most ${MAX_LIST_LENGTH} addresses`);
  return normaliseAddresses(list, field);
}

type RuleFields = Pick<
  NotificationRule,
  | 'name'
  | 'enabled'
  | 'minSeverity'
  | 'customerIds'
  | 'siteIds'
  | 'printerIds'
  | 'userIds'
  | 'emails'
  | 'locale'
  | 'timeZone'
  | 'quietStart'
  | 'quietEnd'
  | 'quietOverrideMinSeverity'
  | 'groupWindowMinutes'
  | 'escalateAfterMinutes'
  | 'escalationUserIds'
  | 'escalationEmails'
>;

/**
 * The rule's fields with the input applied, all checked, as a new object: the caller assigns them only
 * when everything is valid (a refused mutation still commits its transaction, so nothing half-changed
 * may be left on a managed entity).
 */
async function apply(
  em: EntityManager,
  resellerId: string,
  current: RuleFields,
  input: NotificationRuleInput,
): Promise<RuleFields> {
  const rule: RuleFields = { ...current };
  if (input.name != null) {
    const name = input.name.trim();
    if (!name || name.length > 200) throw bad('name', 'must be 1-200 characters');
    rule.name = name;
  }
  if (input.enabled != null) rule.enabled = input.enabled;
  if (input.minSeverity != null) rule.minSeverity = severity('minSeverity', input.minSeverity);
  for (const field of ['customerIds', 'siteIds', 'printerIds', 'userIds', 'escalationUserIds'] as const) {
    const value = input[field];
    if (value != null) rule[field] = await ownIds(em, resellerId, field, value);
  }
  if (input.emails != null) rule.emails = addresses('emails', input.emails);
  if (input.escalationEmails != null)
    rule.escalationEmails = addresses('escalationEmails', input.escalationEmails);
  if (input.locale != null) {
    const locale = canonicalLocale(input.locale);
    if (!locale)
      throw bad(
        'locale',
        `"${input.locale}" is not a language tag this server knows (e.g. en, de-DE, fr-CH)`,
      );
    rule.locale = locale;
  }
  if (input.timeZone != null) {
    const zone = validTimeZone(input.timeZone);
    if (!zone) throw bad('timeZone', `"${input.timeZone}" is not an IANA time zone (e.g. Europe/Berlin)`);
    rule.timeZone = zone;
  }
  if (input.quietHours !== undefined) {
    if (input.quietHours === null) {
      rule.quietStart = rule.quietEnd = rule.quietOverrideMinSeverity = null;
    } else {
      const { start, end, overrideMinSeverity } = input.quietHours;
      if (parseTimeOfDay(start) === null) throw bad('quietHours.start', 'must be a time HH:MM (00:00-23:59)');
      if (parseTimeOfDay(end) === null) throw bad('quietHours.end', 'must be a time HH:MM (00:00-23:59)');
      if (start === end) throw bad('quietHours.end', 'must differ from start');
      rule.quietStart = start;
      rule.quietEnd = end;
      rule.quietOverrideMinSeverity =
        overrideMinSeverity == null ? null : severity('quietHours.overrideMinSeverity', overrideMinSeverity);
    }
  }
  if (input.groupWindowMinutes != null)
    rule.groupWindowMinutes = integer(
      'groupWindowMinutes',
      input.groupWindowMinutes,
      0,
      MAX_GROUP_WINDOW_MINUTES,
    );
  if (input.escalateAfterMinutes !== undefined)
    rule.escalateAfterMinutes =
      input.escalateAfterMinutes === null
        ? null
        : integer('escalateAfterMinutes', input.escalateAfterMinutes, 1, MAX_ESCALATE_AFTER_MINUTES);
  if (rule.userIds.length === 0 && rule.emails.length === 0)
    throw bad('emails', 'name at least one recipient (userIds or emails)');
  if (rule.escalateAfterMinutes && rule.escalationUserIds.length === 0 && rule.escalationEmails.length === 0)
    throw bad(
      'escalationEmails',
      'escalation needs at least one recipient (escalationUserIds or escalationEmails)',
    );
  return rule;
}

export async function createNotificationRule(
  em: EntityManager,
  resellerId: string,
  input: NotificationRuleInput & { name: string; minSeverity: string },
): Promise<NotificationRule> {
  const count = await em.count(NotificationRule, { reseller: resellerId });
  if (count >= MAX_RULES_PER_RESELLER)
    throw new DomainError(
      'BAD_USER_INPUT',
      `at most ${MAX_RULES_PER_RESELLER} notification rules per organisation`,
    );
  const fields = await apply(
    em,
    resellerId,
    {
      name: '',
      enabled: true,
      minSeverity: 'error',
      customerIds: [],
      siteIds: [],
      printerIds: [],
      userIds: [],
      emails: [],
      locale: DEFAULT_LOCALE,
      timeZone: DEFAULT_TIME_ZONE,
      quietStart: null,
      quietEnd: null,
      quietOverrideMinSeverity: null,
      groupWindowMinutes: 15,
      escalateAfterMinutes: null,
      escalationUserIds: [],
      escalationEmails: [],
    },
    input,
  );
  const rule = em.create(NotificationRule, { reseller: em.getReference(Reseller, resellerId), ...fields });
  await em.flush();
  return rule;
}

export async function findNotificationRule(em: EntityManager, resellerId: string, id: string) {
  if (!isUuid(id)) throw bad('id', `expected a notification rule id (uuid), got "${id}"`);
  const rule = await em.findOne(NotificationRule, { id, reseller: resellerId });
  if (!rule) throw new DomainError('NOT_FOUND', 'notification rule not found', 'id');
  return rule;
}

export async function updateNotificationRule(
  em: EntityManager,
  resellerId: string,
  id: string,
  input: NotificationRuleInput,
): Promise<NotificationRule> {
  const rule = await findNotificationRule(em, resellerId, id);
  const fields = await apply(em, resellerId, rule, input);
  Object.assign(rule, fields, { updatedAt: new Date() });
  await em.flush();
  return rule;
}
