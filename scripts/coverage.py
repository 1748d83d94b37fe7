#!/usr/bin/env python3
"""Line and branch coverage of include/mailslot, from gcov's data (scripts/coverage.sh).

    coverage.py --reasons FILE --html DIR --source DIR
                --data GCOV OBJECTS [PREFIXED] ...

Each --data names a gcov program (MinGW-w64's or the native one) and the build
tree holding the objects' notes (.gcno). Without PREFIXED, the data (.gcda) lie
beside the notes; with it, PREFIXED holds one directory per program run
(GCOV_PREFIX), each mirroring the build tree's absolute path. Every run's
counts are added up.

Branches are counted as the source has them: a line's branch N is covered when
any instantiation of any function on that line, in any program of a build,
took it. A line both builds compiled (the portable headers) is judged by the
build that took more of its branches: the two compilers number a line's
branches differently, so their counts are not added. The
branches the compiler adds for exceptions thrown by calls are left out (as
gcovr's --exclude-throw-branches does): the tests that make those calls throw
are the fault harness's, and a count per call would measure the standard
library.

Every line not run, and every line with a branch never taken, is a gap. The
reasons file explains gaps: each line "FILE | TEXT | REASON" explains every gap
on the lines of FILE (* for every file) that contain TEXT (" \\n " in TEXT
separates what the lines before it must contain); when such a line begins a function that
never ran, it explains the whole function. A reason that explains no gap is
stale, and fails the run like an unexplained gap.

Prints every unexplained gap and stale reason, then one line:
    coverage: lines X% branches Y% uncovered-unexplained N
Exits 1 if N or the stale reasons are not 0.
"""

import argparse
import html
import json
import os
import subprocess
import sys
from collections import defaultdict


def gcov_json(gcov, data_files):
    """Yields gcov's JSON documents for the data files (in batches)."""
    for i in range(0, len(data_files), 40):
        batch = data_files[i:i + 40]
        out = subprocess.run([gcov, '--json-format', '--stdout', '--branch-probabilities', '--branch-counts', *batch],
                             check=True, capture_output=True, text=True,
                             cwd=os.path.dirname(batch[0])).stdout
        decoder = json.JSONDecoder()
        pos = 0
        while True:
            while pos < len(out) and out[pos].isspace():
                pos += 1
            if pos >= len(out):
                break
            doc, pos = decoder.raw_decode(out, pos)
            yield doc


def data_files(objects, prefixed):
    """The data files to read; for per-run directories, each gets its notes linked beside it."""
    found = []
    if not prefixed:
        for top, _, names in os.walk(objects):
            found += [os.path.abspath(os.path.join(top, n)) for n in names if n.endswith('.gcda')]
        return found
    for run in sorted(os.listdir(prefixed)):
        base = os.path.join(prefixed, run)
        for top, _, names in os.walk(base):
            for n in names:
                if not n.endswith('.gcda'):
                    continue
                data = os.path.join(top, n)
                original = data[len(base):]  # the absolute path it would have had
                notes = original[:-len('.gcda')] + '.gcno'
                if not os.path.exists(notes):
                    sys.exit(f'coverage: no notes {notes} for {data}')
                link = data[:-len('.gcda')] + '.gcno'
                if not os.path.lexists(link):
                    os.symlink(notes, link)
                found.append(os.path.abspath(data))
    return found


class Tally:
    def __init__(self, source):
        self.source = os.path.realpath(source)
        self.count = defaultdict(int)              # (file, line) -> times run
        # (file, line) -> build -> {index: taken}: each build's compiler numbers
        # a line's branches its own way, so builds are never merged by index.
        self.branches = defaultdict(lambda: defaultdict(dict))
        self.functions = {}                        # (file, start, name) -> [end, count]

    def add(self, doc, build):
        cwd = doc.get('current_working_directory', '')
        for f in doc['files']:
            path = os.path.realpath(os.path.join(cwd, f['file']))
            if not path.startswith(self.source + os.sep):
                continue
            rel = os.path.relpath(path, os.path.dirname(os.path.dirname(self.source)))
            for fn in f['functions']:
                key = (rel, fn['start_line'], fn['name'])
                entry = self.functions.setdefault(key, [fn['end_line'], 0])
                entry[1] += fn['execution_count']
            for line in f['lines']:
                key = (rel, line['line_number'])
                self.count[key] += line['count']
                taken = self.branches[key][build]
                index = 0
                for b in line['branches']:
                    if b.get('throw'):
                        continue
                    taken[index] = taken.get(index, 0) + b['count']
                    index += 1


