// Scheduled usage reports (docs/notifications.md#scheduled-reports): the send-due-reports job finds
// schedules whose last complete period has no run yet, records the run (one per schedule and period,
// so retries and concurrent workers never send twice), and mails each recipient a readable HTML
// summary per printer with a chart of media area per day — an SVG rendered to PNG on the server with
// resvg (prebuilt binaries, no install script; no text in the image, so no fonts are needed: the
// labels are HTML) and attached inline (cid:) — plus the period's meter readings as CSV, written by the
// usage export code (/export/v1/usage). resendReportRun sends a run's mails again.
import { Writable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Resvg } from '@resvg/resvg-js';
import { lastCompletePeriod } from '../domain/report-periods';
import { localDateOf } from '../domain/billing/time-zone';
import { DomainError } from '../errors/domain-error';
import { isUuid, uuidv7 } from '../lib/ids';
import type { AppServices } from './app-services';
import { writeDataExport } from './data-export';
import { type NewEmail, queueEmails, recordEmails, suppressedAddresses, unsubscribeUrl } from './email';
import { detailsTable, escapeHtml, formatDate, formatNumber, renderMail } from './email-templates';

export const SEND_DUE_REPORTS_EVERY_MS = 15 * 60_000;

interface ScheduleRow {
  id: string;
  reseller_id: string;
  reseller_name: string;
  customer_id: string;
  customer_name: string;
  frequency: 'WEEKLY' | 'MONTHLY';
  user_ids: string[];
  emails: string[];
  locale: string;
  time_zone: string;
}

export interface ReportSummary {
  printers: {
    serialNumber: string;
    name: string | null;
    jobs: number;
    pages: number;
    mediaAreaM2: number;
    inkMl: number;
  }[];
  daily: { day: string; mediaAreaM2: number }[];
}

