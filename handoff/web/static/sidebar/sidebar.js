/* One conversation over the hub's /ws/chat (docs/protocol.md): after a drop the sidebar
 * reconnects with backoff and resumes after the last seq it saw; messages not yet acknowledged
 * are sent again under the same client_id, which the hub stores only once. */
import {fetchCatalogue, languageOf, translator} from "../shared/texts.js";
import {fresh, load, newClientId, save, storageKey} from "./saved.js";
import {button, buildPanel, element, messageNode} from "./view.js";
import {articleCards} from "./cards.js";
import {answered, feedbackControl} from "./feedback.js";
import {Files} from "./files.js";
import {csatAnswered, csatForm} from "./csat.js";
import {TicketsPanel} from "./tickets.js";

const BACKOFF_MS = [300, 1000, 2000, 4000, 8000, 15000];
const BOT_TYPING_MS = 20000;
const TYPING_IDLE_MS = 3000;
// The hub's refusals a user can meet, each said in the page's language (the frame's own message
// is the hub's English, for developers).
const REFUSALS = {
  rate_limited: "web_refused_rate_limited",
  frame_too_large: "web_refused_too_long",
  text_too_long: "web_refused_too_long",
  too_many_conversations: "web_refused_too_many",
  too_many_connections: "web_refused_too_many",
  unavailable: "web_refused_unavailable",
};
const CROWDED = ["too_many_conversations", "too_many_connections"];

export class Sidebar {
  constructor(root, options, hub) {
    this.root = root;
    this.hub = (options.hub || hub).replace(/\/$/, "");
    this.locale = options.locale || document.documentElement.lang || "en";
    this.language = languageOf(this.locale);
    this.token = options.token || null;
    this.storageKey = storageKey(options.storageKey);
    this.saved = load(this.storageKey, this.token);
    this.lastSeq = 0;
    this.seen = {};
    this.owner = "bot";
    this.agentName = null;
    this.attempt = 0;
    this.socket = null;
    this.stopped = false;
    this.typingSent = false;
    this.crowded = false;
    this.linkOrigins = [];
    this.t = translator({});
    this.files = new Files(this);
  }

  async start() {
    this.t = translator(await fetchCatalogue(this.hub, this.language));
    this.nodes = buildPanel(this.root, this.t, this.language,
                            (text) => this.sendMessage(text, null), () => this.userTyping());
    this.log = this.nodes.log;
    this.filePicker = this.files.wire(this.nodes);
    this.tickets = new TicketsPanel(this.nodes.tickets, this.t, (frame) => this.transmit(frame));
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    if (this.socket) this.socket.close();
    this.root.textContent = "";
  }

  save() {
    save(this.storageKey, this.saved);
  }

