/* <careleaf-signup newsletter="spine-health" topics="back-pain,exercise-and-movement" source="website">:
 * the newsletter signup form (docs/newsletter.md). Consent text and topic choices come from
 * the API; the API alone validates (its 422 problem's `errors` appear next to their fields),
 * and its one 202 answer, the same for every address, is the message shown afterwards. */
(function (embed, script) {
  "use strict";
  const { CareleafElement, h, plainText } = embed;

  const CSS = `
    form { display: grid; gap: 1rem; }
    form > h2, form > p { margin: 0; }
    .field { display: grid; gap: 0.35rem; }
    label { font-weight: 600; }
    input[type="email"] {
      font: inherit; color: inherit; min-height: 44px; box-sizing: border-box; width: 100%;
      padding: 0.5rem 0.75rem; background: var(--careleaf-input-background, #ffffff);
      border: 1px solid var(--careleaf-input-border, #7b8794);
      border-radius: calc(var(--careleaf-radius, 12px) / 2);
    }
    input[aria-invalid="true"] { border: 2px solid var(--careleaf-error, #b3261e); }
    fieldset { border: 0; margin: 0; padding: 0; }
    legend { font-weight: 600; padding: 0; margin-bottom: 0.35rem; }
    .choices { display: flex; flex-wrap: wrap; gap: 0.5rem; }
    .choice, .consent {
      display: flex; align-items: flex-start; gap: 0.5rem; font-weight: 400;
      min-height: 24px; cursor: pointer;
    }
    .choice {
      border: 1px solid var(--careleaf-border, #d5dde5); border-radius: 999px;
      padding: 0.35rem 0.85rem 0.35rem 0.6rem; align-items: center;
    }
    .choice:has(input:checked) {
      border-color: var(--careleaf-accent, #0b6e4f);
      background: var(--careleaf-accent-soft, #e7f3ee);
    }
    input[type="checkbox"] {
      width: 1.25rem; height: 1.25rem; margin: 0.1rem 0 0; flex: none;
      accent-color: var(--careleaf-accent, #0b6e4f);
    }
    .consent-text { font-size: 0.925em; }
    .error {
      margin: 0; color: var(--careleaf-error, #b3261e); font-weight: 600; font-size: 0.925em;
    }
    .alert {
      margin: 0; padding: 0.75rem 1rem; border-radius: calc(var(--careleaf-radius, 12px) / 2);
      border-left: 4px solid var(--careleaf-error, #b3261e);
      background: var(--careleaf-error-background, #fdecea);
    }
    .done {
      padding: 0.75rem 1rem; border-radius: calc(var(--careleaf-radius, 12px) / 2);
      border-left: 4px solid var(--careleaf-accent, #0b6e4f);
      background: var(--careleaf-accent-soft, #e7f3ee);
    }
    button {
      font: inherit; font-weight: 600; min-height: 44px; padding: 0.5rem 1.5rem;
      justify-self: start; cursor: pointer; border: 0;
      border-radius: var(--careleaf-button-radius, calc(var(--careleaf-radius, 12px) / 2));
      color: var(--careleaf-accent-contrast, #ffffff);
      background: var(--careleaf-accent, #0b6e4f);
    }
    button:hover { filter: brightness(1.1); }
    button[disabled] { cursor: progress; opacity: 0.75; }
    /* The honeypot: off-screen for people, present for bots that fill in every field. */
    .trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
  `;
  const FIELDS = ["email", "topics", "consent"];

  class CareleafSignup extends CareleafElement {
    static get css() {
      return CSS;
    }

    static get observedAttributes() {
      return ["newsletter", "topics", "heading", "api"];
    }

    async load(isCurrent) {
      const heading = this.getAttribute("heading") || "Newsletter";
      this.notice(heading, "Loading the signup form…", true);
      const [newsletters, tree] = await Promise.all([
        embed.request(`${this.api}/api/v1/newsletter/newsletters?page_size=100`),
        embed.request(`${this.api}/api/v1/topics?tree=true`),
      ]);
      if (!isCurrent()) return;
      const wanted = this.getAttribute("newsletter");
      const list = Array.isArray(newsletters.body) ? newsletters.body : [];
      const newsletter = wanted ? list.find((item) => item.slug === wanted) : list[0];
      if (newsletters.status !== 200 || !newsletter) {
        this.notice(heading, "The newsletter signup is not available right now.");
        return;
      }
      const topics = tree.status === 200 && Array.isArray(tree.body) ? tree.body : [];
      this.newsletter = newsletter;
      this.show(this.form(this.getAttribute("heading") || newsletter.name, newsletter, topics));
    }

    /** Topics offered: those the `topics` attribute names (in its order), else the roots. */
    choices(tree) {
      const named = (this.getAttribute("topics") || "").split(",").map((slug) => slug.trim());
      const wanted = named.filter(Boolean);
      if (!wanted.length) return tree;
      const bySlug = new Map();
      const visit = (topic) => {
        bySlug.set(topic.slug, topic);
        (topic.children || []).forEach(visit);
      };
      tree.forEach(visit);
      return wanted.map((slug) => bySlug.get(slug)).filter(Boolean);
    }

    form(heading, newsletter, tree) {
      const choices = this.choices(tree);
      const form = h(
        "form",
        { class: "card", novalidate: true, "aria-labelledby": "signup-heading", onsubmit: (event) => this.submit(event) },
        h("h2", { id: "signup-heading", text: heading }),
        newsletter.description ? h("p", { class: "muted", text: plainText(newsletter.description) }) : null,
        h(
          "div",
          { class: "field" },
          h("label", { for: "email", text: "Email address" }),
          h("input", { id: "email", name: "email", type: "email", autocomplete: "email", required: true, "aria-required": "true" }),
          h("p", { id: "email-error", class: "error", hidden: true }),
        ),
        choices.length
          ? h(
              "fieldset",
              { id: "topics", class: "field" },
              h("legend", { text: "Topics I am interested in (optional)" }),
              h(
                "div",
                { class: "choices" },
                choices.map((topic) =>
                  h("label", { class: "choice" }, h("input", { type: "checkbox", name: "topics", value: topic.slug }), topic.name),
                ),
              ),
              h("p", { id: "topics-error", class: "error", hidden: true }),
            )
          : null,
        h(
          "div",
          { class: "field" },
          h(
            "label",
            { class: "consent" },
            h("input", { id: "consent", name: "consent", type: "checkbox", required: true, "aria-required": "true" }),
            h("span", { class: "consent-text", text: newsletter.consent_text }),
          ),
          h("p", { id: "consent-error", class: "error", hidden: true }),
        ),
        h(
          "div",
          { class: "trap", "aria-hidden": "true" },
          h("label", { for: "website", text: "Leave this field empty" }),
          h("input", { id: "website", name: "website", type: "text", tabindex: "-1", autocomplete: "off" }),
        ),
        h("p", { id: "form-error", class: "alert", role: "alert", hidden: true }),
        h("button", { type: "submit", text: "Subscribe" }),
      );
      return form;
    }

    async submit(event) {
      event.preventDefault();
      const form = event.currentTarget;
      const button = form.querySelector("button");
      this.clearErrors(form);
      button.disabled = true;
      button.textContent = "Subscribing…";
      const body = {
        email: form.elements.email.value,
        consent: form.elements.consent.checked,
        newsletter: this.newsletter.slug,
        topics: [...form.querySelectorAll('input[name="topics"]:checked')].map((box) => box.value),
        source: (this.getAttribute("source") || "website-widget").slice(0, 100),
        website: form.elements.website.value,
      };
      const answer = await embed.request(`${this.api}/api/v1/newsletter/subscriptions`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      button.disabled = false;
      button.textContent = "Subscribe";
      if (answer.status === 202) this.done(form, answer.body);
      else this.failed(form, answer);
    }

    /** The API's answer, the same for every address, in place of the form; focus moves to it. */
    done(form, body) {
      const message = (body && body.detail) || "Thank you. Please check your email to confirm.";
      const status = h("div", { class: "done", role: "status", tabindex: "-1" }, h("p", { text: message }));
      form.replaceChildren(form.querySelector("h2"), status);
      status.focus();
    }

    failed(form, answer) {
      const problem = answer.body || {};
      const errors = answer.status === 422 && problem.errors ? problem.errors : {};
      const placed = FIELDS.filter((field) => field in errors && this.fieldError(form, field, errors[field]));
      const elsewhere = Object.keys(errors).filter((field) => !placed.includes(field));
      if (!placed.length || elsewhere.length) {
        const alert = form.querySelector("#form-error");
        alert.textContent =
          answer.status === 0
            ? "We could not reach the server. Check your connection and try again."
            : problem.detail || "Something went wrong. Please try again.";
        alert.hidden = false;
      }
      const first = placed.length ? form.querySelector(`#${placed[0]}`) : null;
      const target = first && first.tagName === "FIELDSET" ? first.querySelector("input") : first;
      if (target) target.focus();
    }

    /** The field's messages next to it, tied to it for screen readers; false if not shown. */
    fieldError(form, field, messages) {
      const control = form.querySelector(`#${field}`);
      const slot = form.querySelector(`#${field}-error`);
      if (!control || !slot) return false;
      slot.textContent = flatten(messages).join(" ");
      slot.hidden = false;
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", slot.id);
      return true;
    }

    clearErrors(form) {
      form.querySelectorAll(".error, #form-error").forEach((slot) => {
        slot.hidden = true;
        slot.textContent = "";
      });
      form.querySelectorAll("[aria-invalid]").forEach((control) => {
        control.removeAttribute("aria-invalid");
        control.removeAttribute("aria-describedby");
      });
    }
  }

  /** marshmallow's messages: a list, or per-item lists for list fields ({"0": [...]}). */
  function flatten(messages) {
    if (typeof messages === "string") return [messages];
    if (Array.isArray(messages)) return messages.flatMap(flatten);
    return Object.values(messages || {}).flatMap(flatten);
  }

  embed.define("careleaf-signup", new URL(script.src).origin, CareleafSignup);
})(window.CareleafEmbed, document.currentScript);
