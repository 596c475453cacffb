/** Types for scripts/preflight.mjs (plain JavaScript so it runs before anything is built). */
export interface Requirement {
  command: string;
  pkg: string;
  why: string;
}
export interface Machine {
  has: (command: string) => boolean;
  root: boolean;
  debian: boolean;
  noInstall: boolean;
}
export type Plan =
  | { action: 'ok'; missing: Requirement[] }
  | { action: 'install' | 'stop'; missing: Requirement[]; pkgs: string[]; command: string };

export declare const REQUIREMENTS: readonly Requirement[];
export declare function onPath(command: string, pathVar: string | undefined): boolean;
export declare function installCommand(pkgs: string[], root: boolean): string;
export declare function plan(machine: Machine): Plan;
export declare function stopLine(missing: Requirement[], command: string): string;
export declare function main(env?: NodeJS.ProcessEnv, log?: (line: string) => void): number;
