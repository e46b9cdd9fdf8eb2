/* Files in the console: the agent sends images and PDFs into a chat they hold (picked, dropped
 * on the reply box or pasted), over HTTP with their session (docs/protocol.md, "Files"); every
 * file of a transcript is shown from an expiring link the hub gives on the socket
 * (`file_link`): an image inline, a PDF as a download. */
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
  asked: {},    // file id -> true while a link is on its way
  opening: {}   // file id -> true: open the link as soon as it comes (an expired download)
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

/** The link of a file if a fresh one is known; else asks the hub for one (once) and answers null. */
export function fileLink(fileId) {
  const known = files.links[fileId];
  if (known && known.until > Date.now()) return known.url;
  if (!files.asked[fileId] && send({type: "file_link", file_id: fileId})) files.asked[fileId] = true;
  return known ? known.url : null;
}

/** A download whose link expired: a new link is asked for and followed when it comes. */
export function openFresh(fileId) {
  files.opening[fileId] = true;
  delete files.links[fileId];
  delete files.asked[fileId];
  fileLink(fileId);
}

export const fileHandlers = {
  file_link(frame) {
    files.links[frame.file_id] = {
      url: frame.url, until: Date.now() + frame.expires_in_seconds * 1000 - LINK_MARGIN_MS
    };
    delete files.asked[frame.file_id];
    if (files.opening[frame.file_id]) {
      delete files.opening[frame.file_id];
      window.location.assign(frame.url);
    }
    changed();
  }
};

/** Links asked for on a socket that dropped are asked for again on the next one. */
export function forgetAsked() {
  files.asked = {};
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

/** What a pasted or dropped DataTransfer holds as files. */
export function filesOf(transfer) {
  return Array.from((transfer && transfer.files) || []);
}
