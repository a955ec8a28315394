-- MCP sessions belong to the credential that opened them (an API key or a signed-in person).
CREATE TABLE `mcp_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mcp_sessions_created` ON `mcp_sessions` (`created_at`);
--> statement-breakpoint
-- User ids were the SHA-256 of the phone number, and OAuth codes and tokens begin with the user
-- id: every user gets a random one. Grants made with the old ids stop working (their user id is
-- no longer found), and the person signs in again.
UPDATE `users` SET `id` = 'usr_' || lower(hex(randomblob(12)));
--> statement-breakpoint
-- One row per counted action (a booking request per caller, number and shop; a console
-- password failure; a sign-in code): limits count the rows of a key inside a window.
CREATE TABLE `rate_events` (
	`key` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_events_key_at` ON `rate_events` (`key`,`at`);
--> statement-breakpoint
-- Console sessions ended by signing out: their cookie no longer opens /admin.
CREATE TABLE `console_logouts` (
	`session_id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL
);
