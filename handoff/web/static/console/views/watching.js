/* A chat a supervisor watches silently: what they can do in it instead of replying: whisper to
 * its agent (the user never sees it), take it over, give it to another agent, or stop watching. */
import {html} from "../ui.js";
import {state} from "../state.js";
import {freeAgents, reassign, stopWatching, takeOver, whisper} from "../supervision.js";
import {t} from "../../shared/texts.js";

function Whisper({id}) {
  const submit = (submitted) => {
    submitted.preventDefault();
    const input = submitted.currentTarget.elements.whisper;
    const text = input.value.trim();
    if (!text) return;
    whisper(id, text);
    input.value = "";
  };
  return html`
    <form class="card whisper" onSubmit=${submit}>
      <h3>${t("console_whisper")}</h3>
      <textarea class="whisper-text" name="whisper" rows="2" aria-label=${t("console_whisper_label")}></textarea>
      <button type="submit" class="whisper-send">${t("console_whisper_send")}</button>
    </form>`;
}

function Reassign({id, card}) {
  const free = freeAgents(card);
  const submit = (submitted) => {
    submitted.preventDefault();
    const name = submitted.currentTarget.elements.agent.value;
    if (name) reassign(id, name);
  };
  return html`
    <form class="card reassign" onSubmit=${submit}>
      <label for=${"reassign-" + id}>${t("console_reassign")}</label>
      <select id=${"reassign-" + id} class="reassign-to" name="agent" disabled=${!free.length}>
        ${free.length ? free.map((agent) => html`
          <option value=${agent.name}>${t("console_agent_line", {name: agent.display_name, languages: agent.languages.join(", ")})}</option>`)
          : html`<option value="">${t("console_reassign_none")}</option>`}
      </select>
      <button type="submit" class="reassign-go" disabled=${!free.length}>${t("console_reassign_go")}</button>
    </form>`;
}

/** The bar above a watched chat's transcript. */
export function WatchingBar({id}) {
  return html`
    <div class="watching-bar" role="status">
      <span class="watching-notice">${t("console_watching")}</span>
      <button type="button" class="stop-watching" onClick=${() => stopWatching(id)}>${t("console_stop_watching")}</button>
    </div>`;
}

/** The side of a watched chat: whisper, take over, reassign. */
export function WatchingActions({id, chat}) {
  const held = chat.card.owner === "agent" && chat.card.agent !== (state.agent && state.agent.name);
  return html`
    ${held ? html`<${Whisper} id=${id}/>` : null}
    ${held ? html`<button type="button" class="primary take-over" onClick=${() => takeOver(id)}>${t("console_take_over")}</button>` : null}
    <${Reassign} id=${id} card=${chat.card}/>`;
}
