// QRV's icon for MCP clients (server, tools, prompts): a small SVG as a data: URI, so clients
// can show it without fetching anything from QRV.
import type { Icon } from "@modelcontextprotocol/server";

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#1f4e79"/><path d="M18 22h28v24H18z" fill="#fff"/><path d="M18 22h28v7H18z" fill="#f2a900"/><path d="M24 36l5 5 11-11" stroke="#1f4e79" stroke-width="4" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

export const QRV_ICONS: Icon[] = [{ src: `data:image/svg+xml;base64,${btoa(SVG)}`, mimeType: "image/svg+xml", sizes: ["any"] }];
