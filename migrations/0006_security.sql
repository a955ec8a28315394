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
