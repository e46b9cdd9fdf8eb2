/* The console's language: the one the agent chose (kept by the hub, their `locale`), else the
 * first of the browser's languages Bolt speaks, else English. This browser remembers the last
 * one shown, so that the sign-in form of a later visit is in it too. */
import {DEFAULT_LANGUAGE, LANGUAGES, language, useLanguage} from "../shared/texts.js";
import {changed} from "./state.js";
import {send} from "./socket.js";

const REMEMBERED = "bolt-console:language";

export function browserLanguage() {
  const wanted = (navigator.languages || [navigator.language])
    .map((locale) => String(locale).split("-")[0].toLowerCase());
  return wanted.find((code) => LANGUAGES.includes(code)) || DEFAULT_LANGUAGE;
}

/** The language to start in, before the hub has said which one the agent chose. */
export function startingLanguage() {
  const remembered = localStorage.getItem(REMEMBERED);
  return LANGUAGES.includes(remembered) ? remembered : browserLanguage();
}

/** Shows the console in `code` (the agent's `locale` from the hub); nothing when it already is. */
export async function showIn(code) {
  if (!LANGUAGES.includes(code)) return;
  localStorage.setItem(REMEMBERED, code);
  if (code === language()) return;
  await useLanguage(code);
  changed();
}

/** The agent chose `code`: shown at once, kept by the hub for their later sign-ins. */
export async function choose(code) {
  await showIn(code);
  send({type: "locale", locale: code});
}

/** A language's name in that language itself, so that each agent finds their own. */
export function ownName(code) {
  try {
    return new Intl.DisplayNames([code], {type: "language"}).of(code);
  } catch (unsupported) {
    return code;
  }
}
