import type { Handlers } from '../router.js';
import { cureHandlers } from './cure.js';
import { intakeHandlers } from './intake.js';
import { operatorHandlers } from './operators.js';
import { rollHandlers } from './roll.js';
import { sessionHandlers } from './session.js';
import { settingsHandlers } from './settings.js';
import { syncHandlers } from './sync.js';
import { logHandlers } from './log.js';
import { reportHandlers } from './reports.js';
import { imageHandlers } from './images.js';
import { signatureHandlers } from './signatures.js';
import { mailHandlers } from './mail.js';
import { countyHandlers } from './county.js';
import { countyViewHandlers } from './county-views.js';

/**
 * Every method of the contract has exactly one handler: each group is typed as the complete
 * mapping of its methods, and the whole as Handlers, so a missing one does not compile.
 */
export function buildHandlers(): Handlers {
  return {
    ...sessionHandlers,
    ...operatorHandlers,
    ...intakeHandlers,
    ...rollHandlers,
    ...settingsHandlers,
    ...cureHandlers,
    ...syncHandlers,
    ...logHandlers,
    ...reportHandlers,
    ...imageHandlers,
    ...signatureHandlers,
    ...mailHandlers,
    ...countyHandlers,
    ...countyViewHandlers,
  };
}
