-- Resource subscriptions of 2025-era MCP clients (resources/subscribe). Such a client is served
-- one request at a time; the Mcp-Session-Id QRV gives it at initialize names the subscription
-- set, and the client's open GET stream (src/mcp/subscriptions.ts) reads this table to learn what
-- to watch. `version` is the reservation's version when subscribed, so a change made before the
-- stream first looks is still reported. Rows expire; nothing else refers to them.
CREATE TABLE `mcp_subscriptions` (
	`session_id` text NOT NULL,
	`owner` text NOT NULL,
	`uri` text NOT NULL,
	`reservation_id` text,
	`version` integer,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `owner`, `uri`)
);
--> statement-breakpoint
CREATE INDEX `mcp_subscriptions_expires` ON `mcp_subscriptions` (`expires_at`);
