ALTER TABLE `api_keys` ADD `created_by` text DEFAULT 'script' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `revoked_by` text;