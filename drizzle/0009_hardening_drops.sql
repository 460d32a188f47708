DROP TABLE "portal_attempts" CASCADE;--> statement-breakpoint
ALTER TABLE "agents" DROP COLUMN "failed_logins";--> statement-breakpoint
ALTER TABLE "agents" DROP COLUMN "locked_until";