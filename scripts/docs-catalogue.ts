// Writes docs/service-catalogue.md from the catalogue's source (src/guides/catalogue.ts), the
// same source as /guides/service-catalogue and its PDF. test/catalogue.test.ts fails when the
// file is out of date.
import { writeFileSync } from "node:fs";
import { docToMarkdown } from "../src/documents/markdown.ts";
import { CATALOGUE_PREFACE, catalogueDoc } from "../src/guides/catalogue.ts";

writeFileSync(new URL("../docs/service-catalogue.md", import.meta.url), docToMarkdown(catalogueDoc(), CATALOGUE_PREFACE));
console.log("docs/service-catalogue.md written");
