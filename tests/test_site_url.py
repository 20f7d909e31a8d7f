"""SITE_URL: when unset, responses link to the host and port they were asked on (a second
`make run` on another port links to itself); mail never takes a host from a request."""

from __future__ import annotations

from urllib.parse import urlsplit

from api.core.site import site_url
from tests.support.newsletter import SIGNUP, run_outbox, signup_body, unsubscribe_url


def test_feed_self_links_follow_the_host_and_port_served(client, make):
    make.article(slug="one")
    here = client.get("/feeds/articles.json", base_url="http://127.0.0.1:5001")
    assert here.get_json()["feed_url"] == "http://127.0.0.1:5001/feeds/articles.json"
    atom = client.get("/feeds/articles.atom", base_url="http://127.0.0.1:5001").get_data(True)
    assert 'href="http://127.0.0.1:5001/feeds/articles.atom" rel="self"' in atom
    # Another host gets its own body, never the one kept for the first (nor its ETag).
    there = client.get("/feeds/articles.json", base_url="https://api.other.example")
    assert there.get_json()["feed_url"] == "https://api.other.example/feeds/articles.json"
    assert there.headers["ETag"] != here.headers["ETag"]
    again = client.get("/feeds/articles.json", base_url="http://127.0.0.1:5001")
    assert again.get_json()["feed_url"] == "http://127.0.0.1:5001/feeds/articles.json"


def test_a_set_site_url_wins(make_app, make):
    app = make_app(SITE_URL="https://api.clinic.example/")
    feed = app.test_client().get("/feeds/articles.json", base_url="http://127.0.0.1:5001")
    assert feed.get_json()["feed_url"] == "https://api.clinic.example/feeds/articles.json"


def test_mail_links_never_take_the_host_of_a_request(mail_app, smtp_server, newsletter):
    client = mail_app.test_client()
    response = client.post(
        SIGNUP, json=signup_body("host@example.com"), base_url="http://evil.example:666"
    )
    assert response.status_code == 202
    run_outbox(mail_app)
    link = urlsplit(unsubscribe_url(smtp_server.messages[0]))
    assert (link.scheme, link.netloc) == ("http", "127.0.0.1:5000")


def test_outside_a_request_server_name_names_the_site(make_app):
    app = make_app(SERVER_NAME="api.clinic.example:8443", PREFERRED_URL_SCHEME="https")
    with app.app_context():
        assert site_url() == "https://api.clinic.example:8443"
    with make_app().app_context():
        assert site_url() == "http://127.0.0.1:5000"
