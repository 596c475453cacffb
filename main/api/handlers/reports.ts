import { renderDayReport } from '../../reports/day-report-pdf.js';
import { dayReport } from '../../store/report-queries.js';
import type { Handlers } from '../router.js';

export const reportHandlers: Partial<Handlers> = {
  'reports.day': (station, _s, input) => dayReport(station.store.db, input, station.clock().toISOString()),
  'reports.pdf': async (station, _s, input) => {
    const now = station.clock();
    const report = dayReport(station.store.db, input, now.toISOString());
    const local = new Date(now.getTime() + input.utcOffsetMinutes * 60_000);
    const printedAt = local.toLocaleString('en-US', { timeZone: 'UTC', dateStyle: 'long', timeStyle: 'short' });
    const pdf = await renderDayReport(report, {
      station: station.stationName,
      election: station.store.config.get('electionName') ?? station.store.config.get('election') ?? 'no election set',
      dayLabel: input.dayLabel,
      printedAt,
    });
    const day = new Date(Date.parse(input.from) + input.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
    return { filename: `day-report-${station.stationName.replace(/[^A-Za-z0-9_-]/g, '_')}-${day}.pdf`, pdfBase64: Buffer.from(pdf).toString('base64') };
  },
};
