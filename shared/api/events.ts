import { z } from 'zod';
import { hidPosLayoutStatusSchema } from '../scanner/config.js';
import { scanOutcomeSchema } from './schemas.js';

/** Push events from main to every signed-in window (and, when locked, only EVENTS_WHEN_LOCKED), through the same transports as calls. */
export const eventSchemas = {
  verdict: scanOutcomeSchema,
  scannerStatus: z.object({
    scannerId: z.string(),
    name: z.string().optional(),
    state: z.enum(['connecting', 'connected', 'disconnected', 'error']),
    reason: z.string().optional(),
    at: z.string(),
    /** HID POS scanners: the report layout in use and how it was chosen (detected: confirm it in the live test). */
    hidPosLayout: hidPosLayoutStatusSchema.optional(),
  }),
  importProgress: z.object({ phase: z.enum(['reading', 'merging', 'done', 'failed']), bytes: z.number(), totalBytes: z.number().nullable(), rows: z.number(), rowsPerSecond: z.number(), error: z.string().optional() }),
  syncProgress: z.object({ batchId: z.string().nullable(), state: z.string(), sent: z.number(), total: z.number(), message: z.string().optional() }),
  /** A scan taken during the scanner live test: shown in Settings, never recorded. */
  scannerTest: z.object({ scannerId: z.string(), text: z.string(), symbology: z.string().optional(), fault: z.string().optional(), at: z.string(), hidPosLayout: hidPosLayoutStatusSchema.optional() }),
  /** Something a supervisor should see that does not stop scanning (e.g. an automatic backup failed). */
  notice: z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
  /** The station cannot record (disk full, database read-only or locked…): scanning must stop, loudly. */
  stationFault: z.object({ fault: z.string().nullable() }),
  /** This window's screen locked (idle, or asked for): cover it; only the same operator's PIN unlocks. */
  sessionLocked: z.object({ operator: z.string(), reason: z.enum(['idle', 'requested']) }),
  /** A hardware scan with no one signed in and unlocked: not recorded; every screen says "sign in to scan". */
  scanRefused: z.object({ scanner: z.string(), reason: z.string(), at: z.string() }),
} as const;

/** The events a locked or signed-out window still receives: none carries a voter's data. */
export const EVENTS_WHEN_LOCKED: ReadonlySet<EventName> = new Set<EventName>(['sessionLocked', 'scanRefused', 'stationFault']);

export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;
export interface ApiEvent<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}
