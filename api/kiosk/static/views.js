// The kiosk's screens, drawn from the stored bundle (store.js) alone.
import { articleHtml, h, link } from "./dom.js";
import { qrUrl } from "./store.js";

const articleHref = (slug, page) => `#/article/${encodeURIComponent(slug)}${page ? `/${page}` : ""}`;
const topicHref = (slug) => `#/topic/${encodeURIComponent(slug)}`;
// One screen holds one h2 section (with its subsections); shorter articles stay on one.
const SHORT_ARTICLE_CHARS = 2500;

export class Catalog {
  constructor(bundle) {
    this.bundle = bundle;
    this.articles = new Map(bundle.articles.map((article) => [article.slug, article]));
    this.topics = new Map(bundle.topics.map((topic) => [topic.slug, topic]));
  }

  topicArticles(slug) {
    return this.bundle.articles.filter((article) => article.topics.some((topic) => topic.slug === slug));
  }

  // Topics filed together on the same articles, most shared first (as the API's related
  // topics count them), computed from the bundle so that it works offline.
  relatedTopics(slug, limit = 3) {
    const shared = new Map();
    for (const article of this.topicArticles(slug)) {
      for (const topic of article.topics) {
        if (topic.slug !== slug) shared.set(topic.slug, (shared.get(topic.slug) || 0) + 1);
      }
    }
    return [...shared.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, limit)
      .map(([other]) => this.topics.get(other))
      .filter(Boolean);
  }

  // The topic tree, depth first, with each topic's depth.
  treeOrder() {
    const order = [];
    const walk = (nodes, depth) => {
      for (const node of nodes) {
        if (this.topics.has(node.slug)) order.push([this.topics.get(node.slug), depth]);
        walk(node.children || [], depth + 1);
      }
    };
    walk(this.bundle.topic_tree, 0);
    return order;
  }

  // Offline suggestions: titles and topic names with a word starting with the text typed.
  suggest(text, limit = 8) {
    const start = text.trim().toLowerCase();
    const matches = (name) => name.toLowerCase().split(/[^\p{L}\p{N}]+/u).some((word) => word.startsWith(start));
    return {
      articles: this.bundle.articles.filter((a) => matches(a.title)).slice(0, limit),
      topics: this.bundle.topics.filter((t) => matches(t.name)).slice(0, limit),
    };
  }
}

function topicCard(catalog, topic, depth) {
  const parent = topic.parent && catalog.topics.get(topic.parent);
  const related = catalog.relatedTopics(topic.slug);
  return h(
    "li",
    { class: `topic-card depth-${Math.min(depth, 2)}` },
    h("h3", {}, link(topicHref(topic.slug), topic.name, { class: "topic-link" })),
    parent ? h("p", { class: "part-of" }, `Part of ${parent.name}`) : null,
    topic.pillar
      ? h("p", { class: "pillar" }, h("span", { class: "label" }, "Start here: "), link(articleHref(topic.pillar.slug), topic.pillar.title))
      : null,
    related.length
      ? h(
          "div",
          { class: "related-topics" },
          h("span", { class: "label" }, "Related: "),
          h("ul", {}, related.map((other) => h("li", {}, link(topicHref(other.slug), other.name, { class: "chip" })))),
        )
      : null,
  );
}

export function homeView(catalog, search) {
  return h(
    "div",
    { class: "home" },
    h("h1", {}, "Learn about your health"),
    search,
    h("h2", { id: "topics-heading" }, "Topics"),
    h("ul", { class: "topic-map", "aria-labelledby": "topics-heading" },
      catalog.treeOrder().map(([topic, depth]) => topicCard(catalog, topic, depth))),
  );
}

function articleList(articles, label) {
  return h("ul", { class: "article-list", "aria-label": label },
    articles.map((article) => h("li", {}, link(articleHref(article.slug), article.title, { class: "article-link" }),
      article.summary ? h("p", {}, article.summary) : null)));
}

