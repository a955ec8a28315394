-- Sessions governance (seed 001 Build: 例外権限, RACI/SLA, 監査設計; Run: 例外処理): each coach's
-- versioned exception policy, and the projection of every exception case an engagement's
-- object writes in the same batch as the reservation row (the coach portal and the console
-- queue read it; the reservation's events remain the audit log).
CREATE TABLE `coach_policies` (
	`coach_id` text NOT NULL REFERENCES `coaches`(`id`) ON DELETE cascade,
	`version` integer NOT NULL,
	`policy` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	PRIMARY KEY(`coach_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `session_exceptions` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`coach_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`in_policy` integer NOT NULL,
	`rule` text NOT NULL,
	`policy_version` integer NOT NULL,
	`reason` text NOT NULL,
	`request` text DEFAULT '{}' NOT NULL,
	`opened_at` integer NOT NULL,
	`opened_by` text NOT NULL,
	`decision` text,
	`decided_at` integer,
	`decided_by` text,
	`note` text,
	`done_at` integer
);
--> statement-breakpoint
CREATE INDEX `session_exceptions_coach_status` ON `session_exceptions` (`coach_id`,`status`);
--> statement-breakpoint
CREATE INDEX `session_exceptions_opened` ON `session_exceptions` (`opened_at`);
