-- The MCP server keeps no sessions (each request is served for the credential it carries), so
-- the table that bound session ids to credentials is no longer used.
DROP INDEX IF EXISTS `mcp_sessions_created`;
DROP TABLE IF EXISTS `mcp_sessions`;
