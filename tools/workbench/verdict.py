#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge workbench logs: count TAP results, find kernel splats, say so.

  verdict.py [--tap NAME=LOG] [--console NAME=LOG] [--boot NAME=LOG] ...

--tap      a TAP stream (static checks, parser self-tests)
--console  kernel output: KUnit (K)TAP and splats (UML KUnit)
--boot     a QEMU console from tools/workbench/init: KUnit before BA-INIT,
           then one BA-SUITE-BEGIN/END section per kselftest program, and
           BA-DONE at the end

Any failed test, missing result, splat or unfinished boot fails the run.
The last line is "N passed, N failed, N skipped"; the exit status is 1 if
anything failed.
"""
import re
import sys

TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\] ?')
RESULT = re.compile(r'^(\s*)(not ok|ok)\b\s*\d*\s*(?:- )?([^#]*?)\s*'
                    r'(?:#\s*(SKIP|TODO)\b\s*(.*))?$', re.IGNORECASE)
PLAN = re.compile(r'^(\s*)1\.\.(\d+)\s*(#.*)?$')
VERSION = re.compile(r'^(\s*)K?TAP version \d+')
SUITE_BEGIN = re.compile(r'^BA-SUITE-BEGIN (\S+)')
SUITE_END = re.compile(r'^BA-SUITE-END (\S+) rc=(\d+)')
WORKBENCH = re.compile(r'^BA-WORKBENCH: (TIMEOUT|FAILED)\b.*')

# (kind, pattern) in order: the first match names the splat.
SPLATS = [(kind, re.compile(pat)) for kind, pat in [
    ('KASAN', r'BUG: KASAN:'),
    ('KCSAN', r'BUG: KCSAN:'),
    ('lockdep', r'WARNING: (possible (circular|recursive) locking|inconsistent lock state'
                r'|possible irq lock inversion|bad unlock balance|held lock freed'
                r'|lock held when returning|nested lock|suspicious RCU usage'
                r'|.*lock.* detected)'),
    ('lockdep', r'INFO: (possible (circular|recursive) locking|inconsistent lock state)'),
    ('hung task', r'INFO: task \S+ blocked for more than \d+ seconds'),
    ('RCU stall', r'rcu: INFO: |rcu_(sched|preempt) self-detected stall|rcu_(sched|preempt) detected stalls'),
    ('kmemleak', r'unreferenced object 0x[0-9a-f]+'),
    ('UBSAN', r'UBSAN: '),
    ('general protection fault', r'general protection fault'),
    ('kernel BUG', r'kernel BUG at '),
    ('Oops', r'\bOops\b'),
    ('Kernel panic', r'Kernel panic'),
    ('BUG', r'\bBUG: '),
    ('WARNING', r'\bWARNING: '),
]]
CONTEXT = 8


class Suite:
    def __init__(self, name):
        self.name = name
        self.passed = self.failed = self.skipped = 0
        self.problems = []
        self.frames = []        # open TAP levels: [indent, plan, count, failed_before]
        self.results = 0
        self.recent = []        # the last diagnostics, shown with a failure

    def problem(self, text):
        self.problems.append(text)
        self.failed += 1

    def _close_deeper(self, indent):
        """Close the TAP levels nested deeper than indent; True if any had results."""
        had_children = reported = False
        while self.frames and self.frames[-1][0] > indent:
            reported = self._close(self.frames.pop(), reported)
            had_children = True
        return had_children

    def _close(self, frame, reported=False):
        """Check a level's plan; once per chain of unfinished levels."""
        indent, plan, count, _ = frame
        if plan is not None and count < plan:
            if not reported:
                self.problem(f'expected {plan} results, got {count} (crash or hang?)')
            return True
        return reported

    def line(self, text):
        m = VERSION.match(text)
        if m:
            self._close_deeper(len(m.group(1)) - 1)
            return
        m = PLAN.match(text)
        if m:
            indent = len(m.group(1))
            self._close_deeper(indent)
            if self.frames and self.frames[-1][0] == indent:
                self._close(self.frames.pop())
            self.frames.append([indent, int(m.group(2)), 0, self.failed])
            return
        if text.lstrip().startswith('#'):
            self.recent = (self.recent + [text.strip()])[-6:]
            return
        m = RESULT.match(text)
        if m:
            self.result(len(m.group(1)), m.group(2).lower() == 'ok', m.group(3),
                        (m.group(4) or '').upper(), m.group(5) or '')

    def result(self, indent, ok, name, directive, reason):
        failed_before = self.frames[-1][3] if self.frames and self.frames[-1][0] > indent \
            else self.failed
        had_children = self._close_deeper(indent)
        if not self.frames or self.frames[-1][0] < indent:
            self.frames.append([indent, None, 0, self.failed])
        self.frames[-1][2] += 1
        self.results += 1
        if had_children:        # a suite's summary line: its tests were counted
            if not ok and self.failed == failed_before:
                self.problem(f'not ok {name}')
        elif directive == 'SKIP' or directive == 'TODO':
            self.skipped += 1
        elif ok:
            self.passed += 1
        else:
            self.failed += 1
            self.problems.append('\n      '.join([f'not ok {name}'] + self.recent))
        self.recent = []

    def finish(self, rc=None):
        self._close_deeper(-1)
        if rc is not None and rc != 0 and self.failed == 0:
            self.problem(f'exited with status {rc}')
        elif rc == 0 and self.results == 0:
            self.passed += 1    # a program that prints no TAP: its status is its result


