// A kiosk's use of the types openapi-typescript generates from Careleaf's document
// (tests/test_generated_clients.py copies this file next to the generated careleaf.d.ts and
// runs `tsc --noEmit`). Each `@ts-expect-error` is a mistake the types must catch.
import type { components, operations, paths } from "./careleaf";

type ArticleList =
  paths["/api/v1/articles"]["get"]["responses"][200]["content"]["application/json"];
type ListQuery = NonNullable<operations["listArticles"]["parameters"]["query"]>;
type Article = components["schemas"]["Article"];
type Related = components["schemas"]["RelatedArticle"];
type Problem = components["schemas"]["Problem"];
type Transition = components["schemas"]["Transition"];

const BASE = "https://careleaf.clinic.example";

export async function listArticles(query: ListQuery): Promise<{ items: ArticleList; next?: string }> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  const response = await fetch(`${BASE}/api/v1/articles?${params}`);
  if (!response.ok) throw new Error(((await response.json()) as Problem).detail);
  // RFC 8288: the next page, if any.
  const next = response.headers.get("Link")?.match(/<([^>]+)>; rel="next"/)?.[1];
  return { items: (await response.json()) as ArticleList, next };
}

export async function articlePage(slug: string): Promise<string> {
  const article = (await (await fetch(`${BASE}/api/v1/articles/${slug}`)).json()) as Article;
  const related = (await (await fetch(`${BASE}/api/v1/articles/${slug}/related`)).json()) as Related[];
  const when: string | null | undefined = article.published_at;
  return [article.title, when ?? "", ...related.map((item) => item.article?.slug ?? "")].join("\n");
}

export const firstPage: ListQuery = { topic: ["back-pain"], sort: "-published_at", page: 1, page_size: 10 };
export const approve: Transition = { action: "approve", comment: "Checked the doses." };

// `fields=` may leave any field out of a summary, so each one is optional.
export function titles(list: ArticleList): string[] {
  return list.map((summary) => summary.title ?? summary.slug ?? "");
}

// @ts-expect-error `sort` takes the documented values only
export const badSort: ListQuery = { sort: "newest" };
// @ts-expect-error `page` is a number
export const badPage: ListQuery = { page: "2" };
// @ts-expect-error there is no "delete" action
export const badAction: Transition = { action: "delete" };
// @ts-expect-error an article has no `headline`
export const noHeadline = (article: Article): string => article.headline;
