/* What the console does with each frame the hub sends on /ws/agent (docs/protocol.md). */
import {SESSION, changed, state} from "./state.js";
import {acknowledged, addEvent, ensureChat, removeChat} from "./chats.js";
import {notify} from "./notify.js";
import {forgetHistory, lookupHandlers} from "./lookups.js";
import {reloadReplies, replyHandlers, replyRefused} from "./replies.js";
import {auditHandlers} from "./audit.js";
import {reviewHandlers, reviewRefused} from "./review.js";
import {followRoute} from "./views/nav.js";
import {ticketHandlers} from "./tickets.js";
import {send} from "./socket.js";
import {showSignIn} from "./session.js";
import {t} from "../shared/texts.js";
import {articlesFound} from "./views/articles.js";
import {browserLanguage, showIn} from "./language.js";
import {followBoard, supervisionHandlers, watch} from "./supervision.js";
import {fileHandlers, forgetAsked} from "./files.js";

const REFUSAL_SHOWN_MS = 6000;

const handlers = {
  welcome(frame) {
    state.attempt = 0;
    state.agent = frame.agent;
    showIn(frame.agent.locale || browserLanguage());
    state.linkOrigins = frame.link_origins || [];
    state.fileLimits = frame.files || null;
    forgetAsked();
    sessionStorage.setItem(SESSION, frame.session);
    state.connection = "";
    if (state.view === "sign-in") state.view = "desk";
    const held = {};
    frame.chats.forEach((card) => {
      held[card.conversation_id] = true;
      const chat = ensureChat(card);
      send({type: "history", conversation_id: card.conversation_id, after_seq: chat.lastSeq});
    });
    Object.keys(state.chats).forEach((id) => {
      // A new socket watches nothing yet: the chats this console watched are asked for again.
      if (state.chats[id].watching) watch(id);
      else if (!held[id]) removeChat(id);
    });
    followBoard();
    reloadReplies();
    followRoute();
    changed();
  },

  error(frame) {
    if (frame.code === "login_failed") {
      if (state.pendingLogin === "session") {
        sessionStorage.removeItem(SESSION);
        showSignIn("");
      } else {
        showSignIn(t("console_wrong_password"));
      }
      return;
    }
    if (replyRefused(frame)) return;
    if (reviewRefused(frame)) return;
    state.connection = frame.message;
    changed();
    setTimeout(() => {
      if (state.connection === frame.message) {
        state.connection = "";
        changed();
      }
    }, REFUSAL_SHOWN_MS);
  },

  status(frame) {
    state.agent.status = frame.status;
    changed();
  },

  locale(frame) {
    state.agent.locale = frame.locale;
    showIn(frame.locale);
  },

  queue(frame) {
    state.queue = frame.entries;
    changed();
  },

  offer(frame) {
    const card = frame.conversation;
    state.offers[card.conversation_id] = {card, expires: Date.now() + frame.expires_in_seconds * 1000};
    notify(t("console_new_offer"));
  },

  offer_withdrawn(frame) {
    delete state.offers[frame.conversation_id];
    changed();
  },

  escalation(frame) {
    notify(t("console_escalated_notice", {conversation: frame.conversation.conversation_id}));
  },

  assigned(frame) {
    const chat = ensureChat(frame.conversation);
    chat.watching = false;
    frame.events.forEach((e) => addEvent(chat, e, false));
    delete state.offers[frame.conversation.conversation_id];
    state.active = frame.conversation.conversation_id;
    changed();
  },

  released(frame) {
    forgetHistory(frame.conversation_id);
    removeChat(frame.conversation_id);
  },

  history(frame) {
    const chat = state.chats[frame.conversation.conversation_id];
    if (!chat) return;
    chat.card = frame.conversation;
    frame.events.forEach((e) => addEvent(chat, e, false));
    changed();
  },

  event(frame) {
    const chat = state.chats[frame.conversation_id];
    if (chat) addEvent(chat, frame, true);
  },

  articles(frame) {
    articlesFound(frame);
  },

  ack(frame) {
    const chat = state.chats[frame.conversation_id];
    if (chat) acknowledged(chat, frame.client_id);
  },

  typing(frame) {
    const chat = state.chats[frame.conversation_id];
    if (!chat) return;
    chat.userTyping = Boolean(frame.typing);
    changed();
  },

  ...replyHandlers,
  ...supervisionHandlers,
  ...auditHandlers,
  ...reviewHandlers,
  ...fileHandlers,
  ...ticketHandlers
};

Object.assign(handlers, lookupHandlers);

export function receive(frame) {
  if (Object.prototype.hasOwnProperty.call(handlers, frame.type)) handlers[frame.type](frame);
}
