import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileForElection, type ElectionType } from '../../shared/cure/election-type.js';
import { parseStateProfile } from '../../shared/cure/profile.js';
import type { StateProfile } from '../../shared/cure/profile.js';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';

/**
 * State profiles from resources/state-profiles/<code>.json. The folder is found from this
 * module, walking up to the folder that holds package.json, so the same code works from
 * main/cure/ (tsx, vitest) and from dist/main/cure/ (the build).
 */
export function defaultProfilesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'resources', 'state-profiles');
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the app folder (no package.json above main/cure)');
    dir = up;
  }
}

const CODE = /^([A-Z]{2}|generic)$/;

export function loadProfile(code: string, dir: string = defaultProfilesDir()): Result<StateProfile> {
  // The code comes from configuration: never let it name a path outside the folder.
  if (!CODE.test(code)) return err(`"${code}" is not a profile code (two capital letters, or "generic")`);
  const file = `${code}.json`;
  const path = join(dir, file);
  if (!existsSync(path)) return err(`no state profile ${code}: ${path} does not exist`);
  return readProfile(path, file, code);
}

/**
 * The profile with the deadlines of the station's election type (general unless set). A type the
 * profile does not cover is an error in plain words, never another type's date.
 */
export function loadProfileFor(
  code: string,
  electionType: ElectionType = 'general',
  dir: string = defaultProfilesDir(),
): Result<StateProfile> {
  const loaded = loadProfile(code, dir);
  return loaded.ok ? profileForElection(loaded.value, electionType) : loaded;
}

/** Every profile in the folder, keyed by code; any bad file fails the whole load. */
export function loadProfiles(dir: string = defaultProfilesDir()): Result<Map<string, StateProfile>> {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (e) {
    return err(`cannot read the state profiles folder ${dir}: ${(e as Error).message}`);
  }
  const profiles = new Map<string, StateProfile>();
  const errors: string[] = [];
  for (const file of files) {
    const r = readProfile(join(dir, file), file, file.slice(0, -'.json'.length));
    if (r.ok) profiles.set(r.value.code, r.value);
    else errors.push(r.error);
  }
  if (errors.length > 0) return err(errors.join('\n'));
  if (profiles.size === 0) return err(`no state profiles in ${dir}`);
  return ok(profiles);
}

function readProfile(path: string, file: string, expectedCode: string): Result<StateProfile> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return err(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = parseStateProfile(json, file);
  if (!parsed.ok) return parsed;
  if (parsed.value.code !== expectedCode)
    return err(`${file}: code is "${parsed.value.code}" but the file name says "${expectedCode}"`);
  return parsed;
}
