// One QRV server for all browser tests, started before and stopped after them.
import type { TestProject } from "vitest/node";
import { startServer } from "./server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    qrvUrl: string;
    qrvApiKey: string;
    qrvAdminPassword: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await startServer();
  project.provide("qrvUrl", server.url);
  project.provide("qrvApiKey", server.apiKey);
  project.provide("qrvAdminPassword", server.adminPassword);
  return () => server.stop();
}
