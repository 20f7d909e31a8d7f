"""Shared red-flag blocks: maintained once, reviewed, included by articles, required by topics,
and an approved change reaches every article that includes it (validators, events, cache)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest

from tests.support.changes import read_all
from tests.support.staff import new_article, problem
from tests.support.xss import VECTORS, assert_inert

BLOCKS = "/api/v1/shared-blocks"
BLOCK = f"{BLOCKS}/red-flags/back-pain"
RED_FLAGS = (
    "These signs apply to everyone.\n\n"
    "::: emergency\n**Call 911** if you lose control of your bladder.\n:::\n\n"
    "::: urgent\nSee your clinician today if you have a fever.\n:::\n"
)
INCLUDE = "## Warning signs\n\n::: include red-flags/back-pain\n\n## What helps\n\nWalking.\n"


def approve(editor, reviewer, url=BLOCK):
    assert editor.post(f"{url}/transitions", {"action": "submit"}).status_code == 200
    approved = reviewer.post(f"{url}/transitions", {"action": "approve", "comment": "Checked."})
    assert approved.status_code == 200, approved.get_json()
    return approved.get_json()


def live_block(editor, reviewer, body=RED_FLAGS):
    created = editor.post(
        BLOCKS,
        {"key": "red-flags/back-pain", "title": "Back pain red flags", "body_markdown": body},
    )
    assert created.status_code == 201, created.get_json()
    return approve(editor, reviewer)


def publish(editor, reviewer, slug, **approval):
    url = f"/api/v1/articles/{slug}/transitions"
    assert editor.post(url, {"action": "submit"}).status_code == 200
    assert reviewer.post(url, {"action": "approve", **approval}).status_code == 200
    return editor.post(url, {"action": "publish"})


@pytest.fixture
def back_pain(make):
    make.author(slug="jane-doe")
    return make.topic(slug="back-pain", name="Back pain")


def test_a_block_goes_live_only_once_a_credentialed_reviewer_other_than_its_author_approves(
    back_pain, editor, reviewer, make_staff
):
    created = editor.post(
        BLOCKS, {"key": "red-flags/back-pain", "title": "Red flags", "body_markdown": RED_FLAGS}
    )
    block = created.get_json()
    assert created.status_code == 201 and created.headers["Location"].endswith(BLOCK)
    assert block["topic"] == "back-pain"  # red-flags/<slug> binds to the topic <slug>
    assert (block["live_revision"], block["body_html"]) == (None, "")
    assert block["pending_revision"]["state"] == "draft"
    assert block["allowed_actions"] == block["your_actions"] == ["submit"]
    assert 'data-callout="emergency"' in block["pending_revision"]["body_html"]
    # Nothing approved yet: no article can include it.
    draft = editor.post("/api/v1/articles", new_article(body_markdown=INCLUDE))
    assert problem(draft, 422)["errors"]["body_markdown"] == [
        "Unknown shared block `red-flags/back-pain` (or it has no approved text yet)."
    ]
    early = reviewer.post(f"{BLOCK}/transitions", {"action": "approve"})
    assert problem(early, 409)["allowed_actions"] == ["submit"]
    assert editor.post(f"{BLOCK}/transitions", {"action": "submit"}).status_code == 200
    assert problem(editor.post(f"{BLOCK}/transitions", {"action": "approve"}), 403)
    unqualified = make_staff("reviewer", name="No Credentials")
    assert problem(unqualified.post(f"{BLOCK}/transitions", {"action": "approve"}), 409)
    assert reviewer.get(BLOCK).get_json()["your_actions"] == ["approve", "reject"]
    rejected = reviewer.post(f"{BLOCK}/transitions", {"action": "reject"})
    assert problem(rejected, 422)["errors"] == {"comment": ["Required."]}
    approved = reviewer.post(f"{BLOCK}/transitions", {"action": "approve", "comment": "OK"})
    block = approved.get_json()
    assert (block["live_revision"], block["pending_revision"]) == (1, None)
    assert block["approval"]["reviewed_by"] == {"name": "Dr Rivera", "credentials": "MD, FACP"}
    assert '<aside class="callout callout-urgent"' in block["body_html"]
    # The author of a revision never approves it (REVIEW_ALLOW_SELF_APPROVAL is off).
    author = make_staff("admin", name="Dr Admin", credentials="MD")
    changed = author.edit(BLOCK, {"body_markdown": RED_FLAGS + "\nAlso this.\n"})
    assert changed.status_code == 200, changed.get_json()
    assert author.post(f"{BLOCK}/transitions", {"action": "submit"}).status_code == 200
    assert author.get(BLOCK).get_json()["your_actions"] == ["reject"]
    own = author.post(f"{BLOCK}/transitions", {"action": "approve"})
    assert problem(own, 403)["errors"] == {"action": ["Cannot approve your own change."]}
    revisions = editor.get(f"{BLOCK}/revisions").get_json()
    assert [(r["number"], r["reviewer_name"]) for r in revisions] == [(2, None), (1, "Dr Rivera")]
    assert len(revisions[1]["content_sha256"]) == 64


def test_an_included_block_renders_in_full_in_body_html_toc_and_sections(
    back_pain, editor, reviewer
):
    live_block(editor, reviewer)
    article = editor.post("/api/v1/articles", new_article(body_markdown=INCLUDE)).get_json()
    html = article["body_html"]
    assert (
        '<h2 id="warning-signs">Warning signs</h2>\n<p>These signs apply to everyone.</p>\n'
        '<aside class="callout callout-emergency" data-callout="emergency" role="note" '
        'aria-label="Emergency">\n<h3 class="callout-title" id="call-911-now">Call 911 now</h3>\n'
        "<p><strong>Call 911</strong> if you lose control of your bladder.</p>\n</aside>"
    ) in html
    assert "include" not in html
    assert {"level": 3, "text": "Get care today", "anchor": "get-care-today"} in article["toc"]
    kinds = [(s["kind"], s["anchor"]) for s in article["sections"]]
    assert kinds == [
        ("text", "warning-signs"),
        ("callout:emergency", "call-911-now"),
        ("callout:urgent", "get-care-today"),
        ("text", "what-helps"),
    ]
    assert "".join(section["html"] for section in article["sections"]) == html


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "::: include red-flags/no-such-topic\n",
            "Unknown shared block `red-flags/no-such-topic` (or it has no approved text yet).",
        ),
        (
            "::: include Red Flags\n",
            "`::: include Red Flags` does not name a shared block: write "
            "`::: include <group>/<name>`, e.g. `::: include red-flags/back-pain`.",
        ),
        (
            "::: note\n::: include red-flags/back-pain\n:::\n",
            "`::: include red-flags/back-pain` must stand on its own line at the top level, "
            "not inside a callout, list or quote.",
        ),
    ],
)
def test_a_bad_include_is_a_422_naming_the_key(back_pain, editor, reviewer, body, message):
    live_block(editor, reviewer)
    created = editor.post("/api/v1/articles", new_article(body_markdown=body))
    assert problem(created, 422)["errors"] == {"body_markdown": [message]}


def test_an_include_inside_a_code_block_is_just_code(back_pain, editor):
    body = "```\n::: include red-flags/nothing\n```\n"
    created = editor.post("/api/v1/articles", new_article(body_markdown=body))
    assert "::: include red-flags/nothing" in created.get_json()["body_html"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ("::: emergency\nCall 911.\n:::\n", ["Red-flag guidance needs a `::: urgent` callout."]),
        (
            "::: include red-flags/back-pain\n",
            ["A shared block cannot include another shared block."],
        ),
        ("::: emergncy\nx\n:::\n", None),
    ],
)
def test_a_block_body_is_checked_like_an_article_body(back_pain, editor, body, errors):
    created = editor.post(
        BLOCKS, {"key": "red-flags/back-pain", "title": "Red flags", "body_markdown": body}
    )
    found = problem(created, 422)["errors"]["body_markdown"]
    assert found == errors if errors else "Unknown callout kind `emergncy`" in found[0]


def test_writes_are_checked(back_pain, editor, writer, reviewer):
    body = {"key": "red-flags/back-pain", "title": "Red flags", "body_markdown": RED_FLAGS}
    assert problem(writer.post(BLOCKS, body), 403)
    assert problem(editor.post(BLOCKS, {**body, "key": "red-flags"}), 422)["errors"]["key"]
    unknown = editor.post(BLOCKS, {**body, "key": "red-flags/sciatica"})
    assert problem(unknown, 422)["errors"] == {"topic": ["Unknown topic 'sciatica'."]}
    free = editor.post(BLOCKS, {**body, "key": "notes/fasting", "body_markdown": "Eat first."})
    assert free.status_code == 201 and free.get_json()["topic"] is None
    assert editor.post(BLOCKS, body).status_code == 201
    assert problem(editor.post(BLOCKS, body), 409)["errors"] == {"key": ["Taken."]}
    assert problem(editor.patch(BLOCK, {"title": "x"}), 428)
    stale = editor.patch(BLOCK, {"title": "x"}, if_match='"shared-block-1-v99"')
    assert problem(stale, 412)
    assert problem(editor.edit(BLOCK, {"key": "red-flags/neck"}), 422)["errors"]["key"]
    assert problem(editor.get(f"{BLOCKS}/red-flags/neck"), 404)
    listed = editor.get(BLOCKS).get_json()
    assert [(b["key"], b["pending_status"]) for b in listed] == [
        ("notes/fasting", "draft"),
        ("red-flags/back-pain", "draft"),
    ]


def test_publishing_without_the_topics_block_is_a_409_listing_what_is_missing(
    back_pain, make, client, editor, reviewer
):
    make.topic(slug="sciatica", parent="back-pain")  # a descendant needs it too
    live_block(editor, reviewer)
    data = new_article(topics=["sciatica"], body_markdown="## Care\n\nRest a little.\n")
    slug = editor.post("/api/v1/articles", data).get_json()["slug"]
    refused = problem(publish(editor, reviewer, slug), 409)
    assert refused["missing_blocks"] == ["red-flags/back-pain"]
    assert "::: include red-flags/back-pain" in refused["detail"]
    assert editor.get(f"/api/v1/articles/{slug}").get_json()["status"] == "in_review"
    editor.edit(f"/api/v1/articles/{slug}", {"body_markdown": INCLUDE})
    assert reviewer.post(f"/api/v1/articles/{slug}/transitions", {"action": "approve"})
    published = editor.post(f"/api/v1/articles/{slug}/transitions", {"action": "publish"})
    assert published.status_code == 200, published.get_json()
    # A pending revision that drops the block cannot go live either.
    editor.edit(f"/api/v1/articles/{slug}", {"body_markdown": "## Care\n\nRest.\n"})
    refused = problem(publish(editor, reviewer, slug), 409)
    assert refused["missing_blocks"] == ["red-flags/back-pain"]
    assert client.get(f"/api/v1/articles/{slug}").get_json()["toc"][0]["text"] == "Warning signs"


def test_an_approved_change_shows_in_every_including_article_with_new_validators_and_events(
    back_pain, make, client, editor, reviewer, frozen_clock
):
    live_block(editor, reviewer)
    slugs = [
        publish(
            editor,
            reviewer,
            editor.post(
                "/api/v1/articles", new_article(topics=["back-pain"], body_markdown=INCLUDE)
            ).get_json()["slug"],
        ).get_json()["slug"]
        for _ in range(2)
    ]
    draft = editor.post("/api/v1/articles", new_article(body_markdown=INCLUDE)).get_json()
    before = {slug: client.get(f"/api/v1/articles/{slug}") for slug in slugs}
    staff_etags = {slug: editor.etag(f"/api/v1/articles/{slug}") for slug in slugs}
    frozen_clock.advance(minutes=1)  # past the change feed's safety lag
    _, cursor = read_all(client)
    for slug, response in before.items():
        assert "lose control of your bladder" in response.get_json()["body_html"]
        cached = client.get(
            f"/api/v1/articles/{slug}", headers={"If-None-Match": response.headers["ETag"]}
        )
        assert cached.status_code == 304

    new_text = RED_FLAGS.replace("lose control of your bladder", "lose bladder or bowel control")
    editor.edit(BLOCK, {"body_markdown": new_text, "comment": "Bowels too."})
    assert editor.post(f"{BLOCK}/transitions", {"action": "submit"}).status_code == 200
    for slug in slugs:  # pending review: every article keeps the approved text
        assert client.get(f"/api/v1/articles/{slug}").data == before[slug].data
    frozen_clock.advance(minutes=1)
    assert read_all(client, cursor)[0] == []
    approved = reviewer.post(f"{BLOCK}/transitions", {"action": "approve"}).get_json()
    assert sorted(approved["articles_updated"]) == sorted([*slugs, draft["slug"]])
    assert approved["live_revision"] == 2

    for slug in slugs:
        after = client.get(f"/api/v1/articles/{slug}")
        body = after.get_json()
        assert "lose bladder or bowel control" in body["body_html"]
        assert "lose control of your bladder" not in after.get_data(as_text=True)
        emergency = next(s for s in body["sections"] if s["kind"] == "callout:emergency")
        assert "lose bladder or bowel control" in emergency["html"]
        assert after.headers["ETag"] != before[slug].headers["ETag"]
        modified = [
            parsedate_to_datetime(r.headers["Last-Modified"]) for r in (before[slug], after)
        ]
        assert modified[1] > modified[0]
        old = client.get(
            f"/api/v1/articles/{slug}", headers={"If-None-Match": before[slug].headers["ETag"]}
        )
        assert old.status_code == 200
        assert editor.etag(f"/api/v1/articles/{slug}") != staff_etags[slug]
    frozen_clock.advance(minutes=1)
    events, _ = read_all(client, cursor)
    assert sorted((e["type"], e["slug"]) for e in events) == sorted(
        ("article.updated", slug) for slug in slugs
    )  # the draft changed for staff only: no public event
    staff_draft = editor.get(f"/api/v1/articles/{draft['slug']}").get_json()
    assert "lose bladder or bowel control" in staff_draft["body_html"]


def test_a_topic_shows_the_red_flags_its_articles_include_once_approved(
    back_pain, make, client, editor, reviewer
):
    make.topic(slug="sciatica", parent="back-pain")
    editor.post(
        BLOCKS, {"key": "red-flags/back-pain", "title": "Red flags", "body_markdown": RED_FLAGS}
    )
    assert client.get("/api/v1/topics/back-pain").get_json()["red_flags_html"] == ""
    live_block_html = approve(editor, reviewer)["body_html"]
    for slug in ("back-pain", "sciatica"):  # a subtopic's articles include it too
        topic = client.get(f"/api/v1/topics/{slug}").get_json()
        assert topic["red_flags_html"] == live_block_html
    editor.edit(BLOCK, {"body_markdown": RED_FLAGS.replace("fever", "high fever")})
    approve(editor, reviewer)  # no article includes it: the topic alone must not go stale
    assert "high fever" in client.get("/api/v1/topics/back-pain").get_json()["red_flags_html"]


def test_listing_blocks_costs_the_same_for_one_or_many(back_pain, make, editor, count_queries):
    counts = []
    for number in range(3):
        topic = make.topic(slug=f"topic-{number}")
        body = {"key": f"red-flags/{topic.slug}", "title": "Red flags", "body_markdown": RED_FLAGS}
        assert editor.post(BLOCKS, body).status_code == 201
        with count_queries() as counter:
            assert len(editor.get(BLOCKS).get_json()) == number + 1
        counts.append(counter.count)
    assert counts[0] == counts[2], counts


def test_a_pending_revision_naming_an_unknown_block_is_refused_and_not_stored(
    back_pain, editor, reviewer
):
    live_block(editor, reviewer)
    data = new_article(topics=["back-pain"], body_markdown=INCLUDE)
    slug = publish(editor, reviewer, editor.post("/api/v1/articles", data).get_json()["slug"])
    url = f"/api/v1/articles/{slug.get_json()['slug']}"
    refused = editor.edit(url, {"body_markdown": INCLUDE.replace("back-pain", "neck-pain")})
    assert problem(refused, 422)["errors"]["body_markdown"] == [
        "Unknown shared block `red-flags/neck-pain` (or it has no approved text yet)."
    ]
    article = editor.get(url).get_json()
    assert (article["pending_revision"], article["current_revision"]) == (None, 1)


def test_hostile_block_text_is_inert_wherever_it_shows(back_pain, client, editor, reviewer):
    hostile = "\n\n".join(VECTORS)
    live_block(editor, reviewer, body=f"{RED_FLAGS}\n\n{hostile}\n")
    data = new_article(topics=["back-pain"], body_markdown=INCLUDE)
    created = editor.post("/api/v1/articles", data).get_json()["slug"]
    slug = publish(editor, reviewer, created, accept_reading_grade=True)  # the vectors' "prose"
    article = client.get(f"/api/v1/articles/{slug.get_json()['slug']}").get_json()
    assert_inert(article["body_html"], "article")
    for section in article["sections"]:
        assert_inert(section["html"], "section")
    assert_inert(client.get("/api/v1/topics/back-pain").get_json()["red_flags_html"], "topic")
    assert_inert(editor.get(BLOCK).get_json()["body_html"], "block")
