/* <careleaf-topic topic="back-pain" limit="5" heading="...">: a topic's name and description
 * and its newest published articles (GET /api/v1/topics/<slug> and /api/v1/topics/<slug>/articles),
 * with a link to all of them on the clinic site. */
(function (embed, script) {
  "use strict";
  const { CareleafElement, articleList, h, plainText, safeUrl } = embed;

  class CareleafTopic extends CareleafElement {
    static get observedAttributes() {
      return ["topic", "limit", "heading", "api"];
    }

    async load(isCurrent) {
      const slug = encodeURIComponent(this.getAttribute("topic") || "");
      const limit = this.intAttribute("limit", 5, 1, 50);
      this.notice(this.getAttribute("heading") || "Articles", "Loading articles…", true);
      const [topic, articles] = await Promise.all([
        embed.request(`${this.api}/api/v1/topics/${slug}`),
        embed.request(`${this.api}/api/v1/topics/${slug}/articles?page_size=${limit}`),
      ]);
      if (!isCurrent()) return;
      const heading = this.getAttribute("heading") || (topic.body && topic.body.name) || "Articles";
      if (topic.status !== 200 || articles.status !== 200 || !Array.isArray(articles.body)) {
        this.notice(heading, "These articles are not available right now.");
        return;
      }
      this.render(heading, topic.body, articles);
    }

    render(heading, topic, articles) {
      const id = "topic-heading";
      const total = totalOf(articles.headers, articles.body.length);
      const href = safeUrl(topic.url);
      const more =
        href && total > articles.body.length
          ? h("p", { class: "more" }, h("a", { href, text: `All ${total} articles on ${topic.name}` }))
          : null;
      this.show(
        h(
          "section",
          { class: "card", "aria-labelledby": id },
          h("h2", { id, text: heading }),
          topic.description ? h("p", { class: "muted", text: plainText(topic.description) }) : null,
          articles.body.length
            ? articleList(articles.body)
            : h("p", { class: "muted", text: "No articles yet." }),
          more,
        ),
      );
    }
  }

  /** The list's total from X-Pagination (exposed by the API's CORS answers). */
  function totalOf(headers, fallback) {
    try {
      return JSON.parse(headers.get("X-Pagination") || "{}").total || fallback;
    } catch (_error) {
      return fallback;
    }
  }

  embed.define("careleaf-topic", new URL(script.src).origin, CareleafTopic);
})(window.CareleafEmbed, document.currentScript);
