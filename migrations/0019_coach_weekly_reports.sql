-- The coach's weekly report (seed 001 Run：定期業務（週次）: 週次レポート作成 → レポート確認):
-- made once per coach and week by the cron, kept as its document (JSON Doc) so the portal's
-- page, its PDF and the emailed PDF are the same, and emailed to the coach with the PDF.
CREATE TABLE `coach_reports` (
	`coach_id` text NOT NULL REFERENCES `coaches`(`id`) ON DELETE cascade,
	`week` text NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`doc` text NOT NULL,
	`recipients` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`coach_id`, `week`)
);
--> statement-breakpoint
-- The audit log past a coach's retention is deleted nightly: the events are found by time.
CREATE INDEX `reservation_events_created` ON `reservation_events` (`created_at`);
