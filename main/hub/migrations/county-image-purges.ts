/**
 * Hub migration 6: the hub's copies of envelope and signature pictures are kept no longer than the
 * stations' (docs/county.md "Envelope images"). `intake hub images purge --before DATE` removes
 * the copies received before a day and records each purge here: never silently.
 */
export const countyImagePurgesMigration = {
  name: 'county image purges',
  sql: `
CREATE TABLE intake.image_purges (
  purge_id bigserial PRIMARY KEY,
  purged_at timestamptz NOT NULL DEFAULT now(),
  purged_by text NOT NULL DEFAULT session_user,
  received_before date NOT NULL,
  removed integer NOT NULL CHECK (removed >= 0),
  bytes_removed bigint NOT NULL CHECK (bytes_removed >= 0)
);
`,
};
