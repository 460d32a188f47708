CREATE TABLE "incident_notices" (
	"update_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"message_id" uuid,
	"channel" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incident_notices_update_id_customer_id_pk" PRIMARY KEY("update_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "incident_proposal_reports" (
	"proposal_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incident_proposal_reports_proposal_id_case_id_pk" PRIMARY KEY("proposal_id","case_id")
);
--> statement-breakpoint
CREATE TABLE "incident_proposals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" serial NOT NULL,
	"zone_id" integer NOT NULL,
	"status" text NOT NULL,
	"rule" jsonb NOT NULL,
	"incident_id" uuid,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"muted_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incident_proposals_number_unique" UNIQUE("number"),
	CONSTRAINT "incident_proposals_status_check" CHECK ("incident_proposals"."status" in ('pendiente', 'aceptada', 'descartada'))
);
--> statement-breakpoint
ALTER TABLE "incident_notices" ADD CONSTRAINT "incident_notices_update_id_incident_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "public"."incident_updates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_notices" ADD CONSTRAINT "incident_notices_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_notices" ADD CONSTRAINT "incident_notices_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_proposal_reports" ADD CONSTRAINT "incident_proposal_reports_proposal_id_incident_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."incident_proposals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_proposal_reports" ADD CONSTRAINT "incident_proposal_reports_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_proposals" ADD CONSTRAINT "incident_proposals_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_proposals" ADD CONSTRAINT "incident_proposals_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_proposals" ADD CONSTRAINT "incident_proposals_decided_by_agents_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_proposal_reports_case_idx" ON "incident_proposal_reports" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "incident_proposals_one_pending_key" ON "incident_proposals" USING btree ("zone_id") WHERE "incident_proposals"."status" = 'pendiente';--> statement-breakpoint
CREATE INDEX "incident_proposals_zone_idx" ON "incident_proposals" USING btree ("zone_id","muted_until");