// API keys for server-to-server MCP clients: `qrv_` + 256 random bits. Only the SHA-256 of
// a key is stored; the key itself is shown once.
import { newId, newSecretToken, sha256Hex } from "./ids.ts";

export const API_KEY_PREFIX = "qrv_";

export async function newApiKey(name: string, now = Date.now()) {
  const key = `${API_KEY_PREFIX}${newSecretToken()}`;
  const id = newId("key", now);
  return { id, key, row: { id, name, keyHash: await sha256Hex(key), keyPrefix: key.slice(0, 10), createdAt: now } };
}
