/* Replies the agent inserts by a code typed after "/": the shared ones and the agent's own, kept
 * by the hub per language, with Bolt's own FAQ answers in that language (the `replies` frames of
 * docs/protocol.md). Loaded for each chat's language and for the replies view; the hub tells
 * every console of a change. Replies a browser keeps by itself (texts per language in its
 * localStorage) are moved to the hub as the agent's own, then forgotten there. */
import {changed, clientId, state} from "./state.js";
import {send} from "./socket.js";
import {LANGUAGES} from "../shared/texts.js";

const SHOWN = 8;
const KEPT_PREFIX = "bolt-console:canned:";
const MOVED_CODE = "saved";

// language -> {replies: {id: reply}, answers: [{topic, title, text}], loaded}
export const byLanguage = {};
// client_id -> {done(reply), refused(error)} of the agent's own requests
const waiting = {};

// Whose own replies byLanguage holds: another agent signing in on this tab sees none of them.
let holder = null;

export function loadReplies(language) {
  if (!language || byLanguage[language]) return;
  byLanguage[language] = {replies: {}, answers: [], loaded: false};
  if (!send({type: "replies", language})) delete byLanguage[language];
}

/** After a (re)connect: every language read so far is read again, changes missed included. */
export function reloadReplies() {
  const name = state.agent ? state.agent.name : null;
  Object.keys(byLanguage).forEach((language) => {
    const entry = byLanguage[language];
    if (holder !== name) entry.replies = {};
    if (entry.loaded) send({type: "replies", language});
  });
  holder = name;
  moveKeptReplies();
}

export function repliesOf(language) {
  const known = byLanguage[language];
  if (!known) return [];
  return Object.values(known.replies).sort((a, b) =>
    a.code.localeCompare(b.code) || Number(b.shared) - Number(a.shared));
}

export function answersOf(language) {
  return byLanguage[language] ? byLanguage[language].answers : [];
}

/** What the code typed after "/" finds: replies whose code starts with it, then those holding
 * it, then Bolt's answers whose topic or title holds it. */
export function suggestions(language, typed) {
  const wanted = typed.toLowerCase();
  const found = [];
  repliesOf(language).forEach((reply) => {
    const rank = reply.code.startsWith(wanted) ? 0 : reply.code.includes(wanted) ? 1 : -1;
    if (rank >= 0) found.push({rank, kind: reply.shared ? "shared" : "mine", code: reply.code, text: reply.text});
  });
  answersOf(language).forEach((answer) => {
    if (answer.topic.includes(wanted) || answer.title.toLowerCase().includes(wanted)) {
      found.push({rank: 2, kind: "bolt", code: answer.topic, title: answer.title, text: answer.text});
    }
  });
  return found.sort((a, b) => a.rank - b.rank).slice(0, SHOWN);
}

function request(frame, done, refused) {
  frame.client_id = clientId("r");
  waiting[frame.client_id] = {done: done || (() => {}), refused: refused || (() => {})};
  if (!send(frame)) {
    delete waiting[frame.client_id];
    if (refused) refused({code: "unavailable"});
  }
}

export function addReply(language, code, text, shared, done, refused) {
  request({type: "reply_add", language, code, text, shared: Boolean(shared)}, done, refused);
}

export function editReply(replyId, code, text, done, refused) {
  request({type: "reply_edit", reply_id: replyId, code, text}, done, refused);
}

export function deleteReply(replyId, done, refused) {
  request({type: "reply_delete", reply_id: replyId}, done, refused);
}

function known(reply) {
  const entry = byLanguage[reply.language];
  if (entry) entry.replies[reply.reply_id] = reply;
  changed();
}

function forgotten(replyId, language) {
  const entry = byLanguage[language];
  if (entry) delete entry.replies[replyId];
  changed();
}

/** An error frame answering one of this console's reply requests: handled (true) here. */
export function replyRefused(frame) {
  const asked = frame.ref && waiting[frame.ref];
  if (!asked) return false;
  delete waiting[frame.ref];
  asked.refused(frame);
  changed();
  return true;
}

export const replyHandlers = {
  replies(frame) {
    const entry = byLanguage[frame.language] || (byLanguage[frame.language] = {});
    entry.replies = {};
    frame.replies.forEach((reply) => { entry.replies[reply.reply_id] = reply; });
    entry.answers = frame.answers;
    entry.loaded = true;
    changed();
  },

  reply(frame) {
    known(frame.reply);
  },

  reply_deleted(frame) {
    forgotten(frame.reply_id, frame.language);
  },

  reply_done(frame) {
    const asked = waiting[frame.client_id];
    delete waiting[frame.client_id];
    if (frame.reply) known(frame.reply);
    else Object.keys(byLanguage).forEach((language) => forgotten(frame.reply_id, language));
    if (asked) asked.done(frame.reply);
  }
};

/* The replies this browser kept for the agent (a list of texts per language, without codes):
 * each becomes one of the agent's own on the hub, coded saved1-…, saved2-… (the agent may rename
 * them), and leaves the browser once the hub has stored it. One that the hub refuses stays, to be
 * tried again at the next sign-in. */
function moveKeptReplies() {
  if (!state.agent) return;
  const prefix = KEPT_PREFIX + state.agent.name + ":";
  Object.keys(localStorage).filter((key) => key.startsWith(prefix)).forEach((key) => {
    const language = key.slice(prefix.length);
    let texts;
    try { texts = JSON.parse(localStorage.getItem(key) || "[]"); } catch (error) { texts = []; }
    if (!Array.isArray(texts) || !texts.length || !LANGUAGES.includes(language)) {
      localStorage.removeItem(key);
      return;
    }
    texts.forEach((text, index) => {
      const forget = () => {
        const left = JSON.parse(localStorage.getItem(key) || "[]").filter((kept) => kept !== text);
        if (left.length) localStorage.setItem(key, JSON.stringify(left));
        else localStorage.removeItem(key);
      };
      const code = MOVED_CODE + (index + 1) + "-" + Date.now().toString(36).slice(-4);
      addReply(language, code, String(text), false, forget);
    });
  });
}
