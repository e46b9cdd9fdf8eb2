/* Handing a chat on: transfer it (to the queue, an agent by name, or a language's group) or
 * resolve it. */
import {html} from "../ui.js";
import {send} from "../socket.js";
import {languageName} from "./queue.js";
import {LANGUAGES, t} from "../../shared/texts.js";

export function Transfer({id}) {
  const submit = (submitted) => {
    submitted.preventDefault();
    const form = submitted.currentTarget;
    const target = form.elements.to.value;
    const frame = {type: "transfer", conversation_id: id};
    if (target === "queue") frame.to = "queue";
    else if (target === "agent") { frame.to = "agent"; frame.agent = form.elements.agent.value.trim(); }
    else { frame.to = "language"; frame.language = target.split(":")[1]; }
    send(frame);
  };
  return html`
    <form class="card transfer" onSubmit=${submit}>
      <h3>${t("console_transfer")}</h3>
      <select class="transfer-to" name="to" aria-label=${t("console_transfer_to")}>
        <option value="queue">${t("console_transfer_queue")}</option>
        <option value="agent">${t("console_transfer_agent")}</option>
        ${LANGUAGES.map((code) => html`
          <option value=${"language:" + code}>${t("console_transfer_group", {language: languageName(code)})}</option>`)}
      </select>
      <input class="transfer-agent" name="agent" aria-label=${t("console_agent_name_label")}
             placeholder=${t("console_agent_name_placeholder")}/>
      <button type="submit" class="transfer-go">${t("console_transfer_go")}</button>
    </form>`;
}

export function Resolve({id}) {
  return html`
    <button type="button" class="danger resolve"
            onClick=${() => send({type: "resolve", conversation_id: id})}>${t("console_resolve")}</button>`;
}
