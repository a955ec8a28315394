CREATE TABLE `request_keys` (
	`caller` text NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`reservation_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`caller`, `key`)
);
--> statement-breakpoint
CREATE INDEX `request_keys_created` ON `request_keys` (`created_at`);
--> statement-breakpoint
ALTER TABLE `shops` ADD `opening_hours` text;
--> statement-breakpoint
CREATE TABLE `shop_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`operator` text NOT NULL,
	`action` text NOT NULL,
	`shop_id` text,
	`detail` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `shop_audit_shop` ON `shop_audit` (`shop_id`,`at`);