def find_splats(lines):
    """One splat per report: lines within the context of the last one belong to it."""
    splats = []
    for i, text in enumerate(lines):
        if splats and i < splats[-1][1] + CONTEXT:
            continue
        for kind, pattern in SPLATS:
            if pattern.search(text):
                splats.append((kind, i, lines[i:i + CONTEXT]))
                break
    return splats


def read(path):
    with open(path, errors='replace') as f:
        return [TIMESTAMP.sub('', line.rstrip('\r\n')) for line in f]


def judge_tap(name, lines):
    suite = Suite(name)
    detail = 0      # diagnostics shown under a failure
    for text in lines:
        if WORKBENCH.match(text):
            suite.problem(text)
            continue
        failures = len(suite.problems)
        suite.line(text)
        if len(suite.problems) > failures:
            detail = 0
        elif text.startswith('#') and suite.problems and detail < 12:
            suite.problems[-1] += '\n      ' + text
            suite.recent = []
            detail += 1
    suite.finish()
    return [suite]


def judge_boot(name, lines, boot):
    """Split a console log into its suites; splats are judged separately."""
    suites = [Suite(f'{name}/kunit')]
    current, done = suites[0], False
    for text in lines:
        if text.startswith('BA-'):
            begin, end = SUITE_BEGIN.match(text), SUITE_END.match(text)
            if begin:
                current.finish()
                current = Suite(f'{name}/{begin.group(1)}')
                suites.append(current)
            elif end:
                current.finish(int(end.group(2)))
                current = Suite(f'{name}/(between suites)')
                suites.append(current)
            elif text.startswith('BA-INIT'):
                current.finish()
                current = Suite(f'{name}/(init)')
                suites.append(current)
            elif text.startswith('BA-DONE'):
                done = True
            elif WORKBENCH.match(text):
                current.problem(text)
            continue
        current.line(text)
    if current is suites[0] or current.name.endswith(')'):
        current.finish()
    else:
        current.problem('did not finish: no BA-SUITE-END')
    suites = [s for s in suites if s.results or s.problems or s.passed]
    if boot and not done:
        if not suites:
            suites.append(Suite(name))
        suites[-1].problems.append('the boot ended before init finished; last console lines:\n'
                                   + '\n'.join('      | ' + t for t in lines[-30:]))
        suites[-1].failed += 1
    return suites


def main(argv):
    suites, splats = [], []
    args = list(argv)
    if not args or len(args) % 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for kind, spec in zip(args[::2], args[1::2]):
        name, _, path = spec.partition('=')
        if kind not in ('--tap', '--console', '--boot') or not path:
            print(f'verdict.py: bad argument {kind} {spec}', file=sys.stderr)
            return 2
        try:
            lines = read(path)
        except OSError:
            missing = Suite(name)
            missing.problem(f'no log {path}: the step did not run or failed early (see above)')
            suites.append(missing)
            continue
        if kind == '--tap':
            suites += judge_tap(name, lines)
        else:
            suites += judge_boot(name, lines, kind == '--boot')
            splats += [(name, *s) for s in find_splats(lines)]

    print('== verdict')
    width = max(len(s.name) for s in suites)
    for s in suites:
        print(f'  {s.name:<{width}}  {s.passed:4} passed, {s.failed:3} failed, '
              f'{s.skipped:3} skipped')
        for p in s.problems[:20]:
            print(f'    FAIL: {p}')
        if len(s.problems) > 20:
            print(f'    ... and {len(s.problems) - 20} more')
    shown = {}
    for name, kind, i, context in splats:
        shown[kind] = shown.get(kind, 0) + 1
        if shown[kind] <= 3:
            print(f'  SPLAT {kind} in {name} log, line {i + 1}:')
            for text in context:
                print(f'      | {text}')
    for kind, count in shown.items():
        if count > 3:
            print(f'  ... {count} {kind} splats in all')
    passed = sum(s.passed for s in suites)
    failed = sum(s.failed for s in suites) + len(splats)
    skipped = sum(s.skipped for s in suites)
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
