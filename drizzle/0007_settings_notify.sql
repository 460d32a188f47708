-- Each server process keeps the provider's settings and areas in memory (they are read on every case and
-- inbound message); a change committed through any process or tool is announced so all of them drop it.
CREATE OR REPLACE FUNCTION atiende_announce_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('atiende_settings', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER provider_settings_announce AFTER INSERT OR UPDATE OR DELETE ON provider_settings
  FOR EACH STATEMENT EXECUTE FUNCTION atiende_announce_settings();
--> statement-breakpoint
CREATE TRIGGER areas_announce AFTER INSERT OR UPDATE OR DELETE ON areas
  FOR EACH STATEMENT EXECUTE FUNCTION atiende_announce_settings();
