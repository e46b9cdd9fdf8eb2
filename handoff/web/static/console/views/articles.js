/* The help center's articles at the desk: the cards Bolt (or an agent) put in a transcript, the
 * user's "helpful / not helpful" on them, and the search of the article store beside a chat, from
 * which the agent sends a section to the user (the articles and send_article frames,
 * docs/protocol.md). Links open only for the help center's own origins (shared/links.js). */
import {html} from "../ui.js";
import {changed, clientId, state} from "../state.js";
import {send} from "../socket.js";
import {helpCenterLink} from "../../shared/links.js";
import {t} from "../../shared/texts.js";

/** What an event adds to its transcript line: its article cards, or the user's feedback. */
export function articleLine(e) {
  if (e.kind === "feedback") {
    return {kind: "system", feedback: true,
            text: t((e.rating || (e.helpful ? "helpful" : "not_helpful")) === "helpful" ? "console_feedback_helpful" : "console_feedback_not_helpful")};
  }
  if (e.custom && Array.isArray(e.custom.articles)) {
    return {articles: e.custom.articles, text: e.custom.intro || ""};
  }
  return {};
}

function ArticleLink({article}) {
  const href = helpCenterLink(article.url, state.linkOrigins);
  if (!href) return html`<span class="article-title" title=${article.url} data-unlinked="true">${article.title}</span>`;
  return html`<a class="article-title" href=${href} target="_blank" rel="noopener">${article.title}</a>`;
}

function Card({article, children}) {
  return html`
    <li class="article-card" data-article-id=${article.article_id}>
      <${ArticleLink} article=${article}/>
      ${article.heading && article.heading !== article.title ? html`<div class="who">${article.heading}</div>` : null}
      ${article.snippet ? html`<div class="article-snippet">${article.snippet}</div>` : null}
      ${children}
    </li>`;
}

export function ArticleCards({articles}) {
  return html`
    <ul class="article-cards" aria-label=${t("console_articles")}>
      ${articles.map((article, i) => html`<${Card} key=${i} article=${article}/>`)}
    </ul>`;
}

/** The answer to an `articles` frame: shown beside the chat it was asked for. */
export function articlesFound(frame) {
  const search = state.articleSearch;
  if (!search || search.query !== frame.query || search.language !== frame.language) return;
  search.results = frame.articles;
  changed();
}

function sendArticle(chat, article) {
  send({type: "send_article", conversation_id: chat.card.conversation_id, client_id: clientId("a"),
        source: article.source, article_id: article.article_id, anchor: article.anchor,
        language: article.language});
}

export function ArticleSearch({chat}) {
  const id = chat.card.conversation_id;
  const search = state.articleSearch && state.articleSearch.conversation === id ? state.articleSearch : null;
  const submit = (submitted) => {
    submitted.preventDefault();
    const query = submitted.currentTarget.elements.query.value.trim();
    if (!query) return;
    const language = chat.card.language || "en";
    state.articleSearch = {conversation: id, query, language, results: null};
    send({type: "articles", query, language});
    changed();
  };
  return html`
    <form class="card article-search" onSubmit=${submit}>
      <h3>${t("console_articles")}</h3>
      <div class="row">
        <input type="search" name="query" class="article-query" aria-label=${t("console_articles_query")}
               placeholder=${t("console_articles_query")}/>
        <button type="submit" class="article-search-go">${t("console_articles_search")}</button>
      </div>
      ${search && search.results && (search.results.length === 0
        ? html`<p class="article-none">${t("console_articles_none")}</p>`
        : html`<ul class="article-cards article-results">
            ${search.results.map((article, i) => html`
              <${Card} key=${i} article=${article}>
                ${article.under_floor ? html`<div class="who">${t("console_articles_weak")}</div>` : null}
                <button type="button" class="send-article" onClick=${() => sendArticle(chat, article)}>
                  ${t("console_articles_send")}</button>
              <//>`)}
          </ul>`)}
    </form>`;
}
