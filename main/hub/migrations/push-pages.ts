/**
 * Hub migration 10: a push is applied a page at a time, not an entry at a time.
 *
 * Until now intake.push (migration 2) walked its entries in a PL/pgSQL loop: per entry a chain
 * check, an INSERT, the county views trigger (county_apply) and apply_entry's receipt work, each a
 * statement of its own. On an idle hub that is ~0.33 ms an entry; in the county benchmark's catch-up
 * (one station back after a 10-minute partition, 6,000 entries, on a machine the other 19 stations
 * keep busy) it was ~650 entries a second, and the catch-up missed its 10 s (BENCHMARKS.md).
 *
 * Now a page of 8 entries or more that simply continues the station's chain (a replicator's every
 * push once it has more than a moment's entries waiting, as after a partition) is
 * checked with one query and written with a handful of set-based statements: the entries, the
 * county scans, the receipts (each one's first receipt for the same ballot or voter found by a
 * join), the conflicts and the feed. Anything else goes the old way, entry by entry, with the exact
 * refusals of before, so no behaviour changes, only the time:
 *   - a replay (an entry the hub already holds), a gap, a broken chain, an altered entry;
 *   - a page whose entries change what a later entry of the same page finds: an undo, a resolution
 *     (problem, cure or county) or a conflict resolution, or two receipts of the same ballot, or of
 *     the same voter in the same election;
 *   - a scan record the county cannot read (not a JSON object, no scan number).
 * The old function stays as intake.push_each, no longer callable by a station. Its body is read
 * back (pg_get_functiondef) and run again with two changes, as migration 9 did: the new name, and
 * the county views' work called right after each INSERT, where the row trigger fired until now
 * (the trigger is dropped: the page path does that work for a whole page).
 *
 * test/hub/push-pages.test.ts pushes the same entries both ways into two hubs and compares every
 * county table row by row.
 */
