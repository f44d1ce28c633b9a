"""Sanitising HTML that comes from outside (e.g. the HTML part of an incoming email).

Nothing in the product renders outside HTML today: article bodies, names and file names are
always shown as escaped text. Any future view that must show an HTML body passes it through
`clean_html()` first: no script, no event handlers, no styles, and no remote images (only
inline `data:` and `cid:` images), links opened without referrer.
"""

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr",
    "i", "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}, "td": {"colspan"}}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.startswith(("data:image/", "cid:")):
        return None  # a remote image is a tracking pixel: never loaded by default
    return value


def clean_html(html: str) -> str:
    """Safe HTML from untrusted HTML."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data", "cid"},
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
