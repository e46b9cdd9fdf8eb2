/* The sidebar's DOM: the panel with its header, the user's tickets, log, typing line, action
 * buttons and message form. Every text a user or an agent wrote goes in through textContent: shown, never parsed. */

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function button(className, label, onClick) {
  const node = element("button", className, label);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

/** Builds the panel in `root`; `onSend(text)` gets what the user submits, `onInput()` each key. */
export function buildPanel(root, t, language, onSend, onInput) {
  root.textContent = "";
  root.classList.add("bolt");
  root.setAttribute("lang", language);
  const panel = element("section", "bolt-panel");
  panel.setAttribute("aria-label", t("web_sidebar_label"));
  const header = element("header", "bolt-header");
  const title = element("h2", "bolt-title", t("web_title"));
  const status = element("p", "bolt-status");
  status.setAttribute("role", "status");
  header.appendChild(title);
  header.appendChild(status);
  // The signed-in user's web tickets (sidebar/tickets.js), shown once there are any.
  const tickets = element("section", "bolt-tickets");
  tickets.hidden = true;
  const log = element("div", "bolt-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", t("web_log_label"));
  log.tabIndex = 0;
  const typing = element("p", "bolt-typing");
  typing.setAttribute("aria-live", "polite");
  const actions = element("div", "bolt-actions");
  const {form, input} = textForm("bolt", t("web_input_label"), t("web_placeholder"), t("web_send"),
                                 onSend);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", onInput);
  panel.appendChild(header);
  panel.appendChild(tickets);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(actions);
  panel.appendChild(form);
  root.appendChild(panel);
  return {title, status, tickets, log, typing, actions, input, form, panel};
}

export function messageNode(speaker, name, text, clientId) {
  const node = element("article", "bolt-msg bolt-from-" + speaker);
  if (clientId) node.dataset.clientId = clientId;
  node.appendChild(element("p", "bolt-speaker", name));
  node.appendChild(element("p", "bolt-text", text || ""));
  return node;
}

/** A labelled text box with its send button (classes `<kind>-form`, `<kind>-input`,
 * `<kind>-send`): `onSend(text)` gets what is submitted, trimmed, never empty. */
export function textForm(kind, labelText, placeholder, sendText, onSend) {
  const form = element("form", kind + "-form");
  const label = element("label", "bolt-visually-hidden", labelText);
  const inputId = kind + "-input-" + Math.random().toString(36).slice(2);
  label.htmlFor = inputId;
  const input = element("textarea", kind + "-input");
  input.id = inputId;
  input.rows = 2;
  input.placeholder = placeholder;
  input.maxLength = 4000;
  const send = element("button", kind + "-send", sendText);
  send.type = "submit";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(send);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    onSend(text);
  });
  return {form, input};
}
