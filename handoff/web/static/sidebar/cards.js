/* Article cards under one of Bolt's messages (docs/protocol.md, "Article cards"): each article's
 * title (a link only to the help center's own pages), its section and the sentence that matched. */
import {linkNode} from "../shared/links.js";
import {button, element} from "./view.js";

export function articleCards(custom, t, origins) {
  const list = element("ul", "bolt-cards");
  list.setAttribute("aria-label", t("web_articles_label"));
  (custom.articles || []).forEach((article) => {
    const card = element("li", "bolt-card");
    card.dataset.articleId = article.article_id || "";
    const title = element("p", "bolt-card-title");
    title.appendChild(linkNode(article.url, article.title, origins, "bolt-card-link"));
    card.appendChild(title);
    if (article.heading && article.heading !== article.title) {
      card.appendChild(element("p", "bolt-card-heading", article.heading));
    }
    if (article.snippet) card.appendChild(element("p", "bolt-card-snippet", article.snippet));
    list.appendChild(card);
  });
  return list;
}