  connect() {
    const socket = new WebSocket(this.hub.replace(/^http/, "ws") + "/ws/chat");
    this.socket = socket;
    socket.onopen = () => {
      const hello = {type: "hello", locale: this.locale, last_seq: this.lastSeq};
      if (this.token) hello.token = this.token;
      if (this.saved.conversation_id) hello.conversation_id = this.saved.conversation_id;
      if (this.saved.resume_key) hello.resume_key = this.saved.resume_key;
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch (error) { return; }
      this.receive(frame);
    };
    socket.onclose = () => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      this.setStatus(this.t(this.crowded ? "web_refused_too_many" : "web_reconnecting"), "offline");
      this.crowded = false;
      const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
      this.attempt += 1;
      this.reconnectTimer = setTimeout(() => this.connect(), delay * (0.75 + Math.random() / 2));
    };
  }

  open() {
    return this.socket && this.socket.readyState === WebSocket.OPEN && this.welcomed;
  }

  transmit(frame) {
    if (this.open()) this.socket.send(JSON.stringify(frame));
  }

  receive(frame) {
    switch (frame.type) {
      case "welcome": return this.welcome(frame);
      case "event": return this.event(frame);
      case "ack": return this.acknowledged(frame);
      case "queue": return this.queue(frame);
      case "typing": return this.showTyping(frame.typing ? frame.name || this.agentName : null);
      case "file_links": return this.files.linked(frame);
      case "tickets": return this.tickets.all(frame.tickets);
      case "ticket": return this.tickets.show(frame.ticket);
      case "error": return this.refused(frame);
    }
  }

  welcome(frame) {
    this.welcomed = true;
    this.attempt = 0;
    this.saved.conversation_id = frame.conversation_id;
    if (frame.resume_key) this.saved.resume_key = frame.resume_key;
    this.save();
    this.root.dataset.conversationId = frame.conversation_id;
    this.linkOrigins = frame.link_origins || [];
    if (frame.files) this.files.limits = frame.files;
    // A token the hub refused leaves the conversation anonymous: its resume key is what counts.
    this.anonymous = !frame.identity || frame.identity.anonymous;
    this.root.dataset.signedIn = String(!this.anonymous);
    this.setOwner(frame.owner);
    this.saved.outbox.forEach((pending) => this.transmit(pending));
    this.files.reconnected();
  }

  refused(frame) {
    if (!this.welcomed && (frame.code === "forbidden" || frame.code === "not_found")) {
      // The saved conversation is not this user's (or is gone): start a new one.
      this.saved = fresh(this.token);
      this.save();
      if (this.socket) this.socket.close();
      return;
    }
    if (!this.welcomed && CROWDED.includes(frame.code)) {
      // The hub closes this socket next; the sidebar says why and tries again after its backoff.
      this.crowded = true;
      this.setStatus(this.t("web_refused_too_many"), "offline");
      return;
    }
    if (frame.ref) {
      this.saved.outbox = this.saved.outbox.filter((p) => p.client_id !== frame.ref);
      this.save();
      const node = this.log.querySelector('[data-client-id="' + CSS.escape(frame.ref) + '"]');
      if (node) {
        node.classList.add("bolt-failed");
        const reason = this.t(REFUSALS[frame.code] || "web_refused_other");
        node.appendChild(element("p", "bolt-error", this.t("web_not_sent", {reason})));
      }
    }
  }

  setStatus(text, kind) {
    this.nodes.status.textContent = text || "";
    this.nodes.status.dataset.kind = kind || "";
  }

  setOwner(owner) {
    this.owner = owner;
    this.root.dataset.owner = owner;
    const kind = this.nodes.status.dataset.kind;
    if (owner === "agent" && this.agentName) {
      this.setStatus(this.t("web_connected_agent", {agent: this.agentName}), "agent");
    } else if (owner === "bot") {
      this.agentName = null;
      this.setStatus("", "");
    } else if (!kind || kind === "offline") {
      this.setStatus("", "");
    }
    this.nodes.title.textContent = owner === "agent" && this.agentName ? this.agentName : this.t("web_title");
    this.renderActions([]);
  }

  renderActions(options) {
    const labels = {agent: "web_request_agent", ticket: "web_open_ticket", leave_queue: "web_leave_queue"};
    const frames = {agent: {type: "request_agent"}, ticket: {type: "ticket"}, leave_queue: {type: "leave_queue"}};
    const wanted = options.slice();
    if (this.owner === "queue") wanted.push("leave_queue");
    this.nodes.actions.textContent = "";
    wanted.forEach((option) => {
      const action = button("bolt-action", this.t(labels[option]), () => this.transmit(frames[option]));
      action.dataset.action = option;
      this.nodes.actions.appendChild(action);
    });
  }

  event(event) {
    if (event.seq <= this.lastSeq && this.seen[event.seq]) return;
    this.seen[event.seq] = true;
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    if (event.kind === "message") this.message(event);
    else if (event.kind === "attachment") this.files.event(event);
    else if (event.kind === "feedback") this.feedbackGiven(event);
    else if (event.kind === "csat") this.csatGiven(event);
    else this.notice(event);
    if (event.speaker === "bot" || event.speaker === "agent") this.showTyping(null);
  }

  speakerName(event) {
    if (event.speaker === "user") return this.t("web_speaker_user");
    if (event.speaker === "bot") return this.t("web_speaker_bot");
    if (event.speaker === "agent") return event.name || "";
    return this.t("web_speaker_system");
  }

  message(event) {
    let node = event.client_id && event.speaker === "user" &&
      this.log.querySelector('[data-client-id="' + CSS.escape(event.client_id) + '"]');
    if (!node) {
      node = messageNode(event.speaker, this.speakerName(event), event.text, event.client_id);
      this.append(node);
    }
    node.classList.remove("bolt-pending");
    node.dataset.seq = event.seq;
    if (event.custom && Array.isArray(event.custom.articles) && !node.querySelector(".bolt-cards")) {
      this.showArticles(node, event);
    }
    if (event.speaker === "bot" && !event.offer && !(event.buttons && event.buttons.length)) {
      this.offerFeedback(node, event);
    }
    if (event.speaker === "bot" && event.buttons && event.buttons.length) {
      const choices = element("div", "bolt-buttons");
      event.buttons.forEach((choice) => {
        choices.appendChild(button("bolt-choice", choice.title, () => this.sendMessage(choice.title, choice.payload)));
      });
      node.appendChild(choices);
      this.log.scrollTop = this.log.scrollHeight;
    }
  }

  showArticles(node, event) {
    // The cards stand for the plain text of the same articles: the introduction is shown instead.
    const text = node.querySelector(".bolt-text");
    text.textContent = event.custom.intro || "";
    text.hidden = !event.custom.intro;
    node.appendChild(articleCards(event.custom, this.t, this.linkOrigins));
    this.log.scrollTop = this.log.scrollHeight;
  }

  /** One "Helpful / Not helpful" control under each of Bolt's answers (not under its choices).
   * An answer in several messages (Rasa sends paragraphs apart) gets one, under its last. */
  offerFeedback(node, event) {
    if (node.querySelector(".bolt-feedback")) return;
    const before = node.previousElementSibling;
    const earlier = before && before.classList.contains("bolt-from-bot") &&
      before.querySelector(".bolt-feedback:not([data-answered])");
    if (earlier) earlier.remove();
    const control = feedbackControl(this.t, (helpful) => {
      this.transmit({type: "feedback", seq: event.seq, helpful});
    });
    node.appendChild(control);
    const given = this.ratings && this.ratings[event.seq];
    if (given) answered(control, given, this.t);
    this.log.scrollTop = this.log.scrollHeight;
  }

  feedbackGiven(event) {
    // Records stored before ratings could change say `about` and `helpful`.
    const about = event.about_seq !== undefined ? event.about_seq : event.about;
    const rating = event.rating || (event.helpful ? "helpful" : "not_helpful");
    this.ratings = this.ratings || {};
    this.ratings[about] = rating;
    const rated = this.log.querySelector('[data-seq="' + about + '"] .bolt-feedback');
    answered(rated, rating, this.t);
  }

  askRating(node) {
    const form = csatForm(this.t, (score, comment) => {
      const frame = {type: "csat", client_id: newClientId(), score};
      if (comment) frame.comment = comment;
      this.saved.outbox.push(frame);
      this.save();
      this.transmit(frame);
    });
    node.appendChild(form);
  }

  csatGiven(event) {
    csatAnswered(this.log.querySelector(".bolt-csat"), event.score, this.t);
  }

  notice(event) {
    const node = messageNode("system", this.speakerName(event), event.text, null);
    node.dataset.seq = event.seq;
    node.dataset.kind = event.kind;
    // Asked once per conversation, and only on the resolve that asked (never after a timeout).
    if (event.kind === "resolved" && event.csat) this.askRating(node);
    this.append(node);
    if (event.kind === "queued" || event.kind === "requeued") {
      this.setOwner("queue");
    } else if (event.kind === "agent_joined" || (event.kind === "transferred" && event.to === "agent")) {
      this.agentName = event.name || this.agentName;
      this.setOwner("agent");
    } else if (event.kind === "transferred") {
      this.setOwner("queue");
    } else if (event.kind === "resolved" || event.kind === "left_queue" || event.kind === "ticket_opened") {
      this.setOwner("bot");
    } else if (event.kind === "bot_unavailable" || event.kind === "no_agents" || event.kind === "files_unread") {
      this.renderActions(event.options || []);
    }
  }

  append(node) {
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    this.log.appendChild(node);
    if (atBottom || node.classList.contains("bolt-from-user")) this.log.scrollTop = this.log.scrollHeight;
  }

  acknowledged(frame) {
    this.saved.outbox = this.saved.outbox.filter((p) => p.client_id !== frame.client_id);
    this.save();
  }

  queue(frame) {
    const parts = [this.t("web_queue_position", {position: frame.position})];
    if (!frame.agents_online) parts.push(this.t("web_queue_no_agents"));
    else if (frame.estimated_wait_seconds === null || frame.estimated_wait_seconds === undefined) parts.push(this.t("web_queue_wait_unknown"));
    else parts.push(this.t("web_queue_wait", {minutes: Math.max(1, Math.round(frame.estimated_wait_seconds / 60))}));
    this.setStatus(parts.join(" "), "queue");
    this.renderActions(frame.agents_online ? [] : ["ticket"]);
  }

  showTyping(name) {
    clearTimeout(this.typingTimer);
    this.nodes.typing.textContent = name ? this.t("web_typing", {name}) : "";
    if (name) this.typingTimer = setTimeout(() => this.showTyping(null), BOT_TYPING_MS);
  }

  sendMessage(text, payload) {
    const frame = {type: "message", client_id: newClientId(), text};
    if (payload) frame.payload = payload;
    this.saved.outbox.push(frame);
    this.save();
    const node = messageNode("user", this.t("web_speaker_user"), text, frame.client_id);
    node.classList.add("bolt-pending");
    this.append(node);
    this.transmit(frame);
    this.stopTyping();
    if (this.owner === "bot") this.showTyping(this.t("web_speaker_bot"));
  }

  userTyping() {
    if (this.owner !== "agent") return;
    if (!this.typingSent) {
      this.typingSent = true;
      this.transmit({type: "typing", typing: true});
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping() {
    clearTimeout(this.idleTimer);
    if (this.typingSent) {
      this.typingSent = false;
      this.transmit({type: "typing", typing: false});
    }
  }
}
