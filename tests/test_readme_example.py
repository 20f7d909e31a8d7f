"""The README's complete article example is true: imported into the demo store it renders its
citation, key points and the shared red-flag block, and it publishes through the workflow."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

ARTICLE = "/api/v1/articles/heat-or-ice-for-a-sore-back"


def readme_example() -> str:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Writing an article")[1]
    match = re.search(r"```markdown\n(.*?)```", section, re.S)
    assert match, "README: the Writing an article section has no Markdown example"
    return match.group(1)


@pytest.fixture
def imported(runner, db_session, tmp_path):
    # db_session: the commands run in the app context it pushes, as `flask ...` does.
    assert runner.invoke(args=["seed"]).exit_code == 0
    path = tmp_path / "heat-or-ice.md"
    path.write_text(readme_example(), encoding="utf-8")
    result = runner.invoke(args=["import-articles", str(path)])
    db_session.rollback()
    assert result.exit_code == 0, result.output


def test_the_readme_article_renders_and_publishes(imported, editor, make_staff, client):
    draft = editor.get(ARTICLE).get_json()
    html = draft["body_html"]
    assert '<sup class="citation"><a href="#ref-qaseem-2017"' in html
    assert 'data-callout="key-points"' in html
    assert 'data-callout="emergency"' in html and 'data-callout="urgent"' in html  # included
    assert [w for w in draft["warnings"] if w["code"] == "reference_not_cited"] == []

    reviewer = make_staff("reviewer", credentials="MD, family physician")
    for staff, action in ((editor, "submit"), (reviewer, "approve"), (editor, "publish")):
        response = staff.post(f"{ARTICLE}/transitions", {"action": action})
        assert response.status_code == 200, response.get_json()
    public = client.get(ARTICLE).get_json()
    assert [ref["doi_url"] for ref in public["references"]] == ["https://doi.org/10.7326/M16-2367"]
