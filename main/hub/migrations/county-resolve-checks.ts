import { PROBLEM_RESOLUTIONS } from '../../../shared/cure/resolutions.js';

/**
 * Hub migration 7: a pushed `county.resolve` entry (a supervisor at one station resolving any
 * station's problem scan, docs/county.md "County views and operations") is checked against the
 * scan it resolves, as the resolving station's own action checked it (main/actions/county.ts).
 * Until now the county views trigger took whatever it was given; now an entry that does not hold
 * refuses the whole push (nothing of it is kept), in plain words:
 *   IH004 the entry is malformed (no scan, no resolution, no reason, its id not the scan's)
 *   IH020 the hub holds no such scan       IH021 the scan is no problem (ACCEPTED): nothing to resolve
 *   IH022 the resolution does not fit the scan's verdict
 *   IH023 the scan was already resolved when the resolving station checked it
 *   IH024 the scan was taken back (undone) when the resolving station checked it
 *
 * Two resolutions of one scan can legitimately cross on the way (two supervisors at two stations
 * at once, or the owning station resolving it while another does): each station checked the hub
 * and found the scan open. Refusing the second would stop its station's replication for good (its
 * log is a hash chain: the entry cannot be skipped), so the hub tells the two apart. The station
 * records in the entry's `before` the hub row through which it saw the scan open (`openThrough`,
 * from intake.county_scan's `seenThrough`); the hub now keeps the row that closed each scan
 * (`resolved_hub_seq`, `undone_hub_seq`). A resolution that saw the scan open before it was closed
 * is kept, as before, and applies nowhere (the first stands); one that says nothing of when it saw
 * the scan open, or that the scan was open at a row where the hub already held it closed (or did
 * not yet hold the scan), is refused.
 *
 * Pushes are serialised (intake.push's advisory lock), so hub rows become visible in order and
 * `seenThrough` (the highest row in the checking query's snapshot) means "every row up to here".
 * An entry already held is skipped by intake.push before any of this runs: a replay still changes
 * nothing and is never refused.
 *
 * The resolutions each verdict takes are the station's own list (shared/cure/resolutions.ts) as of
 * this migration, kept in intake.problem_resolutions: a hub that ran it keeps those rows, so a change
 * to that list needs a later migration that updates the table (test/hub/resolve-checks.test.ts
 * pins the list, so such a change cannot go unnoticed).
 */
function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const RULE_ROWS = Object.entries(PROBLEM_RESOLUTIONS)
  .flatMap(([verdict, resolutions]) => resolutions.map((r, i) => `(${literal(verdict)}, ${literal(r)}, ${i + 1})`))
  .join(',\n  ');

