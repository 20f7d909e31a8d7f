// The kiosk's content: a bundle kept in IndexedDB and kept current from the changes feed
// (docs/delivery.md), so the kiosk works the same with the network cut.
const DB = "careleaf-kiosk";
const KEY = "state";
export const QR_CACHE = "careleaf-kiosk-qr";

function request(operation) {
  return new Promise((resolve, reject) => {
    operation.onsuccess = () => resolve(operation.result);
    operation.onerror = () => reject(operation.error);
  });
}

async function database() {
  const opening = indexedDB.open(DB, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(KEY);
  return request(opening);
}

async function readState() {
  const db = await database();
  return request(db.transaction(KEY).objectStore(KEY).get(KEY));
}

async function writeState(state) {
  const db = await database();
  await request(db.transaction(KEY, "readwrite").objectStore(KEY).put(state, KEY));
}

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${response.status} ${path}`);
  return response.json();
}

export const qrUrl = (slug) => `/api/v1/articles/${encodeURIComponent(slug)}/qr.svg`;

// QR codes go to Cache Storage, where the service worker answers them offline.
async function keepQrCodes(slugs) {
  if (!("caches" in window)) return;
  const cache = await caches.open(QR_CACHE);
  await Promise.all(
    slugs.map(async (slug) => {
      if (!(await cache.match(qrUrl(slug)))) await cache.add(qrUrl(slug)).catch(() => {});
    }),
  );
}

export class Store {
  constructor(onChange) {
    this.state = null; // {bundle, cursor, syncedAt}
    this.onChange = onChange;
    this.online = true;
  }

  get bundle() {
    return this.state && this.state.bundle;
  }

  get syncedAt() {
    return this.state ? new Date(this.state.syncedAt) : null;
  }

  async open() {
    this.state = (await readState().catch(() => null)) || null;
    if (!this.state) await this.reload();
    return this;
  }

  // A whole new bundle: the first start, and after topic or author changes (a bundle is
  // cheaper than reworking the tree, the pillars and every article's related list here).
  async reload() {
    const bundle = await getJson("/api/v1/bundles/all?links=relative");
    await this.save({ bundle, cursor: bundle.cursor, syncedAt: new Date().toISOString() });
    keepQrCodes(bundle.articles.map((article) => article.slug));
  }

  async save(state) {
    this.state = state;
    await writeState(state);
  }

  // One pass over the changes feed from the stored cursor; true when something changed.
  async sync() {
    let changed = false;
    try {
      if (!this.state) {
        await this.reload();
        changed = true;
      }
      let cursor = this.state.cursor;
      let page;
      do {
        page = await getJson(`/api/v1/changes?since=${encodeURIComponent(cursor)}&limit=500`);
        for (const event of page.events) {
          if (event.object !== "article") {
            await this.reload();
            this.online = true;
            return true;
          }
          await this.apply(event);
          changed = true;
        }
        cursor = page.next_cursor || cursor;
      } while (page.has_more);
      this.online = true;
      await this.save({ ...this.state, cursor, syncedAt: new Date().toISOString() });
    } catch (error) {
      this.online = false; // keep showing what is stored; the next pass tries again
    }
    return changed;
  }

  async apply(event) {
    const bundle = this.state.bundle;
    const gone = new Set([event.slug, event.previous_slug].filter(Boolean));
    bundle.articles = bundle.articles.filter((article) => !gone.has(article.slug));
    for (const slug of gone) delete bundle.related[slug];
    if (event.type === "article.published" || event.type === "article.updated") {
      const article = await getJson(`/api/v1/articles/${encodeURIComponent(event.slug)}?links=relative`);
      if (article) {
        const related = (await getJson(`/api/v1/articles/${encodeURIComponent(event.slug)}/related`)) || [];
        bundle.articles.push(article);
        bundle.related[article.slug] = related.map((item) => item.article.slug);
        keepQrCodes([article.slug]);
      }
    }
  }
}
