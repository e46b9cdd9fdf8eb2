/* What the sidebar keeps in sessionStorage so that a conversation survives reloads in the same
 * tab: whose it is, its id and resume key, and the messages not yet acknowledged. */

const STORAGE_PREFIX = "bolt-sidebar:";

// Who the token names, to tell whether a saved conversation belongs to this user; the hub
// verifies the token itself, this only reads it.
export function tokenSubject(token) {
  if (!token) return "anonymous";
  try {
    const body = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(decodeURIComponent(escape(atob(body))));
    return claims.account + "/" + claims.sub;
  } catch (error) {
    return "unreadable-token";
  }
}

export function fresh(token) {
  return {subject: tokenSubject(token), conversation_id: null, resume_key: null, outbox: []};
}

export function storageKey(name) {
  return STORAGE_PREFIX + (name || "default");
}

/** The conversation saved under `key` if it is the token's user's, else a fresh one. */
export function load(key, token) {
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (error) { saved = null; }
  return saved && saved.subject === tokenSubject(token) ? saved : fresh(token);
}

export function save(key, saved) {
  sessionStorage.setItem(key, JSON.stringify(saved));
}

export function newClientId() {
  const random = new Uint32Array(2);
  crypto.getRandomValues(random);
  return "m-" + Date.now().toString(36) + "-" + random[0].toString(36) + random[1].toString(36);
}
