#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge workbench logs: count TAP results, find kernel splats, say so.

  verdict.py [--tap NAME=LOG] [--console NAME=LOG] [--boot NAME=LOG] ...

--tap      a TAP stream (static checks, parser self-tests)
--console  kernel output: KUnit (K)TAP and splats (UML KUnit)
--boot     a QEMU console from tools/workbench/init: KUnit before BA-INIT,
           then one BA-SUITE-BEGIN/END section per kselftest program, and
           BA-DONE at the end

The (K)TAP itself is parsed by the kernel's own parser,
tools/testing/kunit/kunit_parser.py of $PRISTINE (or $KUNIT_DIR). What it
does not know is here: the sections and markers of our consoles, exit
statuses, kernel splats, whether the boot finished.

Any failed test, missing result, splat or unfinished boot fails the run.
The last line is "N passed, N failed, N skipped"; the exit status is 1 if
anything failed.
"""
import io
import os
import re
import sys

KUNIT_DIR = os.environ.get('KUNIT_DIR') or os.path.join(
    os.environ.get('PRISTINE', ''), 'tools', 'testing', 'kunit')
sys.path.insert(0, KUNIT_DIR)
try:
    import kunit_parser
    import kunit_printer
except ImportError:
    sys.exit(f'verdict.py: no kunit_parser.py in {KUNIT_DIR}: run make tree, or set KUNIT_DIR')
from kunit_parser import TestStatus  # noqa: E402

# kunit_parser prints its own report as it parses: we print ours.
kunit_parser.stdout = kunit_printer.Printer(io.StringIO())

TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\] ?')
SUITE_BEGIN = re.compile(r'^BA-SUITE-BEGIN (\S+)')
SUITE_END = re.compile(r'^BA-SUITE-END (\S+) rc=(\d+)')
WORKBENCH = re.compile(r'^BA-WORKBENCH: (TIMEOUT|FAILED)\b.*')
# run_kselftest.sh: "# selftests: DIR: PROG", the program's output with
# "# " before every line, then the runner's own result for the program
RUNNER_BEGIN = re.compile(r'^# selftests: \S+: \S+$')
RUNNER_END = re.compile(r'^(not )?ok \d+ selftests: \S+: \S+')

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
    """The counts and failures of one log, or one section of a console."""

    def __init__(self, name):
        self.name = name
        self.passed = self.failed = self.skipped = self.results = 0
        self.problems = []
        self.log = None

    def problem(self, text):
        self.problems.append(text)
        self.failed += 1


class StuckStream(Exception):
    """The parser looked at the same line again and again (it loops on
    some malformed streams, such as a plan after the results)."""


def guard(stream):
    """Make kunit_parser's LineStream raise StuckStream instead of looping."""
    peek, pop, seen = stream.peek, stream.pop, [0]

    def guarded_peek():
        seen[0] += 1
        if seen[0] > 1000:
            raise StuckStream(stream.line_number())
        return peek()

    def guarded_pop():
        seen[0] = 0
        return pop()
    stream.peek, stream.pop = guarded_peek, guarded_pop
    return stream


def failure_text(test, after):
    """"not ok NAME" with the diagnostics before it and those right after."""
    before = [t.strip() for t in test.log if t.lstrip().startswith('#')][-6:]
    following = []
    for t in after:
        if not t.lstrip().startswith('#') or len(following) == 12:
            break
        following.append(t.strip())
    return '\n      '.join([f'not ok {test.name}'] + before + following)


def add_tests(suite, test, trailing):
    """Count the subtests of test (a parsed kunit_parser.Test) into suite;
    trailing: a failure's diagnostics follow it (our scripts' TAP), rather
    than precede it (kselftest, KUnit)."""
    subs = test.subtests
    missing = sum(1 for s in subs if not s.name and s.status == TestStatus.TEST_CRASHED)
    if missing:
        suite.problem(f'expected {test.expected_count} results, got {len(subs) - missing}'
                      ' (crash or hang?)')
    for i, sub in enumerate(subs):
        if not sub.name and sub.status == TestStatus.TEST_CRASHED:
            continue
        suite.results += 1
        if sub.subtests:
            failed_before = suite.failed
            add_tests(suite, sub, trailing)
            # a suite's summary line: its tests were counted
            if not sub.ok_status() and suite.failed == failed_before:
                suite.problem(f'not ok {sub.name}')
        elif sub.status == TestStatus.SKIPPED:
            suite.skipped += 1
        elif sub.status == TestStatus.SUCCESS:
            suite.passed += 1
        else:
            after = test.log if i + 1 == len(subs) else subs[i + 1].log
            suite.failed += 1
            suite.problems.append(failure_text(sub, after if trailing else []))


