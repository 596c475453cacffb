import { renderDayReport } from '../reports/day-report-pdf.js';
import type { DayReportInput } from '../store/report-queries.js';
import { authorize, type ActionContext, type Actor } from './context.js';

/** The day's report for the Reports screen. */
export function dayReport(ctx: ActionContext, actor: Actor | null, input: DayReportInput) {
  authorize(actor, 'reports.day');
  return ctx.store.reports.day(input, ctx.clock().toISOString());
}

/** The same report as a printable PDF, named for the station and the local day. */
export async function dayReportPdf(ctx: ActionContext, actor: Actor | null, input: DayReportInput & { utcOffsetMinutes: number; dayLabel: string }) {
  authorize(actor, 'reports.pdf');
  const now = ctx.clock();
  const report = ctx.store.reports.day(input, now.toISOString());
  const local = new Date(now.getTime() + input.utcOffsetMinutes * 60_000);
  const printedAt = local.toLocaleString('en-US', { timeZone: 'UTC', dateStyle: 'long', timeStyle: 'short' });
  const pdf = await renderDayReport(report, {
    station: ctx.stationName,
    election: ctx.store.config.get('electionName') ?? ctx.store.config.get('election') ?? 'no election set',
    dayLabel: input.dayLabel,
    printedAt,
  });
  const day = new Date(Date.parse(input.from) + input.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
  return { filename: `day-report-${ctx.stationName.replace(/[^A-Za-z0-9_-]/g, '_')}-${day}.pdf`, pdfBase64: Buffer.from(pdf).toString('base64') };
}
