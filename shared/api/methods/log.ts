import { z } from 'zod';
import { method } from '../define.js';
import { oplogEntrySchema } from '../../oplog/events.js';

export const logMethods = {
  /** The station log's last events, oldest first (Settings → Station log), and where the file is. */
  'log.tail': method({
    role: 'supervisor',
    writes: false,
    input: z.object({ lines: z.number().int().min(1).max(1000).default(200) }).strict(),
    output: z.object({ file: z.string().nullable(), entries: z.array(oplogEntrySchema) }),
  }),
} as const;
