/**
 * Hub migration 2: the functions stations call — the only door a station role has.
 *
 * Each is SECURITY DEFINER (runs as intake_hub_owner) with `SET search_path = intake, pg_temp`
 * (pg_temp last, so a caller's temporary objects cannot shadow ours: PostgreSQL 18 docs,
 * CREATE FUNCTION, "Writing SECURITY DEFINER Functions Safely"). The calling station is
 * `session_user` — the role it logged in as — never anything in the payload.
 *
 * Errors: SQLSTATE class "IH" (not used by PostgreSQL), a plain-words MESSAGE, a HINT saying
 * what to do. Any error rolls back the whole call: a refused push changes nothing.
 *   IH001 not a station  IH002 retired  IH003 push not an array / too big  IH004 malformed entry
 *   IH005 entry names another station  IH006 bad pull arguments
 *   IH010 same seq, different content  IH011 gap  IH012 broken chain  IH013 hash does not match
 */
export const v2Functions = `
-- The station's entryHash (main/store/audit.ts): sha256 over the fields joined with U+001F.
CREATE FUNCTION intake.entry_hash(prev_hash text, seq bigint, at text, actor text, action text,
    entity text, entity_id text, before text, after text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT encode(sha256(convert_to(concat_ws(chr(31), prev_hash, seq::text, at, actor, action, entity,
    coalesce(entity_id, ''), coalesce(before, ''), coalesce(after, '')), 'UTF8')), 'hex')
$$;

CREATE FUNCTION intake.refuse(code text, message text, hint text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message, HINT = hint;
END $$;

-- The station this session logged in as, row-locked (FOR UPDATE while pushing, FOR SHARE while
-- pulling) so "intake hub station retire" waits for a call in flight and every later call sees it.
CREATE FUNCTION intake.calling_station(for_push boolean) RETURNS intake.stations
LANGUAGE plpgsql AS $$
DECLARE s intake.stations;
BEGIN
  IF for_push THEN
    SELECT * INTO s FROM intake.stations WHERE role_name = session_user FOR UPDATE;
  ELSE
    SELECT * INTO s FROM intake.stations WHERE role_name = session_user FOR SHARE;
  END IF;
  IF NOT FOUND THEN
    PERFORM intake.refuse('IH001', format('the database role %s is not a station registered at this hub', session_user),
      'register the station with "intake hub station add ID" and connect as the role it names');
  END IF;
  IF s.retired_at IS NOT NULL THEN
    PERFORM intake.refuse('IH002', format('station %s was retired on %s: it can no longer push or pull', s.station_id,
      to_char(s.retired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')),
      'a replacement station is registered under a new ID with "intake hub station add"');
  END IF;
  RETURN s;
END $$;

-- What is wrong with one field of one pushed entry (text after "entry N"), or NULL. Plain SQL
-- functions, inlined into the one query that checks a whole push at once.
CREATE FUNCTION intake.field_problem(e jsonb, key text, required boolean, max_len int, pattern text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN NOT (e ? key) OR jsonb_typeof(e -> key) = 'null' THEN
      CASE WHEN required THEN format(' of the push has no %s', key) END
    WHEN jsonb_typeof(e -> key) <> 'string' THEN format(' of the push: %s must be text, not %s', key, jsonb_typeof(e -> key))
    WHEN length(e ->> key) > max_len THEN
      format(' of the push: %s is %s characters long, more than the %s allowed', key, length(e ->> key), max_len)
    WHEN pattern IS NOT NULL AND (e ->> key) !~ pattern THEN format(' of the push: %s is not in the expected form', key)
    WHEN key IN ('before', 'after') AND NOT pg_input_is_valid(e ->> key, 'json') THEN format(' of the push: %s is not JSON', key)
  END
$$;

-- What is wrong with one pushed entry, as 'IH00n' || text after "entry N", or NULL. STABLE and
-- without sub-selects, so PostgreSQL inlines it (and field_problem) into the caller's query.
CREATE FUNCTION intake.entry_problem(e jsonb, me text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN jsonb_typeof(e) IS DISTINCT FROM 'object' THEN 'IH004 of the push is not a JSON object'
    WHEN (e - ARRAY['seq', 'at', 'actor', 'action', 'entity', 'entity_id', 'before', 'after', 'prev_hash', 'hash', 'station']) <> '{}'::jsonb THEN
      'IH004 of the push has fields the hub does not know: ' || left(translate(jsonb_path_query_array(e - ARRAY['seq', 'at',
        'actor', 'action', 'entity', 'entity_id', 'before', 'after', 'prev_hash', 'hash', 'station'], '$.keyvalue().key')::text, '[]"', ''), 200)
    WHEN e ? 'station' AND (jsonb_typeof(e -> 'station') <> 'string' OR e ->> 'station' <> me) THEN
      format('IH005 names station %s, but this connection is station %s: a station pushes only its own log', left(e ->> 'station', 60), me)
    WHEN jsonb_typeof(e -> 'seq') IS DISTINCT FROM 'number' OR (e ->> 'seq') !~ '^[1-9][0-9]{0,15}$' THEN
      'IH004 of the push: seq must be a whole number from 1 up'
    ELSE 'IH004' || coalesce(
      intake.field_problem(e, 'at', true, 40, '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$'),
      intake.field_problem(e, 'actor', true, 200, NULL),
      intake.field_problem(e, 'action', true, 64, '^[a-z][a-z0-9._-]*$'),
      intake.field_problem(e, 'entity', true, 64, '^[A-Za-z][A-Za-z0-9._-]*$'),
      intake.field_problem(e, 'entity_id', false, 200, NULL),
      intake.field_problem(e, 'before', false, 1048576, NULL),
      intake.field_problem(e, 'after', false, 1048576, NULL),
      intake.field_problem(e, 'prev_hash', true, 64, '^[0-9a-f]{64}$'),
      intake.field_problem(e, 'hash', true, 64, '^[0-9a-f]{64}$'))
  END
$$;
`;
