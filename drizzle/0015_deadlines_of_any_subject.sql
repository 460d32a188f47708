CREATE TABLE "deadline_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"deadline_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"notify_agent_ids" uuid[] NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	"cleared_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "deadlines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"target" jsonb NOT NULL,
	"source" text NOT NULL,
	"calendar" jsonb NOT NULL,
	"pausable" boolean NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"paused_at" timestamp with time zone,
	"paused_ms" bigint DEFAULT 0 NOT NULL,
	"pauses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"met_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"warned_at" timestamp with time zone,
	"breached_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "deadline_alerts" ADD CONSTRAINT "deadline_alerts_deadline_id_deadlines_id_fk" FOREIGN KEY ("deadline_id") REFERENCES "public"."deadlines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deadline_alerts_deadline_key" ON "deadline_alerts" USING btree ("deadline_id");--> statement-breakpoint
CREATE INDEX "deadline_alerts_open_idx" ON "deadline_alerts" USING btree ("acknowledged_at","raised_at");--> statement-breakpoint
CREATE UNIQUE INDEX "deadlines_subject_key" ON "deadlines" USING btree ("subject_kind","subject_id","kind");--> statement-breakpoint
CREATE INDEX "deadlines_due_idx" ON "deadlines" USING btree ("due_at");