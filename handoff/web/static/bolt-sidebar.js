/* Bolt's help-center sidebar: one conversation over the hub's /ws/chat (docs/protocol.md).
 *
 * Embed it on any help-center page:
 *   <div id="bolt-sidebar"></div>
 *   <script src="https://HUB/static/bolt-sidebar.js" data-target="#bolt-sidebar"
 *           data-locale="de-DE" data-token="<the user's help-center token>" async></script>
 * or mount it from a script: BoltSidebar.mount(element, {locale, token}).
 *
 * The conversation survives reloads in the same tab (sessionStorage); after a drop the sidebar
 * reconnects with backoff and resumes after the last seq it saw; messages not yet acknowledged
 * are sent again under the same client_id, which the hub stores only once.
 */
(function () {
  "use strict";

  var STORAGE_PREFIX = "bolt-sidebar:";
  var BACKOFF_MS = [300, 1000, 2000, 4000, 8000, 15000];
  var BOT_TYPING_MS = 20000;
  var TYPING_IDLE_MS = 3000;
  var LANGUAGES = ["en", "ja", "ru", "id", "it", "de"];
  var scriptElement = document.currentScript;

  function languageOf(locale) {
    var primary = String(locale || "en").replace("_", "-").split("-")[0].toLowerCase();
    return LANGUAGES.indexOf(primary) >= 0 ? primary : "en";
  }

  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  // Every text a user or an agent wrote goes in through textContent: shown, never parsed.
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // Who the token names, to tell whether a saved conversation belongs to this user; the hub
  // verifies the token itself, this only reads it.
  function tokenSubject(token) {
    if (!token) return "anonymous";
    try {
      var body = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      var claims = JSON.parse(decodeURIComponent(escape(atob(body))));
      return claims.account + "/" + claims.sub;
    } catch (error) {
      return "unreadable-token";
    }
  }

  function newClientId() {
    var random = new Uint32Array(2);
    crypto.getRandomValues(random);
    return "m-" + Date.now().toString(36) + "-" + random[0].toString(36) + random[1].toString(36);
  }

  function Sidebar(root, options) {
    this.root = root;
    this.hub = (options.hub || defaultHub()).replace(/\/$/, "");
    this.locale = options.locale || document.documentElement.lang || "en";
    this.language = languageOf(this.locale);
    this.token = options.token || null;
    this.storageKey = STORAGE_PREFIX + (options.storageKey || "default");
    this.saved = this.load();
    this.lastSeq = 0;
    this.seen = {};
    this.owner = "bot";
    this.agentName = null;
    this.attempt = 0;
    this.socket = null;
    this.stopped = false;
    this.typingSent = false;
  }

  function defaultHub() {
    if (scriptElement && scriptElement.src) return new URL(scriptElement.src).origin;
    return window.location.origin;
  }

  Sidebar.prototype.load = function () {
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(this.storageKey) || "null"); } catch (e) { saved = null; }
    if (!saved || saved.subject !== tokenSubject(this.token)) {
      saved = {subject: tokenSubject(this.token), conversation_id: null, resume_key: null, outbox: []};
    }
    return saved;
  };

  Sidebar.prototype.save = function () {
    sessionStorage.setItem(this.storageKey, JSON.stringify(this.saved));
  };

  Sidebar.prototype.start = function () {
    var self = this;
    return fetch(this.hub + "/web/texts/" + this.language)
      .then(function (response) { return response.json(); })
      .then(function (texts) {
        self.texts = texts;
        self.build();
        self.connect();
        return self;
      });
  };

  Sidebar.prototype.stop = function () {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    if (this.socket) this.socket.close();
    this.root.textContent = "";
  };

  Sidebar.prototype.build = function () {
    var t = this.texts;
    var self = this;
    this.root.textContent = "";
    this.root.classList.add("bolt");
    this.root.setAttribute("lang", this.language);
    var panel = element("section", "bolt-panel");
    panel.setAttribute("aria-label", t.web_sidebar_label);
    var header = element("header", "bolt-header");
    this.titleNode = element("h2", "bolt-title", t.web_title);
    this.statusNode = element("p", "bolt-status");
    this.statusNode.setAttribute("role", "status");
    header.appendChild(this.titleNode);
    header.appendChild(this.statusNode);
    this.log = element("div", "bolt-log");
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    this.log.setAttribute("aria-label", t.web_log_label);
    this.log.tabIndex = 0;
    this.typingNode = element("p", "bolt-typing");
    this.typingNode.setAttribute("aria-live", "polite");
    this.actions = element("div", "bolt-actions");
    var form = element("form", "bolt-form");
    var label = element("label", "bolt-visually-hidden", t.web_input_label);
    var inputId = "bolt-input-" + Math.random().toString(36).slice(2);
    label.htmlFor = inputId;
    this.input = element("textarea", "bolt-input");
    this.input.id = inputId;
    this.input.rows = 2;
    this.input.placeholder = t.web_placeholder;
    this.input.maxLength = 4000;
    var send = element("button", "bolt-send", t.web_send);
    send.type = "submit";
    form.appendChild(label);
    form.appendChild(this.input);
    form.appendChild(send);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = self.input.value.trim();
      if (!text) return;
      self.input.value = "";
      self.sendMessage(text, null);
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    this.input.addEventListener("input", function () { self.userTyping(); });
    panel.appendChild(header);
    panel.appendChild(this.log);
    panel.appendChild(this.typingNode);
    panel.appendChild(this.actions);
    panel.appendChild(form);
    this.root.appendChild(panel);
  };

  Sidebar.prototype.url = function () {
    return this.hub.replace(/^http/, "ws") + "/ws/chat";
  };

  Sidebar.prototype.connect = function () {
    var self = this;
    var socket = new WebSocket(this.url());
    this.socket = socket;
    socket.onopen = function () {
      var hello = {type: "hello", locale: self.locale, last_seq: self.lastSeq};
      if (self.token) hello.token = self.token;
      if (self.saved.conversation_id) hello.conversation_id = self.saved.conversation_id;
      if (self.saved.resume_key) hello.resume_key = self.saved.resume_key;
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      self.receive(frame);
    };
    socket.onclose = function () {
      if (self.socket !== socket || self.stopped) return;
      self.socket = null;
      self.setStatus(self.texts.web_reconnecting, "offline");
      var delay = BACKOFF_MS[Math.min(self.attempt, BACKOFF_MS.length - 1)];
      self.attempt += 1;
      self.reconnectTimer = setTimeout(function () { self.connect(); }, delay * (0.75 + Math.random() / 2));
    };
  };

  Sidebar.prototype.open = function () {
    return this.socket && this.socket.readyState === WebSocket.OPEN && this.welcomed;
  };

  Sidebar.prototype.transmit = function (frame) {
    if (this.open()) this.socket.send(JSON.stringify(frame));
  };

  Sidebar.prototype.receive = function (frame) {
    switch (frame.type) {
      case "welcome": return this.welcome(frame);
      case "event": return this.event(frame);
      case "ack": return this.acknowledged(frame);
      case "queue": return this.queue(frame);
      case "typing": return this.showTyping(frame.typing ? frame.name || this.agentName : null);
      case "error": return this.refused(frame);
    }
  };

  Sidebar.prototype.welcome = function (frame) {
    this.welcomed = true;
    this.attempt = 0;
    this.saved.conversation_id = frame.conversation_id;
    if (frame.resume_key) this.saved.resume_key = frame.resume_key;
    this.save();
    this.root.dataset.conversationId = frame.conversation_id;
    this.setOwner(frame.owner);
    var self = this;
    this.saved.outbox.forEach(function (pending) { self.transmit(pending); });
  };

  Sidebar.prototype.refused = function (frame) {
    if (!this.welcomed && (frame.code === "forbidden" || frame.code === "not_found")) {
      // The saved conversation is not this user's (or is gone): start a new one.
      this.saved = {subject: tokenSubject(this.token), conversation_id: null, resume_key: null, outbox: []};
      this.save();
      if (this.socket) this.socket.close();
      return;
    }
    if (frame.ref) {
      this.saved.outbox = this.saved.outbox.filter(function (p) { return p.client_id !== frame.ref; });
      this.save();
      var node = this.log.querySelector('[data-client-id="' + CSS.escape(frame.ref) + '"]');
      if (node) {
        node.classList.add("bolt-failed");
        node.appendChild(element("p", "bolt-error", format(this.texts.web_not_sent, {reason: frame.message})));
      }
    }
  };

  Sidebar.prototype.setStatus = function (text, kind) {
    this.statusNode.textContent = text || "";
    this.statusNode.dataset.kind = kind || "";
  };

  Sidebar.prototype.setOwner = function (owner) {
    this.owner = owner;
    this.root.dataset.owner = owner;
    if (owner === "agent" && this.agentName) {
      this.setStatus(format(this.texts.web_connected_agent, {agent: this.agentName}), "agent");
    } else if (owner === "bot") {
      this.agentName = null;
      this.setStatus("", "");
    } else if (!this.statusNode.dataset.kind || this.statusNode.dataset.kind === "offline") {
      this.setStatus("", "");
    }
    this.titleNode.textContent = owner === "agent" && this.agentName ? this.agentName : this.texts.web_title;
    this.renderActions([]);
  };

  Sidebar.prototype.renderActions = function (options) {
    var t = this.texts;
    var self = this;
    this.actions.textContent = "";
    var wanted = options.slice();
    if (this.owner === "queue") wanted.push("leave_queue");
    wanted.forEach(function (option) {
      var labels = {agent: t.web_request_agent, ticket: t.web_open_ticket, leave_queue: t.web_leave_queue};
      var frames = {agent: {type: "request_agent"}, ticket: {type: "ticket"}, leave_queue: {type: "leave_queue"}};
      var button = element("button", "bolt-action", labels[option]);
      button.type = "button";
      button.dataset.action = option;
      button.addEventListener("click", function () { self.transmit(frames[option]); });
      self.actions.appendChild(button);
    });
  };

  Sidebar.prototype.event = function (event) {
    if (event.seq <= this.lastSeq && this.seen[event.seq]) return;
    this.seen[event.seq] = true;
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    if (event.kind === "message") this.message(event);
    else this.notice(event);
    if (event.speaker === "bot" || event.speaker === "agent") this.showTyping(null);
  };

  Sidebar.prototype.speakerName = function (event) {
    if (event.speaker === "user") return this.texts.web_speaker_user;
    if (event.speaker === "bot") return "Bolt";
    if (event.speaker === "agent") return event.name || "";
    return this.texts.web_speaker_system;
  };

  Sidebar.prototype.message = function (event) {
    var node = event.client_id && event.speaker === "user" &&
      this.log.querySelector('[data-client-id="' + CSS.escape(event.client_id) + '"]');
    if (!node) {
      node = this.messageNode(event.speaker, this.speakerName(event), event.text, event.client_id);
      this.append(node);
    }
    node.classList.remove("bolt-pending");
    node.dataset.seq = event.seq;
    if (event.speaker === "bot" && event.buttons && event.buttons.length) {
      var self = this;
      var choices = element("div", "bolt-buttons");
      event.buttons.forEach(function (choice) {
        var button = element("button", "bolt-choice", choice.title);
        button.type = "button";
        button.addEventListener("click", function () { self.sendMessage(choice.title, choice.payload); });
        choices.appendChild(button);
      });
      node.appendChild(choices);
      this.log.scrollTop = this.log.scrollHeight;
    }
  };

  Sidebar.prototype.messageNode = function (speaker, name, text, clientId) {
    var node = element("article", "bolt-msg bolt-from-" + speaker);
    if (clientId) node.dataset.clientId = clientId;
    node.appendChild(element("p", "bolt-speaker", name));
    node.appendChild(element("p", "bolt-text", text || ""));
    return node;
  };

  Sidebar.prototype.notice = function (event) {
    var node = this.messageNode("system", this.speakerName(event), event.text, null);
    node.dataset.seq = event.seq;
    node.dataset.kind = event.kind;
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
    } else if (event.kind === "bot_unavailable" || event.kind === "no_agents") {
      this.renderActions(event.options || []);
    }
  };

  Sidebar.prototype.append = function (node) {
    var atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    this.log.appendChild(node);
    if (atBottom || node.classList.contains("bolt-from-user")) this.log.scrollTop = this.log.scrollHeight;
  };

  Sidebar.prototype.acknowledged = function (frame) {
    this.saved.outbox = this.saved.outbox.filter(function (p) { return p.client_id !== frame.client_id; });
    this.save();
  };

  Sidebar.prototype.queue = function (frame) {
    var t = this.texts;
    var parts = [format(t.web_queue_position, {position: frame.position})];
    if (!frame.agents_online) parts.push(t.web_queue_no_agents);
    else if (frame.estimated_wait_seconds === null || frame.estimated_wait_seconds === undefined) parts.push(t.web_queue_wait_unknown);
    else parts.push(format(t.web_queue_wait, {minutes: Math.max(1, Math.round(frame.estimated_wait_seconds / 60))}));
    this.setStatus(parts.join(" "), "queue");
    this.renderActions(frame.agents_online ? [] : ["ticket"]);
  };

  Sidebar.prototype.showTyping = function (name) {
    clearTimeout(this.typingTimer);
    this.typingNode.textContent = name ? format(this.texts.web_typing, {name: name}) : "";
    if (name) {
      var self = this;
      this.typingTimer = setTimeout(function () { self.showTyping(null); }, BOT_TYPING_MS);
    }
  };

  Sidebar.prototype.sendMessage = function (text, payload) {
    var frame = {type: "message", client_id: newClientId(), text: text};
    if (payload) frame.payload = payload;
    this.saved.outbox.push(frame);
    this.save();
    var node = this.messageNode("user", this.texts.web_speaker_user, text, frame.client_id);
    node.classList.add("bolt-pending");
    this.append(node);
    this.transmit(frame);
    this.stopTyping();
    if (this.owner === "bot") this.showTyping("Bolt");
  };

  Sidebar.prototype.userTyping = function () {
    if (this.owner !== "agent") return;
    var self = this;
    if (!this.typingSent) {
      this.typingSent = true;
      this.transmit({type: "typing", typing: true});
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(function () { self.stopTyping(); }, TYPING_IDLE_MS);
  };

  Sidebar.prototype.stopTyping = function () {
    clearTimeout(this.idleTimer);
    if (this.typingSent) {
      this.typingSent = false;
      this.transmit({type: "typing", typing: false});
    }
  };

  window.BoltSidebar = {
    // The sidebar mounted last, for the page's own scripts (and the browser tests).
    current: null,
    mount: function (root, options) {
      var sidebar = new Sidebar(root, options || {});
      window.BoltSidebar.current = sidebar;
      sidebar.start();
      return sidebar;
    },
    format: format
  };

  if (scriptElement && scriptElement.dataset.target) {
    var mountWhenReady = function () {
      window.BoltSidebar.mount(document.querySelector(scriptElement.dataset.target), {
        locale: scriptElement.dataset.locale, token: scriptElement.dataset.token
      });
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountWhenReady);
    else mountWhenReady();
  }
})();