def read_reasons(path):
    reasons = []
    with open(path, encoding='utf-8') as f:
        for number, text in enumerate(f, 1):
            text = text.rstrip('\n')
            if not text.strip() or text.lstrip().startswith('#'):
                continue
            fields = [x.strip() for x in text.split(' | ')]
            if len(fields) != 3 or not all(fields):
                sys.exit(f'{path}:{number}: not "FILE | TEXT | REASON": {text}')
            reasons.append({'file': fields[0], 'text': fields[1], 'reason': fields[2],
                            'where': f'{path}:{number}', 'used': 0})
    return reasons


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--reasons', required=True)
    parser.add_argument('--html', required=True)
    parser.add_argument('--source', required=True)
    parser.add_argument('--data', nargs='+', action='append', default=[])
    parser.add_argument('--again', action='store_true',
                        help="the last run's counts (kept in the HTML directory), new reasons")
    args = parser.parse_args()

    tally = Tally(args.source)
    saved = os.path.join(args.html, 'tally.json')
    if args.again:  # the counts of the last run, with the reasons as they are now
        with open(saved, encoding='utf-8') as f:
            kept = json.load(f)
        tally.count.update({tuple(k): v for k, v in kept['count']})
        for k, v in kept['branches']:
            for build, taken in v.items():
                tally.branches[tuple(k)][int(build)] = {int(i): n for i, n in taken.items()}
        tally.functions.update({tuple(k): v for k, v in kept['functions']})
        args.data = []
    for build, spec in enumerate(args.data):
        gcov, objects = spec[0], spec[1]
        prefixed = spec[2] if len(spec) > 2 else None
        files = data_files(objects, prefixed)
        if not files:
            sys.exit(f'coverage: no data under {prefixed or objects}')
        for doc in gcov_json(gcov, files):
            tally.add(doc, build)

    if not args.again:
        os.makedirs(args.html, exist_ok=True)
        with open(saved, 'w', encoding='utf-8') as f:
            json.dump({'count': list(tally.count.items()),
                       'branches': list(tally.branches.items()),
                       'functions': list(tally.functions.items())}, f)

    top = os.path.dirname(os.path.dirname(tally.source))
    sources = {}
    for rel in sorted({k[0] for k in tally.count}):
        with open(os.path.join(top, rel), encoding='utf-8') as f:
            sources[rel] = f.read().split('\n')

    reasons = read_reasons(args.reasons)
    # A reason on the first line of a function that never ran covers the function.
    never_ran = defaultdict(list)  # file -> [(start, end)]
    for (rel, start, _), (end, count) in tally.functions.items():
        if count == 0:
            never_ran[rel].append((start, end))

    def matches(rel, line, text):
        # TEXT may span lines, each part separated by " \\n " (the last is the gap's line).
        parts = text.split(' \\n ')
        first = line - len(parts) + 1
        return first >= 1 and all(part in sources[rel][first - 1 + i] for i, part in enumerate(parts))

    def explain(rel, line):
        found = None
        for r in reasons:
            if r['file'] != rel and r['file'] != '*':
                continue
            if matches(rel, line, r['text']):
                r['used'] += 1
                found = found or r
            else:
                for start, end in never_ran.get(rel, ()):
                    if start <= line <= end and start != line and matches(rel, start, r['text']):
                        r['used'] += 1
                        found = found or r
        return found

    lines_total = lines_run = branches_total = branches_taken = 0
    unexplained = []
    per_file = {}
    annotations = defaultdict(dict)  # file -> line -> (class, note)
    for rel in sources:
        stats = [0, 0, 0, 0]
        for (f, line), count in sorted(tally.count.items()):
            if f != rel:
                continue
            # The build that took the most of the line's branches speaks for it.
            taken = min(tally.branches[(f, line)].values(), default={},
                        key=lambda t: (sum(1 for v in t.values() if v == 0), -len(t)))
            b_total, b_taken = len(taken), sum(1 for v in taken.values() if v > 0)
            stats[0] += 1
            stats[1] += count > 0
            stats[2] += b_total
            stats[3] += b_taken
            gap = None
            if count == 0:
                gap = 'not run'
            elif b_taken < b_total:
                never = [str(i) for i, v in sorted(taken.items()) if v == 0]
                gap = f'branch {", ".join(never)} of {b_total} never taken'
            note = f'{count}' + (f' · {b_taken}/{b_total} branches' if b_total else '')
            if gap is None:
                annotations[rel][line] = ('run', note)
                continue
            reason = explain(rel, line)
            if reason:
                annotations[rel][line] = ('explained', f'{note} · {gap} · {reason["reason"]}')
            else:
                annotations[rel][line] = ('gap', f'{note} · {gap}')
                unexplained.append(f'{rel}:{line}: {gap}: {sources[rel][line - 1].strip()}')
        per_file[rel] = stats
        lines_total += stats[0]
        lines_run += stats[1]
        branches_total += stats[2]
        branches_taken += stats[3]

    stale = [r for r in reasons if r['used'] == 0]
    write_html(args.html, sources, annotations, per_file)

    for u in unexplained:
        print(f'unexplained: {u}')
    for r in stale:
        print(f'stale reason ({r["where"]}): {r["file"]} | {r["text"]}: explains no gap')
    percent = lambda a, b: 100.0 * a / b if b else 100.0
    print(f'coverage report: {os.path.join(args.html, "index.html")}')
    print(f'coverage: lines {percent(lines_run, lines_total):.1f}% '
          f'branches {percent(branches_taken, branches_total):.1f}% '
          f'uncovered-unexplained {len(unexplained)}')
    return 1 if unexplained or stale else 0