export function topicView(catalog, slug) {
  const topic = catalog.topics.get(slug);
  if (!topic) return null;
  const articles = catalog.topicArticles(slug).filter((a) => !topic.pillar || a.slug !== topic.pillar.slug);
  const children = catalog.bundle.topics.filter((other) => other.parent === slug);
  const related = catalog.relatedTopics(slug, 6);
  return h(
    "div",
    { class: "topic" },
    h("h1", {}, topic.name),
    h("div", { class: "description" }, articleHtml(topic.description_html || "")),
    topic.pillar
      ? h("p", { class: "pillar big" }, h("span", { class: "label" }, "Start here: "), link(articleHref(topic.pillar.slug), topic.pillar.title))
      : null,
    articles.length ? [h("h2", {}, "More to read"), articleList(articles, `Articles about ${topic.name}`)] : null,
    children.length ? [h("h2", {}, "Narrower topics"), h("ul", { class: "chips" }, children.map((c) => h("li", {}, link(topicHref(c.slug), c.name, { class: "chip" }))))] : null,
    related.length ? [h("h2", {}, "Related topics"), h("ul", { class: "chips" }, related.map((c) => h("li", {}, link(topicHref(c.slug), c.name, { class: "chip" }))))] : null,
  );
}

// Screens: the intro joins the first h2 section; each h2 starts a new screen.
export function screens(article) {
  const total = article.sections.reduce((sum, section) => sum + section.html.length, 0);
  if (total <= SHORT_ARTICLE_CHARS) return [article.sections];
  const pages = [];
  for (const section of article.sections) {
    const starts = section.level !== null && section.level <= 2 && pages.length && pages[pages.length - 1].some((s) => s.level !== null);
    if (!pages.length || starts) pages.push([]);
    pages[pages.length - 1].push(section);
  }
  return pages;
}

function pager(article, page, count) {
  if (count < 2) return null;
  return h(
    "nav",
    { class: "pager", "aria-label": "Article pages" },
    page > 1 ? link(articleHref(article.slug, page - 1), "Previous", { class: "button", rel: "prev" }) : h("span", { class: "spacer" }),
    h("p", { class: "position" }, `Page ${page} of ${count}`),
    page < count ? link(articleHref(article.slug, page + 1), "Next", { class: "button primary", rel: "next" }) : h("span", { class: "spacer" }),
  );
}

function relatedArticles(catalog, article) {
  const related = (catalog.bundle.related[article.slug] || []).map((slug) => catalog.articles.get(slug)).filter(Boolean);
  if (!related.length) return null;
  return h("section", { class: "related", "aria-labelledby": "related-heading" },
    h("h2", { id: "related-heading" }, "Related articles"), articleList(related, "Related articles"));
}

function qrPanel(article) {
  return h(
    "aside",
    { class: "qr", "aria-label": "Open on your phone" },
    h("img", { src: qrUrl(article.slug), alt: `QR code for ${article.url}`, width: "164", height: "164" }),
    h("p", {}, "Scan to read this on your phone"),
  );
}

export function articleView(catalog, slug, page) {
  const article = catalog.articles.get(slug);
  if (!article) return null;
  const pages = screens(article);
  const current = Math.min(Math.max(page || 1, 1), pages.length);
  const reviewer = article.reviewed_by ? `Reviewed by ${article.reviewed_by.name}` : null;
  return h(
    "article",
    { class: "article" },
    h("div", { class: "article-head" },
      h("div", {},
        h("h1", {}, article.title),
        current === 1 && article.summary ? h("p", { class: "summary" }, article.summary) : null,
        h("p", { class: "meta" }, [article.reading_time_minutes ? `${article.reading_time_minutes} min read` : null, reviewer].filter(Boolean).join(" · "))),
      qrPanel(article)),
    pager(article, current, pages.length),
    h("div", { class: "body" }, pages[current - 1].map((section) => articleHtml(section.html))),
    pager(article, current, pages.length),
    current === pages.length ? [relatedArticles(catalog, article), h("div", { class: "disclaimer" }, articleHtml(article.disclaimer_html || ""))] : null,
  );
}
