// The one layout every Plotmeter mail shares: the reseller's name as the sender people recognise, a
// plain-text part and an HTML part with the same content, and a footer with the unsubscribe link. Dates
// and numbers are formatted with Intl for the recipient's locale and time zone. Everything interpolated
// into HTML goes through escapeHtml; the HTML uses inline styles only (mail clients drop <style>).

export const DEFAULT_LOCALE = 'en';
export const DEFAULT_TIME_ZONE = 'UTC';

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A BCP 47 tag Intl knows (canonicalised), or null. */
export function canonicalLocale(locale: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(locale);
    return canonical && Intl.DateTimeFormat.supportedLocalesOf([canonical]).length > 0 ? canonical : null;
  } catch {
    return null;
  }
}

/** An IANA time zone Intl knows, or null. */
export function validTimeZone(timeZone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export interface Localisation {
  locale: string;
  timeZone: string;
}

export function formatDateTime(value: Date | string, l: Localisation): string {
  // dateStyle/timeStyle cannot name the zone, so the fields are spelled out.
  return new Intl.DateTimeFormat(l.locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: l.timeZone,
    timeZoneName: 'short',
  }).format(new Date(value));
}

export function formatDate(value: Date | string, l: Localisation): string {
  return new Intl.DateTimeFormat(l.locale, { dateStyle: 'long', timeZone: l.timeZone }).format(
    new Date(value),
  );
}

export function formatNumber(
  value: number,
  l: Pick<Localisation, 'locale'>,
  maximumFractionDigits = 2,
): string {
  return new Intl.NumberFormat(l.locale, { maximumFractionDigits }).format(value);
}

export interface MailContent {
  resellerName: string;
  /** The heading, also the first line of the text part. */
  title: string;
  /** HTML of the body (already escaped where it interpolates data). */
  html: string;
  /** The same content as plain text. */
  text: string;
  /** Why the recipient gets this mail, shown in the footer. */
  reason: string;
  unsubscribeUrl?: string | null;
}

export function renderMail(content: MailContent): { html: string; text: string } {
  const reseller = escapeHtml(content.resellerName);
  const footerHtml = [
    `<p style="margin:0 0 6px 0">${escapeHtml(content.reason)}</p>`,
    content.unsubscribeUrl
      ? `<p style="margin:0"><a href="${escapeHtml(content.unsubscribeUrl)}" style="color:#555">Unsubscribe or change preferences</a></p>`
      : '',
  ].join('');
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(content.title)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1d2330">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="max-width:640px;width:100%;background:#ffffff;border-radius:6px">
<tr><td style="padding:16px 24px;border-bottom:1px solid #e3e6ea;font-size:14px;color:#555">${reseller}</td></tr>
<tr><td style="padding:24px"><h1 style="margin:0 0 16px 0;font-size:20px">${escapeHtml(content.title)}</h1>
${content.html}
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e3e6ea;font-size:12px;color:#555">${footerHtml}</td></tr>
</table></td></tr></table></body></html>
`;
  const text = [
    content.title,
    '='.repeat(Math.min(72, content.title.length)),
    '',
    content.text.trim(),
    '',
    '-- ',
    content.resellerName,
    content.reason,
    ...(content.unsubscribeUrl ? [`Unsubscribe or change preferences: ${content.unsubscribeUrl}`] : []),
    '',
  ].join('\n');
  return { html, text };
}

/** A two-column table of label/value rows, in HTML and as aligned text. */
export function detailsTable(rows: readonly (readonly [string, string])[]): { html: string; text: string } {
  const html = `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:14px;margin:0 0 16px 0">${rows
    .map(
      ([label, value]) =>
        `<tr><td style="padding:4px 16px 4px 0;color:#555;vertical-align:top">${escapeHtml(label)}</td><td style="padding:4px 0">${escapeHtml(value)}</td></tr>`,
    )
    .join('')}</table>`;
  const width = Math.max(...rows.map(([label]) => label.length));
  const text = rows.map(([label, value]) => `${(label + ':').padEnd(width + 2)}${value}`).join('\n');
  return { html, text };
}
