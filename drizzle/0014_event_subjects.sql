CREATE TABLE "event_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"erased_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "subject_kind" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "subject_id" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "actor_rule" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "note_id" uuid;--> statement-breakpoint
-- Events already written are moved to the new shape once, here, with the append-only guard lifted only
-- for this migration's own statements.
ALTER TABLE "events" DISABLE TRIGGER "events_no_update_or_delete";--> statement-breakpoint
-- Agents' own words (a transfer's reason, a note on a status change) leave the unchangeable trail for the
-- erasable notes; the codes the system writes stay.
UPDATE "events" SET "note_id" = gen_random_uuid()
  WHERE "reason" IS NOT NULL AND "actor_kind" = 'agente' AND "kind" IN ('transferred', 'status_changed')
    AND "reason" NOT IN ('customer_replied', 'reopened_by_customer', 'reopen_window_ended', 'round_robin', 'agent_disconnected');--> statement-breakpoint
INSERT INTO "event_notes" ("id", "body", "created_at")
  SELECT "note_id", "reason", "created_at" FROM "events" WHERE "note_id" IS NOT NULL;--> statement-breakpoint
UPDATE "events" SET
  "reason" = CASE WHEN "note_id" IS NULL THEN "reason" END,
  "subject_kind" = CASE
    WHEN "case_id" IS NOT NULL THEN 'case'
    WHEN "customer_id" IS NOT NULL THEN 'customer'
    ELSE 'agent' END,
  "subject_id" = coalesce("case_id"::text, "customer_id"::text, "actor_agent_id"::text, ''),
  "actor_rule" = CASE WHEN "actor_kind" <> 'sistema' THEN NULL
    WHEN "kind" IN ('deadline_warning', 'deadline_breached') THEN 'escalamiento_de_plazos'
    WHEN "reason" = 'reopen_window_ended' THEN 'cierre_por_ventana_de_reapertura'
    WHEN "reason" = 'round_robin' THEN 'reparto_automatico'
    WHEN "reason" = 'agent_disconnected' THEN 'agente_desconectado'
    WHEN "kind" = 'message_added' THEN 'aviso_automatico'
    WHEN "kind" = 'delivery_failed' THEN 'reporte_de_entrega'
    ELSE 'registro_previo' END;--> statement-breakpoint
ALTER TABLE "events" ENABLE TRIGGER "events_no_update_or_delete";--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_note_id_event_notes_id_fk" FOREIGN KEY ("note_id") REFERENCES "public"."event_notes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "subject_kind" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "subject_id" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "events_subject_idx" ON "events" USING btree ("subject_kind","subject_id","id");--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_system_rule" CHECK ("events"."actor_kind" <> 'sistema' or "events"."actor_rule" is not null);
