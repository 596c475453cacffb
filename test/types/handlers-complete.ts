/**
 * Type-level checks, run by `tsc --noEmit` (test/ is in tsconfig.json): a handler group or the
 * whole router's set with a method missing does not compile. If one of these lines stopped
 * being an error, its @ts-expect-error would itself fail the typecheck.
 */
import { buildHandlers } from '../../main/api/handlers/index.js';
import { intakeHandlers } from '../../main/api/handlers/intake.js';
import type { Handlers, HandlersFor } from '../../main/api/router.js';
import type { batchMethods, intakeMethods } from '../../shared/api/methods/core.js';

const { 'batches.close': _closeRemoved, ...withoutClose } = intakeHandlers;
// @ts-expect-error a group without its batches.close handler is not the complete mapping of its methods
export const incompleteGroup: HandlersFor<typeof intakeMethods & typeof batchMethods> = withoutClose;

const { 'sync.run': _syncRemoved, ...withoutSync } = buildHandlers();
// @ts-expect-error the router's handlers without sync.run are not Handlers
export const incompleteRouter: Handlers = withoutSync;

// @ts-expect-error a handler must answer with its method's output type (here: a batch, not a string)
export const wrongOutput: HandlersFor<typeof batchMethods> = { ...intakeHandlers, 'batches.open': () => 'not a batch' };
