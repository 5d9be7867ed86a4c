#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the functions the model's step comments name still exist.

  steps.py [--tree DIR] [--list] REPO [MODEL]

A step comment of tools/model/binder_alloc.pml is /* C: ... */ or
/* mm: ... */; every name() in it is a function the step models.

 - C: a name starting with binder_ must be defined (or declared, or be a
   function-like macro) in REPO's binder_alloc.c, binder_shrinker.c or
   binder_alloc.h; any other name (a kernel function such as
   mutex_trylock()) must be called from the code of those files, comments
   and strings left out. A function that is gone from them fails.
 - mm: the name must be defined somewhere under DIR (the kernel tree) when
   --tree is given; without it these are not checked.

Prints one TAP line for each kind; --list prints every step instead.
Exit status 1 if a name is missing.
"""
import pathlib
import re
import subprocess
import sys

OURS = ['binder_alloc.c', 'binder_shrinker.c', 'binder_alloc.h']
STEP = re.compile(r'/\*\s*(C|mm):(.*?)\*/', re.S)
NAME = re.compile(r'\b([A-Za-z_][A-Za-z0-9_]*)\(\)')
CONTEXT = re.compile(r'^(?:inline|proctype)\s+(\w+)|^init\b', re.M)


def strip_c(text):
    """C source without comments and string or character literals."""
    out = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    out = re.sub(r'//[^\n]*', '', out)
    return re.sub(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', '""', out)


def steps(model_text):
    """(kind, names, text, context, line) for each step comment."""
    found = []
    for m in STEP.finditer(model_text):
        line = model_text.count('\n', 0, m.start()) + 1
        ctx = None
        for c in CONTEXT.finditer(model_text, 0, m.start()):
            ctx = c.group(1) or 'init'
        text = ' '.join(m.group(2).split())
        found.append((m.group(1), NAME.findall(text), text, ctx, line))
    return found


def defined(name, code):
    """Is name defined, declared or a function-like macro in code?"""
    n = re.escape(name)
    return bool(re.search(r'^\s*#\s*define\s+' + n + r'\(', code, re.M) or
                re.search(r'^(?:[A-Za-z_][\w \t*]*[ \t*])?' + n + r'\s*\(', code, re.M))


def called(name, code):
    return bool(re.search(r'(?<![\w.>])' + re.escape(name) + r'\s*\(', code))


def in_tree(names, tree):
    """The names defined (definition, prototype or macro) under tree."""
    if not names:
        return set()
    alt = '|'.join(sorted(names))
    sp = '[[:space:]]'
    pattern = f'^(#{sp}*define{sp}+|[A-Za-z_][A-Za-z0-9_*[:space:]]*[*[:space:]])?({alt}){sp}*\\('
    run = subprocess.run(['grep', '-rhoE', '--include=*.c', '--include=*.h', '-e', pattern,
                          str(tree / 'mm'), str(tree / 'include'), str(tree / 'kernel')],
                         capture_output=True, text=True, errors='replace')
    return {n for n in names if re.search(r'\b' + re.escape(n) + r'\s*\(', run.stdout)}


def main(argv):
    tree, listing, args = None, False, []
    it = iter(argv)
    for a in it:
        if a == '--tree':
            tree = pathlib.Path(next(it, ''))
        elif a == '--list':
            listing = True
        else:
            args.append(a)
    if not args or len(args) > 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    repo = pathlib.Path(args[0])
    model = pathlib.Path(args[1]) if len(args) > 1 else repo / 'tools/model/binder_alloc.pml'
    if not model.is_file():
        print(f'steps.py: no model at {model}', file=sys.stderr)
        return 2
    files = [repo / f for f in OURS if (repo / f).is_file()]
    if not files:
        print(f'steps.py: none of {", ".join(OURS)} in {repo}: give the repository as REPO',
              file=sys.stderr)
        return 2
    code = {f.name: strip_c(f.read_text(errors='replace')) for f in files}
    all_code = '\n'.join(code.values())

    found = steps(model.read_text())
    if listing:
        for kind, names, text, ctx, line in found:
            print(f'{model.name}:{line}: {ctx}: {kind}: {text}')
        return 0

    c_names = sorted({n for k, names, *_ in found if k == 'C' for n in names})
    mm_names = sorted({n for k, names, *_ in found if k == 'mm' for n in names})
    missing = []
    for n in c_names:
        ok = defined(n, all_code) if n.startswith('binder_') else called(n, all_code)
        if not ok:
            where = [line for kind, names, text, ctx, line in found if n in names]
            what = 'defined' if n.startswith('binder_') else 'called'
            missing.append(f'{n}() (model line {", ".join(map(str, where))}) is not {what} '
                           f'in {", ".join(code)}')
    failed = bool(missing)
    lines = []
    ours = ', '.join(code)
    if missing:
        lines.append(f'not ok 1 steps: {len(missing)} of the {len(c_names)} C functions '
                     f'the model names are gone from {ours}')
        lines += [f'# {m}' for m in missing]
        lines.append('# update the model (and its step comments) to the code, '
                     'or the code to the model')
    else:
        lines.append(f'ok 1 steps: the {len(c_names)} C functions the model names exist '
                     f'in {ours}')
    if tree is None or not (tree / 'mm').is_dir():
        why = 'no kernel tree given' if tree is None else f'no kernel tree at {tree}'
        lines.append(f'ok 2 steps: mm functions the model names # SKIP {why}')
    else:
        gone = sorted(set(mm_names) - in_tree(set(mm_names), tree))
        if gone:
            failed = True
            lines.append(f'not ok 2 steps: mm functions the model names: missing under {tree}: '
                         + ', '.join(f'{n}()' for n in gone))
        else:
            lines.append(f'ok 2 steps: the {len(mm_names)} mm functions the model names '
                         f'exist in the kernel tree')
    print('\n'.join(lines))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
