// Small DOM helpers: every node built with createElement/textContent; the one HTML sink is
// article HTML the API has already sanitized with its allowlist (api/core/markdown.py).
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

export const link = (href, text, attributes = {}) => h("a", { href, ...attributes }, text);

// Sanitized article HTML; links to other articles stay inside the kiosk, any other link
// (another site, or an in-page anchor the hash router would take) becomes plain text.
export function articleHtml(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  for (const anchor of template.content.querySelectorAll("a")) {
    const slug = anchor.dataset.articleSlug;
    if (slug) {
      anchor.setAttribute("href", `#/article/${encodeURIComponent(slug)}`);
    } else {
      anchor.replaceWith(h("span", { class: "external" }, anchor.textContent));
    }
  }
  for (const image of template.content.querySelectorAll("img, picture, video, iframe")) {
    image.remove(); // media lives on other hosts the kiosk's policy (and offline) cannot reach
  }
  return template.content;
}
