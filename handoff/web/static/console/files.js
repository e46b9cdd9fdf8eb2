/* Files in the console: the agent sends images and PDFs into a chat they hold (picked, dropped
 * on the reply box or pasted), over HTTP with their session (docs/protocol.md, "Files"); every
 * file of a transcript is shown from an expiring link the hub gives on the socket
 * (`file_links`, one frame for all the files of a conversation): an image inline, a PDF as a
 * download. */
import {SESSION, changed, clientId, state} from "./state.js";
import {send} from "./socket.js";
import {t} from "../shared/texts.js";

const MB = 1024 * 1024;
// A link is asked for again this long before the hub said it expires.
const LINK_MARGIN_MS = 15000;
export const ACCEPT = "image/png,image/jpeg,image/webp,image/gif,application/pdf";
const REFUSALS = {
  file_too_large: "console_refused_file_too_large",
  file_type: "console_refused_file_type",
  file_unreadable: "console_refused_file_unreadable",
  file_empty: "console_refused_file_unreadable",
  image_too_large: "console_refused_image_too_large",
  too_many_files: "console_refused_too_many_files"
};

export const files = {
  links: {},    // file id -> {url, until}
  asking: {},   // conversation id -> true while its `file_links` is on its way
  again: {},    // conversation id -> true: ask once more when the answer comes
  wanted: {},   // conversation id -> {file id: true} shown without a fresh link
  sent: {},     // conversation id -> the files wanted when its `file_links` was sent
  gone: {},     // file id -> true: its conversation's links came without it (deleted since)
  opening: {}   // file id -> true: follow the link as soon as it comes (an expired download)
};

function limits() {
  return state.fileLimits || {max_bytes: 10 * MB, types: []};
}

export function megabytes(bytes) {
  return String(Math.round((bytes / MB) * 10) / 10);
}

export function size(bytes) {
  return bytes >= MB ? megabytes(bytes) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
}

function refusal(code) {
  const key = REFUSALS[code];
  return key ? t(key, {megabytes: megabytes(limits().max_bytes)}) : t("console_refused_other", {code});
}

function ask(conversationId) {
  if (files.asking[conversationId]) {
    files.again[conversationId] = true;
    return;
  }
  if (send({type: "file_links", conversation_id: conversationId})) {
    files.asking[conversationId] = true;
    files.sent[conversationId] = files.wanted[conversationId] || {};
    files.wanted[conversationId] = {};
  }
}

/** The link of a file if a fresh one is known; else asks the hub for its conversation's links
 * and answers the last one known (or null). */
export function fileLink(fileId, conversationId) {
  const known = files.links[fileId];
  if (known && known.until > Date.now()) return known.url;
  if (files.gone[fileId]) return null;
  (files.wanted[conversationId] = files.wanted[conversationId] || {})[fileId] = true;
  ask(conversationId);
  return known ? known.url : null;
}

/** A download whose link expired: new links are asked for and this one followed when it comes. */
export function openFresh(fileId, conversationId) {
  files.opening[fileId] = true;
  delete files.links[fileId];
  ask(conversationId);
}

export const fileHandlers = {
  file_links(frame) {
    const id = frame.conversation_id;
    const until = Date.now() + frame.expires_in_seconds * 1000 - LINK_MARGIN_MS;
    Object.entries(frame.links).forEach(([fileId, url]) => {
      files.links[fileId] = {url, until};
      if (files.opening[fileId]) {
        delete files.opening[fileId];
        window.location.assign(url);
      }
    });
    // A file wanted before the links were asked for, and not among them, is gone.
    Object.keys(files.sent[id] || {}).forEach((fileId) => {
      if (!frame.links[fileId]) files.gone[fileId] = true;
    });
    delete files.sent[id];
    delete files.asking[id];
    if (files.again[id]) {
      delete files.again[id];
      ask(id);
    }
    changed();
  }
};

/** Links asked for on a socket that dropped are asked for again on the next one. */
export function forgetAsked() {
  files.asking = {};
  files.again = {};
  files.sent = {};
}

function pendingLine(chat, id, name) {
  const line = {
    seq: null, clientId: id, kind: "agent", pending: true, buttons: null, file: null,
    text: t("console_file_sending", {name}), head: t("console_sending", {name: state.agent.display_name || ""})
  };
  chat.lines.push(line);
  changed();
  return line;
}

function failed(line, name, code) {
  line.pending = false;
  line.failed = true;
  line.text = t("console_file_refused", {name, reason: refusal(code)});
  changed();
}

/** Sends a file into the chat; shown at once, marked pending until stored, or refused. */
export async function sendFile(chat, file) {
  const name = file.name || "image.png";
  const id = clientId("f");
  const line = pendingLine(chat, id, name);
  const allowed = limits();
  if (file.size > allowed.max_bytes) return failed(line, name, "file_too_large");
  if (file.type && allowed.types.length && !allowed.types.includes(file.type)) return failed(line, name, "file_type");
  const query = new URLSearchParams({conversation_id: chat.card.conversation_id, client_id: id, name});
  let response;
  try {
    response = await fetch("/api/agent/files?" + query, {
      method: "POST", body: file,
      headers: {Authorization: "Bearer " + sessionStorage.getItem(SESSION), "Content-Type": "application/octet-stream"}
    });
  } catch (error) {
    return failed(line, name, "unavailable");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) return failed(line, name, body.code || "unavailable");
  line.pending = false;
  line.file = body.file;
  line.text = "";
  changed();
}

/** What a pasted or dropped DataTransfer, or a file input, holds as files. */
export function filesOf(transfer) {
  return Array.from((transfer && transfer.files) || []);
}
