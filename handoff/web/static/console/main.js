/* Bolt's agent console: loads the texts of the agent's language, draws the views from the state
 * whenever it changes, and signs in again with this tab's session if it has one.
 *
 * The console's language is the agent's choice, kept by the hub (console/language.js), else the
 * first of the browser's languages Bolt speaks (English if none).
 * Every text the console shows is looked up by key (shared/texts.js); what users and agents
 * write is always set as text. */
import {html, render} from "./ui.js";
import {onChange, state} from "./state.js";
import {resume} from "./session.js";
import {App} from "./views/app.js";
import {t, useLanguage} from "../shared/texts.js";
import {startingLanguage} from "./language.js";

const TICK_MS = 1000;

function unreadCount() {
  const active = state.chats[state.active];
  if (active) active.unread = 0;
  const unread = state.order.reduce((total, id) => total + state.chats[id].unread, 0);
  return unread + Object.keys(state.offers).length;
}

function draw() {
  const root = document.getElementById("console");
  const count = unreadCount();
  render(html`<${App}/>`, root);
  document.title = (count ? "(" + count + ") " : "") + t("console_title");
}

async function start() {
  await useLanguage(startingLanguage());
  onChange(draw);
  draw();
  resume();
  setInterval(draw, TICK_MS);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) draw(); });
}

// The console's state, for debugging in the browser (and the browser tests).
window.BoltConsole = {state};
start();
