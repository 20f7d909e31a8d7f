"""Hostile content: XSS vectors, and `assert_inert(html)` for any HTML the app serves.

Reusable by every feature that serves HTML-bearing text (article bodies, bios, topic
descriptions, feeds, JSON-LD, search snippets): write `VECTORS` through the API, then call
`assert_inert` on whatever HTML comes out. Plain-text fields stay text (clients escape them);
TOC entries must hold no tag at all (`assert_plain_text`).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

VECTORS: list[str] = [
    # script and style elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\x20type='text/javascript'>alert(1);</script>",
    '<script/xss src="https://evil.example/x.js"></script>',
    "<<script>alert(1);//<</script>",
    "<style>body{background:url('javascript:alert(1)')}</style>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "</title><script>alert(1)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # javascript:, data: and vbscript: URLs, obfuscated
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="jav&#x0A;ascript:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "[click]( javascript:alert(1) )",
    "![img](javascript:alert(1))",
    '![img](x" onerror="alert(1))',
    "<javascript:alert(1)>",
    '<img src="javascript:alert(1)">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" ONERROR="alert(1)">',
    "<img/src=x/onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<p onclick=alert(1)>tap</p>",
    '<input autofocus onfocus="alert(1)">',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>",
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    '<math href="javascript:alert(1)">click</math>',
    # broken and unclosed tags, parser confusion
    "<img src=x onerror=alert(1)",
    "<a href='javascript:alert(1)'",
    '<img """><script>alert(1)</script>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<a href=\"https://ok.example\" title='x' onclick='alert(1)'>ok</a>",
    # CSS expressions and style attributes
    '<div style="width: expression(alert(1))">x</div>',
    "<div style=\"background-image: url('javascript:alert(1)')\">x</div>",
    '<span style="behavior: url(xss.htc)">x</span>',
    # frames, objects, forms, meta, base, links
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<isindex type=image src=1 onerror=alert(1)>",
    "<template><script>alert(1)</script></template>",
    # care callouts (api/articles/callouts.py): hostile titles, bodies and forged attributes
    "::: emergency <img src=x onerror=alert(1)>\n<script>alert(1)</script>\n:::",
    '::: note [x](javascript:alert(1))\n<a href="javascript:alert(1)">x</a>\n:::',
    '<aside class="callout x" role="alert" data-callout="x" onclick="alert(1)" style="a:b">'
    "x</aside>",
    '<h2 class="callout-title evil" onmouseover="alert(1)">x</h2>',
]

FORBIDDEN_ELEMENTS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "svg", "math", "form", "meta", "base", "link", "template", "noscript", "input",
        "button", "textarea", "select", "video", "audio", "source", "marquee", "isindex",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "data"}
)
FORBIDDEN_ATTRIBUTES = frozenset({"style", "srcdoc"})
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            elif name in FORBIDDEN_ATTRIBUTES:
                self.problems.append(f"{name} attribute on <{tag}>")
            elif name in URL_ATTRIBUTES and value is not None:
                # HTMLParser already decoded the entities; browsers also drop these characters.
                url = _IGNORED_IN_URL.sub("", value).lower()
                if url.startswith(UNSAFE_SCHEMES):
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def _inspect(html: str) -> _Inspector:
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector


def inert_problems(html: str) -> list[str]:
    """What would execute in `html` if a browser rendered it (empty when inert)."""
    return _inspect(html).problems


def assert_inert(html: str, where: str = "") -> None:
    """Fail when `html` holds a script-capable element, handler, style or unsafe URL."""
    problems = inert_problems(html)
    assert not problems, f"executable content in {where or 'html'}: {problems}\n{html}"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    handle_startendtag = handle_starttag


def assert_plain_text(text: str, where: str = "") -> None:
    """Text that clients may display as they get it (a TOC entry) holds no tag at all."""
    parser = _Tags()
    parser.feed(text)
    parser.close()
    assert not parser.tags, f"markup in {where}: {parser.tags} in {text!r}"


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "script"
        if self.inside:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.scripts[-1] += data


def assert_script_safe(script: str, where: str = "") -> None:
    """Text pasted between `<script type="application/ld+json">` and `</script>` stays one
    script element holding exactly that text: it cannot close the element or open a comment."""
    for unsafe in ("<", ">", "&", "\u2028", "\u2029"):
        assert unsafe not in script, f"{unsafe!r} in {where}: {script}"
    parser = _Scripts()
    parser.feed(f'<head><script type="application/ld+json">{script}</script></head>')
    parser.close()
    assert parser.scripts == [script], f"{where} broke out of its script element"
