import { CONFLICT_RESOLUTIONS } from '../../../shared/county/conflicts.js';

/**
 * Hub migration 8: a pushed `county.conflict-resolve` entry (a supervisor at one station settling
 * a cross-station conflict, docs/county.md "County views and operations") is checked against the
 * conflict it resolves, as the resolving station's own action checked it (main/actions/county.ts
 * resolveCountyConflict), the way migration 7 checks `county.resolve`. Until now the county views
 * trigger took whatever it was given (and a missing reason broke the push with PostgreSQL's own
 * not-null error); now an entry that does not hold refuses the whole push (nothing of it is kept),
 * in plain words:
 *   IH004 the entry is malformed (no object, no conflict, its id not the conflict's, no resolution,
 *         no reason, a bad openThrough)
 *   IH025 the hub holds no such conflict
 *   IH026 the resolution is none of the ways a conflict is resolved
 *   IH027 the conflict was already resolved (by a supervisor, or closed by the hub when one of its
 *         receipts was undone) when the resolving station checked it
 *
 * Two resolutions of one conflict can legitimately cross on the way (two supervisors at two
 * stations at once, or one while a receipt of the conflict is undone at its station): each station
 * checked the hub and found it open, and refusing the second would stop its station's replication
 * for good (its log is a hash chain). As in migration 7, the station records in the entry's
 * `before` the hub row through which it saw the conflict open (`openThrough`, from
 * intake.county_conflict's `seenThrough`), and the hub now keeps the row that closed each conflict
 * (`conflicts.resolved_hub_seq`). A resolution that saw the conflict open before it was closed is
 * kept as a record (county_resolutions) and changes nothing (the first stands); one that says
 * nothing of when it saw the conflict open, or saw it open at a row where the hub already held it
 * closed (or did not hold it yet), is refused.
 *
 * Every conflict is closed inside intake.push (a county.conflict-resolve here; an undo in
 * intake.apply_undo, right after the undo entry is inserted), under its advisory lock: the highest
 * hub row that push sees is the entry that closes it. A trigger on intake.conflicts records that
 * row whenever a conflict closes without saying which row closed it, so apply_undo is left as it is.
 * An entry already held is skipped by intake.push before any of this runs: a replay still changes
 * nothing and is never refused.
 *
 * The resolutions are the station's own list (shared/county/conflicts.ts) as of this migration,
 * kept in intake.conflict_resolutions: a change to that list needs a later migration that updates
 * the table (test/hub/conflict-resolve-checks.test.ts pins the list).
 */
function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const RULE_ROWS = CONFLICT_RESOLUTIONS.map((r, i) => `(${literal(r)}, ${i + 1})`).join(',\n  ');

