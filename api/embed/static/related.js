/* <careleaf-related article="back-pain-guide" limit="5" heading="Related articles">:
 * the published articles related to one article, best first (GET /api/v1/articles/<slug>/related). */
(function (embed, script) {
  "use strict";
  const { CareleafElement, articleList, h } = embed;

  class CareleafRelated extends CareleafElement {
    static get observedAttributes() {
      return ["article", "limit", "heading", "api"];
    }

    async load(isCurrent) {
      const heading = this.getAttribute("heading") || "Related articles";
      const slug = this.getAttribute("article") || "";
      const limit = this.intAttribute("limit", 5, 1, 20);
      this.notice(heading, "Loading related articles…", true);
      const path = `/api/v1/articles/${encodeURIComponent(slug)}/related?limit=${limit}`;
      const answer = await embed.request(this.api + path);
      if (!isCurrent()) return;
      if (answer.status !== 200 || !Array.isArray(answer.body)) {
        this.notice(heading, "Related articles are not available right now.");
        return;
      }
      if (answer.body.length === 0) {
        this.notice(heading, "No related articles yet.");
        return;
      }
      const id = "related-heading";
      this.show(
        h(
          "nav",
          { class: "card", "aria-labelledby": id },
          h("h2", { id, text: heading }),
          articleList(answer.body.map((related) => related.article)),
        ),
      );
    }
  }

  embed.define("careleaf-related", new URL(script.src).origin, CareleafRelated);
})(window.CareleafEmbed, document.currentScript);
