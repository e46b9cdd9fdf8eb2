/* Canned responses: the ones every agent starts with, in the chat's language (web_canned_* of
 * the hub's catalogue for that language), then the agent's own, kept in this browser. */
import {changed, state} from "./state.js";
import {fetchCatalogue} from "../shared/texts.js";

const STARTERS = ["web_canned_greeting", "web_canned_checking", "web_canned_anything_else"];

export function loadChatTexts(language) {
  if (state.chatTexts[language]) return;
  state.chatTexts[language] = {};
  fetchCatalogue("", language).then((texts) => {
    state.chatTexts[language] = texts;
    changed();
  });
}

function key(language) {
  return "bolt-console:canned:" + (state.agent ? state.agent.name : "") + ":" + language;
}

function own(language) {
  try { return JSON.parse(localStorage.getItem(key(language)) || "[]"); } catch (error) { return []; }
}

export function cannedResponses(language) {
  const texts = state.chatTexts[language] || {};
  return STARTERS.map((name) => texts[name]).filter(Boolean).concat(own(language));
}

export function saveCanned(language, text) {
  const kept = own(language);
  if (!kept.includes(text)) kept.push(text);
  localStorage.setItem(key(language), JSON.stringify(kept));
  changed();
}
