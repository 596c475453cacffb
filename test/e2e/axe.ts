import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * axe-core in the page under test. The station's CSP allows no injected <script>, so the
 * library is evaluated through the DevTools protocol (not subject to CSP) and run there.
 */
const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Every serious or critical violation on the page as it is now (WCAG 2 A/AA and best practice). */
export async function axeViolations(p: Page, minImpact: 'serious' | 'moderate' = 'serious'): Promise<AxeViolation[]> {
  const has = await p.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!has) await p.evaluate(AXE_SOURCE);
  const found = await p.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')) }));
  });
  const levels = minImpact === 'serious' ? ['serious', 'critical'] : ['moderate', 'serious', 'critical'];
  return found.filter((v) => v.impact !== null && levels.includes(v.impact));
}

/** Fails with the list, in words, when the page has a serious or critical violation. */
export async function expectAccessible(p: Page, where: string): Promise<void> {
  const v = await axeViolations(p);
  if (v.length > 0) throw new Error(`axe found ${v.length} serious/critical violation(s) on ${where}:\n${v.map((x) => `- ${x.id} (${x.impact}): ${x.help} at ${x.targets.join(' | ')}`).join('\n')}`);
}
