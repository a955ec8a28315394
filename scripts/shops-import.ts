// npm run shops:import -- FILE.csv [--remote]
// Upserts partner shops (by phone) from a CSV into the local D1 (or the deployed one).
import { runCsvImport } from "./lib/csv-import.ts";
import { importShops } from "./lib/shops.ts";

runCsvImport("shop(s)", "usage: npm run shops:import -- FILE.csv [--remote]\ncolumns: name,phone,email,services,area,priority,price_jpy,sandbox_answer[,address]", importShops);
