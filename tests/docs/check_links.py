#!/usr/bin/env python3
"""Checks the reference Doxygen wrote (scripts/docs.sh):

- every guide page (GUIDE/*.md) has its HTML page, its file's name with `-`
  made `_` (index.md: index.html, the main page);
- every link (href, src) of every HTML file that stays inside the reference
  leads to a file that exists and, with a #fragment, to an element of that
  id (or name) there. Links that leave it (http:, https:, mailto:) are not
  followed; a relative link that leaves the HTML folder fails.

Usage: check_links.py HTML_DIR GUIDE_DIR
"""

import html.parser
import os
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.links.append(value)
            elif name in ("id", "name"):
                self.ids.add(value)


def guide_pages(guide):
    """Each page's HTML file: its id (docs/doxygen_filter.py gives it), the
    file's name with `-` made `_`; index.md is the main page."""
    pages = {}
    for entry in sorted(os.listdir(guide)):
        if entry.endswith(".md"):
            name = entry[:-3]
            pages[entry] = "index.html" if name == "index" else name.replace("-", "_") + ".html"
    return pages


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    root, guide = os.path.realpath(sys.argv[1]), sys.argv[2]
    problems = []
    for source, page in guide_pages(guide).items():
        if not os.path.isfile(os.path.join(root, page)):
            problems.append(f"{guide}/{source}: no page {page} in the reference")
    parsed = {}

    def load(path):
        if path not in parsed:
            page = Page()
            with open(path, encoding="utf-8", errors="replace") as f:
                page.feed(f.read())
            parsed[path] = page
        return parsed[path]

    checked = 0
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".html"):
                continue
            path = os.path.join(folder, name)
            for link in load(path).links:
                scheme = urllib.parse.urlsplit(link).scheme
                if scheme in ("http", "https", "mailto") or link.startswith("javascript:"):
                    continue
                checked += 1
                parts = urllib.parse.urlsplit(link)
                if scheme:
                    problems.append(f"{os.path.relpath(path, root)}: a link of scheme {scheme}: {link}")
                    continue
                target = path if not parts.path else os.path.realpath(
                    os.path.join(folder, urllib.parse.unquote(parts.path)))
                where = os.path.relpath(path, root)
                if not target.startswith(root + os.sep):
                    problems.append(f"{where}: a link out of the reference: {link}")
                elif not os.path.isfile(target):
                    problems.append(f"{where}: a link to nothing: {link}")
                elif parts.fragment and target.endswith(".html"):
                    if urllib.parse.unquote(parts.fragment) not in load(target).ids:
                        problems.append(f"{where}: a link to a missing anchor: {link}")
    for problem in problems:
        print("docs:", problem, file=sys.stderr)
    if problems:
        sys.exit(f"docs: {len(problems)} broken link(s) or missing page(s)")
    print(f"docs: {checked} links inside the reference lead somewhere; every guide page is there")


if __name__ == "__main__":
    main()
