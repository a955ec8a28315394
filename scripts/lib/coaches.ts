// The demo coaches (two coaches with menus, availability and terms) in a local database.
import { demoCoachesSql } from "../../src/db/sessions-demo.ts";
import { executeSql, type LocalOptions, type Target } from "./wrangler.ts";

export function seedDemoCoaches(target: Target, opts: LocalOptions = {}): number {
  const statements = demoCoachesSql(Date.now());
  executeSql(target, `${statements.join(";\n")};\n`, opts);
  return statements.length;
}
