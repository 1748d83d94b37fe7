#!/usr/bin/env python3
"""Doxygen's input filter for the guide's pages (Doxyfile.in, FILTER_PATTERNS).

The pages are written for two readers: GitHub, which follows relative links
to files, and Doxygen, which renders them with the reference. For Doxygen it
gives the page's title line its id, and rewrites each Markdown link:

- to another page of the guide (`timeouts.md`, `timeouts.md#deadlines`):
  `@ref` to that page's id (the file's name, `-` made `_`; the main page's
  for index.md) or to the anchor;
- to a public header (`../include/mailslot/server.hpp`): `@ref` to the
  header's documentation;
- to anything else in the repository (a script, a test, the contributors'
  pages): the link's text alone, since the reference does not hold it.

A link to a page or a file that does not exist is left to fail: a page as
a reference to nothing (Doxygen's warning fails the build), anything else
as it is (the link check over the HTML reports it).

Links with a scheme (https:, mailto:) and anchors of the page itself are
left as they are. Code blocks and code spans are left as they are.

Usage: doxygen_filter.py PAGE.md   (the filtered page on standard output)
"""

import os
import re
import sys

LINK = re.compile(r"(?<!\!)\[((?:`[^`]*`|[^\]`])*)\]\(([^)\s]+)\)")


def page_id(path):
    """A guide page's id: its file's name, `-` made `_` (index.md: the main
    page). The filter gives the page its title line's id."""
    name = os.path.splitext(os.path.basename(path))[0]
    return "mainpage" if name == "index" else name.replace("-", "_")


def rewrite(text, here):
    guide = os.path.dirname(os.path.abspath(here))
    include = os.path.normpath(os.path.join(guide, "..", "include"))

    def link(match):
        label, target = match.group(1), match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            return match.group(0)
        path, _, anchor = target.partition("#")
        full = os.path.normpath(os.path.join(guide, path))
        if full.endswith(".md") and os.path.dirname(full) == guide:
            # (A page that is gone: a reference to nothing, which fails the build.)
            ref = anchor or (page_id(full) if os.path.isfile(full) else
                             "missing_page_" + re.sub(r"\W", "_", path))
            return f"[{label}](@ref {ref})"
        if full.startswith(include + os.sep) and full.endswith(".hpp") and os.path.isfile(full):
            return f"[{label}](@ref {os.path.relpath(full, include).replace(os.sep, '/')})"
        if os.path.exists(full):
            return label
        return match.group(0)  # (to nothing: the link check reports it)

    out = []
    fence = None
    lines = text.split("\n")
    if lines and lines[0].startswith("# ") and "{#" not in lines[0]:
        lines[0] = f"{lines[0].rstrip()} {{#{page_id(here)}}}"  # (GitHub would show it)
    for line in lines:
        opened = re.match(r"^\s*(```+|~~~+)", line)
        if fence is None and opened:
            fence = opened.group(1)
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is None:
            # Links outside code spans only (a link's text may hold one).
            spans = [m.span() for m in re.finditer(r"`[^`]*`", line)]

            def outside(match):
                if any(a <= match.start() < b for a, b in spans):
                    return match.group(0)
                return link(match)

            line = LINK.sub(outside, line)
        out.append(line)
    return "\n".join(out)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        sys.stdout.write(rewrite(f.read(), sys.argv[1]))


if __name__ == "__main__":
    main()
