"""The help center's articles: imported into a store, split into sections, searched per language.

`bolt articles import` reads a Zendesk Help Center export or a folder of Markdown and HTML files
(importers: `zendesk`, `files`; sections: `sections`) into the article store (`store`: SQLite by
default, PostgreSQL by URL). `search` ranks sections for a question in one language with BM25
over the shared core's search terms (`index`), and suggests none under the relevance floor
(`floor`), calibrated on a development set. The hub and the action server may import this
package; it imports neither, only the shared core.
"""
