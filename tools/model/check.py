#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Model-check the binder page life cycle: the model, then each mutation.

  check.py [--work DIR] [--tap FILE] [--tree DIR] [--jobs N] [--only NAME] [--deep] REPO
  check.py [--work DIR] --trail NAME REPO

For tools/model/binder_alloc.pml of REPO, with spin, gcc and pan:
 - steps.py: the functions named in the model's step comments exist;
 - the safety properties 1-7 and deadlock freedom, exhaustively (-DSAFETY),
   in both builds (per-VMA locks; the mmap_lock fallback): one pan run
   per build checks them all, and every step of the shrinker, the user,
   exit_mmap(), teardown and the senders must be reached (no vacuous
   pass);
 - the progress property 8 (ltl, weak fairness) in both builds;
 - every mutation must give a counterexample that violates the property
   it is meant to break (breadth-first for safety: the shortest trail).

Prints a table (states, depth, time, verdict per property and mutation)
and a closing line "N passed, N failed"; --tap FILE writes the results as
TAP there as well. --deep checks P1-P9 with two transactions of the first
sender instead (about 80 million states, 3 minutes and 6 GB a run; not
part of make test). Build artefacts (pan.c, pan, trails) go under DIR
(default $BA_CACHE/model, else ~/.cache/binder-alloc/model), one
directory per run. --trail NAME replays the counterexample of run NAME
(e.g. mutation-NO_CLAIM) from an earlier check, one line per step of a
process, with the model's step comment and the shared state it changed.
Exit status 1 if anything failed, 2 on bad usage or a
missing tool.
"""
import concurrent.futures
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent

PROPS = {
    1: 'page: no page freed while a slot or a PTE of ours maps it',
    2: 'noebusy: a PTE of ours maps only its slot\'s page (-EBUSY impossible)',
    3: 'mdata: no metadata used after free, freelist as expected',
    4: 'stable: an allocated buffer\'s slots never change',
    5: 'vma: nothing inserted into or zapped from a VMA not ours',
    6: 'live: no touch of the alloc (its mutex included) after its free',
    7: 'leak: after teardown every page and metadata object is freed',
    8: 'progress: user idle, alloc unmapped: the freelist empties',
    9: 'deadlock: every process ends or idles where it may',
    10: 'closed: nothing is inserted after close() (observation, not a property)',
}
BUILDS = [('per-VMA', []), ('mmap_lock', ['-DFALLBACK'])]

# name, what it re-creates, property it must break, spin defines
MUTATIONS = [
    ('UNLOCK_BEFORE_ZAP', 'shrinker drops the alloc mutex before the zap (reclaim vs reuse)',
     2, []),
    ('SKIP_FOREIGN', 'shrinker skips a page under a foreign VMA forever (stock/upstream leak)', 8,
     ['-DPROGRESS']),
    ('ZAP_FOREIGN', 'shrinker zaps whatever VMA it finds (impostor VMA)', 5, []),
    ('NO_CLAIM', 'install without the claim: publish unconditionally (issue 11, defect 1)', 4, []),
    ('NO_RECLAIMERS', 'no reclaimers count: teardown frees the alloc under a mutex_unlock() '
     '(issue 11, defect 2)', 6, []),
    ('NO_MAPPED_CHECK', 'install without binder_alloc_is_mapped(): after close()', 2, []),
    ('FREE_MAPPED', 'free without zapping while still mapped (no VMA found, mapped)', 1, []),
    ('SKIP_WITHOUT_END', 'the skip path forgets binder_alloc_reclaim_end(): teardown waits '
     'forever', 9, []),
    ('LEAK_ON_ERROR', 'a failed install forgets to free its page and metadata', 7, []),
    ('TEARDOWN_NO_LRU_DEL', 'teardown frees pages without taking them off the freelist', 3, []),
]
# Not bugs: facts about the design the model shows with a counterexample.
OBSERVATIONS = [
    ('INSERT_AFTER_CLOSE', 'vm_insert_page() after close() of another piece of our VMA is '
     'reachable (the mapped check is not atomic with the insert; harmless: P1-P9 hold)', 10,
     ['-DPROPS=2047']),
]
# Where the model may legitimately never get (anything else unreached in
# these processes fails the safety run).
MUST_REACH = ['shrinker', 'user', 'mmexit', 'teardown', 'sender', 'init']
ALLOWED_UNREACHED = {'sender': [
    '"p = 0"',                      # no free page frame: 3 are always enough
    '"ret = 1"',                    # -EBUSY from vm_insert_page(): P2 says never
    '"mm_users = (mm_users-1)"',    # the mmput_async() after -ENOMEM
]}

PAN_MEM = 2048      # MB, per pan run
HASH = 25           # -w: 2^25 slots


def early_failure(tap, text):
    """One clear line on stderr, and the same as a failed TAP result."""
    print(f'check.py: {text}', file=sys.stderr)
    if tap:
        tap.parent.mkdir(parents=True, exist_ok=True)
        tap.write_text(f'TAP version 13\n1..1\nnot ok 1 model: {text}\n'.replace('#', ''))
    return 2


class Run:
    def __init__(self, name, kind, defines, build='', prop=None, mutation=None, what=''):
        self.name, self.kind, self.defines, self.build = name, kind, defines, build
        self.ltl = '-DPROGRESS' in defines
        self.observation = False
        self.note = None
        self.prop, self.mutation, self.what = prop, mutation, what
        self.states = self.depth = None
        self.seconds = 0.0
        self.error = None         # (kind, property or None, text)
        self.trail = None         # steps in the trail
        self.cycle = None         # where an acceptance cycle starts
        self.complete = False
        self.unreached = {}
        self.problem = None       # a failure of the run itself
        self.dir = None


def run_pan(r, model, work):
    r.dir = work / r.name
    if r.dir.exists():
        shutil.rmtree(r.dir)
    r.dir.mkdir(parents=True)
    shutil.copy(model, r.dir / model.name)
    nice = ['nice', '-n', '10']
    spin = subprocess.run(nice + ['spin'] + r.defines + ['-a', model.name], cwd=r.dir,
                          capture_output=True, text=True)
    if spin.returncode or not (r.dir / 'pan.c').exists():
        r.problem = 'spin -a failed: ' + (spin.stdout + spin.stderr).strip()[-400:]
        return r
    cflags = ['-O2', '-w', f'-DMEMLIM={PAN_MEM}']
    args = [f'-w{HASH}', '-m400000']
    if r.ltl:
        cflags += ['-DCOLLAPSE', '-DNFAIR=3']
        args += ['-a', '-f', '-N', 'progress']
    elif r.kind == 'mutation':
        cflags += ['-DSAFETY', '-DBFS']
    else:
        cflags += ['-DSAFETY', '-DCOLLAPSE']
    (r.dir / 'spin.defines').write_text(' '.join(r.defines) + '\n')
    if not compile_and_run(r, cflags, args, nice):
        return r
    if r.kind == 'mutation' and not r.ltl and r.problem and r.problem.startswith('search not'):
        # Breadth-first search keeps every state: where a mutation is not
        # caught it runs out of memory. Settle it depth-first instead.
        r.problem = None
        r.note = 'depth-first (breadth-first ran out of memory)'
        compile_and_run(r, ['-O2', '-w', f'-DMEMLIM={PAN_MEM}', '-DSAFETY', '-DCOLLAPSE'],
                        args, nice)
    return r


def compile_and_run(r, cflags, args, nice):
    cc = subprocess.run(nice + ['gcc'] + cflags + ['-o', 'pan', 'pan.c'], cwd=r.dir,
                        capture_output=True, text=True)
    if cc.returncode:
        r.problem = 'gcc failed on pan.c: ' + cc.stderr.strip()[-400:]
        return False
    start = time.monotonic()
    pan = subprocess.run(nice + ['./pan'] + args, cwd=r.dir, capture_output=True, text=True)
    r.seconds += time.monotonic() - start
    out = pan.stdout + pan.stderr
    (r.dir / 'pan.out').write_text(out)
    parse(r, out)
    return True


def parse(r, out):
    m = re.search(r'(\d+) states, stored', out)
    r.states = int(m.group(1)) if m else None
    m = re.search(r'depth reached (\d+)', out)
    r.depth = int(m.group(1)) if m else None
    m = re.search(r'errors: (\d+)', out)
    errors = int(m.group(1)) if m else None
    if 'reached -DMEMLIM bound' in out or 'Search not completed' in out and not errors:
        r.problem = (f'search not completed (memory limit {PAN_MEM} MB?): '
                     f'see {r.dir}/pan.out')
        return
    if errors is None:
        r.problem = f'pan gave no result: see {r.dir}/pan.out'
        return
    r.complete = True
    if errors:
        m = re.search(r'assertion violated (.*) \(at depth (\d+)\)', out)
        if m:
            p = re.search(r'\(\(\d+>>(\d+)\)&1\)==0\)\)\s*$', m.group(1))
            r.error = ('assertion', int(p.group(1)) if p else None, m.group(1))
        elif 'acceptance cycle' in out:
            r.error = ('acceptance cycle', 8, 'the freelist never empties')
        elif 'invalid end state' in out:
            r.error = ('invalid end state', 9, 'a process is stuck')
        else:
            r.error = ('error', None, out.strip().splitlines()[0])
        trail = r.dir / 'binder_alloc.pml.trail'
        if trail.exists():
            n = 0
            for line in trail.read_text().splitlines():
                if line.startswith('-1:'):
                    r.cycle = n
                elif re.match(r'^\d+:', line):
                    n += 1
            r.trail = n
    for proc, body in re.findall(r'unreached in (?:proctype (\w+)|init)\n((?:\t.*\n)*)', out):
        lines = [line.strip() for line in body.splitlines()
                 if line.strip() and not line.strip().startswith('(')]
        r.unreached[proc or 'init'] = lines


ROLES = {0: 'init', 1: 'sender A', 2: 'sender B', 3: 'shrinker', 4: 'user', 5: 'mm exit',
         6: 'teardown'}
SHARED = re.compile(r'\b(slot|pte|vma|vwr|vrd|lru|lru_owner|mtx|mapped|reclaimers|alloc_freed|'
                    r'ref|md|mdi|balloc|bpg|mm_users|mm_dead|mmr|mmw|ourvma)\b')


def explain(run_dir, out=sys.stdout):
    """Print the trail of run_dir step by step; False if there is none."""
    model = run_dir / 'binder_alloc.pml'
    if not (run_dir / 'binder_alloc.pml.trail').exists():
        return False
    defines = []
    pan_out = run_dir / 'spin.defines'
    if pan_out.exists():
        defines = pan_out.read_text().split()
    src = model.read_text().splitlines()
    comment_at = {}
    last = ''
    for n, text in enumerate(src, 1):
        m = re.search(r'/\*\s*((?:C|mm|model):.*?)\s*(\*/|$)', text)
        if m:
            last = m.group(1)
        if re.match(r'^(inline|proctype|init)\b', text):
            last = ''
        comment_at[n] = last
    replay = subprocess.run(['spin', '-t', '-p'] + defines + [model.name], cwd=run_dir,
                            capture_output=True, text=True).stdout
    step = re.compile(r'^\s*(\d+):\s+proc\s+(\d+) \((\S+)\) \S+:(\d+) \(state \d+\)\s+\[(.*)\]$')
    prev, prev_key = None, None
    for line in replay.splitlines():
        m = step.match(line)
        if not m:
            if 'assertion violated' in line or 'START OF CYCLE' in line or \
                    'acceptance' in line or 'invalid end' in line:
                if prev:
                    print(prev, file=out)
                    prev = None
                print(f'    >>> {line.strip()}', file=out)
            continue
        n, pid, lineno, stmt = int(m.group(1)), int(m.group(2)), int(m.group(4)), m.group(5)
        if not SHARED.search(stmt) or stmt.startswith('assert('):
            continue
        who = ROLES.get(pid, m.group(3))
        where = comment_at.get(lineno, '')
        head = f'{n:5} {who:<9} {where[:60]:<60} '
        if prev and prev_key == (who, where):
            prev += f'; {stmt}'
            continue
        if prev:
            print(prev, file=out)
        prev, prev_key = head + stmt, (who, where)
    if prev:
        print(prev, file=out)
    return True


def fmt_states(n):
    return '-' if n is None else f'{n:,}'


def trail_text(r):
    text = f'trail {r.trail} steps'
    if r.cycle is not None:
        text += f', cycle from step {r.cycle}'
    return text


def rows_for(r):
    """(ok, label, build, verdict, diagnostics) per property the run checks.

    ok is True, False or None (not established: a TAP skip)."""
    rows = []
    if r.kind in ('safety', 'progress'):
        props = [1, 2, 3, 4, 5, 6, 7, 9] if r.kind == 'safety' else [8]
        vacuous = []
        if r.kind == 'safety' and r.complete:
            vacuous = [f'{p}: {s}' for p in MUST_REACH for s in r.unreached.get(p, [])
                       if not any(s.endswith(ok) for ok in ALLOWED_UNREACHED.get(p, []))]
        for p in props:
            label = f'P{p} {PROPS[p].split(":")[0]}'
            replay = (f'step by step: python3 tools/model/check.py --work {r.dir.parent} '
                      f'--trail {r.name} .')
            if r.problem:
                rows.append((False, label, r.build, 'not checked', [r.problem]))
            elif r.error and r.error[1] == p:
                rows.append((False, label, r.build, f'VIOLATED, {trail_text(r)}',
                             [r.error[2], replay]))
            elif r.error:
                rows.append((None, label, r.build, 'not established: the run stopped at '
                             'another counterexample', []))
            elif vacuous:
                rows.append((False, label, r.build, 'vacuous: model steps never reached',
                             [f'unreached: {v}' for v in vacuous]))
            else:
                rows.append((True, label, r.build, 'holds', []))
    else:
        label = f'{"observation" if r.observation else "mutation"} {r.mutation}'
        if r.problem:
            rows.append((False, label, r.build, 'not checked', [r.problem]))
        elif not r.error:
            rows.append((False, label, r.build, 'NO COUNTEREXAMPLE: ' +
                         ('the model no longer shows this' if r.observation else
                          'the model misses this bug'), [r.what] + ([r.note] if r.note else [])))
        elif r.error[1] != r.prop:
            got = f'P{r.error[1]}' if r.error[1] else r.error[0]
            rows.append((False, label, r.build, f'counterexample breaks {got}, not P{r.prop}',
                         [r.what, r.error[2]]))
        else:
            rows.append((True, label, r.build,
                         f'{"shown" if r.observation else "caught"} by P{r.prop} '
                         f'{PROPS[r.prop].split(":")[0]}, {trail_text(r)}', []))
    return rows


def main(argv):
    work = tree = tap = only = None
    jobs, args, deep, trail = 2, [], False, None
    it = iter(argv)
    for a in it:
        if a == '--deep':
            deep = True
        elif a in ('--work', '--tap', '--tree', '--jobs', '--only', '--trail'):
            v = next(it, None)
            if v is None:
                print(f'check.py: {a} needs a value', file=sys.stderr)
                return 2
            if a == '--work':
                work = pathlib.Path(v)
            elif a == '--tap':
                tap = pathlib.Path(v)
            elif a == '--tree':
                tree = v
            elif a == '--only':
                only = v
            elif a == '--trail':
                trail = v
            elif not v.isdigit() or int(v) < 1:
                print(f'check.py: --jobs {v}: want a number, at least 1', file=sys.stderr)
                return 2
            else:
                jobs = int(v)
        elif a.startswith('-'):
            print(f'check.py: unknown option {a}; usage: '
                  + __doc__.strip().splitlines()[2].strip(), file=sys.stderr)
            return 2
        else:
            args.append(a)
    if len(args) != 1:
        print('usage: ' + __doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    repo = pathlib.Path(args[0]).resolve()
    model = repo / 'tools/model/binder_alloc.pml'
    if not model.is_file():
        return early_failure(tap, f'no model at {model}: give the repository as REPO')
    for tool, pkg in [('spin', 'spin'), ('gcc', 'gcc'), ('nice', 'coreutils')]:
        if not shutil.which(tool):
            return early_failure(tap, f'{tool} not found: install it with '
                                 f'apt-get install -y {pkg} (or make deps)')
    if work is None:
        cache = os.environ.get('BA_CACHE') or os.path.expanduser('~/.cache/binder-alloc')
        work = pathlib.Path(cache) / 'model'
    if trail:
        if not explain(work / trail):
            print(f'check.py: no trail in {work / trail}: run check.py first; the runs with a '
                  f'counterexample are the mutation-* and observe-* ones', file=sys.stderr)
            return 2
        return 0
    work.mkdir(parents=True, exist_ok=True)

    global PAN_MEM, HASH
    if deep:
        PAN_MEM, HASH = 8192, 27
    runs = []
    for build, defs in BUILDS:
        defs = defs + (['-DROUNDS0=2'] if deep else [])
        build = build + (' x2' if deep else '')
        tag = 'pervma' if not defs else 'mmap'
        runs.append(Run(f'safety-{tag}', 'safety', defs, build))
        runs.append(Run(f'progress-{tag}', 'progress', defs + ['-DPROGRESS'], build))
    for name, what, prop, defs in MUTATIONS if not deep else []:
        runs.append(Run(f'mutation-{name}', 'mutation', defs + [f'-DMUTATION_{name}'],
                        'per-VMA', prop, name, what))
    for name, what, prop, defs in OBSERVATIONS if not deep else []:
        r = Run(f'observe-{name}', 'mutation', defs + [f'-DOBSERVE_{name}'], 'per-VMA', prop,
                name, what)
        r.observation = True
        runs.append(r)
    if only:
        runs = [r for r in runs if only in r.name]
        if not runs:
            print(f'check.py: --only {only}: no run of that name', file=sys.stderr)
            return 2

    started = time.monotonic()
    results = []
    # steps first: it is instant, and says what to fix when the code moved
    step_argv = [str(repo), str(model)] + (['--tree', tree] if tree else [])
    step_out = subprocess.run([sys.executable, str(HERE / 'steps.py')] + step_argv,
                              capture_output=True, text=True)
    for line in step_out.stdout.splitlines():
        m = re.match(r'^(not ok|ok) \d+ (.*?)(?: # SKIP (.*))?$', line)
        if m:
            ok = None if m.group(3) else m.group(1) == 'ok'
            verdict = (f'skipped: {m.group(3)}' if m.group(3) else
                       'ok' if ok else 'FAILED')
            results.append([ok, m.group(2), '-', verdict, None, []])
        elif line.startswith('# ') and results:
            results[-1][5].append(line[2:])
    if step_out.returncode not in (0, 1):
        results.append([False, 'steps.py', '-', 'crashed', None,
                        (step_out.stderr or step_out.stdout).strip().splitlines()[-3:]])

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        done = list(pool.map(lambda r: run_pan(r, model, work), runs))
    for r in done:
        for ok, label, build, verdict, diags in rows_for(r):
            results.append([ok, label, build, verdict, r, diags])
    total = time.monotonic() - started

    version = subprocess.run(['spin', '-V'], capture_output=True, text=True).stdout.strip()
    print(f'binder_alloc page life cycle model: {model.relative_to(repo)} ({version})')
    w = max(len(x[1]) for x in results if x[4]) + 2
    print(f'{"check":<{w}}{"build":<11}{"states":>12}{"depth":>7}{"time":>8}  verdict')
    print(f'{"-" * (w - 2)}  {"-" * 9}  {"-" * 10}  {"-" * 5}  {"-" * 6}  {"-" * 7}')
    for ok, label, build, verdict, r, diags in results:
        if r is None:       # steps: a line of its own
            print(f'{label}: {verdict}')
        else:
            states = fmt_states(r.states)
            depth = str(r.depth) if r.depth is not None else '-'
            print(f'{label:<{w}}{build:<11}{states:>12}{depth:>7}{r.seconds:>7.1f}s  {verdict}')
        for d in diags:
            print(f'    {d}')
    print()
    for p, text in PROPS.items():
        print(f'  P{p} {text}')
    for name, what, prop, defs in MUTATIONS:
        print(f'  mutation {name}: {what}')
    for name, what, prop, defs in OBSERVATIONS:
        print(f'  observation {name}: {what}')
    print(f'One pan run per build checks P1-P7 and P9 together (those rows share its numbers);')
    print(f'mutation trails are breadth-first, so shortest. Artefacts and trails: {work}')
    print(f'total {total:.1f}s wall, jobs {jobs}')

    passed = sum(1 for x in results if x[0] is True)
    failed = sum(1 for x in results if x[0] is False)
    if tap:
        lines = ['TAP version 13', f'1..{len(results)}']
        for n, (ok, label, build, verdict, r, diags) in enumerate(results, 1):
            what = label
            if r is not None:
                desc = r.what if r.mutation else PROPS[int(label.split()[0][1:])]
                what = f'{label} [{build} build] {desc}'
            stats = (f' ({fmt_states(r.states)} states, depth {r.depth}, {r.seconds:.1f} s)'
                     if r is not None and r.states is not None else '')
            text = (f'{what}: {verdict}{stats}' if r is not None else what).replace('#', '')
            if ok is None:
                lines.append(f'ok {n} {text} # SKIP {verdict.replace("skipped: ", "")}')
            else:
                lines.append(f'{"ok" if ok else "not ok"} {n} {text}')
            lines += [f'# {d}' for d in diags]
        tap.parent.mkdir(parents=True, exist_ok=True)
        tap.write_text('\n'.join(lines) + '\n')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception:       # a crash is a failed check, not an empty log
        import traceback
        text = traceback.format_exc()
        print(text, file=sys.stderr)
        if '--tap' in sys.argv[1:-1]:
            out = pathlib.Path(sys.argv[sys.argv.index('--tap') + 1])
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text('TAP version 13\n1..1\nnot ok 1 model: check.py crashed\n'
                           + ''.join(f'# {line}\n' for line in text.splitlines()))
        sys.exit(1)
