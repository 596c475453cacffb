import { v1Tables } from './migrations/v1-tables.js';
import { v2Functions } from './migrations/v2-functions.js';
import { v2Push } from './migrations/v2-push.js';
import { countyViewsMigration } from './migrations/county-views.js';
import { countyRollMigration } from './migrations/county-roll.js';
import { countyImagesMigration } from './migrations/county-images.js';
import { countyImagePurgesMigration } from './migrations/county-image-purges.js';
import { countyResolveChecksMigration } from './migrations/county-resolve-checks.js';
import { countyConflictResolveChecksMigration } from './migrations/county-conflict-resolve-checks.js';
import { countyNulMigration } from './migrations/county-nul.js';
import { pushPagesMigration } from './migrations/push-pages.js';

/**
 * The county hub's schema migrations (PostgreSQL), versioned like the station's
 * (main/store/migrations.ts): forward only, each once, each in its own transaction, recorded in
 * intake.schema_migrations. Never edit a shipped one: add the next. Each runs under
 * `SET LOCAL ROLE intake_hub_owner`, so that role owns what it creates.
 */
export interface HubMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const HUB_MIGRATIONS: readonly HubMigration[] = [
  { version: 1, name: 'county tables', sql: v1Tables },
  { version: 2, name: 'station functions: push, pull, whoami', sql: v2Functions + v2Push },
  { version: 3, ...countyViewsMigration },
  { version: 4, ...countyRollMigration },
  { version: 5, ...countyImagesMigration },
  { version: 6, ...countyImagePurgesMigration },
  { version: 7, ...countyResolveChecksMigration },
  { version: 8, ...countyConflictResolveChecksMigration },
  { version: 9, ...countyNulMigration },
  { version: 10, ...pushPagesMigration },
];
