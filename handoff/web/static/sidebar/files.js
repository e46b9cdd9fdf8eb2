/* Files in the sidebar: picked with the attach button, dropped on the panel or pasted (a
 * screenshot from the clipboard), sent to the hub over HTTP (docs/protocol.md, "Files"), and
 * shown from expiring links the hub gives on the socket (`file_links`): an image inline, a PDF
 * as a download link. What the hub would refuse (size, type) is refused here at once, in the
 * page's language. */
import {element} from "./view.js";
import {newClientId} from "./saved.js";

const MB = 1024 * 1024;
// A link is asked for again this long before the hub said it expires.
const LINK_MARGIN_MS = 15000;
// The hub's refusals of a file, each said in the page's language.
export const FILE_REFUSALS = {
  file_too_large: "web_refused_file_too_large",
  file_type: "web_refused_file_type",
  file_unreadable: "web_refused_file_unreadable",
  file_empty: "web_refused_file_unreadable",
  image_too_large: "web_refused_image_too_large",
  too_many_files: "web_refused_too_many_files",
};

export function megabytes(bytes) {
  return String(Math.round((bytes / MB) * 10) / 10);
}

const SVG = "http://www.w3.org/2000/svg";

/** A paperclip, drawn (no icon font, no image to load). */
function paperclip() {
  const icon = document.createElementNS(SVG, "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("width", "18");
  icon.setAttribute("height", "18");
  icon.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", "M21 11.5l-8.5 8.5a5 5 0 0 1-7-7L14 4.5a3.5 3.5 0 0 1 5 5L10.5 18a2 2 0 0 1-3-3L15 7.5");
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2");
  path.setAttribute("stroke-linecap", "round");
  icon.appendChild(path);
  return icon;
}

/** Where the sidebar's files go and come from: uploads, links, and the nodes that show them. */
export class Files {
  constructor(sidebar) {
    this.sidebar = sidebar;
    this.limits = {max_bytes: 10 * MB, types: []};
    this.links = {};     // file id -> {url, until}
    this.waiting = {};   // file id -> [what to do with its link]
    this.asking = false; // a `file_links` is on its way
    this.askAgain = false;
  }

  /** The refusal of a file the hub would refuse anyway, or null. */
  precheck(file) {
    if (file.size > this.limits.max_bytes) return "file_too_large";
    // The browser's type comes from the name: a hint only; the hub reads the bytes.
    if (file.type && this.limits.types.length && !this.limits.types.includes(file.type)) return "file_type";
    return null;
  }

  reason(code) {
    const t = this.sidebar.t;
    return t(FILE_REFUSALS[code] || "web_refused_other", {megabytes: megabytes(this.limits.max_bytes)});
  }

  send(file) {
    const sidebar = this.sidebar;
    const t = sidebar.t;
    const name = file.name || "image.png";
    const clientId = newClientId();
    const node = element("article", "bolt-msg bolt-from-user bolt-pending bolt-file-msg");
    node.dataset.clientId = clientId;
    node.appendChild(element("p", "bolt-speaker", t("web_speaker_user")));
    node.appendChild(element("p", "bolt-text", t("web_file_sending", {name})));
    sidebar.append(node);
    const refused = this.precheck(file);
    if (refused) return this.failed(node, name, refused);
    const saved = sidebar.saved;
    if (!saved.conversation_id) return this.failed(node, name, "unavailable");
    const query = new URLSearchParams({conversation_id: saved.conversation_id, client_id: clientId, name});
    const auth = sidebar.token && !sidebar.anonymous ? "Bearer " + sidebar.token : "Resume " + saved.resume_key;
    return fetch(`${sidebar.hub}/api/chat/files?${query}`, {
      method: "POST", body: file, headers: {Authorization: auth, "Content-Type": "application/octet-stream"}
    }).then(async (response) => {
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        if (body.max_bytes) this.limits.max_bytes = body.max_bytes;
        return this.failed(node, name, body.code || "unavailable");
      }
      node.classList.remove("bolt-pending");
      this.show(node, {seq: body.seq, file: body.file});
    }).catch(() => this.failed(node, name, "unavailable"));
  }

  failed(node, name, code) {
    node.classList.remove("bolt-pending");
    node.querySelector(".bolt-text").textContent = name;
    node.classList.add("bolt-failed");
    const reason = FILE_REFUSALS[code] ? this.reason(code) : this.sidebar.t(
      code === "unavailable" ? "web_refused_unavailable" : "web_refused_other");
    node.appendChild(element("p", "bolt-error", this.sidebar.t("web_not_sent", {reason})));
  }

  /** An `attachment` event: its own node, or the one shown while it was being sent. */
  event(event) {
    const sidebar = this.sidebar;
    let node = event.client_id && event.speaker === "user" &&
      sidebar.log.querySelector('[data-client-id="' + CSS.escape(event.client_id) + '"]');
    if (!node) {
      node = element("article", "bolt-msg bolt-from-" + event.speaker + " bolt-file-msg");
      if (event.client_id) node.dataset.clientId = event.client_id;
      node.appendChild(element("p", "bolt-speaker", sidebar.speakerName(event)));
      node.appendChild(element("p", "bolt-text", ""));
      sidebar.append(node);
    }
    node.classList.remove("bolt-pending");
    this.show(node, event);
  }

  show(node, event) {
    const file = event.file;
    if (!file || node.dataset.fileId === file.id) return;
    node.dataset.fileId = file.id;
    if (event.seq) node.dataset.seq = event.seq;
    const t = this.sidebar.t;
    const text = node.querySelector(".bolt-text");
    text.textContent = "";
    if (file.type && file.type.startsWith("image/")) {
      const image = element("img", "bolt-file-image");
      image.alt = t("web_file_image", {name: file.name});
      if (file.width && file.height) {
        image.width = Math.min(file.width, 240);
        image.height = Math.round(image.width * file.height / file.width);
      }
      image.addEventListener("load", () => { this.sidebar.log.scrollTop = this.sidebar.log.scrollHeight; });
      text.appendChild(image);
      this.withLink(file.id, (url) => { image.src = url; });
    } else {
      const download = element("a", "bolt-file-download", t("web_file_download", {name: file.name}));
      download.href = "#";
      download.rel = "noopener";
      download.setAttribute("download", file.name);
      download.addEventListener("click", (click) => {
        const known = this.links[file.id];
        if (known && known.until > Date.now()) return;  // the link is fresh: the browser follows it
        click.preventDefault();
        this.withLink(file.id, (url) => { window.location.assign(url); }, true);
      });
      text.appendChild(download);
      this.withLink(file.id, (url) => { download.href = url; });
    }
  }

  withLink(fileId, use, fresh) {
    const known = this.links[fileId];
    if (known && known.until > Date.now() && !fresh) return use(known.url);
    (this.waiting[fileId] = this.waiting[fileId] || []).push(use);
    this.ask();
  }

  /** One `file_links` at a time: it brings the links of every file of the conversation. */
  ask() {
    if (this.asking) {
      this.askAgain = true;
      return;
    }
    this.asking = this.sidebar.open();
    this.sidebar.transmit({type: "file_links"});
  }

  /** The hub's `file_links`: each link is used by whatever waited for it. */
  linked(frame) {
    this.asking = false;
    const until = Date.now() + frame.expires_in_seconds * 1000 - LINK_MARGIN_MS;
    Object.entries(frame.links).forEach(([fileId, path]) => {
      const url = this.sidebar.hub + path;
      this.links[fileId] = {url, until};
      const waiting = this.waiting[fileId] || [];
      delete this.waiting[fileId];
      waiting.forEach((use) => use(url));
    });
    if (this.askAgain && Object.keys(this.waiting).length) this.ask();
    this.askAgain = false;
  }

  /** Links asked for while the socket was down are asked for again once it is back. */
  reconnected() {
    this.asking = false;
    if (Object.keys(this.waiting).length) this.ask();
  }

  /** The attach button, dropping on the panel and pasting into the box all send files. */
  wire(nodes) {
    const t = this.sidebar.t;
    const picker = element("input", "bolt-file-input");
    picker.type = "file";
    picker.accept = "image/png,image/jpeg,image/webp,image/gif,application/pdf";
    picker.hidden = true;
    const attach = element("button", "bolt-attach");
    attach.appendChild(paperclip());
    attach.type = "button";
    attach.title = t("web_attach");
    attach.setAttribute("aria-label", t("web_attach"));
    attach.addEventListener("click", () => picker.click());
    picker.addEventListener("change", () => {
      Array.from(picker.files || []).forEach((file) => this.send(file));
      picker.value = "";
    });
    nodes.form.insertBefore(attach, nodes.form.firstChild);
    nodes.form.appendChild(picker);
    nodes.input.addEventListener("paste", (paste) => {
      const pasted = Array.from((paste.clipboardData && paste.clipboardData.files) || []);
      if (!pasted.length) return;
      paste.preventDefault();
      pasted.forEach((file) => this.send(file));
    });
    const panel = nodes.panel;
    panel.addEventListener("dragover", (drag) => {
      if (!drag.dataTransfer || !Array.from(drag.dataTransfer.types).includes("Files")) return;
      drag.preventDefault();
      panel.classList.add("bolt-dropping");
      panel.dataset.dropHint = t("web_drop_here");
    });
    panel.addEventListener("dragleave", () => panel.classList.remove("bolt-dropping"));
    panel.addEventListener("drop", (drop) => {
      panel.classList.remove("bolt-dropping");
      const dropped = Array.from((drop.dataTransfer && drop.dataTransfer.files) || []);
      if (!dropped.length) return;
      drop.preventDefault();
      dropped.forEach((file) => this.send(file));
    });
    return picker;
  }
}
