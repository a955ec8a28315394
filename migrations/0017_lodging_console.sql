-- The lodging console's audit trail (seed 004 §3(3)2–4): who changed room types, rooms and rates
-- (by form or CSV import) and members' details, and who deleted a member, with when. `detail`
-- names what changed, never a member's personal data.
CREATE TABLE `lodging_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`operator` text NOT NULL,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text,
	`detail` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `lodging_audit_subject` ON `lodging_audit` (`subject_type`,`subject_id`,`id`);
