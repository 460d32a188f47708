CREATE TABLE "portal_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"succeeded" boolean NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "portal_attempts_key_at_idx" ON "portal_attempts" USING btree ("key","at");