#!/usr/bin/env python3
"""Takes every C++ block of the documentation out of its Markdown, as the
test command compiles it (tests/docs/CMakeLists.txt).

Every fenced block opened with exactly ```cpp is code to compile:

- A block with `int main(` is a whole program: built and run under Wine; it
  must exit 0 by itself. `<!-- snippet: serves -->` right before its fence
  makes it a server for the next whole program of the page: that one is run
  (again, until it exits 0) while the server runs, and the server must then
  exit 0 by itself.
- Any other block is a fragment: its #include lines go to the top of a unit
  of the fragments of every page that need the same (Asio, C++20, the
  module), the rest into the body of a function of its own, after the
  setup of an HTML comment right before its fence
  (`<!-- snippet-setup ... -->`, which readers do not see).
  `<!-- snippet: namespace -->` puts the block at namespace scope instead.
- A block that includes <mailslot/asio.hpp> or <mailslot/boost_asio.hpp> is
  built with Asio; one with co_await, co_return or awaitable in C++20; one
  with `import mailslot;` against the C++20 module.

Usage: snippets.py OUTPUT_DIR ROOT MARKDOWN...
Writes OUTPUT_DIR/*.cpp and OUTPUT_DIR/snippets.cmake, which sets
MAILSLOT_SNIPPETS to one entry per unit: KIND|NAME|FILE|NEEDS|WHERE|PARTNER
(KIND fragments or program; NEEDS a comma-separated list of asio, boost,
cxx20, module; PARTNER the name of the program a server serves).
"""

import os
import re
import sys

FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
MARK = re.compile(r"^\s*<!--\s*snippet:\s*([a-z ]+?)\s*-->\s*$")
SETUP_OPEN = re.compile(r"^\s*<!--\s*snippet-setup\s*$")
MARKS = {"serves", "namespace"}


class Snippet:
    def __init__(self, page, line, code, marks, setup):
        self.page = page
        self.line = line
        self.code = code
        self.marks = marks
        self.setup = setup

    @property
    def text(self):
        return self.setup + "\n" + self.code

    def needs(self):
        needs = []
        if "<mailslot/asio.hpp>" in self.text:
            needs.append("asio")
        if "<mailslot/boost_asio.hpp>" in self.text:
            needs.append("boost")
        if re.search(r"\bco_await\b|\bco_return\b|\bawaitable\b", self.text):
            needs.append("cxx20")
        if re.search(r"^\s*import\s+mailslot\s*;", self.text, re.M):
            needs.append("module")
        return needs

    def is_program(self):
        return re.search(r"\bint\s+main\s*\(", self.code) is not None


def fail(page, line, why):
    sys.exit(f"{page}:{line}: {why}")


def read_snippets(path, shown):
    lines = open(path, encoding="utf-8").read().split("\n")
    snippets = []
    marks = set()
    setup = []
    i = 0
    while i < len(lines):
        line = lines[i]
        mark = MARK.match(line)
        if mark:
            for word in mark.group(1).split():
                if word not in MARKS:
                    fail(shown, i + 1, f"unknown snippet mark '{word}'")
                marks.add(word)
            i += 1
            continue
        if SETUP_OPEN.match(line):
            start = i
            i += 1
            while i < len(lines) and lines[i].strip() != "-->":
                setup.append(lines[i])
                i += 1
            if i == len(lines):
                fail(shown, start + 1, "a snippet-setup comment that does not end (-->)")
            i += 1
            continue
        fence = FENCE.match(line)
        if fence:
            indent, language = fence.group(1), fence.group(2)
            start = i
            i += 1
            body = []
            while i < len(lines) and not re.match(r"^\s*```\s*$", lines[i]):
                body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
                i += 1
            if i == len(lines):
                fail(shown, start + 1, "a code block that does not end")
            if language == "cpp":
                snippets.append(Snippet(shown, start + 1, "\n".join(body), marks, "\n".join(setup)))
            elif marks or setup:
                fail(shown, start + 1, "snippet marks or setup before a block that is not ```cpp")
            marks, setup = set(), []
            i += 1
            continue
        if line.strip() and (marks or setup):
            fail(shown, i + 1, "snippet marks or setup not right before a ```cpp block")
        i += 1
    if marks or setup:
        fail(shown, len(lines), "snippet marks or setup with no block after them")
    return snippets


