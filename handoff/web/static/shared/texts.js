/* One way to look up a text by key: the hub's catalogue for a language (GET /web/texts/<language>,
 * from data/responses/<language>/web.yml and console.yml), its {name} placeholders filled in.
 * The console looks up through the module's t(), set once for the agent's language; each
 * sidebar keeps the translator of its own page's language. */

export const LANGUAGES = ["en", "ja", "ru", "id", "it", "de"];
export const DEFAULT_LANGUAGE = "en";

/** The supported language of a locale such as "de-DE" or "pt_BR" (English for any other). */
export function languageOf(locale) {
  const primary = String(locale || DEFAULT_LANGUAGE).replace("_", "-").split("-")[0].toLowerCase();
  return LANGUAGES.includes(primary) ? primary : DEFAULT_LANGUAGE;
}

export function format(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (whole, name) =>
    values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole);
}

/** The catalogue of one language, as the hub at `base` (an origin, or "" for this page's) serves it. */
export async function fetchCatalogue(base, language) {
  const response = await fetch(`${base}/web/texts/${language}`);
  if (!response.ok) throw new Error(`no texts in ${language}: ${response.status}`);
  return response.json();
}

/** t(key, values) over one catalogue; a key it lacks shows as itself, so a gap is seen, not hidden. */
export function translator(catalogue) {
  return (key, values) =>
    Object.prototype.hasOwnProperty.call(catalogue, key) ? format(catalogue[key], values) : key;
}

let current = translator({});
let currentLanguage = DEFAULT_LANGUAGE;

/** The text `key` in the language chosen with useLanguage(). */
export function t(key, values) {
  return current(key, values);
}

export function language() {
  return currentLanguage;
}

/** Loads the catalogue of `wanted` from this page's hub; t() answers in it from then on. */
export async function useLanguage(wanted) {
  const catalogue = await fetchCatalogue("", wanted);
  current = translator(catalogue);
  currentLanguage = wanted;
  document.documentElement.lang = wanted;
  return catalogue;
}
