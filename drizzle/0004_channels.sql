CREATE TABLE "channel_states" (
	"channel" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"detail" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbound_receipts" (
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"message_id" uuid,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbound_receipts_channel_external_id_pk" PRIMARY KEY("channel","external_id")
);
--> statement-breakpoint
CREATE TABLE "outbound_statuses" (
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"status" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"error" jsonb,
	CONSTRAINT "outbound_statuses_channel_external_id_pk" PRIMARY KEY("channel","external_id")
);
