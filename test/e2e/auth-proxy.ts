// A local HTTP proxy that adds `Authorization: Bearer <key>` to every request and passes the
// rest through (bodies and SSE streamed), so tools that cannot send a header, such as the MCP
// conformance suite, can talk to the protected /mcp. A Host naming the proxy becomes the
// server's own (tokens are bound to the server's address); any other Host or Origin passes
// unchanged, so the server's DNS-rebinding checks still see what the tool sent.
import { createServer, request, type Server } from "node:http";

export interface AuthProxy {
  url: string;
  close(): Promise<void>;
}

export async function startAuthProxy(target: string, key: string): Promise<AuthProxy> {
  const upstream = new URL(target);
  let own = "";
  const server: Server = createServer((req, res) => {
    const host = req.headers.host === own ? upstream.host : req.headers.host;
    const headers = { ...req.headers, host, authorization: `Bearer ${key}` };
    const out = request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  own = `localhost:${port}`;
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
