// The mails Plotmeter sends, rendered into the shared layout (email-templates.ts): the test mail, alert
// notices, repeat digests and escalations. Each returns a NewEmail ready for recordEmails.
import type { AppServices } from './app-services';
import { type NewEmail, unsubscribeUrl } from './email';
import {
  DEFAULT_LOCALE,
  DEFAULT_TIME_ZONE,
  type Localisation,
  detailsTable,
  escapeHtml,
  formatDateTime,
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
