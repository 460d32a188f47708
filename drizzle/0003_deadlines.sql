CREATE TABLE "case_deadlines" (
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"target" jsonb NOT NULL,
	"source" text NOT NULL,
	"calendar" jsonb NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"paused_at" timestamp with time zone,
	"paused_ms" bigint DEFAULT 0 NOT NULL,
	"pauses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"met_at" timestamp with time zone,
	"warned_at" timestamp with time zone,
	"breached_at" timestamp with time zone,
	CONSTRAINT "case_deadlines_case_id_kind_pk" PRIMARY KEY("case_id","kind"),
	CONSTRAINT "case_deadlines_kind_check" CHECK ("case_deadlines"."kind" in ('primera_respuesta', 'resolucion'))
);
--> statement-breakpoint
CREATE TABLE "case_flags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"deadline_kind" text NOT NULL,
	"kind" text NOT NULL,
	"notify_agent_ids" uuid[] NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid
);
--> statement-breakpoint
ALTER TABLE "case_deadlines" ADD CONSTRAINT "case_deadlines_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_flags" ADD CONSTRAINT "case_flags_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_deadlines_due_idx" ON "case_deadlines" USING btree ("due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "case_flags_once_key" ON "case_flags" USING btree ("case_id","deadline_kind","kind");--> statement-breakpoint
CREATE INDEX "case_flags_open_idx" ON "case_flags" USING btree ("acknowledged_at","raised_at");