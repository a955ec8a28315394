-- The coach's message templates (seed 001 Build: テンプレ承認; 送信ルール). Version 1 of each
-- template is QRV's standard text (in the code), agreed with the coach in Build; every change
-- an operator proposes is a new version here, and it sends only after the coach approved it.
-- Old versions stay, so the audit log's "template and version" can always be read back.
CREATE TABLE `session_templates` (
	`coach_id` text NOT NULL REFERENCES `coaches`(`id`) ON DELETE cascade,
	`template` text NOT NULL,
	`version` integer NOT NULL,
	`text_ja` text NOT NULL,
	`text_en` text NOT NULL,
	`status` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`proposed_at` integer NOT NULL,
	`proposed_by` text NOT NULL,
	`decided_at` integer,
	`decided_by` text,
	`decision_note` text,
	PRIMARY KEY(`coach_id`, `template`, `version`)
);
--> statement-breakpoint
CREATE INDEX `session_templates_status` ON `session_templates` (`coach_id`,`status`);
