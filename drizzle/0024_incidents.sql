CREATE TABLE "incident_updates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"status" text NOT NULL,
	"public_text" text NOT NULL,
	"eta" timestamp with time zone,
	"actor_agent_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_zones" (
	"incident_id" uuid NOT NULL,
	"zone_id" integer NOT NULL,
	CONSTRAINT "incident_zones_incident_id_zone_id_pk" PRIMARY KEY("incident_id","zone_id")
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" serial NOT NULL,
	"status" text NOT NULL,
	"cause" text NOT NULL,
	"public_text" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"eta" timestamp with time zone,
	"restored_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"declared_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incidents_number_unique" UNIQUE("number")
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "incident_id" uuid;--> statement-breakpoint
ALTER TABLE "incident_updates" ADD CONSTRAINT "incident_updates_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_zones" ADD CONSTRAINT "incident_zones_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_zones" ADD CONSTRAINT "incident_zones_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_updates_incident_idx" ON "incident_updates" USING btree ("incident_id","created_at");--> statement-breakpoint
CREATE INDEX "incident_zones_zone_idx" ON "incident_zones" USING btree ("zone_id");--> statement-breakpoint
CREATE INDEX "incidents_status_idx" ON "incidents" USING btree ("status","started_at");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_incident_idx" ON "cases" USING btree ("incident_id") WHERE "cases"."incident_id" is not null;