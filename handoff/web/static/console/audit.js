/* The audit log as a supervisor reads it in the console: the filters asked for, the page shown,
 * and where the pages before it started (the `audit` frame of docs/protocol.md, paged by
 * `before`, newest first). */
import {changed} from "./state.js";
import {send} from "./socket.js";

export const PAGE_SIZE = 50;

export const audit = {
  filters: {since: "", actor: "", action: ""},
  entries: [], actions: [], loading: false, asked: false,
  // `before` of each page shown so far (null: the newest); the last is the page shown.
  pages: [null]
};

function ask() {
  const {since, actor, action} = audit.filters;
  const frame = {type: "audit", limit: PAGE_SIZE};
  // A date as the supervisor's calendar has it: from that day's local midnight on.
  if (since) frame.since = new Date(since + "T00:00:00").toISOString();
  if (actor.trim()) frame.actor = actor.trim();
  if (action) frame.action = action;
  const before = audit.pages[audit.pages.length - 1];
  if (before !== null) frame.before = before;
  audit.loading = send(frame);
  audit.asked = true;
  changed();
}

export function showAudit(filters) {
  if (filters) audit.filters = {...audit.filters, ...filters};
  audit.pages = [null];
  ask();
}

export function olderPage() {
  const last = audit.entries[audit.entries.length - 1];
  if (!last) return;
  audit.pages.push(last.id);
  ask();
}

export function newerPage() {
  if (audit.pages.length < 2) return;
  audit.pages.pop();
  ask();
}

export function hasOlder() {
  return audit.entries.length === PAGE_SIZE;
}

export const auditHandlers = {
  audit(frame) {
    audit.entries = frame.entries;
    audit.actions = frame.actions || audit.actions;
    audit.loading = false;
    changed();
  }
};
