/* The signed-in user's web tickets in the sidebar (the `tickets` and `ticket` frames of
 * docs/protocol.md): each with its status, whether replies also come by e-mail, the support
 * team's replies and the user's answers, and a box to answer in. A ticket's box keeps what the
 * user is typing when a reply arrives; a closed ticket leaves the list. */
import {element, messageNode, textForm} from "./view.js";
import {newClientId} from "./saved.js";

export class TicketsPanel {
  constructor(container, t, transmit) {
    this.container = container;
    this.t = t;
    this.transmit = transmit;
    this.nodes = {};
    const title = element("h3", "bolt-tickets-title", t("web_tickets_title"));
    this.list = element("div", "bolt-ticket-list");
    container.appendChild(title);
    container.appendChild(this.list);
  }

  all(tickets) {
    Object.keys(this.nodes).forEach((id) => {
      if (!tickets.some((ticket) => ticket.ticket_id === id)) this.remove(id);
    });
    tickets.forEach((ticket) => this.show(ticket));
  }

  show(ticket) {
    if (ticket.status === "closed") {
      this.remove(ticket.ticket_id);
      return;
    }
    const nodes = this.nodes[ticket.ticket_id] || this.build(ticket.ticket_id);
    nodes.root.dataset.status = ticket.status;
    nodes.status.textContent = this.t("web_ticket_status_" + ticket.status);
    nodes.mail.textContent = this.t(ticket.email ? "web_ticket_by_email" : "web_ticket_sidebar_only");
    nodes.thread.textContent = "";
    if (!ticket.thread.length) nodes.thread.appendChild(element("p", "bolt-ticket-empty", this.t("web_ticket_no_replies")));
    ticket.thread.forEach((message) => {
      const name = message.speaker === "user" ? this.t("web_ticket_you") : message.name || this.t("web_ticket_support");
      const node = messageNode(message.speaker === "user" ? "user" : "agent", name, message.text, message.client_id);
      node.dataset.speaker = message.speaker;
      nodes.thread.appendChild(node);
    });
    this.container.hidden = false;
  }

  remove(ticketId) {
    const nodes = this.nodes[ticketId];
    if (!nodes) return;
    nodes.root.remove();
    delete this.nodes[ticketId];
    this.container.hidden = Object.keys(this.nodes).length === 0;
  }

  build(ticketId) {
    const root = element("details", "bolt-ticket");
    root.dataset.ticketId = ticketId;
    root.open = true;
    const summary = element("summary", "bolt-ticket-head", this.t("web_ticket_head", {ticket: ticketId}) + " ");
    const status = element("span", "bolt-ticket-status");
    summary.appendChild(status);
    const mail = element("p", "bolt-ticket-mail");
    const thread = element("div", "bolt-ticket-thread");
    const reply = this.t("web_ticket_reply_label");
    const {form, input} = textForm("bolt-ticket", reply, reply, this.t("web_ticket_send"),
      (text) => this.transmit({type: "ticket_reply", ticket_id: ticketId,
                               client_id: newClientId(), text}));
    [summary, mail, thread, form].forEach((node) => root.appendChild(node));
    this.list.appendChild(root);
    this.nodes[ticketId] = {root, status, mail, thread, input};
    return this.nodes[ticketId];
  }
}

