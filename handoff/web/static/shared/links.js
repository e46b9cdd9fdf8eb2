/* Which article links a card opens: only those on the help center's own origins (the welcome
 * frame's link_origins, BOLT_HELP_CENTER_ORIGINS), and only web addresses; anything else is shown
 * as text. Both the sidebar and the console ask here. */

/** The URL as a link to open, or null when it is not on one of `origins` (or not http(s)). */
export function helpCenterLink(url, origins) {
  let parsed;
  try { parsed = new URL(String(url)); } catch (error) { return null; }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  if (parsed.username || parsed.password) return null;
  return (origins || []).includes(parsed.origin) ? parsed.href : null;
}

/** A card's link node: an <a> opening in a new tab for the help center's own pages, else the
 * address as text. */
export function linkNode(url, text, origins, className) {
  const href = helpCenterLink(url, origins);
  const node = document.createElement(href ? "a" : "span");
  if (className) node.className = className;
  node.textContent = text;
  if (href) {
    node.href = href;
    node.target = "_blank";
    node.rel = "noopener";
  } else {
    node.dataset.unlinked = "true";
    node.title = String(url);
  }
  return node;
}
