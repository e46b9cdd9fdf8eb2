/* The web tickets as the console knows them (the `tickets` and `ticket` frames of
 * docs/protocol.md): the list (the agent's own first, as the hub orders it), the ticket shown
 * with its transcript and thread, and what the agent does with it: answer, solve, close, reopen,
 * and for supervisors assign. */
import {changed, clientId, state} from "./state.js";
import {send} from "./socket.js";

export const tickets = {list: [], shown: null, asked: false};

export function loadTickets() {
  tickets.asked = send({type: "tickets"});
  changed();
}

export function openTicket(ticketId) {
  send({type: "ticket", ticket_id: ticketId});
}

export function closeTicket() {
  tickets.shown = null;
  changed();
}

export function answerTicket(ticketId, text) {
  return send({type: "ticket_reply", ticket_id: ticketId, client_id: clientId("t"), text});
}

export function setTicketStatus(ticketId, status) {
  send({type: "ticket_status", ticket_id: ticketId, status});
}

export function assignTicket(ticketId, agent) {
  const frame = {type: "ticket_assign", ticket_id: ticketId};
  if (agent) frame.agent = agent;
  send(frame);
}

/** Whether the ticket belongs in this agent's list as the hub would order it. */
function rank(ticket) {
  const mine = state.agent && ticket.assignee === state.agent.name;
  return mine ? 0 : ticket.assignee ? 2 : 1;
}

function listed(ticket) {
  const {transcript, thread, ...card} = ticket;
  const others = tickets.list.filter((t) => t.ticket_id !== card.ticket_id);
  if (card.status !== "closed") others.push(card);
  others.sort((a, b) => rank(a) - rank(b) || a.ticket_id.localeCompare(b.ticket_id));
  tickets.list = others;
}

export const ticketHandlers = {
  tickets(frame) {
    tickets.list = frame.tickets;
    changed();
  },

  ticket(frame) {
    const ticket = frame.ticket;
    listed(ticket);
    const shown = tickets.shown;
    if (ticket.transcript) {
      // The answer to this agent's own request: the whole ticket, to show.
      tickets.shown = ticket;
    } else if (shown && shown.ticket_id === ticket.ticket_id) {
      // A change someone else made: the transcript stays as it was.
      tickets.shown = {...shown, ...ticket, transcript: shown.transcript};
    }
    changed();
  }
};