def write_html(out, sources, annotations, per_file):
    os.makedirs(out, exist_ok=True)
    style = ('body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}'
             'td,th{padding:0 .6em;text-align:left}pre{margin:0}'
             '.run{background:#e6ffe6}.gap{background:#ffd6d6}.explained{background:#fff3c4}'
             'td.n{color:#888;text-align:right}td.note{color:#444;font-size:90%}')
    rows = []
    for rel, (lt, lr, bt, bb) in per_file.items():
        page = rel.replace('/', '_') + '.html'
        gaps = sum(1 for c, _ in annotations[rel].values() if c == 'gap')
        explained = sum(1 for c, _ in annotations[rel].values() if c == 'explained')
        rows.append(f'<tr><td><a href="{page}">{html.escape(rel)}</a></td>'
                    f'<td>{lr}/{lt}</td><td>{bb}/{bt}</td><td>{explained}</td><td>{gaps}</td></tr>')
        body = []
        for number, text in enumerate(sources[rel], 1):
            cls, note = annotations[rel].get(number, ('', ''))
            body.append(f'<tr class="{cls}" id="L{number}"><td class="n">{number}</td>'
                        f'<td><pre>{html.escape(text)}</pre></td>'
                        f'<td class="note">{html.escape(note)}</td></tr>')
        with open(os.path.join(out, page), 'w', encoding='utf-8') as f:
            f.write(f'<!doctype html><meta charset="utf-8"><title>{html.escape(rel)}</title>'
                    f'<style>{style}</style><p><a href="index.html">all files</a></p>'
                    f'<h1>{html.escape(rel)}</h1><p>Green: run, every branch taken. '
                    'Yellow: a gap with its reason (tests/coverage/reasons.txt). '
                    'Red: a gap nobody explained. Each note: times run · branches taken '
                    '· the gap · its reason.</p><table>' + ''.join(body) + '</table>')
    with open(os.path.join(out, 'index.html'), 'w', encoding='utf-8') as f:
        f.write(f'<!doctype html><meta charset="utf-8"><title>mailslot coverage</title>'
                f'<style>{style}</style><h1>Coverage of include/mailslot</h1><table>'
                '<tr><th>file</th><th>lines run</th><th>branches taken</th>'
                '<th>gaps explained</th><th>gaps unexplained</th></tr>' + ''.join(rows) + '</table>')


if __name__ == '__main__':
    sys.exit(main())
