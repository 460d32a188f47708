-- Hand-written: what drizzle's schema cannot express (functions, triggers, expression indexes).

-- The audit trail is append-only: the database itself refuses to change or remove an event.
CREATE OR REPLACE FUNCTION atiende_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION atiende_events_append_only();
--> statement-breakpoint
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION atiende_events_append_only();
--> statement-breakpoint
-- Folio numbers: one sequence per year, created on first use. A sequence hands out numbers without a
-- counter row that concurrent transactions would queue on; a gap after a rollback is acceptable,
-- a repeated folio is not.
CREATE OR REPLACE FUNCTION atiende_next_folio_number(folio_year integer) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  seq_name text := format('folio_seq_%s', folio_year);
BEGIN
  BEGIN
    RETURN nextval(seq_name::regclass);
  EXCEPTION WHEN undefined_table THEN
    BEGIN
      EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seq_name);
    EXCEPTION WHEN unique_violation OR duplicate_table THEN
      NULL; -- another transaction created it first
    END;
    RETURN nextval(seq_name::regclass);
  END;
END
$$;
--> statement-breakpoint
-- unaccent() is only STABLE (its dictionary could change), so it cannot appear in an index expression;
-- this wrapper pins the dictionary and is declared IMMUTABLE, which makes accent-insensitive indexes possible.
CREATE OR REPLACE FUNCTION atiende_unaccent(input text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, input) $$;
--> statement-breakpoint
CREATE INDEX cases_search_idx ON cases
  USING gin (to_tsvector('spanish'::regconfig, atiende_unaccent(folio || ' ' || subject)));
--> statement-breakpoint
CREATE INDEX messages_search_idx ON messages
  USING gin (to_tsvector('spanish'::regconfig, atiende_unaccent(body)));
