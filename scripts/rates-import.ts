// npm run rates:import -- FILE.csv [--remote]
// Sets daily rates per room type and date (room_type,date,points) in the local D1 (or the deployed one).
import { runCsvImport } from "./lib/csv-import.ts";
import { importRates } from "./lib/lodging.ts";

runCsvImport("rate(s)", "usage: npm run rates:import -- FILE.csv [--remote]\ncolumns: room_type,date,points", importRates);
