CREATE TABLE "arco_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"subtype" text NOT NULL,
	"status" text DEFAULT 'recibida' NOT NULL,
	"details" jsonb,
	"refusal_reason" text,
	"identity_verified_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"executed_at" timestamp with time zone,
	"retain_until" timestamp with time zone,
	"retention_anonymised_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "arco_requests_case_id_unique" UNIQUE("case_id"),
	CONSTRAINT "arco_requests_subtype_check" CHECK ("arco_requests"."subtype" in ('acceso', 'rectificacion', 'cancelacion', 'oposicion')),
	CONSTRAINT "arco_requests_status_check" CHECK ("arco_requests"."status" in ('recibida', 'respondida', 'ejecutada', 'improcedente'))
);
--> statement-breakpoint
CREATE TABLE "breach_notice_recipients" (
	"breach_notice_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"case_id" uuid,
	"message_id" uuid,
	"channel" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "breach_notice_recipients_breach_notice_id_customer_id_pk" PRIMARY KEY("breach_notice_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "breach_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" jsonb NOT NULL,
	"body" jsonb NOT NULL,
	"declared_by_agent_id" uuid NOT NULL,
	"affected_count" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"granted" boolean NOT NULL,
	"channel" text NOT NULL,
	"text_version" text NOT NULL,
	"arco_request_id" uuid,
	"recorded_by_agent_id" uuid,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversation_turns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"payload" jsonb,
	"external_id" text,
	"delivery_status" text,
	"delivery_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversation_turns_kind_check" CHECK ("conversation_turns"."kind" in ('entrante', 'saliente'))
);
--> statement-breakpoint
CREATE TABLE "conversations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"contact_address" text NOT NULL,
	"customer_id" uuid,
	"representative_id" uuid,
	"language" text DEFAULT 'es' NOT NULL,
	"state" jsonb NOT NULL,
	"misunderstood" smallint DEFAULT 0 NOT NULL,
	"case_id" uuid,
	"started_at" timestamp with time zone NOT NULL,
	"last_activity_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"close_reason" text,
	CONSTRAINT "conversations_close_reason_check" CHECK ("conversations"."close_reason" in ('inactividad', 'asesor', 'solicitud', 'completada'))
);
--> statement-breakpoint
CREATE TABLE "promotion_recipients" (
	"promotion_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"case_id" uuid,
	"message_id" uuid,
	"channel" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "promotion_recipients_promotion_id_customer_id_pk" PRIMARY KEY("promotion_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "promotions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"text" jsonb NOT NULL,
	"declared_by_agent_id" uuid NOT NULL,
	"audience" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "authorized_representatives" ADD COLUMN "contact_kind" text;--> statement-breakpoint
ALTER TABLE "authorized_representatives" ADD COLUMN "contact_address" text;--> statement-breakpoint
ALTER TABLE "authorized_representatives" ADD COLUMN "granted_via" text DEFAULT 'agente' NOT NULL;--> statement-breakpoint
ALTER TABLE "authorized_representatives" ADD COLUMN "verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "authorized_representatives" ADD COLUMN "verified_by_agent_id" uuid;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "language" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "anonymised_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "arco_requests" ADD CONSTRAINT "arco_requests_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "arco_requests" ADD CONSTRAINT "arco_requests_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_notice_recipients" ADD CONSTRAINT "breach_notice_recipients_breach_notice_id_breach_notices_id_fk" FOREIGN KEY ("breach_notice_id") REFERENCES "public"."breach_notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_notice_recipients" ADD CONSTRAINT "breach_notice_recipients_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_notice_recipients" ADD CONSTRAINT "breach_notice_recipients_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_notices" ADD CONSTRAINT "breach_notices_declared_by_agent_id_agents_id_fk" FOREIGN KEY ("declared_by_agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_arco_request_id_arco_requests_id_fk" FOREIGN KEY ("arco_request_id") REFERENCES "public"."arco_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_recorded_by_agent_id_agents_id_fk" FOREIGN KEY ("recorded_by_agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_turns" ADD CONSTRAINT "conversation_turns_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_representative_id_authorized_representatives_id_fk" FOREIGN KEY ("representative_id") REFERENCES "public"."authorized_representatives"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_recipients" ADD CONSTRAINT "promotion_recipients_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "public"."promotions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_recipients" ADD CONSTRAINT "promotion_recipients_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotion_recipients" ADD CONSTRAINT "promotion_recipients_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_declared_by_agent_id_agents_id_fk" FOREIGN KEY ("declared_by_agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "arco_requests_customer_idx" ON "arco_requests" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "arco_requests_retain_idx" ON "arco_requests" USING btree ("retain_until") WHERE "arco_requests"."retain_until" is not null and "arco_requests"."retention_anonymised_at" is null;--> statement-breakpoint
CREATE INDEX "consents_customer_purpose_idx" ON "consents" USING btree ("customer_id","purpose","recorded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_turns_external_id_key" ON "conversation_turns" USING btree ("external_id");--> statement-breakpoint
CREATE INDEX "conversation_turns_conversation_idx" ON "conversation_turns" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_open_sender_key" ON "conversations" USING btree ("channel","contact_address") WHERE "conversations"."closed_at" is null;--> statement-breakpoint
CREATE INDEX "conversations_idle_idx" ON "conversations" USING btree ("last_activity_at") WHERE "conversations"."closed_at" is null;--> statement-breakpoint
CREATE INDEX "conversations_customer_idx" ON "conversations" USING btree ("customer_id","started_at");--> statement-breakpoint
ALTER TABLE "authorized_representatives" ADD CONSTRAINT "authorized_representatives_verified_by_agent_id_agents_id_fk" FOREIGN KEY ("verified_by_agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "authorized_representatives_contact_idx" ON "authorized_representatives" USING btree ("contact_kind","contact_address") WHERE "authorized_representatives"."contact_address" is not null;--> statement-breakpoint
CREATE INDEX "authorized_representatives_customer_idx" ON "authorized_representatives" USING btree ("customer_id");--> statement-breakpoint
ALTER TABLE "authorized_representatives" ADD CONSTRAINT "authorized_representatives_granted_via_check" CHECK ("authorized_representatives"."granted_via" in ('agente', 'portal', 'carta_poder'));--> statement-breakpoint
-- Hand-written: an ARCO cancellation may erase the words of a ledger entry (its reference and note) once
-- billing no longer needs them (the retention period); the money, dates and kinds stay append-only.
CREATE OR REPLACE FUNCTION atiende_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.reference IS NULL AND NEW.note IS NULL
     AND (to_jsonb(NEW) - 'reference' - 'note') = (to_jsonb(OLD) - 'reference' - 'note') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'ledger entries are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
