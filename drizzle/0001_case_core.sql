CREATE TABLE "attachment_blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"size" integer NOT NULL,
	"content_type" text NOT NULL,
	"data" "bytea",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "authorized_representatives" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"name" text NOT NULL,
	"contact" text NOT NULL,
	"id_document_sha256" text,
	"id_document_filename" text,
	"scope" text[],
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"folio" text NOT NULL,
	"request_type" text NOT NULL,
	"subtype" text,
	"channel" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"raised_by" text NOT NULL,
	"representative_id" uuid,
	"raised_by_agent_id" uuid,
	"area_id" integer NOT NULL,
	"assignee_id" uuid,
	"status" text DEFAULT 'nuevo' NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL,
	"subject" text NOT NULL,
	"cause_code" text,
	"discard_reason" text,
	"duplicate_of_id" uuid,
	"follows_up_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	CONSTRAINT "cases_folio_unique" UNIQUE("folio"),
	CONSTRAINT "cases_status_check" CHECK ("cases"."status" in ('nuevo', 'asignado', 'en_proceso', 'en_espera_cliente', 'resuelto', 'cerrado', 'descartado')),
	CONSTRAINT "cases_priority_check" CHECK ("cases"."priority" in ('baja', 'normal', 'alta', 'urgente')),
	CONSTRAINT "cases_assigned_has_assignee" CHECK ("cases"."status" <> 'asignado' or "cases"."assignee_id" is not null),
	CONSTRAINT "cases_nuevo_unassigned" CHECK ("cases"."status" <> 'nuevo' or "cases"."assignee_id" is null)
);
--> statement-breakpoint
CREATE TABLE "contact_points" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"address" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_points_kind_check" CHECK ("contact_points"."kind" in ('phone', 'email', 'whatsapp', 'messenger'))
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_number" text,
	"name" text,
	"merged_into_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_account_number_unique" UNIQUE("account_number")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" uuid,
	"customer_id" uuid,
	"kind" text NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_agent_id" uuid,
	"before" jsonb,
	"after" jsonb,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_attachments" (
	"message_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"filename" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "message_attachments_message_id_position_pk" PRIMARY KEY("message_id","position")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"external_id" text,
	"author_agent_id" uuid,
	"body" text NOT NULL,
	"delivery_status" text,
	"delivery_error" text,
	"metadata" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_kind_check" CHECK ("messages"."kind" in ('entrante', 'saliente', 'nota_interna'))
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "last_assigned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "authorized_representatives" ADD CONSTRAINT "authorized_representatives_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorized_representatives" ADD CONSTRAINT "authorized_representatives_id_document_sha256_attachment_blobs_sha256_fk" FOREIGN KEY ("id_document_sha256") REFERENCES "public"."attachment_blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_representative_id_authorized_representatives_id_fk" FOREIGN KEY ("representative_id") REFERENCES "public"."authorized_representatives"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_raised_by_agent_id_agents_id_fk" FOREIGN KEY ("raised_by_agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_assignee_id_agents_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_points" ADD CONSTRAINT "contact_points_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_attachments" ADD CONSTRAINT "message_attachments_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_attachments" ADD CONSTRAINT "message_attachments_sha256_attachment_blobs_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."attachment_blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_author_agent_id_agents_id_fk" FOREIGN KEY ("author_agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_area_status_idx" ON "cases" USING btree ("area_id","status");--> statement-breakpoint
CREATE INDEX "cases_assignee_status_idx" ON "cases" USING btree ("assignee_id","status");--> statement-breakpoint
CREATE INDEX "cases_customer_idx" ON "cases" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "cases_created_idx" ON "cases" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "contact_points_kind_address_key" ON "contact_points" USING btree ("kind","address");--> statement-breakpoint
CREATE INDEX "contact_points_customer_idx" ON "contact_points" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "events_case_idx" ON "events" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "events_customer_idx" ON "events" USING btree ("customer_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_channel_external_id_key" ON "messages" USING btree ("channel","external_id");--> statement-breakpoint
CREATE INDEX "messages_case_idx" ON "messages" USING btree ("case_id","created_at");