export const pushPagesMigration = {
  name: 'pushes applied a page at a time',
  sql: String.raw`
DO $$
DECLARE
  def text := pg_get_functiondef('intake.push(jsonb)'::regprocedure);
  fixed text;
BEGIN
  fixed := replace(def, 'FUNCTION intake.push(entries jsonb)', 'FUNCTION intake.push_each(entries jsonb)');
  fixed := replace(fixed, 'RETURNING * INTO stored;', 'RETURNING * INTO stored;' || chr(10) || '    PERFORM intake.county_apply(stored);');
  IF fixed = def OR position('push_each' IN fixed) = 0 OR position('county_apply(stored)' IN fixed) = 0 THEN
    RAISE EXCEPTION 'hub migration 10: intake.push no longer reads as migration 2 wrote it';
  END IF;
  EXECUTE fixed;
END $$;
REVOKE ALL ON FUNCTION intake.push_each(jsonb) FROM PUBLIC;
DROP TRIGGER county_track ON intake.entries;
DROP FUNCTION intake.county_track();

-- The scan records of a page intake.push has just stored. Planned afresh at each call (plan_cache_mode):
-- a plan the session's cache kept from when the county's tables were nearly empty could walk a
-- whole index where it should look one receipt up (it did, in the benchmark, until the next
-- ANALYZE); the rest of intake.push reads no table that grows.
CREATE FUNCTION intake.push_page_rows(stored intake.entries[]) RETURNS void
LANGUAGE plpgsql SET search_path = intake, pg_temp SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  -- The page's scan records, each read once: the county views (county_apply's scan.record branch;
  -- the first of two records of one scan number stands) and the receipts (apply_receipt's work:
  -- each counted, or kept as a duplicate of the receipt that already counts for its ballot, else
  -- for its voter in the same election), with their conflicts and feed rows.
  WITH page AS MATERIALIZED (
    SELECT e.hub_seq, e.station_id, e.local_seq, e.at, e.entity, e.entity_id, e.after, intake.entry_jsonb(e.after) AS j
      FROM unnest(stored) e
      WHERE e.action = 'scan.record'),
  cs AS (
    INSERT INTO intake.county_scans (station_id, scan_seq, hub_seq, ballot_id, voter_id, verdict, reason, raw,
        scanned_at, day, operator, batch_id)
      SELECT p.station_id, intake.county_int(p.j ->> 'seq'), p.hub_seq, p.j ->> 'ballotId', p.j ->> 'voterId', p.j ->> 'verdict',
          p.j ->> 'reason', p.j ->> 'raw', p.j ->> 'scannedAt',
          CASE WHEN p.j ->> 'scannedAt' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' THEN left(p.j ->> 'scannedAt', 10)::date END, p.j ->> 'operator', p.j ->> 'batchId'
        FROM page p
        WHERE jsonb_typeof(p.j) = 'object' AND intake.county_int(p.j ->> 'seq') IS NOT NULL
          AND p.j ->> 'verdict' IS NOT NULL AND p.j ->> 'scannedAt' IS NOT NULL
        ORDER BY p.hub_seq
      ON CONFLICT DO NOTHING),
  r AS (
    SELECT p.hub_seq, p.station_id, p.local_seq, p.j ->> 'ballotId' AS ballot, p.j ->> 'voterId' AS voter,
        p.j ->> 'electionId' AS election, p.j ->> 'verdict' AS verdict, coalesce(p.j ->> 'seq', p.entity_id)::bigint AS scan_seq,
        coalesce(p.j ->> 'scannedAt', p.at) AS t, p.j ->> 'station' AS station_name, p.j ->> 'operator' AS operator,
        p.j ->> 'batchId' AS batch_id
      FROM page p
      WHERE p.entity = 'scan' AND p.after IS NOT NULL AND p.j ->> 'verdict' IN ('ACCEPTED', 'LATE') AND p.j ->> 'ballotId' IS NOT NULL),
  m AS (
    SELECT f.*, (f.first).hub_seq IS NOT NULL AS dup,
        CASE WHEN (f.first).ballot_id = f.ballot THEN 'ballot' ELSE 'voter' END AS matched
      -- OFFSET 0: each receipt's first is looked up once, not once per use of one of its fields.
      FROM (SELECT r.*, coalesce(
          (SELECT c FROM intake.receipts c WHERE c.ballot_id = r.ballot AND NOT c.undone AND c.cross_station_duplicate_of IS NULL LIMIT 1),
          -- "not undone, not a duplicate" spelled so that no partial index's predicate follows from it:
          -- until the hub's first ANALYZE the planner takes those indexes for nearly empty, and walked
          -- receipts_one_per_ballot whole for this lookup (the benchmark's stall). receipts_voter serves it.
          (SELECT c FROM intake.receipts c WHERE r.voter IS NOT NULL AND c.voter_id = r.voter
            AND coalesce(c.election_id, '') = coalesce(r.election, '') AND coalesce(c.undone, true) = false
            AND coalesce(c.cross_station_duplicate_of, 0) = 0 LIMIT 1)
        ) AS first FROM r OFFSET 0) f),
  rc AS (
    INSERT INTO intake.receipts (hub_seq, station_id, scan_seq, ballot_id, voter_id, election_id, verdict, station_time,
        station_name, operator, batch_id, cross_station_duplicate_of)
      SELECT m.hub_seq, m.station_id, m.scan_seq, m.ballot, m.voter, m.election, m.verdict, m.t, m.station_name, m.operator,
          m.batch_id, (m.first).hub_seq
        FROM m ORDER BY m.hub_seq
      RETURNING hub_seq),
  cf AS (
    INSERT INTO intake.conflicts (first_hub_seq, second_hub_seq, matched_on)
      SELECT (m.first).hub_seq, m.hub_seq, m.matched FROM m JOIN rc ON rc.hub_seq = m.hub_seq WHERE m.dup ORDER BY m.hub_seq)
  INSERT INTO intake.feed (hub_seq, station_id, local_seq, kind, ballot_id, voter_id, election_id, verdict, station_time, body)
    SELECT m.hub_seq, m.station_id, m.local_seq, CASE WHEN m.dup THEN 'conflict' ELSE 'receipt' END, m.ballot, m.voter, m.election,
        m.verdict, m.t,
        jsonb_build_object('scanSeq', m.scan_seq, 'stationName', m.station_name, 'operator', m.operator, 'batchId', m.batch_id)
          || CASE WHEN m.dup THEN jsonb_build_object('matchedOn', m.matched, 'duplicateOf', jsonb_build_object(
            'hubSeq', (m.first).hub_seq, 'stationId', (m.first).station_id, 'scanSeq', (m.first).scan_seq,
            'stationTime', (m.first).station_time, 'stationName', (m.first).station_name, 'ballotId', (m.first).ballot_id,
            'voterId', (m.first).voter_id)) ELSE '{}'::jsonb END
      FROM m ORDER BY m.hub_seq;
END $$;
REVOKE ALL ON FUNCTION intake.push_page_rows(intake.entries[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION intake.push(entries jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE
  s intake.stations; n int; head_seq bigint; head_hash text; fits boolean; other intake.entries; page intake.entries[];
BEGIN
  s := intake.calling_station(true);
  -- Not an array (push_each refuses it), or a push of a few entries: a station in step with the
  -- county sends one or two every 200 ms, and below ~8 entries the page way's fixed statements cost
  -- more than they save (2-entry pushes took 5.5 ms the page way, 3.4 ms entry by entry, this machine).
  IF entries IS NULL OR jsonb_typeof(entries) <> 'array' OR jsonb_array_length(entries) < 8 THEN
    RETURN intake.push_each(entries);
  END IF;
  n := jsonb_array_length(entries);
  -- push_each's own checks and refusals: the size, then every entry's shape.
  IF n > 1000 OR pg_column_size(entries) > 8388608 OR EXISTS (SELECT 1 FROM jsonb_array_elements(entries) x(e)
      WHERE intake.entry_problem(x.e, s.station_id) IS NOT NULL) THEN
    RETURN intake.push_each(entries);
  END IF;
  -- One pusher at a time, county-wide, until commit (see push_each).
  PERFORM pg_advisory_xact_lock(72654810);
  SELECT c.local_seq, c.hash INTO head_seq, head_hash FROM intake.entries c WHERE c.station_id = s.station_id ORDER BY c.local_seq DESC LIMIT 1;
  head_seq := coalesce(head_seq, 0);
  head_hash := coalesce(head_hash, repeat('0', 64));

  -- Does the page continue the chain, entry after entry, with nothing that needs the old way?
  SELECT bool_and(p.ok) INTO fits FROM (
    SELECT q.seq = head_seq + q.ord
        AND q.prev_hash = coalesce(lag(q.hash) OVER (ORDER BY q.ord), head_hash)
        AND intake.entry_hash(q.prev_hash, q.seq, q.at, q.actor, q.action, q.entity, q.entity_id, q.before, q.after) = q.hash
        AND q.action NOT IN ('scan.undo', 'problem.resolve', 'cure.flag', 'cure.unflag', 'cure.transition', 'county.resolve', 'county.conflict-resolve')
        AS ok
      FROM (SELECT x.ord, (x.e ->> 'seq')::bigint AS seq, x.e ->> 'at' AS at, x.e ->> 'actor' AS actor, x.e ->> 'action' AS action,
          x.e ->> 'entity' AS entity, x.e ->> 'entity_id' AS entity_id, x.e ->> 'before' AS before, x.e ->> 'after' AS after,
          x.e ->> 'prev_hash' AS prev_hash, x.e ->> 'hash' AS hash
        FROM jsonb_array_elements(entries) WITH ORDINALITY x(e, ord)) q) p;
  IF fits THEN
    -- The receipts must be readable, with no two of them about the same ballot or voter.
    SELECT bool_and(r.readable) AND count(*) FILTER (WHERE r.counts) = count(DISTINCT r.ballot) FILTER (WHERE r.counts)
        AND count(r.voter) FILTER (WHERE r.counts) = count(DISTINCT r.voter || chr(31) || coalesce(r.election, '')) FILTER (WHERE r.counts)
      INTO fits
      FROM (SELECT jsonb_typeof(a.j) = 'object' AND (NOT (a.j ->> 'verdict' IN ('ACCEPTED', 'LATE') AND a.j ->> 'ballotId' IS NOT NULL)
              OR coalesce(a.j ->> 'seq', x.e ->> 'entity_id') ~ '^[0-9]{1,16}$') AS readable,
            coalesce(a.j ->> 'verdict' IN ('ACCEPTED', 'LATE') AND a.j ->> 'ballotId' IS NOT NULL, false) AS counts,
            a.j ->> 'ballotId' AS ballot, a.j ->> 'voterId' AS voter, a.j ->> 'electionId' AS election
        FROM jsonb_array_elements(entries) x(e), LATERAL (SELECT intake.entry_jsonb(x.e ->> 'after') AS j OFFSET 0) a
        WHERE x.e ->> 'action' = 'scan.record' AND x.e ->> 'entity' = 'scan' AND x.e ->> 'after' IS NOT NULL) r;
    fits := coalesce(fits, true);
  END IF;
  IF NOT fits THEN
    RETURN intake.push_each(entries);
  END IF;

  -- The rows as stored are kept in an array from the INSERT itself: what follows never searches
  -- intake.entries for them (a plan that scans it would grow with the county), and a temporary
  -- table is out (a station's session could shadow one of ours).
  WITH ins AS (
    INSERT INTO intake.entries AS e (station_id, local_seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash)
      SELECT s.station_id, (x.e ->> 'seq')::bigint, x.e ->> 'at', x.e ->> 'actor', x.e ->> 'action', x.e ->> 'entity',
          x.e ->> 'entity_id', x.e ->> 'before', x.e ->> 'after', x.e ->> 'prev_hash', x.e ->> 'hash'
        FROM jsonb_array_elements(entries) WITH ORDINALITY x(e, ord) ORDER BY x.ord
      RETURNING e AS row)
  SELECT array_agg(ins.row ORDER BY (ins.row).hub_seq) INTO page FROM ins;

  PERFORM intake.push_page_rows(page);

  -- The page's other entries, in order, for the county views (batches and their syncs).
  FOREACH other IN ARRAY page LOOP
    IF other.action <> 'scan.record' THEN
      PERFORM intake.county_apply(other);
    END IF;
  END LOOP;

  other := page[array_upper(page, 1)];
  PERFORM pg_notify('intake_county', other.hub_seq::text);
  RETURN jsonb_build_object('station', s.station_id, 'acknowledgedThrough', other.local_seq, 'head', other.hash, 'added', n);
END $$;
REVOKE ALL ON FUNCTION intake.push(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION intake.push(jsonb) TO intake_station;
`,
};
