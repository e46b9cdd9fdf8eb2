/* The supervisors' live board: every open chat (waiting, then held) with its user, language,
 * priority, who has it, how long it has waited and its first-response countdown, each to watch
 * silently; and every agent with their status, connection, load and flag. The hub sends the
 * board again whenever it changes; the clocks tick here, in the console's language. */
import {html} from "../ui.js";
import {state} from "../state.js";
import {watch} from "../supervision.js";
import {duration, since, timeOfDay, until} from "../time.js";
import {languageName} from "./queue.js";
import {t} from "../../shared/texts.js";

function displayName(name) {
  const agent = ((state.board && state.board.agents) || []).find((a) => a.name === name);
  return agent ? agent.display_name : name;
}

function Countdown({card}) {
  if (card.owner !== "queue") return html`<span class="countdown taken">${t("console_board_taken")}</span>`;
  if (!card.deadline) return null;
  const left = until(card.deadline);
  return html`
    <span class=${"countdown" + (left < 0 ? " breached" : "")}>
      ${left >= 0 ? t("console_first_response_in", {time: duration(left)}) : t("console_deadline_passed", {time: duration(-left)})}
    </span>`;
}

function ChatRow({card}) {
  const user = (card.user && card.user.name) || (card.account && card.account.user_name) || t("console_anonymous");
  const queued = card.owner === "queue";
  const owner = queued
    ? t(card.offered ? "console_board_in_queue_offered" : "console_board_in_queue")
    : displayName(card.agent);
  const waited = queued
    ? (card.queued_at ? t("console_waiting", {time: duration(since(card.queued_at))}) : "")
    : (card.assigned_at ? t("console_board_held_for", {time: duration(since(card.assigned_at))}) : "");
  return html`
    <tr class=${"board-chat " + card.owner + (card.escalated ? " escalated" : "")} data-conversation-id=${card.conversation_id}>
      <td class="user">${user}</td>
      <td class="language" title=${languageName(card.language)}>${(card.language || "").toUpperCase()}</td>
      <td><span class=${"badge " + (card.priority || "P4")}>${card.priority || "P4"}</span></td>
      <td class="owner">${owner}</td>
      <td class="wait">${waited}</td>
      <td><${Countdown} card=${card}/></td>
      <td><button type="button" class="watch" onClick=${() => watch(card.conversation_id)}>${t("console_board_watch")}</button></td>
    </tr>`;
}

function Flag({flag}) {
  if (!flag) return null;
  const key = flag.reason === "held" ? "console_board_flagged_held" : "console_board_flagged_offered";
  return html`<span class="flagged">${t(key, {time: timeOfDay(flag.at)})}</span>`;
}

function AgentRow({agent}) {
  return html`
    <tr class=${"board-agent" + (agent.flagged ? " flagged" : "")} data-agent=${agent.name}>
      <td class="name">${agent.display_name}</td>
      <td class="status">${t("console_status_" + agent.status)}</td>
      <td class="connected">${t(agent.connected ? "console_board_connected" : "console_board_not_connected")}</td>
      <td class="load">${t("console_board_load_value", {held: agent.held, capacity: agent.capacity})}</td>
      <td class="languages">${agent.languages.map(languageName).join(", ")}</td>
      <td class="flag"><${Flag} flag=${agent.flagged}/></td>
    </tr>`;
}

export function Board() {
  if (state.view !== "board" || !state.agent || !state.agent.supervisor) return null;
  const board = state.board || {chats: [], agents: []};
  return html`
    <section class="board-view" aria-labelledby="board-title">
      <h2 id="board-title">${t("console_board_title")}</h2>
      <h3>${t("console_board_chats")} <span class="count" id="board-chat-count">${String(board.chats.length)}</span></h3>
      <table class="board-table board-chats">
        <thead><tr>
          <th>${t("console_board_user")}</th><th>${t("console_board_language")}</th>
          <th>${t("console_board_priority")}</th><th>${t("console_board_owner")}</th>
          <th>${t("console_board_wait")}</th><th>${t("console_board_first_response")}</th><th></th>
        </tr></thead>
        <tbody>${board.chats.map((card) => html`<${ChatRow} key=${card.conversation_id} card=${card}/>`)}</tbody>
      </table>
      <p class="empty" hidden=${board.chats.length > 0}>${t("console_board_none")}</p>
      <h3>${t("console_board_agents")}</h3>
      <table class="board-table board-agents">
        <thead><tr>
          <th>${t("console_board_agent")}</th><th>${t("console_board_status")}</th>
          <th>${t("console_board_connection")}</th><th>${t("console_board_load")}</th>
          <th>${t("console_board_languages")}</th><th>${t("console_board_flag")}</th>
        </tr></thead>
        <tbody>${board.agents.map((agent) => html`<${AgentRow} key=${agent.name} agent=${agent}/>`)}</tbody>
      </table>
    </section>`;
}
