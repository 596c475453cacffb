import { z } from 'zod';
import { method } from '../define.js';

/** The supervisor's day report (Reports screen) and its printable PDF. */
const dayInput = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60),
    /** The day as the reader says it ("Tuesday, November 3, 2026"), printed on the PDF. */
    dayLabel: z.string().trim().min(1).max(80),
  })
  .strict()
  .refine((v) => Date.parse(v.from) < Date.parse(v.to) && Date.parse(v.to) - Date.parse(v.from) <= 8 * 86_400_000, 'The report covers from one moment to a later one, at most a week apart.');

const dayReportSchema = z.object({
  receiptsPerHour: z.array(z.object({ hour: z.string(), station: z.string(), operator: z.string(), count: z.number() })),
  problemsPerHour: z.array(z.object({ hour: z.string(), verdict: z.string(), count: z.number() })),
  curePipeline: z.array(z.object({ state: z.string(), deadlineDay: z.string().nullable(), count: z.number(), overdue: z.number() })),
  openBatches: z.array(
    z.object({ batchId: z.string(), number: z.number(), station: z.string(), status: z.string(), closedAt: z.string().nullable(), scanned: z.number(), handCount: z.number().nullable(), sync: z.string().nullable() }),
  ),
  totals: z.object({ receipts: z.number(), problems: z.number(), scans: z.number(), openCureCases: z.number() }),
});

export const reportMethods = {
  'reports.day': method({ role: 'supervisor', writes: false, input: dayInput, output: dayReportSchema }),
  'reports.pdf': method({ role: 'supervisor', writes: false, input: dayInput, output: z.object({ filename: z.string(), pdfBase64: z.string() }) }),
} as const;
