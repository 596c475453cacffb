/**
 * Hub migration 9: a NUL character in a station's entry no longer stops its pushes.
 *
 * A station's audit entry is JSON text; a raw barcode or a typed reason may hold U+0000 (a
 * scanner that sends a NUL byte, a pasted reason), which JSON writes as the escape `\u0000`.
 * PostgreSQL's jsonb cannot hold that character, so the county views' cast of the entry's text
 * (county_apply, migrations 3, 7 and 8; apply_receipt's json_to_record, migration 2) failed with 22P05 and refused the whole push: the
 * station's log stayed behind for good. The entry itself is still stored exactly as pushed (its
 * text is what the hash chain covers); only the county's copy, read from it, shows U+FFFD (the
 * replacement character) in place of each NUL.
 *
 * Their casts go through intake.entry_jsonb, swapped in place (each definition read back with
 * pg_get_functiondef and run again), so neither body is written out once more.
 */
export const countyNulMigration = {
  name: 'a NUL in an entry does not stop the county',
  sql: String.raw`
CREATE FUNCTION intake.entry_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE
SET search_path = intake, pg_temp AS $$
BEGIN
  IF t IS NULL THEN
    RETURN NULL;
  END IF;
  IF pg_input_is_valid(t, 'jsonb') THEN
    RETURN t::jsonb;
  END IF;
  -- Only the escape jsonb refuses (standard_conforming_strings: the backslash is literal here).
  t := replace(t, '\u0000', '\ufffd');
  IF pg_input_is_valid(t, 'jsonb') THEN
    RETURN t::jsonb;
  END IF;
  RETURN NULL; -- not JSON at all: read as no object, as before
END $$;

-- Each function's definition read back and run again with its cast swapped (a function whose
-- text no longer holds the cast stops the migration: nothing is half done).
DO $$
DECLARE
  fix record;
  def text;
  fixed text;
BEGIN
  FOR fix IN SELECT * FROM (VALUES
      ('intake.county_apply(intake.entries)', '(NEW.after)::jsonb', 'intake.entry_jsonb(NEW.after)'),
      ('intake.apply_receipt(bigint, intake.entries)', 'json_to_record(r.after::json)', 'json_to_record(intake.entry_jsonb(r.after)::json)')
    ) AS f(fn, cast_from, cast_to)
  LOOP
    def := pg_get_functiondef(fix.fn::regprocedure);
    fixed := replace(def, fix.cast_from, fix.cast_to);
    IF fixed = def THEN
      RAISE EXCEPTION 'hub migration 9: % no longer holds %', fix.fn, fix.cast_from;
    END IF;
    EXECUTE fixed;
  END LOOP;
END $$;
`,
};