async function summarise(
  em: EntityManager,
  s: ScheduleRow,
  period: { start: Date; end: Date },
): Promise<ReportSummary> {
  const printers = await em.execute<
    { serial_number: string; name: string | null; jobs: number; pages: number; media: number; ink: number }[]
  >(
    `select p.serial_number, coalesce(p.display_name, p.product_name) as name, count(*)::int as jobs,
       coalesce(sum(j.pages * j.copies), 0)::int as pages, coalesce(sum(j.media_area_m2), 0)::float8 as media,
       coalesce(sum(j.ink_total_ml), 0)::float8 as ink
     from printer_job j join printer p on p.id = j.printer_id
     where j.reseller_id = ? and j.customer_id = ? and j.completed_at >= ? and j.completed_at < ?
     group by p.serial_number, p.display_name, p.product_name order by p.serial_number`,
    [s.reseller_id, s.customer_id, period.start, period.end],
  );
  const days = await em.execute<{ day: string; media: number }[]>(
    `select to_char(j.completed_at at time zone ?, 'YYYY-MM-DD') as day, coalesce(sum(j.media_area_m2), 0)::float8 as media
     from printer_job j where j.reseller_id = ? and j.customer_id = ? and j.completed_at >= ? and j.completed_at < ?
     group by 1 order by 1`,
    [s.time_zone, s.reseller_id, s.customer_id, period.start, period.end],
  );
  // Every day of the period, also those without jobs (a gap in the chart is a day without prints).
  const byDay = new Map(days.map((d) => [d.day, d.media]));
  const daily: ReportSummary['daily'] = [];
  for (let t = period.start.getTime(); t < period.end.getTime(); t += 86_400_000) {
    const d = localDateOf(new Date(t + 12 * 3600_000), s.time_zone);
    const day = `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
    if (!daily.some((x) => x.day === day)) daily.push({ day, mediaAreaM2: byDay.get(day) ?? 0 });
  }
  return {
    printers: printers.map((p) => ({
      serialNumber: p.serial_number,
      name: p.name,
      jobs: p.jobs,
      pages: p.pages,
      mediaAreaM2: p.media,
      inkMl: p.ink,
    })),
    daily,
  };
}

/** A bar per day, scaled to the largest; no text (labels are in the HTML around it). */
export function chartSvg(daily: readonly { mediaAreaM2: number }[], width = 600, height = 200): string {
  const max = Math.max(0, ...daily.map((d) => d.mediaAreaM2));
  const slot = width / Math.max(1, daily.length);
  const bars = daily
    .map((d, i) => {
      const h = max > 0 ? Math.round((d.mediaAreaM2 / max) * (height - 10)) : 0;
      return `<rect x="${(i * slot + slot * 0.15).toFixed(1)}" y="${height - h}" width="${(slot * 0.7).toFixed(1)}" height="${h}" fill="#2f6fdf"/>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="${width}" height="${height}" fill="#ffffff"/><line x1="0" y1="${height - 0.5}" x2="${width}" y2="${height - 0.5}" stroke="#999"/>${bars}</svg>`;
}

export function chartPng(daily: readonly { mediaAreaM2: number }[]): Buffer {
  return Buffer.from(new Resvg(chartSvg(daily), { font: { loadSystemFonts: false } }).render().asPng());
}

async function usageCsv(
  em: EntityManager,
  s: ScheduleRow,
  period: { start: Date; end: Date },
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      callback();
    },
  });
  await em.fork().transactional((tx) =>
    writeDataExport(
      tx,
      'usage',
      'csv',
      {
        resellerId: s.reseller_id,
        customerId: s.customer_id,
        from: period.start,
        to: period.end,
      },
      sink,
    ),
  );
  return Buffer.concat(chunks);
}

function renderReport(
  services: Pick<AppServices, 'config'>,
  s: ScheduleRow,
  period: { start: Date; end: Date },
  summary: ReportSummary,
  recipient: string,
  attachments: { png: Buffer; csv: Buffer },
): NewEmail {
  const l = { locale: s.locale, timeZone: s.time_zone };
  const n = (v: number, digits = 2) => formatNumber(v, l, digits);
  const lastDay = new Date(period.end.getTime() - 1);
  const span = `${formatDate(period.start, l)} – ${formatDate(lastDay, l)}`;
  const totals = summary.printers.reduce(
    (t, p) => ({
      jobs: t.jobs + p.jobs,
      pages: t.pages + p.pages,
      media: t.media + p.mediaAreaM2,
      ink: t.ink + p.inkMl,
    }),
    { jobs: 0, pages: 0, media: 0, ink: 0 },
  );
  const headers = ['Printer', 'Jobs', 'Pages', 'Media m²', 'Ink ml'];
  const rows = summary.printers.map((p) => [
    `${p.name ?? ''} (${p.serialNumber})`.trim(),
    n(p.jobs, 0),
    n(p.pages, 0),
    n(p.mediaAreaM2),
    n(p.inkMl, 1),
  ]);
  rows.push(['Total', n(totals.jobs, 0), n(totals.pages, 0), n(totals.media), n(totals.ink, 1)]);
  const cell = (v: string, i: number, tag = 'td') =>
    `<${tag} style="padding:4px 8px;border-bottom:1px solid #e3e6ea;text-align:${i === 0 ? 'left' : 'right'}">${escapeHtml(v)}</${tag}>`;
  const tableHtml = `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:14px;margin:0 0 16px 0"><tr>${headers.map((h, i) => cell(h, i, 'th')).join('')}</tr>${rows.map((r) => `<tr>${r.map((v, i) => cell(v, i)).join('')}</tr>`).join('')}</table>`;
  const textTable = rows
    .map((r) => r.map((v, i) => (i === 0 ? v.padEnd(40) : v.padStart(12))).join(''))
    .join('\n');
  const max = Math.max(0, ...summary.daily.map((d) => d.mediaAreaM2));
  const kind = s.frequency === 'MONTHLY' ? 'Monthly' : 'Weekly';
  const scope = `report:${s.id}`;
  const overview = detailsTable([
    ['Customer', s.customer_name],
    ['Period', span],
    ['Jobs', n(totals.jobs, 0)],
    ['Media', `${n(totals.media)} m²`],
    ['Ink', `${n(totals.ink, 1)} ml`],
  ]);
  const { html, text } = renderMail({
    resellerName: s.reseller_name,
    title: `${kind} usage report: ${s.customer_name}`,
    html:
      overview.html +
      `<h2 style="font-size:16px;margin:16px 0 8px 0">Media area per day</h2>` +
      `<img src="cid:usage-chart" width="600" height="200" alt="Bar chart of media area per day, highest ${escapeHtml(n(max))} m²" style="max-width:100%;height:auto;border:1px solid #e3e6ea">` +
      `<p style="font-size:12px;color:#555;margin:4px 0 16px 0">${escapeHtml(formatDate(period.start, l))} to ${escapeHtml(formatDate(lastDay, l))}; highest day ${escapeHtml(n(max))} m²</p>` +
      `<h2 style="font-size:16px;margin:16px 0 8px 0">Per printer</h2>${tableHtml}` +
      `<p style="margin:0">The meter readings of the period are attached as CSV.</p>`,
    text: `${overview.text}\n\nPer printer:\n${textTable}\n\nThe meter readings of the period are attached as CSV.`,
    reason: `You get this ${kind.toLowerCase()} report of ${s.customer_name} from ${s.reseller_name}.`,
    unsubscribeUrl: unsubscribeUrl(services, { r: s.reseller_id, e: recipient, s: scope }),
  });
  const fileDay = (d: Date) => {
    const x = localDateOf(d, s.time_zone);
    return `${x.year}-${String(x.month).padStart(2, '0')}-${String(x.day).padStart(2, '0')}`;
  };
  return {
    resellerId: s.reseller_id,
    kind: 'REPORT',
    recipient,
    subject: `[${s.reseller_name}] ${kind} usage report ${s.customer_name}: ${span}`,
    text,
    html,
    unsubscribeScope: scope,
    attachments: [
      {
        filename: 'usage-chart.png',
        contentType: 'image/png',
        contentBase64: attachments.png.toString('base64'),
        cid: 'usage-chart',
      },
      {
        filename: `usage-${fileDay(period.start)}-${fileDay(lastDay)}.csv`,
        contentType: 'text/csv; charset=utf-8',
        contentBase64: attachments.csv.toString('base64'),
      },
    ],
  };
}

const SCHEDULE_SELECT = `select s.id, s.reseller_id, r.name as reseller_name, s.customer_id, c.name as customer_name, s.frequency,
  s.user_ids, s.emails, s.locale, s.time_zone
  from report_schedule s join reseller r on r.id = s.reseller_id join customer c on c.id = s.customer_id`;

/** Sends every enabled schedule's last complete period that has no run yet. Returns the runs made. */
export async function sendDueReports(services: AppServices, now = new Date()): Promise<{ runs: string[] }> {
  const em = services.orm.em.fork();
  const schedules = await em.execute<ScheduleRow[]>(
    `${SCHEDULE_SELECT} where s.enabled order by s.created_at`,
  );
  const runs: string[] = [];
  for (const s of schedules) {
    const period = lastCompletePeriod(s.frequency, s.time_zone, now);
    const [claimed] = await em.execute<{ id: string }[]>(
      `insert into report_run (id, reseller_id, schedule_id, period_start, period_end, summary, message_ids, created_at)
       values (?, ?, ?, ?, ?, '{}'::jsonb, '[]'::jsonb, now()) on conflict (schedule_id, period_start) do nothing returning id`,
      [uuidv7(), s.reseller_id, s.id, period.start, period.end],
    );
    if (!claimed) continue;
    try {
      const summary = await summarise(em, s, period);
      const attachments = { png: chartPng(summary.daily), csv: await usageCsv(em, s, period) };
      const users = s.user_ids.length
        ? await em.execute<{ email: string }[]>(
            `select email from app_user where reseller_id = ? and disabled_at is null and id in (select (jsonb_array_elements_text(?::jsonb))::uuid)`,
            [s.reseller_id, JSON.stringify(s.user_ids)],
          )
        : [];
      const all = [...new Set([...users.map((u) => u.email.toLowerCase()), ...s.emails])];
      const suppressed = await suppressedAddresses(em, s.reseller_id, all, `report:${s.id}`);
      const mails = all
        .filter((a) => !suppressed.has(a))
        .map((a) => renderReport(services, s, period, summary, a, attachments));
      const ids = await em.transactional(async (tx) => {
        const recorded = await recordEmails(tx, mails);
        await tx.execute(`update report_run set summary = ?::jsonb, message_ids = ?::jsonb where id = ?`, [
          JSON.stringify(summary),
          JSON.stringify(recorded),
          claimed.id,
        ]);
        return recorded;
      });
      await queueEmails(services, s.reseller_id, ids);
      runs.push(claimed.id);
    } catch (error) {
      // Unclaim, so the next scheduler run tries this period again.
      await em.execute(`delete from report_run where id = ? and message_ids = '[]'::jsonb`, [claimed.id]);
      services.log.error({ err: error, scheduleId: s.id }, 'scheduled report not sent');
    }
  }
  return { runs };
}

/** Records copies of a run's first mails (same content, fresh retries) and returns their ids; queue after commit. */
export async function resendReportRun(
  em: EntityManager,
  resellerId: string,
  runId: string,
): Promise<string[]> {
  if (!isUuid(runId))
    throw new DomainError('BAD_USER_INPUT', `id: expected a report run id (uuid), got "${runId}"`, 'id');
  const [run] = await em.execute<{ id: string; message_ids: string[] }[]>(
    `select id, message_ids from report_run where id = ? and reseller_id = ?`,
    [runId, resellerId],
  );
  if (!run) throw new DomainError('NOT_FOUND', 'report run not found', 'id');
  const copies = await em.execute<{ id: string }[]>(
    `insert into email_message (id, reseller_id, kind, recipient, subject, text_body, html_body, attachments, unsubscribe_scope, alert_id, status, attempts, created_at)
     select gen_random_uuid(), reseller_id, kind, recipient, subject, text_body, html_body, attachments, unsubscribe_scope, alert_id, 'PENDING', 0, now()
     from email_message where reseller_id = ? and id in (select (jsonb_array_elements_text(?::jsonb))::uuid)
     returning id`,
    [resellerId, JSON.stringify(run.message_ids)],
  );
  // The run keeps the ids of the mails first sent; the copies show in emailMessages(kind: REPORT).
  return copies.map((c) => c.id);
}
