/* The chats the agent holds: their cards and transcripts, kept in seq order, each event once. */
import {changed, state} from "./state.js";
import {loadReplies} from "./replies.js";
import {notify} from "./notify.js";
import {t} from "../shared/texts.js";
import {articleLine} from "./views/articles.js";
import {csatLine} from "./views/csat.js";
import {timeOfDay} from "./time.js";

export function ensureChat(card) {
  const id = card.conversation_id;
  let chat = state.chats[id];
  if (!chat) {
    chat = state.chats[id] = {
      card, seen: {}, lastSeq: 0, unread: 0, lines: [], userTyping: false, typingSent: false, idle: null,
      watching: false
    };
    state.order.push(id);
    loadReplies(card.language);
    if (!state.active) state.active = id;
  } else {
    chat.card = card;
  }
  changed();
  return chat;
}

export function removeChat(id) {
  const chat = state.chats[id];
  if (!chat) return;
  clearTimeout(chat.idle);
  delete state.chats[id];
  state.order = state.order.filter((other) => other !== id);
  if (state.active === id) state.active = state.order[0] || null;
  changed();
}

export function speaker(e) {
  if (e.kind === "note") return e.name ? t("console_speaker_note_by", {name: e.name}) : t("console_speaker_note");
  if (e.kind === "whisper") return t("console_speaker_whisper_by", {name: e.name || ""});
  if (e.speaker === "bot") return t("console_speaker_bot");
  if (e.speaker === "agent") return e.name || t("console_speaker_agent");
  if (e.speaker === "user") return t("console_speaker_user");
  return t("console_speaker_hub");
}

/** The head of an event's line, in the console's current language. */
export function head(e) {
  return t("console_line_head", {speaker: speaker(e), time: timeOfDay(e.at)});
}

/** Adds a hub event to the chat's transcript once; `live` ones from the user may notify. */
export function addEvent(chat, e, live) {
  if (chat.seen[e.seq]) return;
  chat.seen[e.seq] = true;
  chat.lastSeq = Math.max(chat.lastSeq, e.seq);
  changed();
  const mine = e.client_id && chat.lines.find((line) => line.clientId === e.client_id);
  if (mine) {
    mine.pending = false;
    mine.seq = e.seq;
    mine.event = e;
    return;
  }
  const kind = e.kind === "note" || e.kind === "whisper" ? e.kind : e.kind === "message" ? e.speaker : "system";
  const line = {
    seq: e.seq, clientId: e.client_id || null, kind, event: e, text: e.text || "", pending: false,
    buttons: e.buttons && e.buttons.length ? e.buttons.map((b) => b.title).join(", ") : null,
    ...articleLine(e),
    ...csatLine(e)
  };
  const later = chat.lines.findIndex((other) => other.seq !== null && other.seq > e.seq);
  chat.lines.splice(later < 0 ? chat.lines.length : later, 0, line);
  if (e.speaker === "user") chat.userTyping = false;
  if (live && e.speaker === "user" && (state.active !== chat.card.conversation_id || document.hidden)) {
    chat.unread += 1;
    notify(t("console_new_message"));
  }
}

/** The agent's own message, shown at once and marked pending until the hub stores it. */
export function addPending(chat, clientId, text) {
  chat.lines.push({
    seq: null, clientId, kind: "agent", pending: true, text, buttons: null,
    head: t("console_sending", {name: state.agent.display_name || ""})
  });
  changed();
}

export function acknowledged(chat, clientId) {
  const line = chat.lines.find((other) => other.clientId === clientId);
  if (line) line.pending = false;
  changed();
}