export const COUNTY_CONFLICT_RESOLVE_CHECKS_SQL = String.raw`
CREATE TABLE intake.conflict_resolutions (
  resolution text PRIMARY KEY,
  position smallint NOT NULL
);
INSERT INTO intake.conflict_resolutions (resolution, position) VALUES
  ${RULE_ROWS};

-- The hub row that closed each conflict.
ALTER TABLE intake.conflicts ADD COLUMN resolved_hub_seq bigint;

-- Conflicts closed before this migration: by a supervisor, the first county.conflict-resolve entry
-- after the conflict arose; by the hub, the undo of the receipt that closed it.
UPDATE intake.conflicts c SET resolved_hub_seq = x.hub_seq
FROM (SELECT k.conflict_id, min(r.hub_seq) AS hub_seq
      FROM intake.conflicts k
      JOIN (SELECT e.hub_seq, intake.county_int(p.j->>'conflictId') AS conflict_id
              FROM intake.entries e,
                LATERAL (SELECT CASE WHEN pg_input_is_valid(e.after, 'jsonb') THEN e.after::jsonb END AS j) p
              WHERE e.action = 'county.conflict-resolve') r
        ON r.conflict_id = k.conflict_id AND r.hub_seq > k.second_hub_seq
      GROUP BY 1) x
WHERE c.resolved_at IS NOT NULL AND c.resolved_by IS DISTINCT FROM 'hub' AND x.conflict_id = c.conflict_id;
UPDATE intake.conflicts c SET resolved_hub_seq = coalesce(
    CASE WHEN c.resolution LIKE 'the duplicate receipt%' THEN r2.undone_hub_seq ELSE r1.undone_hub_seq END,
    least(r1.undone_hub_seq, r2.undone_hub_seq))
FROM intake.receipts r1, intake.receipts r2
WHERE c.resolved_at IS NOT NULL AND c.resolved_by = 'hub' AND r1.hub_seq = c.first_hub_seq AND r2.hub_seq = c.second_hub_seq;

-- A conflict that closes without saying which row closed it (the hub's own, in apply_undo): the
-- entry being applied, the highest row this push sees (see above).
CREATE FUNCTION intake.conflict_closed() RETURNS trigger LANGUAGE plpgsql
SET search_path = intake, pg_temp AS $$
BEGIN
  IF OLD.resolved_at IS NULL AND NEW.resolved_at IS NOT NULL AND NEW.resolved_hub_seq IS NULL THEN
    NEW.resolved_hub_seq := (SELECT max(e.hub_seq) FROM intake.entries e);
  END IF;
  RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION intake.conflict_closed() FROM PUBLIC;
CREATE TRIGGER conflict_closed BEFORE UPDATE OF resolved_at ON intake.conflicts FOR EACH ROW EXECUTE FUNCTION intake.conflict_closed();

-- Refuses a county.conflict-resolve entry that does not hold against the conflict it resolves (see
-- above). Runs inside intake.push's transaction, from the county views trigger, only for a new entry.
CREATE FUNCTION intake.county_conflict_resolve_check(e intake.entries, a jsonb) RETURNS void LANGUAGE plpgsql
SET search_path = intake, pg_temp AS $$
DECLARE
  b jsonb := CASE WHEN e.before IS NOT NULL AND pg_input_is_valid(e.before, 'jsonb') THEN e.before::jsonb END;
  shape text := 'push the audit log rows exactly as the station stores them';
  cannot text := 'this station''s log holds a resolution the county cannot take: call the county''s IT';
  what text := format('entry %s of station %s', e.local_seq, e.station_id);
  id bigint; res text; seen bigint; name text; c intake.conflicts; ways text; why text; first text;
BEGIN
  IF jsonb_typeof(a) IS DISTINCT FROM 'object' THEN
    PERFORM intake.refuse('IH004', format('entry %s (county.conflict-resolve): the resolution is not a JSON object', e.local_seq), shape);
  END IF;
  IF jsonb_typeof(a->'conflictId') IS DISTINCT FROM 'number' OR coalesce(intake.county_int(a->>'conflictId'), 0) < 1 THEN
    PERFORM intake.refuse('IH004', format('entry %s (county.conflict-resolve) names no conflict: it needs conflictId (a whole number from 1 up)', e.local_seq), shape);
  END IF;
  id := intake.county_int(a->>'conflictId');
  name := format('conflict %s', id);
  IF e.entity IS DISTINCT FROM 'county-conflict' OR e.entity_id IS DISTINCT FROM id::text THEN
    PERFORM intake.refuse('IH004', format('entry %s (county.conflict-resolve) is about %s %s, not about the %s it resolves', e.local_seq, left(e.entity, 64),
      left(coalesce(e.entity_id, '(no id)'), 80), name), shape);
  END IF;
  IF jsonb_typeof(a->'resolution') IS DISTINCT FROM 'string' THEN
    PERFORM intake.refuse('IH004', format('entry %s (county.conflict-resolve) names no resolution for %s', e.local_seq, name), shape);
  END IF;
  IF jsonb_typeof(a->'reason') IS DISTINCT FROM 'string' OR (a->>'reason') !~ '[^[:space:]]' THEN
    PERFORM intake.refuse('IH004', format('entry %s (county.conflict-resolve) gives no reason for resolving %s', e.local_seq, name), shape);
  END IF;
  IF jsonb_typeof(b) = 'object' AND b ? 'openThrough'
      AND (jsonb_typeof(b->'openThrough') IS DISTINCT FROM 'number' OR coalesce(intake.county_int(b->>'openThrough'), -1) < 0) THEN
    PERFORM intake.refuse('IH004', format('entry %s (county.conflict-resolve): openThrough must be a hub row number (0 or more)', e.local_seq), shape);
  END IF;
  res := a->>'resolution';
  seen := CASE WHEN jsonb_typeof(b) = 'object' THEN intake.county_int(b->>'openThrough') END;

  SELECT * INTO c FROM intake.conflicts x WHERE x.conflict_id = id;
  IF NOT FOUND THEN
    PERFORM intake.refuse('IH025', format('%s resolves %s, which the hub does not hold', what, name),
      'a station resolves only a conflict the hub showed it: if the hub was restored from an older backup, or otherwise, call the county''s IT');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM intake.conflict_resolutions r WHERE r.resolution = res) THEN
    SELECT string_agg(r.resolution, ' or ' ORDER BY r.position) INTO ways FROM intake.conflict_resolutions r;
    PERFORM intake.refuse('IH026', format('%s resolves %s as %s, which is no way to resolve a conflict: a conflict is resolved as %s', what, name, left(res, 60), ways),
      'if this station runs a newer version than the hub, run "intake hub migrate" at the hub; otherwise call the county''s IT');
  END IF;
  -- Closed: kept only when the resolving station saw it open before the row that closed it (a
  -- resolution that crossed the first on the way); refused when it cannot have.
  IF c.resolved_at IS NOT NULL AND (seen IS NULL OR seen < c.second_hub_seq OR seen >= coalesce(c.resolved_hub_seq, 0)) THEN
    why := CASE
      WHEN seen IS NULL THEN format(', and the entry does not say when station %s saw it open', e.station_id)
      WHEN seen < c.second_hub_seq THEN format(', and the entry says station %s saw it open at hub row %s, before the hub held the conflict (row %s)', e.station_id, seen, c.second_hub_seq)
      ELSE format(' when station %s checked it', e.station_id)
    END;
    first := CASE WHEN c.resolved_by = 'hub' THEN format('which the hub had already closed (%s)', left(coalesce(c.resolution, ''), 80))
      ELSE format('which was already resolved (%s, by %s)', left(coalesce(c.resolution, ''), 60), left(coalesce(c.resolved_by, 'someone'), 120)) END;
    PERFORM intake.refuse('IH027', format('%s resolves %s, %s%s: a conflict is resolved once', what, name, first, why), cannot);
  END IF;
END $$;
REVOKE ALL ON FUNCTION intake.county_conflict_resolve_check(intake.entries, jsonb) FROM PUBLIC;

-- The county views trigger's work, as in migration 7, and now: a county.conflict-resolve entry is
-- checked first, and the row that closed the conflict is kept.
CREATE OR REPLACE FUNCTION intake.county_apply(NEW intake.entries) RETURNS void LANGUAGE plpgsql
SET search_path = intake, pg_temp AS $$
DECLARE a jsonb := CASE WHEN NEW.after IS NULL THEN NULL ELSE (NEW.after)::jsonb END;
BEGIN
  IF jsonb_typeof(a) IS DISTINCT FROM 'object' THEN
    a := NULL;
  END IF;
  IF NEW.action = 'scan.record' AND intake.county_int(a->>'seq') IS NOT NULL AND a->>'verdict' IS NOT NULL AND a->>'scannedAt' IS NOT NULL THEN
    INSERT INTO intake.county_scans (station_id, scan_seq, hub_seq, ballot_id, voter_id, verdict, reason, raw,
      scanned_at, day, operator, batch_id)
    VALUES (NEW.station_id, intake.county_int(a->>'seq'), NEW.hub_seq, a->>'ballotId', a->>'voterId', a->>'verdict', a->>'reason',
      a->>'raw', a->>'scannedAt',
      -- toISOString() text: its first ten characters are the UTC day
      CASE WHEN a->>'scannedAt' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' THEN left(a->>'scannedAt', 10)::date END, a->>'operator', a->>'batchId')
    ON CONFLICT DO NOTHING;
  ELSIF NEW.action = 'scan.undo' THEN
    UPDATE intake.county_scans SET undone = true, undone_hub_seq = coalesce(undone_hub_seq, NEW.hub_seq)
      WHERE station_id = NEW.station_id AND scan_seq = intake.county_int(NEW.entity_id);
  ELSIF NEW.action = 'problem.resolve' THEN
    UPDATE intake.county_scans SET resolution = a->>'resolution', resolved_by = NEW.actor, resolved_station = coalesce(a->>'viaStation', NEW.station_id), resolved_at = NEW.at,
        resolved_hub_seq = NEW.hub_seq
      WHERE station_id = NEW.station_id AND scan_seq = intake.county_int(NEW.entity_id) AND resolution IS NULL;
    -- The owning station has applied (or made) a resolution: nothing more to hand it for this scan.
    UPDATE intake.county_resolutions SET applied = true
      WHERE target_station = NEW.station_id AND kind = 'scan' AND scan_seq = intake.county_int(NEW.entity_id) AND NOT applied;
  ELSIF NEW.action = 'county.resolve' THEN
    PERFORM intake.county_resolve_check(NEW, a);
    -- Already resolved or taken back at the hub (a resolution that crossed the first): nothing for the owning station to apply.
    INSERT INTO intake.county_resolutions (hub_seq, by_station, actor, at, kind, target_station, scan_seq, resolution, reason, applied)
    VALUES (NEW.hub_seq, NEW.station_id, NEW.actor, NEW.at, 'scan', a->>'station', intake.county_int(a->>'scanSeq'), a->>'resolution', a->>'reason',
      EXISTS (SELECT 1 FROM intake.county_scans WHERE station_id = a->>'station' AND scan_seq = intake.county_int(a->>'scanSeq')
        AND (resolution IS NOT NULL OR undone)));
    UPDATE intake.county_scans SET resolution = a->>'resolution', resolved_by = NEW.actor, resolved_station = NEW.station_id, resolved_at = NEW.at,
        resolved_hub_seq = NEW.hub_seq
      WHERE station_id = a->>'station' AND scan_seq = intake.county_int(a->>'scanSeq') AND resolution IS NULL;
  ELSIF NEW.action = 'county.conflict-resolve' THEN
    PERFORM intake.county_conflict_resolve_check(NEW, a);
    -- Already closed at the hub (a resolution that crossed the first): kept as a record only.
    UPDATE intake.conflicts SET resolved_by = NEW.actor || ' (station ' || NEW.station_id || ')', resolved_at = now(), resolution = a->>'resolution',
        resolved_hub_seq = NEW.hub_seq
      WHERE conflict_id = intake.county_int(a->>'conflictId') AND resolved_at IS NULL;
    INSERT INTO intake.county_resolutions (hub_seq, by_station, actor, at, kind, target_station, conflict_id, resolution, reason, applied)
    VALUES (NEW.hub_seq, NEW.station_id, NEW.actor, NEW.at, 'conflict', NEW.station_id, intake.county_int(a->>'conflictId'), a->>'resolution', a->>'reason', true);
  ELSIF NEW.action = 'batch.open' AND NEW.entity_id IS NOT NULL THEN
    INSERT INTO intake.county_batches (batch_id, station_id, number, status, opened_at)
    VALUES (NEW.entity_id, NEW.station_id, intake.county_int(a->>'number'), 'OPEN', NEW.at) ON CONFLICT DO NOTHING;
  ELSIF NEW.action = 'batch.close' THEN
    UPDATE intake.county_batches SET status = 'CLOSED', closed_at = NEW.at, scanned = intake.county_int(a->>'scannedCount'),
      hand_count = intake.county_int(a->>'handCount') WHERE batch_id = NEW.entity_id;
  ELSIF NEW.action = 'batch.reconcile' THEN
    UPDATE intake.county_batches SET hand_count = intake.county_int(a->>'handCount') WHERE batch_id = NEW.entity_id;
  ELSIF NEW.action LIKE 'sync.%' AND NEW.entity = 'batch' AND a ? 'status' THEN
    UPDATE intake.county_batches SET sync_status = a->>'status', sync_at = NEW.at WHERE batch_id = NEW.entity_id;
  END IF;
END $$;

-- One conflict as the hub holds it, and the hub row through which this answer sees the county
-- (seenThrough): what a resolving station records as openThrough.
CREATE OR REPLACE FUNCTION intake.county_conflict(p_id bigint)
RETURNS jsonb LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller();
BEGIN
  RETURN (SELECT jsonb_build_object('conflictId', conflict_id, 'resolvedAt', resolved_at, 'resolution', resolution, 'resolvedBy', resolved_by,
    'seenThrough', (SELECT coalesce(max(e.hub_seq), 0) FROM intake.entries e))
    FROM intake.conflicts WHERE conflict_id = p_id);
END $$;
`;

export const countyConflictResolveChecksMigration = {
  name: 'county conflict resolutions checked against the conflict they resolve',
  sql: COUNTY_CONFLICT_RESOLVE_CHECKS_SQL,
};
