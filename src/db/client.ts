// D1 through drizzle: one factory, one schema. Query functions take the db they work on.
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

function build(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Db = ReturnType<typeof build>;

// drizzle builds its relational configuration from the schema on every drizzle() call; one
// instance per D1 binding (the binding object lives as long as the isolate's env) keeps that
// to once per isolate. The instance holds no state besides the binding and the schema.
const instances = new WeakMap<D1Database, Db>();

export function createDb(d1: D1Database): Db {
  let db = instances.get(d1);
  if (!db) {
    db = build(d1);
    instances.set(d1, db);
  }
  return db;
}
