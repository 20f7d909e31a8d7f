/* Careleaf embeddable widgets: the shared core, served at the top of every widget script.
 * Docs: docs/kiosk-and-website.md. Several widget scripts on one page share one core (the
 * first defines window.CareleafEmbed; the others find it). Nodes are built with
 * createElement and textContent only, never from HTML strings, so the widgets run under
 * Trusted Types; styles go to the shadow roots as constructed stylesheets, which a host
 * page's CSP style-src does not govern. */
(function () {
  "use strict";
  if (window.CareleafEmbed) return;

  // Every colour and size a host may change is a custom property; they inherit into the
  // shadow roots, so a host sets them on the element or any ancestor.
  const BASE_CSS = `
    :host {
      display: block;
      font-family: var(--careleaf-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
      font-size: var(--careleaf-font-size, 1rem);
      line-height: 1.5;
      color: var(--careleaf-text, #1f2933);
    }
    :host([hidden]) { display: none; }
    .card {
      background: var(--careleaf-background, #ffffff);
      border: 1px solid var(--careleaf-border, #d5dde5);
      border-radius: var(--careleaf-radius, 12px);
      padding: var(--careleaf-padding, 1.25rem 1.5rem);
      box-shadow: var(--careleaf-shadow, 0 1px 3px rgba(16, 24, 40, 0.08));
    }
    h2 {
      margin: 0 0 0.5em;
      font-family: var(--careleaf-heading-font, inherit);
      font-size: 1.25em;
      line-height: 1.3;
      color: var(--careleaf-heading-color, inherit);
    }
    a { color: var(--careleaf-accent, #0b6e4f); text-underline-offset: 0.15em; }
    a:hover { text-decoration-thickness: 2px; }
    :focus-visible { outline: 3px solid var(--careleaf-focus, #1a5fb4); outline-offset: 2px; }
    .muted { color: var(--careleaf-muted, #52606d); }
    p { margin: 0 0 0.75em; }
    ul.articles { list-style: none; margin: 0; padding: 0; }
    ul.articles li { padding: 0.75em 0; border-top: 1px solid var(--careleaf-border, #d5dde5); }
    ul.articles li:first-child { border-top: 0; padding-top: 0.25em; }
    ul.articles a { font-weight: 600; display: inline-block; min-height: 24px; }
    ul.articles p { margin: 0.25em 0 0; font-size: 0.925em; }
    .meta { font-size: 0.85em; }
    .more { margin: 0.75em 0 0; }
  `;
  const sheets = new Map();

  /** One constructed stylesheet per CSS text, shared by every widget of the page. */
  function sheet(css) {
    if (!sheets.has(css)) {
      const built = new CSSStyleSheet();
      built.replaceSync(css);
      sheets.set(css, built);
    }
    return sheets.get(css);
  }

  /** An element: `props` are attributes, except `text` (its text) and `on*` (listeners). */
  function h(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(typeof child === "string" ? document.createTextNode(child) : child);
      }
    }
    return node;
  }

  /** Only http(s) links from the API reach an href (never javascript: or data:). */
  function safeUrl(value) {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (_error) {
      return null;
    }
  }

  /** Markdown emphasis and code marks dropped from a short API text shown as plain text. */
  function plainText(markdown) {
    return String(markdown || "").replace(/[*_`]+/g, "");
  }

  /**
   * A JSON request to the Careleaf API: {status, body, headers}; status 0 when the network
   * failed. No cookies: the API's CORS answers never allow credentials.
   */
  async function request(url, options) {
    const init = Object.assign({ mode: "cors", credentials: "omit" }, options || {});
    init.headers = Object.assign({ Accept: "application/json" }, init.headers || {});
    try {
      const response = await fetch(url, init);
      let body = null;
      try {
        body = await response.json();
      } catch (_error) {
        body = null;
      }
      return { status: response.status, body, headers: response.headers };
    } catch (_error) {
      return { status: 0, body: null, headers: new Headers() };
    }
  }

  /** The list of article summaries the related box and the topic list share. */
  function articleList(summaries) {
    return h(
      "ul",
      { class: "articles" },
      summaries.map((article) => {
        const href = safeUrl(article.url);
        const title = href ? h("a", { href, text: article.title }) : h("strong", { text: article.title });
        const minutes = article.reading_time_minutes;
        return h(
          "li",
          {},
          title,
          article.summary ? h("p", { class: "muted", text: article.summary }) : null,
          minutes ? h("p", { class: "meta muted", text: `${minutes} min read` }) : null,
        );
      }),
    );
  }

  /**
   * The base of every widget: an open shadow root with the shared and the widget's styles,
   * and `load(isCurrent)` called when connected and again when an observed attribute
   * changes; `isCurrent()` turns false once a newer load started, so a slow answer for an
   * old attribute value never replaces a newer one.
   * `origin` is where the widget's script came from: the API lives there unless the
   * element names another with its `api` attribute.
   */
  function define(name, origin, Widget) {
    if (customElements.get(name)) return;
    Widget.origin = origin; // before define(): elements already on the page upgrade in it
    customElements.define(name, Widget);
  }

  class CareleafElement extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: "open" });
      this.shadowRoot.adoptedStyleSheets = [sheet(BASE_CSS), sheet(this.constructor.css || "")];
    }

    connectedCallback() {
      if (!this.loaded) {
        this.loaded = true;
        this.reload();
      }
    }

    attributeChangedCallback(_name, before, after) {
      if (this.loaded && before !== after) this.reload();
    }

    reload() {
      const turn = (this.turn = (this.turn || 0) + 1);
      this.load(() => turn === this.turn);
    }

    /** The API's base URL, without a trailing slash. */
    get api() {
      return (this.getAttribute("api") || this.constructor.origin).replace(/\/+$/, "");
    }

    /** A whole-number attribute within [low, high], else `fallback`. */
    intAttribute(name, fallback, low, high) {
      const value = Number.parseInt(this.getAttribute(name) || "", 10);
      return Number.isFinite(value) ? Math.min(high, Math.max(low, value)) : fallback;
    }

    /** Replaces what the widget shows. */
    show(...nodes) {
      this.shadowRoot.replaceChildren(...nodes);
    }

    /** A card saying something instead of content (loading, nothing found, failure). */
    notice(heading, text, busy) {
      const id = "notice-heading";
      this.show(
        h(
          "section",
          { class: "card", "aria-labelledby": id, "aria-busy": busy ? "true" : null },
          h("h2", { id, text: heading }),
          h("p", { class: "muted", role: busy ? null : "status", text }),
        ),
      );
    }
  }

  window.CareleafEmbed = Object.freeze({
    CareleafElement,
    articleList,
    define,
    h,
    plainText,
    request,
    safeUrl,
  });
})();
