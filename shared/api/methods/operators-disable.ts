import { z } from 'zod';
import { empty, method } from '../define.js';
import { text } from '../schemas.js';

/**
 * MINIMAL STAND-IN by helper H9 for the Settings screen: helper H1 is adding `operators.disable`
 * through the one action layer. When H1's lands, drop this file, its handler
 * (main/api/handlers/operators-disable.ts) and their two registration lines.
 */
export const operatorDisableMethods = {
  'operators.disable': method({ role: 'supervisor', writes: true, input: z.object({ name: text(40) }).strict(), output: empty }),
} as const;
