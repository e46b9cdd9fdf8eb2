/* The top bar: the connection's state, and once signed in the agent, status, sound, sign-out. */
import {html} from "../ui.js";
import {state} from "../state.js";
import {setStatus, signOut} from "../session.js";
import {LANGUAGES, language, t} from "../../shared/texts.js";
import {choose, ownName} from "../language.js";

const STATUSES = ["online", "away", "offline"];

export function Header() {
  const agent = state.agent;
  const signedIn = state.view !== "sign-in" && agent;
  return html`
    <header class="top">
      <h1>${t("console_title")}</h1>
      <p class="connection" id="connection" role="status">${state.connection}</p>
      <div class="me" id="me" hidden=${!signedIn}>
        <span id="agent-name">${agent ? t("console_agent_line", {name: agent.display_name, languages: agent.languages.join(", ")}) : ""}</span>
        <label for="status">${t("console_status")}</label>
        <select id="status" value=${agent ? agent.status : "offline"}
                onChange=${(e) => setStatus(e.currentTarget.value)}>
          ${STATUSES.map((status) => html`<option value=${status}>${t("console_status_" + status)}</option>`)}
        </select>
        <label for="console-language">${t("console_language_choice")}</label>
        <select id="console-language" value=${language()}
                onChange=${(e) => { state.agent.locale = e.currentTarget.value; choose(e.currentTarget.value); }}>
          ${LANGUAGES.map((code) => html`<option value=${code} lang=${code}>${ownName(code)}</option>`)}
        </select>
        <label class="inline"><input type="checkbox" id="sound" checked=${state.sound}
          onChange=${(e) => { state.sound = e.currentTarget.checked; }}/> ${t("console_sound")}</label>
        <button type="button" id="sign-out" onClick=${signOut}>${t("console_sign_out")}</button>
      </div>
    </header>`;
}
