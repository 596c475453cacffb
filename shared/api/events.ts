import { z } from 'zod';
import { scanOutcomeSchema } from './schemas.js';

/** Push events from main to every signed-in window, through the same transports as calls. */
export const eventSchemas = {
  verdict: scanOutcomeSchema,
  scannerStatus: z.object({
    scannerId: z.string(),
    name: z.string().optional(),
    state: z.enum(['connecting', 'connected', 'disconnected', 'error']),
    reason: z.string().optional(),
    at: z.string(),
  }),
  importProgress: z.object({ phase: z.enum(['reading', 'merging', 'done', 'failed']), bytes: z.number(), totalBytes: z.number().nullable(), rows: z.number(), rowsPerSecond: z.number(), error: z.string().optional() }),
  syncProgress: z.object({ batchId: z.string().nullable(), state: z.string(), sent: z.number(), total: z.number(), message: z.string().optional() }),
  /** A scan taken during the scanner live test: shown in Settings, never recorded. */
  scannerTest: z.object({ scannerId: z.string(), text: z.string(), symbology: z.string().optional(), fault: z.string().optional(), at: z.string() }),
  /** Something a supervisor should see that does not stop scanning (e.g. an automatic backup failed). */
  notice: z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
  /** The station cannot record (disk full, database read-only or locked…): scanning must stop, loudly. */
  stationFault: z.object({ fault: z.string().nullable() }),
  /** The session locked (idle, or asked): cover the screen; only the same operator's PIN unlocks it (LOCK-DESIGN.md). */
  sessionLocked: z.object({ operator: z.string(), reason: z.enum(['idle', 'requested']) }),
  /** A hardware scan refused because no one unlocked is signed in: sound and say "sign in to scan". */
  scanRefused: z.object({ scanner: z.string(), reason: z.string(), at: z.string() }),
} as const;

export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;
export interface ApiEvent<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}
