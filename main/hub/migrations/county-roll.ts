/**
 * Hub migration: the county roll (docs/county.md "The roll"). One station imports the roll
 * file and publishes it here in chunks; every station set to the county roll (rollSource =
 * county) pulls the newest complete version. A version is invisible until its last chunk is in
 * and the count matches (roll_publish_finish), so a publisher that dies half way leaves the
 * previous version in force; older versions are dropped once a newer one is complete.
 * Rows are the station roll layout's columns as JSON (README "Roll formats").
 */
export const countyRollMigration = {
  name: 'county roll: published in chunks, pulled by version',
  sql: String.raw`
CREATE TABLE intake.roll_versions (
  version bigserial PRIMARY KEY,
  station_id text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  rows bigint
);
CREATE TABLE intake.roll_rows (
  version bigint NOT NULL REFERENCES intake.roll_versions(version) ON DELETE CASCADE,
  n integer NOT NULL,
  row jsonb NOT NULL,
  PRIMARY KEY (version, n)
);

CREATE FUNCTION intake.roll_publish_begin() RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller(); v bigint;
BEGIN
  -- A publish abandoned by this station (it died half way) is cleared first.
  DELETE FROM intake.roll_versions WHERE station_id = me AND published_at IS NULL;
  INSERT INTO intake.roll_versions (station_id) VALUES (me) RETURNING version INTO v;
  RETURN v;
END $$;

CREATE FUNCTION intake.roll_publish_rows(p_version bigint, p_first integer, p_rows jsonb) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller(); added integer;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM intake.roll_versions WHERE version = p_version AND station_id = me AND published_at IS NULL) THEN
    RAISE EXCEPTION 'roll version % is not being published by this station', p_version USING ERRCODE = 'IH409', HINT = 'roll-not-open';
  END IF;
  IF jsonb_typeof(p_rows) <> 'array' OR jsonb_array_length(p_rows) > 20000 THEN
    RAISE EXCEPTION 'a roll chunk is a JSON array of at most 20,000 rows' USING ERRCODE = 'IH422', HINT = 'bad-chunk';
  END IF;
  IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_rows) e WHERE jsonb_typeof(e) <> 'object' OR coalesce(e->>'ballot_id', '') = '') THEN
    RAISE EXCEPTION 'every roll row needs a ballot_id' USING ERRCODE = 'IH422', HINT = 'bad-row';
  END IF;
  INSERT INTO intake.roll_rows (version, n, row)
  SELECT p_version, p_first + (o - 1)::int, e FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS t(e, o)
  ON CONFLICT (version, n) DO NOTHING; -- a chunk sent again after a lost answer changes nothing
  GET DIAGNOSTICS added = ROW_COUNT;
  RETURN added;
END $$;

CREATE FUNCTION intake.roll_publish_finish(p_version bigint, p_rows bigint) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller(); have bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM intake.roll_versions WHERE version = p_version AND station_id = me AND published_at IS NULL) THEN
    RAISE EXCEPTION 'roll version % is not being published by this station', p_version USING ERRCODE = 'IH409', HINT = 'roll-not-open';
  END IF;
  SELECT count(*) INTO have FROM intake.roll_rows WHERE version = p_version;
  IF have <> p_rows THEN
    RAISE EXCEPTION 'roll version % holds % rows, not the % sent: publish again', p_version, have, p_rows USING ERRCODE = 'IH409', HINT = 'roll-incomplete';
  END IF;
  UPDATE intake.roll_versions SET published_at = now(), rows = have WHERE version = p_version;
  DELETE FROM intake.roll_versions WHERE version < p_version AND published_at IS NOT NULL;
  PERFORM pg_notify('intake_roll', p_version::text);
  RETURN jsonb_build_object('version', p_version, 'rows', have);
END $$;

CREATE FUNCTION intake.roll_current() RETURNS jsonb LANGUAGE sql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
  SELECT coalesce((SELECT jsonb_build_object('version', version, 'rows', rows, 'station', station_id, 'publishedAt', published_at)
    FROM intake.roll_versions WHERE published_at IS NOT NULL ORDER BY version DESC LIMIT 1), '{}'::jsonb);
$$;

CREATE FUNCTION intake.roll_page(p_version bigint, p_after integer, p_limit integer) RETURNS jsonb LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller();
BEGIN
  IF NOT EXISTS (SELECT 1 FROM intake.roll_versions WHERE version = p_version AND published_at IS NOT NULL) THEN
    RAISE EXCEPTION 'roll version % is not (or no longer) published: pull again', p_version USING ERRCODE = 'IH409', HINT = 'roll-gone';
  END IF;
  RETURN coalesce((SELECT jsonb_agg(r.row ORDER BY r.n) FROM (
    SELECT n, row FROM intake.roll_rows WHERE version = p_version AND n > p_after ORDER BY n LIMIT least(greatest(p_limit, 1), 20000)) r), '[]'::jsonb);
END $$;

DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['roll_publish_begin()', 'roll_publish_rows(bigint,integer,jsonb)', 'roll_publish_finish(bigint,bigint)', 'roll_current()',
    'roll_page(bigint,integer,integer)'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION intake.%s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION intake.%s TO intake_station', f);
  END LOOP;
END $$;
`,
};