export const COUNTY_RESOLVE_CHECKS_SQL = String.raw`
CREATE TABLE intake.problem_resolutions (
  verdict text NOT NULL,
  resolution text NOT NULL,
  position smallint NOT NULL,
  PRIMARY KEY (verdict, resolution)
);
INSERT INTO intake.problem_resolutions (verdict, resolution, position) VALUES
  ${RULE_ROWS};

-- The hub row that closed each scan (its first resolution, its undo).
ALTER TABLE intake.county_scans ADD COLUMN resolved_hub_seq bigint, ADD COLUMN undone_hub_seq bigint;

-- Scans closed before this migration: the first such entry after the scan arrived, as the trigger
-- applied them.
UPDATE intake.county_scans s SET undone_hub_seq = u.hub_seq
FROM (SELECT e.station_id, intake.county_int(e.entity_id) AS scan_seq, min(e.hub_seq) AS hub_seq
      FROM intake.entries e WHERE e.action = 'scan.undo' GROUP BY 1, 2) u
WHERE s.undone AND u.station_id = s.station_id AND u.scan_seq = s.scan_seq;

UPDATE intake.county_scans s SET resolved_hub_seq = r.hub_seq
FROM (SELECT c.station_id, c.scan_seq, min(x.hub_seq) AS hub_seq
      FROM intake.county_scans c
      JOIN (SELECT e.hub_seq, e.station_id AS target, intake.county_int(e.entity_id) AS seq
              FROM intake.entries e WHERE e.action = 'problem.resolve'
            UNION ALL
            SELECT e.hub_seq, j->>'station', intake.county_int(j->>'scanSeq')
              FROM intake.entries e,
                LATERAL (SELECT CASE WHEN pg_input_is_valid(e.after, 'jsonb') THEN e.after::jsonb END AS j) p
              WHERE e.action = 'county.resolve') x
        ON x.target = c.station_id AND x.seq = c.scan_seq AND x.hub_seq > c.hub_seq
      WHERE c.resolution IS NOT NULL
      GROUP BY 1, 2) r
WHERE s.station_id = r.station_id AND s.scan_seq = r.scan_seq;

-- Refuses a county.resolve entry that does not hold against the scan it resolves (see above).
-- Runs inside intake.push's transaction, from the county views trigger, only for a new entry.
CREATE FUNCTION intake.county_resolve_check(e intake.entries, a jsonb) RETURNS void LANGUAGE plpgsql
SET search_path = intake, pg_temp AS $$
DECLARE
  b jsonb := CASE WHEN e.before IS NOT NULL AND pg_input_is_valid(e.before, 'jsonb') THEN e.before::jsonb END;
  shape text := 'push the audit log rows exactly as the station stores them';
  cannot text := 'this station''s log holds a resolution the county cannot take: call the county''s IT';
  what text := format('entry %s of station %s', e.local_seq, e.station_id);
  target text; seq bigint; res text; seen bigint; name text; s intake.county_scans; fits text; why text;
BEGIN
  IF jsonb_typeof(a) IS DISTINCT FROM 'object' THEN
    PERFORM intake.refuse('IH004', format('entry %s (county.resolve): the resolution is not a JSON object', e.local_seq), shape);
  END IF;
  IF jsonb_typeof(a->'station') IS DISTINCT FROM 'string' OR jsonb_typeof(a->'scanSeq') IS DISTINCT FROM 'number'
      OR coalesce(intake.county_int(a->>'scanSeq'), 0) < 1 THEN
    PERFORM intake.refuse('IH004', format('entry %s (county.resolve) names no scan: it needs station (text) and scanSeq (a whole number from 1 up)', e.local_seq), shape);
  END IF;
  target := a->>'station';
  seq := intake.county_int(a->>'scanSeq');
  name := format('scan %s of station %s', seq, left(target, 60));
  IF e.entity IS DISTINCT FROM 'county-scan' OR e.entity_id IS DISTINCT FROM target || ':' || seq THEN
    PERFORM intake.refuse('IH004', format('entry %s (county.resolve) is about %s %s, not about the %s it resolves', e.local_seq, left(e.entity, 64),
      left(coalesce(e.entity_id, '(no id)'), 80), name), shape);
  END IF;
  IF jsonb_typeof(a->'resolution') IS DISTINCT FROM 'string' THEN
    PERFORM intake.refuse('IH004', format('entry %s (county.resolve) names no resolution for %s', e.local_seq, name), shape);
  END IF;
  IF jsonb_typeof(a->'reason') IS DISTINCT FROM 'string' OR (a->>'reason') !~ '[^[:space:]]' THEN
    PERFORM intake.refuse('IH004', format('entry %s (county.resolve) gives no reason for resolving %s', e.local_seq, name), shape);
  END IF;
  IF jsonb_typeof(b) = 'object' AND b ? 'openThrough'
      AND (jsonb_typeof(b->'openThrough') IS DISTINCT FROM 'number' OR coalesce(intake.county_int(b->>'openThrough'), -1) < 0) THEN
    PERFORM intake.refuse('IH004', format('entry %s (county.resolve): openThrough must be a hub row number (0 or more)', e.local_seq), shape);
  END IF;
  res := a->>'resolution';
  seen := CASE WHEN jsonb_typeof(b) = 'object' THEN intake.county_int(b->>'openThrough') END;

  SELECT * INTO s FROM intake.county_scans c WHERE c.station_id = target AND c.scan_seq = seq;
  IF NOT FOUND THEN
    PERFORM intake.refuse('IH020', format('%s resolves %s, which the hub does not hold', what, name),
      format('a resolution follows the scan it resolves: if station %s has not pushed that scan yet, this push goes through once it has; otherwise call the county''s IT', left(target, 60)));
  END IF;
  IF NOT EXISTS (SELECT 1 FROM intake.problem_resolutions p WHERE p.verdict = s.verdict) THEN
    IF s.verdict = 'ACCEPTED' THEN
      PERFORM intake.refuse('IH021', format('%s resolves %s, which was accepted: there is nothing to resolve', what, name), cannot);
    END IF;
    PERFORM intake.refuse('IH021', format('%s resolves %s, whose verdict %s is no problem this hub knows: there is nothing it can resolve', what, name, left(s.verdict, 40)),
      'if this station runs a newer version than the hub, run "intake hub migrate" at the hub; otherwise call the county''s IT');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM intake.problem_resolutions p WHERE p.verdict = s.verdict AND p.resolution = res) THEN
    SELECT string_agg(p.resolution, ' or ' ORDER BY p.position) INTO fits FROM intake.problem_resolutions p WHERE p.verdict = s.verdict;
    PERFORM intake.refuse('IH022', format('%s resolves %s as %s, which does not fit its verdict: a %s scan is resolved as %s', what, name, left(res, 60), s.verdict, fits),
      'if this station runs a newer version than the hub, run "intake hub migrate" at the hub; otherwise call the county''s IT');
  END IF;
  -- Closed: kept only when the resolving station saw it open before the row that closed it (a
  -- resolution that crossed the first on the way); refused when it cannot have.
  IF s.undone OR s.resolution IS NOT NULL THEN
    why := CASE
      WHEN seen IS NULL THEN format(', and the entry does not say when station %s saw it open', e.station_id)
      WHEN seen < s.hub_seq THEN format(', and the entry says station %s saw it open at hub row %s, before the hub held the scan (row %s)', e.station_id, seen, s.hub_seq)
      ELSE format(' when station %s checked it', e.station_id)
    END;
    IF s.undone AND (seen IS NULL OR seen < s.hub_seq OR seen >= coalesce(s.undone_hub_seq, 0)) THEN
      PERFORM intake.refuse('IH024', format('%s resolves %s, which had been taken back at its station%s: there is nothing to resolve', what, name, why), cannot);
    END IF;
    IF s.resolution IS NOT NULL AND (seen IS NULL OR seen < s.hub_seq OR seen >= coalesce(s.resolved_hub_seq, 0)) THEN
      PERFORM intake.refuse('IH023', format('%s resolves %s, which was already resolved (%s, by %s at station %s)%s: a scan is resolved once', what, name,
        left(s.resolution, 60), left(coalesce(s.resolved_by, 'someone'), 80), coalesce(s.resolved_station, s.station_id), why), cannot);
    END IF;
  END IF;
END $$;
REVOKE ALL ON FUNCTION intake.county_resolve_check(intake.entries, jsonb) FROM PUBLIC;

-- The county views trigger's work, as in migration 3, and now: the row that closed each scan is
-- kept, and a county.resolve entry is checked first (the only place the trigger refuses a push).
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
  ELSIF NEW.action = 'county.conflict-resolve' AND intake.county_int(a->>'conflictId') IS NOT NULL AND a->>'resolution' IS NOT NULL THEN
    UPDATE intake.conflicts SET resolved_by = NEW.actor || ' (station ' || NEW.station_id || ')', resolved_at = now(), resolution = a->>'resolution'
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

-- One scan as the hub holds it, and the hub row through which this answer sees the county
-- (seenThrough): what a resolving station records as openThrough.
CREATE OR REPLACE FUNCTION intake.county_scan(p_station text, p_seq bigint)
RETURNS jsonb LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller();
BEGIN
  RETURN (SELECT jsonb_build_object('station', station_id, 'scanSeq', scan_seq, 'ballotId', ballot_id, 'verdict', verdict,
    'undone', undone, 'resolution', resolution, 'resolvedBy', resolved_by, 'resolvedStation', resolved_station,
    'seenThrough', (SELECT coalesce(max(e.hub_seq), 0) FROM intake.entries e))
    FROM intake.county_scans WHERE station_id = p_station AND scan_seq = p_seq);
END $$;
`;

export const countyResolveChecksMigration = { name: 'county resolutions checked against the scan they resolve', sql: COUNTY_RESOLVE_CHECKS_SQL };
