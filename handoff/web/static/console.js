/* Bolt's agent console over the hub's /ws/agent (docs/protocol.md).
 *
 * Signs in with name and password once, then with the session token the hub gave (kept in
 * sessionStorage) on every reconnect; after a drop it reconnects with backoff and asks for each
 * held chat's events after the last seq it saw. User and agent text is always set as text.
 */
(function () {
  "use strict";

  var SESSION = "bolt-console:session";
  var BACKOFF_MS = [300, 1000, 2000, 4000, 8000, 15000];
  var TYPING_IDLE_MS = 3000;
  var LANGUAGE_NAMES = {en: "English", ja: "Japanese", ru: "Russian", id: "Indonesian", it: "Italian", de: "German"};

  var state = {
    socket: null, attempt: 0, agent: null, queue: [], offers: {}, chats: {}, order: [],
    active: null, texts: {}, pendingLogin: null, signedOut: false
  };
  var baseTitle = document.title;

  function $(id) { return document.getElementById(id); }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function button(label, className, onClick) {
    var node = element("button", className, label);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  function clientId(prefix) {
    return prefix + "-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }

  function clock(seconds) {
    var sign = seconds < 0 ? "-" : "";
    seconds = Math.abs(Math.round(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return sign + (h ? h + ":" + two(m) : m) + ":" + two(s);
  }

  function since(iso) { return (Date.now() - Date.parse(iso)) / 1000; }
  function until(iso) { return (Date.parse(iso) - Date.now()) / 1000; }

  // ---- the socket ---------------------------------------------------------------------------

  function send(frame) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) {
      state.socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function connect(login) {
    var url = window.location.origin.replace(/^http/, "ws") + "/ws/agent";
    var socket = new WebSocket(url);
    state.socket = socket;
    state.pendingLogin = login.session ? "session" : "password";
    socket.onopen = function () { socket.send(JSON.stringify(login)); };
    socket.onmessage = function (message) { receive(JSON.parse(message.data)); };
    socket.onclose = function () {
      if (state.socket !== socket) return;
      state.socket = null;
      var session = sessionStorage.getItem(SESSION);
      if (state.signedOut || !session) return;
      $("connection").textContent = "Connection lost. Reconnecting…";
      var delay = BACKOFF_MS[Math.min(state.attempt, BACKOFF_MS.length - 1)];
      state.attempt += 1;
      setTimeout(function () { connect({type: "login", session: session}); }, delay);
    };
  }

  function receive(frame) {
    var handlers = {
      welcome: welcome, queue: queue, offer: offer, offer_withdrawn: offerWithdrawn,
      assigned: assigned, released: released, event: event, history: history, ack: ack,
      typing: typing, status: status, error: refused, escalation: escalation
    };
    if (handlers[frame.type]) handlers[frame.type](frame);
  }

  function welcome(frame) {
    state.attempt = 0;
    state.agent = frame.agent;
    sessionStorage.setItem(SESSION, frame.session);
    $("connection").textContent = "";
    $("sign-in-view").hidden = true;
    $("desk-view").hidden = false;
    $("me").hidden = false;
    $("agent-name").textContent = frame.agent.display_name + " (" + frame.agent.languages.join(", ") + ")";
    $("status").value = frame.agent.status;
    var held = {};
    frame.chats.forEach(function (card) {
      held[card.conversation_id] = true;
      var chat = ensureChat(card);
      send({type: "history", conversation_id: card.conversation_id, after_seq: chat.lastSeq});
    });
    Object.keys(state.chats).forEach(function (id) { if (!held[id]) removeChat(id); });
    renderTabs();
  }

  function refused(frame) {
    if (frame.code === "login_failed") {
      if (state.pendingLogin === "session") {
        sessionStorage.removeItem(SESSION);
        showSignIn("");
      } else {
        showSignIn("Wrong name or password.");
      }
      return;
    }
    $("connection").textContent = frame.message;
    setTimeout(function () { if ($("connection").textContent === frame.message) $("connection").textContent = ""; }, 6000);
  }

  function status(frame) {
    state.agent.status = frame.status;
    $("status").value = frame.status;
  }

  // ---- the queue and offers -----------------------------------------------------------------

  function queue(frame) {
    state.queue = frame.entries;
    renderQueue();
  }

  function offer(frame) {
    var card = frame.conversation;
    state.offers[card.conversation_id] = {card: card, expires: Date.now() + frame.expires_in_seconds * 1000};
    renderOffers();
    notify("New chat offered");
  }

  function offerWithdrawn(frame) {
    delete state.offers[frame.conversation_id];
    renderOffers();
  }

  function escalation(frame) {
    notify("Escalated: " + frame.conversation.conversation_id);
  }

  function entryHead(card) {
    var head = element("div", "entry-head");
    head.appendChild(element("span", "badge " + (card.priority || "P4"), card.priority || "P4"));
    var language = element("span", "tag", (card.language || "").toUpperCase());
    language.title = LANGUAGE_NAMES[card.language] || card.language;
    head.appendChild(language);
    var account = card.account || {};
    if (account.plan) head.appendChild(element("span", "tag", account.plan + (account.support_plan ? " · " + account.support_plan : "")));
    if (card.escalated) head.appendChild(element("span", "escalated", "escalated"));
    return head;
  }

  function timers(card) {
    var line = element("div", "row");
    var waiting = element("span", "waiting");
    waiting.dataset.since = card.queued_at || "";
    var deadline = element("span", "deadline");
    deadline.dataset.deadline = card.deadline || "";
    line.appendChild(waiting);
    line.appendChild(deadline);
    return line;
  }

  function renderQueue() {
    var list = $("queue");
    list.textContent = "";
    state.queue.forEach(function (card) {
      var item = element("li", "entry");
      item.dataset.conversationId = card.conversation_id;
      item.appendChild(entryHead(card));
      var who = (card.user && card.user.name) || (card.account && card.account.user_name) || "anonymous";
      item.appendChild(element("div", "who", who + " · #" + card.position + (card.offered ? " · offered" : "")));
      if (card.summary) item.appendChild(element("p", "summary", card.summary));
      item.appendChild(timers(card));
      item.appendChild(button("Claim", "claim", function () { send({type: "claim", conversation_id: card.conversation_id}); }));
      list.appendChild(item);
    });
    $("queue-count").textContent = String(state.queue.length);
    $("queue-empty").hidden = state.queue.length > 0;
    tick();
  }

  function renderOffers() {
    var box = $("offers");
    box.textContent = "";
    Object.keys(state.offers).forEach(function (id) {
      var card = state.offers[id].card;
      var item = element("div", "offer");
      item.dataset.conversationId = id;
      item.appendChild(element("strong", null, "Offered to you"));
      item.appendChild(entryHead(card));
      if (card.summary) item.appendChild(element("p", "summary", card.summary));
      item.appendChild(timers(card));
      var row = element("div", "row");
      row.appendChild(button("Accept", "primary accept", function () { send({type: "accept", conversation_id: id}); }));
      row.appendChild(button("Decline", "decline", function () { send({type: "decline", conversation_id: id}); }));
      item.appendChild(row);
      box.appendChild(item);
    });
    tick();
  }

  function tick() {
    document.querySelectorAll(".waiting").forEach(function (node) {
      if (node.dataset.since) node.textContent = "waiting " + clock(since(node.dataset.since));
    });
    document.querySelectorAll(".deadline").forEach(function (node) {
      if (!node.dataset.deadline) return;
      var left = until(node.dataset.deadline);
      node.textContent = left >= 0 ? "first response in " + clock(left) : "deadline passed " + clock(-left) + " ago";
      node.classList.toggle("breached", left < 0);
    });
  }

  // ---- chats ----------------------------------------------------------------------------------

  function ensureChat(card) {
    var id = card.conversation_id;
    var chat = state.chats[id];
    if (!chat) {
      chat = state.chats[id] = {card: card, seen: {}, lastSeq: 0, unread: 0, typingSent: false};
      state.order.push(id);
      buildPanel(chat);
      loadTexts(card.language);
      if (!state.active) state.active = id;
    } else {
      chat.card = card;
      renderCard(chat);
    }
    return chat;
  }

  function removeChat(id) {
    var chat = state.chats[id];
    if (!chat) return;
    chat.panel.remove();
    delete state.chats[id];
    state.order = state.order.filter(function (other) { return other !== id; });
    if (state.active === id) state.active = state.order[0] || null;
    renderTabs();
  }

  function assigned(frame) {
    var chat = ensureChat(frame.conversation);
    frame.events.forEach(function (e) { addEvent(chat, e, false); });
    delete state.offers[frame.conversation.conversation_id];
    renderOffers();
    state.active = frame.conversation.conversation_id;
    renderTabs();
  }

  function released(frame) { removeChat(frame.conversation_id); }

  function history(frame) {
    var chat = state.chats[frame.conversation.conversation_id];
    if (!chat) return;
    chat.card = frame.conversation;
    renderCard(chat);
    frame.events.forEach(function (e) { addEvent(chat, e, false); });
  }

  function event(frame) {
    var chat = state.chats[frame.conversation_id];
    if (chat) addEvent(chat, frame, true);
  }

  function ack(frame) {
    var chat = state.chats[frame.conversation_id];
    if (!chat) return;
    var node = chat.transcript.querySelector('[data-client-id="' + CSS.escape(frame.client_id) + '"]');
    if (node) node.classList.remove("pending");
  }

  function typing(frame) {
    var chat = state.chats[frame.conversation_id];
    if (!chat) return;
    chat.typingNode.textContent = frame.typing ? "The user is typing…" : "";
  }

  function speaker(e) {
    if (e.kind === "note") return "Note" + (e.name ? " · " + e.name : "");
    if (e.speaker === "bot") return "Bolt (bot)";
    if (e.speaker === "agent") return e.name || "Agent";
    if (e.speaker === "user") return "User";
    return "Hub";
  }

  function addEvent(chat, e, live) {
    if (chat.seen[e.seq]) return;
    chat.seen[e.seq] = true;
    chat.lastSeq = Math.max(chat.lastSeq, e.seq);
    var existing = e.client_id && chat.transcript.querySelector('[data-client-id="' + CSS.escape(e.client_id) + '"]');
    if (existing) {
      existing.classList.remove("pending");
      existing.dataset.seq = e.seq;
      existing.querySelector(".who").textContent = speaker(e) + " · " + new Date(e.at).toLocaleTimeString();
      return;
    }
    var kind = e.kind === "note" ? "note" : e.kind === "message" ? e.speaker : "system";
    var line = element("div", "line " + kind);
    line.dataset.seq = e.seq;
    if (e.client_id) line.dataset.clientId = e.client_id;
    line.appendChild(element("div", "who", speaker(e) + " · " + new Date(e.at).toLocaleTimeString()));
    line.appendChild(element("p", "text", e.text || ""));
    if (e.buttons && e.buttons.length) {
      line.appendChild(element("div", "who", "buttons: " + e.buttons.map(function (b) { return b.title; }).join(", ")));
    }
    insertInOrder(chat.transcript, line, e.seq);
    if (e.speaker === "user") chat.typingNode.textContent = "";
    if (live && e.speaker === "user" && (state.active !== chat.card.conversation_id || document.hidden)) {
      chat.unread += 1;
      renderTabs();
      notify("New message");
    }
  }

  function insertInOrder(container, line, seq) {
    var later = Array.prototype.find.call(container.children, function (node) {
      return node.dataset.seq && Number(node.dataset.seq) > seq;
    });
    container.insertBefore(line, later || null);
    container.scrollTop = container.scrollHeight;
  }

  function field(list, name, value) {
    if (value === undefined || value === null || value === "") return;
    list.appendChild(element("dt", null, name));
    list.appendChild(element("dd", null, String(value)));
  }

  function renderCard(chat) {
    var card = chat.card, account = card.account || {}, user = card.user || {};
    var box = chat.cardNode;
    box.textContent = "";
    box.appendChild(element("h3", null, "Account"));
    box.appendChild(entryHead(card));
    var list = element("dl");
    field(list, "User", user.name || account.user_name || (user.anonymous ? "anonymous" : user.user_id));
    field(list, "Account", account.account_name || account.account_id);
    field(list, "Plan", account.plan);
    field(list, "Support", account.support_plan);
    field(list, "Role", account.role);
    field(list, "Licensed", account.licensed === undefined ? null : account.licensed ? "yes" : "no");
    field(list, "Country", account.country);
    field(list, "Rights", (account.rights || []).join(", "));
    field(list, "Checked", account.checked === false ? "no (queued by the hub)" : null);
    field(list, "Reason", card.reason);
    box.appendChild(list);
    chat.summaryNode.textContent = card.summary || "—";
  }

  function buildPanel(chat) {
    var id = chat.card.conversation_id;
    var panel = element("div", "chat");
    panel.setAttribute("role", "tabpanel");
    panel.id = "panel-" + id;
    panel.dataset.conversationId = id;
    var left = element("div", "chat-main");
    chat.transcript = element("div", "transcript");
    chat.transcript.setAttribute("role", "log");
    chat.transcript.setAttribute("aria-label", "Transcript");
    chat.transcript.tabIndex = 0;
    chat.typingNode = element("p", "typing");
    chat.typingNode.setAttribute("aria-live", "polite");
    left.appendChild(chat.transcript);
    left.appendChild(chat.typingNode);
    left.appendChild(composer(chat));
    var right = element("div", "chat-side");
    chat.cardNode = element("div", "card account-card");
    var summary = element("div", "card");
    summary.appendChild(element("h3", null, "Summary from Bolt"));
    chat.summaryNode = element("p", "summary");
    summary.appendChild(chat.summaryNode);
    right.appendChild(chat.cardNode);
    right.appendChild(summary);
    right.appendChild(notesForm(chat));
    right.appendChild(transferForm(chat));
    right.appendChild(button("Resolve", "danger resolve", function () { send({type: "resolve", conversation_id: id}); }));
    panel.appendChild(left);
    panel.appendChild(right);
    chat.panel = panel;
    $("panels").appendChild(panel);
    renderCard(chat);
  }

  function composer(chat) {
    var id = chat.card.conversation_id;
    var form = element("form", "composer");
    var label = element("label", null, "Reply to the user");
    var input = element("textarea", "reply");
    input.id = "reply-" + id;
    label.htmlFor = input.id;
    input.rows = 3;
    input.maxLength = 4000;
    var canned = element("select", "canned");
    canned.setAttribute("aria-label", "Canned responses");
    chat.canned = canned;
    renderCanned(chat);
    canned.addEventListener("change", function () {
      if (canned.value) input.value = canned.value;
      canned.value = "";
      input.focus();
    });
    var row = element("div", "row");
    var sendButton = element("button", "primary send", "Send");
    sendButton.type = "submit";
    row.appendChild(sendButton);
    row.appendChild(canned);
    row.appendChild(button("Save as canned", "save-canned", function () {
      var text = input.value.trim();
      if (!text) return;
      var own = ownCanned(chat.card.language);
      if (own.indexOf(text) < 0) own.push(text);
      localStorage.setItem(cannedKey(chat.card.language), JSON.stringify(own));
      Object.keys(state.chats).forEach(function (other) { renderCanned(state.chats[other]); });
    }));
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(row);
    form.addEventListener("submit", function (submitted) {
      submitted.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      var frame = {type: "message", conversation_id: id, client_id: clientId("a"), text: text};
      var line = element("div", "line agent pending");
      line.dataset.clientId = frame.client_id;
      line.appendChild(element("div", "who", (state.agent.display_name || "") + " · sending"));
      line.appendChild(element("p", "text", text));
      chat.transcript.appendChild(line);
      chat.transcript.scrollTop = chat.transcript.scrollHeight;
      send(frame);
      input.value = "";
      stopTyping(chat);
    });
    input.addEventListener("keydown", function (key) {
      if (key.key === "Enter" && !key.shiftKey && !key.isComposing) { key.preventDefault(); form.requestSubmit(); }
    });
    input.addEventListener("input", function () {
      if (!chat.typingSent) {
        chat.typingSent = true;
        send({type: "typing", conversation_id: id, typing: true});
      }
      clearTimeout(chat.idle);
      chat.idle = setTimeout(function () { stopTyping(chat); }, TYPING_IDLE_MS);
    });
    return form;
  }

  function stopTyping(chat) {
    clearTimeout(chat.idle);
    if (chat.typingSent) {
      chat.typingSent = false;
      send({type: "typing", conversation_id: chat.card.conversation_id, typing: false});
    }
  }

  function cannedKey(language) {
    return "bolt-console:canned:" + (state.agent ? state.agent.name : "") + ":" + language;
  }

  function ownCanned(language) {
    try { return JSON.parse(localStorage.getItem(cannedKey(language)) || "[]"); } catch (e) { return []; }
  }

  function loadTexts(language) {
    if (state.texts[language]) return;
    state.texts[language] = {};
    fetch("/web/texts/" + language).then(function (r) { return r.json(); }).then(function (texts) {
      state.texts[language] = texts;
      Object.keys(state.chats).forEach(function (id) { renderCanned(state.chats[id]); });
    });
  }

  function renderCanned(chat) {
    var language = chat.card.language;
    var texts = state.texts[language] || {};
    var options = ["web_canned_greeting", "web_canned_checking", "web_canned_anything_else"]
      .map(function (name) { return texts[name]; }).filter(Boolean).concat(ownCanned(language));
    chat.canned.textContent = "";
    chat.canned.appendChild(element("option", null, "Canned (" + language + ")…")).value = "";
    options.forEach(function (text) {
      var option = element("option", null, text.length > 60 ? text.slice(0, 57) + "…" : text);
      option.value = text;
      chat.canned.appendChild(option);
    });
  }

  function notesForm(chat) {
    var id = chat.card.conversation_id;
    var form = element("form", "card notes");
    form.appendChild(element("h3", null, "Internal note"));
    var input = element("textarea", "note-text");
    input.rows = 2;
    input.setAttribute("aria-label", "Internal note (never shown to the user)");
    var add = element("button", "add-note", "Add note");
    add.type = "submit";
    form.appendChild(input);
    form.appendChild(add);
    form.addEventListener("submit", function (submitted) {
      submitted.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      send({type: "note", conversation_id: id, client_id: clientId("n"), text: text});
      input.value = "";
    });
    return form;
  }

  function transferForm(chat) {
    var id = chat.card.conversation_id;
    var form = element("form", "card transfer");
    form.appendChild(element("h3", null, "Transfer"));
    var target = element("select", "transfer-to");
    target.setAttribute("aria-label", "Transfer to");
    [["queue", "back to the queue"], ["agent", "an agent (name)"]].concat(
      Object.keys(LANGUAGE_NAMES).map(function (code) { return ["language:" + code, LANGUAGE_NAMES[code] + " group"]; })
    ).forEach(function (pair) {
      var option = element("option", null, pair[1]);
      option.value = pair[0];
      target.appendChild(option);
    });
    var name = element("input", "transfer-agent");
    name.setAttribute("aria-label", "Agent's name");
    name.placeholder = "agent name";
    var go = element("button", "transfer-go", "Transfer");
    go.type = "submit";
    form.appendChild(target);
    form.appendChild(name);
    form.appendChild(go);
    form.addEventListener("submit", function (submitted) {
      submitted.preventDefault();
      var frame = {type: "transfer", conversation_id: id};
      if (target.value === "queue") frame.to = "queue";
      else if (target.value === "agent") { frame.to = "agent"; frame.agent = name.value.trim(); }
      else { frame.to = "language"; frame.language = target.value.split(":")[1]; }
      send(frame);
    });
    return form;
  }

  function renderTabs() {
    var tabs = $("tabs");
    tabs.textContent = "";
    var total = 0;
    state.order.forEach(function (id) {
      var chat = state.chats[id];
      var selected = id === state.active;
      if (selected) chat.unread = 0;
      total += chat.unread;
      var user = chat.card.user || {};
      var tab = button((user.name || chat.card.account && chat.card.account.user_name || "chat") + " · " +
        (chat.card.language || "").toUpperCase(), "tab", function () { state.active = id; renderTabs(); });
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.setAttribute("aria-controls", "panel-" + id);
      tab.dataset.conversationId = id;
      if (chat.unread) tab.appendChild(element("span", "unread", String(chat.unread)));
      tabs.appendChild(tab);
      chat.panel.hidden = !selected;
    });
    $("chats-empty").hidden = state.order.length > 0;
    var offers = Object.keys(state.offers).length;
    document.title = (total + offers ? "(" + (total + offers) + ") " : "") + baseTitle;
  }

  var audio = null;
  function notify(reason) {
    renderTabs();
    $("announce").textContent = reason;
    if (!$("sound").checked) return;
    try {
      audio = audio || new AudioContext();
      var tone = audio.createOscillator(), gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.08;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.15);
    } catch (e) { /* a browser without audio: the badge and title still tell */ }
  }

  document.addEventListener("visibilitychange", function () { if (!document.hidden) renderTabs(); });

  // ---- sign in and out ------------------------------------------------------------------------

  function showSignIn(message) {
    $("sign-in-view").hidden = false;
    $("desk-view").hidden = true;
    $("me").hidden = true;
    $("sign-in-error").textContent = message;
  }

  $("sign-in").addEventListener("submit", function (submitted) {
    submitted.preventDefault();
    state.signedOut = false;
    if (state.socket) { var old = state.socket; state.socket = null; old.close(); }
    connect({type: "login", name: $("agent-login").value.trim(), password: $("agent-password").value});
    $("agent-password").value = "";
  });

  $("status").addEventListener("change", function () { send({type: "status", status: $("status").value}); });

  $("sign-out").addEventListener("click", function () {
    send({type: "status", status: "offline"});
    send({type: "sign_out"});
    state.signedOut = true;
    sessionStorage.removeItem(SESSION);
    if (state.socket) state.socket.close();
    Object.keys(state.chats).forEach(removeChat);
    showSignIn("");
  });

  // The console's state, for debugging in the browser (and the browser tests).
  window.BoltConsole = {state: state};
  setInterval(tick, 1000);
  var saved = sessionStorage.getItem(SESSION);
  if (saved) {
    connect({type: "login", session: saved});
  } else {
    showSignIn("");
  }
})();
