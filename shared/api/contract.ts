import type { z } from 'zod';
import type { MethodSpec } from './define.js';
import { cureMethods } from './methods/cure.js';
import { syncMethods } from './methods/sync.js';
import { logMethods } from './methods/log.js';
import { reportMethods } from './methods/reports.js';
import { imageMethods } from './methods/images.js';
import { signatureMethods } from './methods/signatures.js';
import { mailMethods } from './methods/mail.js';
import { countyMethods } from './methods/county.js';
import { countyViewMethods } from './methods/county-views.js';
import { scannerMethods, batchMethods, intakeMethods, operatorMethods, rollMethods, sessionMethods, settingsMethods } from './methods/core.js';

/**
 * The whole API between the UI and main, declared once. Each group lives in its own file
 * under methods/; a typo in a method name or a field is a compile error on both sides.
 */
export const contract = {
  ...sessionMethods,
  ...operatorMethods,
  ...intakeMethods,
  ...batchMethods,
  ...rollMethods,
  ...settingsMethods,
  ...scannerMethods,
  ...cureMethods,
  ...syncMethods,
  ...logMethods,
  ...reportMethods,
  ...imageMethods,
  ...signatureMethods,
  ...mailMethods,
  ...countyMethods,
  ...countyViewMethods,
} as const satisfies Record<string, MethodSpec>;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type Input<M extends MethodName> = z.input<Contract[M]['input']>;
export type Output<M extends MethodName> = z.output<Contract[M]['output']>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}
