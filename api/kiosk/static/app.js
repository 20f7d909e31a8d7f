// The reference kiosk: a hash router over the stored bundle, search with suggest, text size,
// idle reset and the sync loop. Settings come from the page's query:
// ?idle=<seconds before going home, default 90>&sync=<seconds between syncs, default 60>.
import { h, link } from "./dom.js";
import { Store } from "./store.js";
import { Catalog, articleView, homeView, topicView } from "./views.js";

const query = new URLSearchParams(location.search);
const seconds = (name, fallback) => {
  const value = Number.parseFloat(query.get(name));
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const IDLE_SECONDS = seconds("idle", 90);
const SYNC_SECONDS = seconds("sync", 60);
const SIZES = ["standard", "large", "largest"];

const main = document.getElementById("main");
const syncStatus = document.getElementById("sync-status");
const store = new Store();
let catalog = null;

// Search: the API's suggest when online, the stored titles and topic names when not.
const searchInput = h("input", { id: "search", type: "search", autocomplete: "off", spellcheck: "false", "aria-describedby": "search-count" });
const suggestionList = h("ul", { id: "suggestions", class: "suggestions", "aria-label": "Suggestions" });
const suggestionCount = h("p", { id: "search-count", class: "visually-hidden", role: "status" });
const searchForm = h(
  "form",
  { role: "search", class: "search", onsubmit: (event) => event.preventDefault() },
  h("label", { for: "search" }, "Search articles and topics"),
  searchInput,
  suggestionCount,
  suggestionList,
);
let suggestRun = 0;

async function suggestions(text) {
  try {
    const response = await fetch(`/api/v1/search/suggest?q=${encodeURIComponent(text)}&limit=6`);
    if (response.ok) return response.json();
  } catch (error) {
    // offline: answered from the stored bundle below
  }
  return catalog.suggest(text, 6);
}

searchInput.addEventListener("input", async () => {
  const text = searchInput.value.trim();
  const run = ++suggestRun;
  if (!text) return showSuggestions({ articles: [], topics: [] });
  const found = await suggestions(text);
  if (run === suggestRun) showSuggestions(found);
});

function showSuggestions({ articles, topics }) {
  const items = [
    ...topics.map((topic) => h("li", {}, link(`#/topic/${encodeURIComponent(topic.slug)}`, topic.name, { class: "suggestion topic" }), h("span", { class: "kind" }, " topic"))),
    ...articles.map((article) => h("li", {}, link(`#/article/${encodeURIComponent(article.slug)}`, article.title, { class: "suggestion" }))),
  ];
  suggestionList.replaceChildren(...items);
  suggestionCount.textContent = searchInput.value.trim() ? `${items.length} suggestions` : "";
}

function clearSearch() {
  searchInput.value = "";
  suggestRun += 1;
  showSuggestions({ articles: [], topics: [] });
}

// Text size: three steps on the root element (everything is sized in rem).
function setSize(size) {
  document.documentElement.dataset.size = size;
  for (const button of document.querySelectorAll("[data-size-choice]")) {
    button.setAttribute("aria-pressed", String(button.dataset.sizeChoice === size));
  }
}
for (const button of document.querySelectorAll("[data-size-choice]")) {
  button.addEventListener("click", () => setSize(button.dataset.sizeChoice));
}

function route() {
  const [, kind, slug, page] = location.hash.split("/").map((part) => decodeURIComponent(part || ""));
  let view = null;
  if (kind === "topic") view = topicView(catalog, slug);
  else if (kind === "article") view = articleView(catalog, slug, Number.parseInt(page, 10));
  if (!view) {
    view = homeView(catalog, searchForm);
    document.title = "Careleaf kiosk";
  } else {
    document.title = `${view.querySelector("h1").textContent} · Careleaf kiosk`;
  }
  return view;
}

function render({ moveFocus }) {
  if (!catalog) return;
  main.replaceChildren(route());
  if (moveFocus) {
    window.scrollTo(0, 0);
    const heading = main.querySelector("h1");
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
}

window.addEventListener("hashchange", () => render({ moveFocus: true }));

// Idle: after IDLE_SECONDS without a touch or key, back to the home screen for the next
// person, with the search cleared and the text size back to standard.
let idleTimer = null;
function resetIdle() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(goHome, IDLE_SECONDS * 1000);
}
function goHome() {
  clearSearch();
  setSize(SIZES[0]);
  if (location.hash && location.hash !== "#/") location.hash = "#/";
  else render({ moveFocus: false });
  resetIdle();
}
for (const name of ["pointerdown", "keydown", "input", "wheel", "touchstart"]) {
  document.addEventListener(name, resetIdle, { passive: true });
}

function showSyncStatus() {
  const when = store.syncedAt;
  const time = when ? when.toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "never";
  syncStatus.textContent = `${store.online ? "Last synced" : "Offline · last synced"} ${time}`;
  syncStatus.dataset.syncedAt = when ? when.toISOString() : "";
  syncStatus.dataset.online = String(store.online);
}

async function syncNow() {
  const changed = await store.sync();
  if (changed) {
    catalog = new Catalog(store.bundle);
    // Keep the screen the reader is on; only home and topic lists are redrawn in place.
    if (!location.hash.startsWith("#/article/")) render({ moveFocus: false });
  }
  showSyncStatus();
}

async function start() {
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch(() => {});
  try {
    await store.open();
  } catch (error) {
    main.replaceChildren(h("h1", { tabindex: "-1" }, "The kiosk could not load its content. It will try again shortly."));
    setTimeout(() => location.reload(), SYNC_SECONDS * 1000);
    return;
  }
  catalog = new Catalog(store.bundle);
  render({ moveFocus: false });
  showSyncStatus();
  document.body.dataset.ready = "true";
  resetIdle();
  syncNow();
  setInterval(syncNow, SYNC_SECONDS * 1000);
  window.addEventListener("online", syncNow);
}

setSize(SIZES[0]);
start();
