#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check our documentation; TAP on stdout, one line per check.

  doccheck.py REPO TREE

For each Documentation/**/*.rst of REPO:
 - each `.. kernel-doc:: drivers/android/FILE` with `:doc: TITLE` is
   replaced by what TREE's scripts/kernel-doc extracts from REPO/FILE (the
   tree's own file if REPO has none), as Sphinx would include it; a
   DOC: section that yields nothing is a finding;
 - docutils parses the result without a warning or error (Sphinx-only
   directives and roles the kernel's docs use are accepted without being
   checked);
 - every function it names as `name()` (the form the kernel's Sphinx turns
   into a cross-reference) exists: defined or declared in our driver files
   (REPO/*.c, *.h), or else in the C sources of TREE (the kernel tree):
   a definition or prototype starting at column 0, a function-like macro,
   or a function-pointer member such as vm_operations_struct's close().
"""
import io
import pathlib
import re
import subprocess
import sys
import traceback

import docutils.core
import docutils.nodes
from docutils.parsers.rst import Directive, directives, roles

NAMED = re.compile(r'\b([A-Za-z_][A-Za-z0-9_]*)\(\)')
# Where the kernel's own sources are searched first; the whole tree is
# searched only for what is not found there.
FIRST = ['include', 'mm', 'kernel', 'lib', 'drivers/android', 'arch/x86/include']


class Accepted(Directive):
    """A Sphinx-only directive: accepted, content not checked."""
    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec = None

    def run(self):
        return []


def accepted_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [docutils.nodes.literal(rawtext, text)], []


def accept_sphinx():
    for name in ['toctree', 'kernel-doc', 'kernel-feat', 'kernel-abi', 'only',
                 'c:function', 'c:struct', 'c:type', 'c:macro', 'c:member',
                 'c:enum', 'c:var', 'code-block', 'highlight', 'note', 'seealso',
                 'index', 'tabularcolumns', 'graphviz', 'kernel-figure',
                 'kernel-render']:
        if name not in directives._directive_registry:
            directives.register_directive(name, Accepted)
    for name in ['ref', 'doc', 'c:func', 'c:type', 'c:macro', 'c:member',
                 'c:struct', 'c:union', 'c:enum', 'c:var', 'manpage', 'kbd',
                 'file', 'envvar', 'option']:
        if name not in roles._role_registry:
            roles.register_local_role(name, accepted_role)


KERNEL_DOC = re.compile(r'^\.\. kernel-doc::[ \t]+(\S+)\n[ \t]+:doc:[ \t]+(.+?)[ \t]*\n', re.M)


def expand_kernel_doc(text, repo, tree):
    """text with each kernel-doc :doc: directive replaced by its DOC:
    section, and the list of (file, title) sections that came out empty."""
    empty = []

    def include(m):
        path, title = m.group(1), m.group(2)
        ours = repo / pathlib.Path(path).name
        src = ours if path.startswith('drivers/android/') and ours.exists() else tree / path
        run = subprocess.run(['perl', str(tree / 'scripts/kernel-doc'), '-rst',
                              '-function', title, str(src)],
                             capture_output=True, text=True, errors='replace')
        if not run.stdout.strip():
            empty.append((path, title))
        return run.stdout + '\n'
    return KERNEL_DOC.sub(include, text), empty


def parse(path, text):
    """docutils' warnings and errors for text (of path), as text (empty: none)."""
    stream = io.StringIO()
    docutils.core.publish_doctree(
        text, source_path=str(path),
        settings_overrides={'report_level': 2, 'halt_level': 5,
                            'warning_stream': stream, 'input_encoding': 'utf-8',
                            'file_insertion_enabled': False})
    return stream.getvalue()


def definitions(names, text_lines):
    """The names in text_lines' definitions, prototypes, macros or members."""
    alt = '|'.join(map(re.escape, sorted(names)))
    top = re.compile(r'^(?:#\s*define\s+|[A-Za-z_][\w \t*]*[ \t*])?(' + alt + r')\s*\(')
    member = re.compile(r'\(\s*\*\s*(' + alt + r')\s*\)\s*\(')
    found = set()
    for line in text_lines:
        for pattern in (top, member):
            m = pattern.search(line)
            if m:
                found.add(m.group(1))
    return found


def grep_tree(names, paths):
    """The names defined (as above) in the C sources under paths."""
    if not names or not paths:
        return set()
    alt = '|'.join(sorted(names))
    sp = '[[:space:]]'
    top = f'^(#{sp}*define{sp}+|[A-Za-z_][A-Za-z0-9_*[:space:]]*[*[:space:]])?({alt}){sp}*\\('
    member = f'\\({sp}*\\*{sp}*({alt}){sp}*\\){sp}*\\('
    run = subprocess.run(['grep', '-rhoE', '--include=*.c', '--include=*.h',
                          '-e', top, '-e', member] + [str(p) for p in paths],
                         capture_output=True, text=True, errors='replace')
    return definitions(names, run.stdout.splitlines())


def main():
    repo, tree = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    accept_sphinx()
    docs = sorted((repo / 'Documentation').rglob('*.rst'))
    ours = sorted(list(repo.glob('*.c')) + list(repo.glob('*.h')))
    our_lines = [line for f in ours for line in f.read_text(errors='replace').splitlines()]
    results = []
    failed = 0

    def tap(ok, text, details=()):
        nonlocal failed
        failed += not ok
        results.append(f'{"ok" if ok else "not ok"} {len(results) + 1} {text}')
        results.extend(f'# {d}' for d in details)

    if not docs:
        tap(True, 'documentation # SKIP no Documentation/*.rst in the repo')
    for doc in docs:
        rel = doc.relative_to(repo)
        text, empty = expand_kernel_doc(doc.read_text(), repo, tree)
        tap(not empty, f'{rel}: each kernel-doc :doc: section it includes has text',
            [f'scripts/kernel-doc finds no "DOC: {t}" in {p}' for p, t in empty])
        try:
            problems = parse(doc, text)
        except Exception as e:      # docutils gave up: that is a finding too
            problems = f'{type(e).__name__}: {e}'
        tap(not problems, f'{rel}: docutils parses it without warnings',
            problems.rstrip().splitlines())

        named = set(NAMED.findall(text))
        in_ours = definitions(named, our_lines) if named else set()
        rest = named - in_ours
        first = [tree / d for d in FIRST if (tree / d).is_dir()]
        in_tree = grep_tree(rest, first)
        if rest - in_tree:
            in_tree |= grep_tree(rest - in_tree, [tree])
        missing = sorted(rest - in_tree)
        counts = f'{len(named)} named: {len(in_ours)} in our files, {len(in_tree)} in the kernel tree'
        if missing:
            tap(False, f'{rel}: functions it names exist ({counts}); missing: '
                + ', '.join(f'{m}()' for m in missing),
                [f'{m}() is defined neither in {repo}/*.[ch] nor under {tree}' for m in missing])
        else:
            tap(True, f'{rel}: functions it names exist ({counts})')
    # The plan comes first: the verdict reads a plan as the start of a level.
    plan = sum(1 for r in results if not r.startswith('#'))
    print('\n'.join(['TAP version 13', f'1..{plan}'] + results))
    return 1 if failed else 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Exception:       # a crash is a failed check, not an empty log
        print('TAP version 13\n1..1\nnot ok 1 doccheck.py crashed')
        print('\n'.join('# ' + line for line in traceback.format_exc().splitlines()))
        sys.exit(1)