def split_includes(text):
    includes, rest = [], []
    for line in text.split("\n"):
        (includes if re.match(r"^\s*#\s*include\b", line) else rest).append(line)
    return includes, "\n".join(rest)


def include_order(include):
    # Asio before <windows.h> (which the library's headers include).
    return 0 if re.search(r"<mailslot/(boost_)?asio\.hpp>|<(boost/)?asio[/.]", include) else 1


def unit_name(shown):
    return re.sub(r"[^A-Za-z0-9]+", "_", os.path.splitext(shown)[0]).strip("_").lower()


def fragments_unit(snippets):
    includes = []
    bodies = []
    for s in snippets:
        setup_includes, setup = split_includes(s.setup)
        code_includes, code = split_includes(s.code)
        for include in setup_includes + code_includes:
            if include.strip() not in includes:
                includes.append(include.strip())
        where = f"{s.page}:{s.line}"
        space = f"snippet_{unit_name(s.page)}_{s.line}"
        if "namespace" in s.marks:
            bodies.append(f"// {where}\nnamespace {space} {{\n{setup}\n{code}\n}}  // namespace {space}\n")
        else:
            bodies.append(
                f"// {where}\nnamespace {space} {{\n[[maybe_unused]] void run() {{\n{setup}\n{code}\n}}\n}}  // namespace {space}\n")
    includes.sort(key=include_order)
    return ("// The documentation's code fragments, taken from the Markdown by tests/docs/snippets.py.\n"
            + "\n".join(includes) + "\n\n" + "\n".join(bodies))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, root, pages = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(out, exist_ok=True)
    entries = []
    written = set()
    # Every page's fragments in a few units (by what they need), to compile
    # few; each program apart.
    groups = {}
    for page in pages:
        shown = os.path.relpath(page, root).replace(os.sep, "/")
        snippets = read_snippets(page, shown)
        base = unit_name(shown)
        programs = []
        for s in snippets:
            if s.is_program():
                if s.setup:
                    fail(shown, s.line, "a whole program takes no snippet-setup")
                programs.append(s)
            else:
                if "serves" in s.marks:
                    fail(shown, s.line, "only a whole program serves")
                groups.setdefault(tuple(s.needs()), []).append(s)
        for index, s in enumerate(programs):
            name = f"{base}_{s.line}"
            path = os.path.join(out, name + ".cpp")
            write(path, f"// {s.page}:{s.line}, taken from the Markdown by tests/docs/snippets.py.\n{s.code}\n", written)
            partner = ""
            if "serves" in s.marks:
                if index + 1 == len(programs):
                    fail(shown, s.line, "a server with no program after it to serve")
                partner = f"{base}_{programs[index + 1].line}"
            entries.append(f"program|{name}|{path}|{','.join(s.needs())}|{s.page}:{s.line}|{partner}")
    for needs, group in sorted(groups.items()):
        name = "_".join(["fragments"] + list(needs))
        path = os.path.join(out, name + ".cpp")
        write(path, fragments_unit(group), written)
        pages_of = sorted({s.page for s in group})
        where = f"{len(group)} fragments of {', '.join(pages_of)}"
        entries.append(f"fragments|{name}|{path}|{','.join(needs)}|{where}|")
    # Units of an earlier run that are gone now.
    for stale in os.listdir(out):
        if stale.endswith(".cpp") and os.path.join(out, stale) not in written:
            os.remove(os.path.join(out, stale))
    listing = "".join(f'  "{e}"\n' for e in entries)
    write(os.path.join(out, "snippets.cmake"),
          "# Written by tests/docs/snippets.py: the documentation's C++ blocks.\n"
          f"set(MAILSLOT_SNIPPETS\n{listing})\n", written)


def write(path, text, written):
    written.add(path)
    try:
        if open(path, encoding="utf-8").read() == text:
            return  # unchanged: nothing to rebuild
    except OSError:
        pass
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
