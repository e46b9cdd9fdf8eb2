/* What a supervisor's console does beyond their own chats: the live board (the hub sends it
 * again whenever it changes), the chats they watch silently, whispers to a chat's agent, taking
 * a chat over, reassigning it; and the flags of agents who left a chat unanswered. */
import {changed, clientId, state} from "./state.js";
import {ensureChat, removeChat} from "./chats.js";
import {send} from "./socket.js";
import {notify} from "./notify.js";
import {t} from "../shared/texts.js";

/** Asks for the board; the hub keeps sending it while the socket is open. */
export function followBoard() {
  if (state.agent && state.agent.supervisor) send({type: "board"});
}

export function watch(conversationId) {
  send({type: "watch", conversation_id: conversationId});
}

export function stopWatching(conversationId) {
  send({type: "unwatch", conversation_id: conversationId});
  removeChat(conversationId);
}

export function whisper(conversationId, text) {
  send({type: "whisper", conversation_id: conversationId, client_id: clientId("w"), text});
}

export function takeOver(conversationId) {
  send({type: "take_over", conversation_id: conversationId});
}

export function reassign(conversationId, agent) {
  send({type: "reassign", conversation_id: conversationId, agent});
}

/** The agents a chat can be given to now: online, connected, with room, not holding it. */
export function freeAgents(card) {
  const agents = (state.board && state.board.agents) || [];
  return agents.filter((agent) => agent.status === "online" && agent.connected
    && agent.held < agent.capacity && agent.name !== card.agent);
}

export const supervisionHandlers = {
  board(frame) {
    state.board = {chats: frame.chats, agents: frame.agents};
    // A watched chat's card follows who holds it now.
    frame.chats.forEach((card) => {
      const chat = state.chats[card.conversation_id];
      if (chat && chat.watching) chat.card = {...chat.card, owner: card.owner, agent: card.agent};
    });
    changed();
  },

  watching(frame) {
    const id = frame.conversation.conversation_id;
    const chat = ensureChat(frame.conversation);
    chat.watching = true;
    state.active = id;
    state.view = "desk";
    changed();
  },

  flagged(frame) {
    const agent = ((state.board && state.board.agents) || []).find((a) => a.name === frame.agent);
    notify(t("console_flagged_notice", {name: agent ? agent.display_name : frame.agent}));
  }
};
