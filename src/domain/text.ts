// Characters that make text say something other than what it shows: control characters,
// right-to-left overrides and other bidi controls, zero-width spaces and joiners (Unicode
// "format" characters). Names a person or an app gives are refused when they carry them, and
// text that comes from elsewhere (an app's metadata document) is shown with them made visible.

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
/** Unicode format characters (Cf): bidi overrides and isolates, zero-width space/joiners, BOM... */
const FORMAT = /\p{Cf}/u;

/** Why a name cannot be used as given, or null when it can. */
export function nameProblem(text: string): string | null {
  if (CONTROL.test(text)) return "control characters are not allowed";
  if (FORMAT.test(text)) return "invisible formatting characters (right-to-left overrides, zero-width characters) are not allowed";
  return null;
}

/** The text with every control and format character shown as U+FFFD, so nothing hides. */
export function visibleText(text: string): string {
  return text.replace(new RegExp(`${CONTROL.source}|${FORMAT.source}`, "gu"), "\uFFFD");
}

/**
 * `{{name}}` placeholders filled from `values`. A placeholder without a value stays as it is,
 * so a check can find it and nothing leaves half-written.
 */
export function fillPlaceholders(text: string, values: Record<string, string | undefined>): string {
  return text.replace(/\{\{([\w.]+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}