def unnest_runner(lines):
    """The program's TAP that run_kselftest.sh prefixed with "# ", as TAP:
    kunit_parser reads it as the subtests of the runner's result line,
    so that a program's tests count one by one, as when it runs alone.
    A "# Subtest:" line names it, so that the runner's result ends it
    even when the program's own results stop short (a timeout)."""
    out, name = [], None
    for text in lines:
        if RUNNER_BEGIN.match(text):
            name = text[2:]
        elif RUNNER_END.match(text):
            name = None
        elif name and text.startswith('#'):
            text = text[2:]
            if kunit_parser.TAP_START.match(text) or kunit_parser.KTAP_START.match(text):
                out += [text, f'# Subtest: {name}']
                continue
        out.append(text)
    return out


def judge_section(name, lines, rc=None, trailing=False):
    """One TAP stream (and what surrounds it); rc: the program's exit status."""
    suite = Suite(name)
    lines = unnest_runner(lines)
    if not any(kunit_parser.KTAP_START.match(t) or kunit_parser.TAP_START.match(t)
               for t in lines) and any(kunit_parser.TEST_RESULT.match(t) for t in lines):
        lines = ['TAP version 13'] + lines      # results without a header
    stream = guard(kunit_parser.extract_tap_lines(lines))
    if stream:
        try:
            add_tests(suite, kunit_parser.parse_test(stream, 0, [], False), trailing)
        except StuckStream as e:
            suite.problem(f'unparseable TAP at line {e.args[0]} of the section')
        except ValueError as e:     # kunit_parser: "going past EOF"
            suite.problem(f'unparseable TAP: {e}')
    if rc is not None and rc != 0 and suite.failed == 0:
        suite.problem(f'exited with status {rc}')
    elif rc == 0 and suite.results == 0:
        suite.passed += 1       # a program that prints no TAP: its status is its result
    return suite


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
    suite = judge_section(name, [t for t in lines if not WORKBENCH.match(t)], trailing=True)
    for text in lines:
        if WORKBENCH.match(text):
            suite.problem(text)
    return [suite]


def judge_boot(name, lines, boot):
    """Split a console log into its sections; splats are judged separately."""
    suites, problems = [], []
    current, section, done = f'{name}/kunit', [], False

    def close(rc=None):
        suites.append(judge_section(current, section, rc))
        for p in problems:
            suites[-1].problem(p)
        section.clear()
        problems.clear()
    for text in lines:
        if not text.startswith('BA-'):
            section.append(text)
            continue
        begin, end = SUITE_BEGIN.match(text), SUITE_END.match(text)
        if begin:
            close()
            current = f'{name}/{begin.group(1)}'
        elif end:
            close(int(end.group(2)))
            current = f'{name}/(between suites)'
        elif text.startswith('BA-INIT'):
            close()
            current = f'{name}/(init)'
        elif text.startswith('BA-DONE'):
            done = True
        elif WORKBENCH.match(text):
            problems.append(text)
    in_suite = not current.endswith(')') and current != f'{name}/kunit'
    if in_suite:
        problems.append('did not finish: no BA-SUITE-END')
    close()
    suites = [s for s in suites if s.results or s.problems or s.passed]
    if boot and not done:
        if not suites:
            suites.append(Suite(name))
        suites[-1].problem('the boot ended before init finished; last console lines:\n'
                           + '\n'.join('      | ' + t for t in lines[-30:]))
    return suites


def judge_log(kind, name, path):
    """The suites and splats of one log; a missing log is a failed suite."""
    try:
        lines = read(path)
    except OSError:
        missing = Suite(name)
        missing.problem(f'no log {path}: the step did not run or failed early (see above)')
        return [missing], []
    if kind == '--tap':
        suites, splats = judge_tap(name, lines), []
    else:
        suites = judge_boot(name, lines, kind == '--boot')
        splats = [(name, *s) for s in find_splats(lines)]
    for s in suites:
        s.log = path
    return suites, splats


def print_suites(suites):
    width = max(len(s.name) for s in suites)
    for s in suites:
        print(f'  {s.name:<{width}}  {s.passed:4} passed, {s.failed:3} failed, '
              f'{s.skipped:3} skipped')
        for p in s.problems[:20]:
            print(f'    FAIL: {p}')
        if len(s.problems) > 20:
            print(f'    ... and {len(s.problems) - 20} more')
        if s.problems and s.log:
            print(f'    log: {s.log}')


def print_splats(splats):
    """Each splat with its context, the first three of each kind."""
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
        judged, found = judge_log(kind, name, path)
        suites += judged
        splats += found

    print('== verdict')
    print_suites(suites)
    print_splats(splats)
    passed = sum(s.passed for s in suites)
    failed = sum(s.failed for s in suites) + len(splats)
    skipped = sum(s.skipped for s in suites)
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
