-- Hand-written: one index per thing searched (issue #13, #20), so a search is a UNION of index lookups.
-- Function bodies name their schema: index builds run them with a search_path of pg_catalog only.

-- Text as the Spanish stemmer wants it whether or not the writer typed accents: accents and case folded
-- (so "senal" and "señal" are one word), then the accent the stemmer's suffixes carry put back
-- ("facturacion" → "facturación", stemmed "factur" like "factura"). A text search configuration with
-- unaccent before spanish_stem cannot do this: the stemmer does not know "-acion" without its accent.
CREATE OR REPLACE FUNCTION atiende_search_text(input text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT regexp_replace(
    regexp_replace(lower(public.atiende_unaccent(input)), '([au]c)ion\M', '\1ión', 'g'),
    'logia(s?)\M', 'logía\1', 'g') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION atiende_search_vector(input text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT to_tsvector('spanish'::regconfig, public.atiende_search_text(input)) $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION atiende_search_query(input text) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT websearch_to_tsquery('spanish'::regconfig, public.atiende_search_text(input)) $$;
--> statement-breakpoint
-- A customer's name as searched: lower case without accents ("Treviño" → "trevino").
CREATE OR REPLACE FUNCTION atiende_name_key(input text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.atiende_unaccent(input)) $$;
--> statement-breakpoint
CREATE INDEX customers_name_trgm_idx ON customers
  USING gin (atiende_name_key(name) gin_trgm_ops) WHERE merged_into_id IS NULL;
--> statement-breakpoint
DROP INDEX IF EXISTS cases_search_idx;
--> statement-breakpoint
DROP INDEX IF EXISTS messages_search_idx;
--> statement-breakpoint
CREATE INDEX cases_search_idx ON cases USING gin (atiende_search_vector(folio || ' ' || subject));
--> statement-breakpoint
CREATE INDEX messages_search_idx ON messages USING gin (atiende_search_vector(body));
