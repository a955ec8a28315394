// Preloaded (node --import) into `scripts/deploy.ts` by the deploy rehearsal: the script's last
// step asks the deployed Worker's /healthz at PUBLIC_URL, which here is the fake Cloudflare's
// stand-in for the Worker. Only that address is redirected; wrangler runs in its own processes.
const publicUrl = process.env.QRV_FAKE_PUBLIC_URL;
const worker = process.env.QRV_FAKE_WORKER;
if (publicUrl && worker) {
  const real = globalThis.fetch;
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    return url.startsWith(publicUrl) ? real(`${worker}/__worker${url.slice(publicUrl.length)}`, init) : real(input, init);
  };
}
