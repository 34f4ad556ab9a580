// The mails Plotmeter sends, rendered into the shared layout (email-templates.ts): the test mail, alert
// notices, repeat digests and escalations. Each returns a NewEmail ready for recordEmails.
import type { HeldEvent } from '../entities/alert-notification-group.entity';
import type { AppServices } from './app-services';
import { type NewEmail, unsubscribeUrl } from './email';
import {
  DEFAULT_LOCALE,
  DEFAULT_TIME_ZONE,
  type Localisation,
  detailsTable,
  escapeHtml,
  formatDateTime,
  formatNumber,
  renderMail,
} from './email-templates';

export function renderTestMail(
  services: Pick<AppServices, 'config'>,
  input: { resellerId: string; resellerName: string; recipient: string; now?: Date } & Partial<Localisation>,
): NewEmail {
  const l = { locale: input.locale ?? DEFAULT_LOCALE, timeZone: input.timeZone ?? DEFAULT_TIME_ZONE };
  const scope = 'all';
  const table = detailsTable([
    ['Organisation', input.resellerName],
    ['Sent', formatDateTime(input.now ?? new Date(), l)],
  ]);
  const { html, text } = renderMail({
    resellerName: input.resellerName,
    title: 'Plotmeter test mail',
    html: `<p style="margin:0 0 16px 0">${escapeHtml('If you can read this, Plotmeter can send you mail.')}</p>${table.html}`,
    text: `If you can read this, Plotmeter can send you mail.\n\n${table.text}`,
    reason: 'An administrator of your organisation sent this test mail from Plotmeter.',
    unsubscribeUrl: unsubscribeUrl(services, { r: input.resellerId, e: input.recipient, s: scope }),
  });
  return {
    resellerId: input.resellerId,
    kind: 'TEST',
    recipient: input.recipient,
    subject: `[${input.resellerName}] Plotmeter test mail`,
    text,
    html,
    unsubscribeScope: scope,
  };
}

/** An alert as the mails show it (loaded by src/services/alert-notifications.ts). */
export interface AlertMailFacts {
  id: string;
  resellerId: string;
  resellerName: string;
  code: string;
  severity: string;
  status: string;
  message: string;
  component: string | null;
  raisedAt: Date | string;
  lastSeenAt: Date | string;
  occurrences: number;
  serialNumber: string | null;
  printerName: string | null;
  customerName: string | null;
  siteName: string | null;
}

export interface RuleMailContext extends Localisation {
  ruleId: string;
  ruleName: string;
  recipient: string;
}

const printerLabel = (a: AlertMailFacts) =>
  a.serialNumber ? `${a.printerName ? `${a.printerName} ` : ''}(${a.serialNumber})`.trim() : 'the portal';

function alertRows(a: AlertMailFacts, l: Localisation): [string, string][] {
  return [
    ['Severity', a.severity.toUpperCase()],
    ['Alert', a.message],
    ['Code', a.component ? `${a.code} (${a.component})` : a.code],
    ['Printer', printerLabel(a)],
    ['Customer', a.customerName ?? '-'],
    ['Site', a.siteName ?? '-'],
    ['Raised', formatDateTime(a.raisedAt, l)],
    ['Last seen', formatDateTime(a.lastSeenAt, l)],
    ['Occurrences', formatNumber(a.occurrences, l, 0)],
    ['Status', a.status],
  ];
}

function ruleMail(
  services: Pick<AppServices, 'config'>,
  kind: 'ALERT' | 'ALERT_DIGEST' | 'ESCALATION',
  a: AlertMailFacts,
  ctx: RuleMailContext,
  subject: string,
  title: string,
  intro: string,
  extra: { html: string; text: string } = { html: '', text: '' },
): NewEmail {
  const table = detailsTable(alertRows(a, ctx));
  const scope = `rule:${ctx.ruleId}`;
  const { html, text } = renderMail({
    resellerName: a.resellerName,
    title,
    html: `<p style="margin:0 0 16px 0">${escapeHtml(intro)}</p>${table.html}${extra.html}`,
    text: `${intro}\n\n${table.text}${extra.text ? `\n\n${extra.text}` : ''}`,
    reason: `You get this mail because of the alert notification rule "${ctx.ruleName}" of ${a.resellerName}.`,
    unsubscribeUrl: unsubscribeUrl(services, { r: a.resellerId, e: ctx.recipient, s: scope }),
  });
  return {
    resellerId: a.resellerId,
    kind,
    recipient: ctx.recipient,
    subject: `[${a.resellerName}] ${subject}`,
    text,
    html,
    unsubscribeScope: scope,
    alertId: a.id,
  };
}

export function renderAlertMail(
  services: Pick<AppServices, 'config'>,
  a: AlertMailFacts,
  ctx: RuleMailContext,
): NewEmail {
  return ruleMail(
    services,
    'ALERT',
    a,
    ctx,
    `${a.severity.toUpperCase()}: ${a.message} - ${printerLabel(a)}`,
    `${a.severity.toUpperCase()} alert on ${printerLabel(a)}`,
    `${a.customerName ? `${a.customerName}: ` : ''}${a.message}`,
  );
}

export function renderDigestMail(
  services: Pick<AppServices, 'config'>,
  a: AlertMailFacts,
  ctx: RuleMailContext,
  held: readonly HeldEvent[],
): NewEmail {
  const rows = held.map(
    (e) =>
      [
        formatDateTime(e.at, ctx),
        `${e.event === 'raised' ? 'raised again' : 'repeated'} (${e.severity.toUpperCase()}): ${e.message}`,
      ] as const,
  );
  const list = detailsTable(rows);
  const count = formatNumber(held.length, ctx, 0);
  return ruleMail(
    services,
    'ALERT_DIGEST',
    a,
    ctx,
    `${count} repeats: ${a.message} - ${printerLabel(a)}`,
    `${a.code} on ${printerLabel(a)}: ${count} more since the last mail`,
    `This alert came back ${count} times since the last mail. They are listed below, newest last; the alert as it stands now follows.`,
    {
      html: `<h2 style="font-size:16px;margin:16px 0 8px 0">Repeats</h2>${list.html}`,
      text: `Repeats:\n${list.text}`,
    },
  );
}

export function renderEscalationMail(
  services: Pick<AppServices, 'config'>,
  a: AlertMailFacts,
  ctx: RuleMailContext & { afterMinutes: number },
): NewEmail {
  return ruleMail(
    services,
    'ESCALATION',
    a,
    ctx,
    `ESCALATION: ${a.message} - ${printerLabel(a)} unacknowledged for ${formatNumber(ctx.afterMinutes, ctx, 0)} min`,
    `Unacknowledged for ${formatNumber(ctx.afterMinutes, ctx, 0)} minutes: ${a.severity.toUpperCase()} alert on ${printerLabel(a)}`,
    `Nobody has acknowledged this alert since it was raised. Acknowledge it in Plotmeter once someone is on it; this is the only escalation mail for it.`,
  );
}
