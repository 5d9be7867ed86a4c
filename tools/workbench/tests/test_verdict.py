#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Self-tests of verdict.py on saved console logs; prints TAP.

logs/x86-clean.log and logs/uml-clean.log are real consoles of passing runs.
Each file in splats/ is a real-format splat; a test splices it into the
clean x86 log, inside a kselftest section, and expects a failure naming it.
"""
import contextlib
import io
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import verdict  # noqa: E402

CLEAN = os.path.join(HERE, 'logs', 'x86-clean.log')
UML_CLEAN = os.path.join(HERE, 'logs', 'uml-clean.log')
SPLAT_KINDS = {
    'kasan': 'KASAN', 'lockdep': 'lockdep', 'rcu_lockdep': 'lockdep',
    'warning': 'WARNING', 'sleep_in_atomic': 'BUG', 'oops': 'BUG',
    'kernel_bug': 'kernel BUG', 'gpf': 'general protection fault',
    'panic': 'Kernel panic', 'kmemleak': 'kmemleak', 'hung_task': 'hung task',
    'rcu_stall': 'RCU stall', 'ubsan': 'UBSAN', 'kcsan': 'KCSAN',
}


def lines_of(path):
    with open(path) as f:
        return f.read().splitlines(keepends=True)


def run(*args, text=None, kind='--boot'):
    """verdict.main() on the given logs (or on text); returns (status, output)."""
    with tempfile.TemporaryDirectory() as tmp:
        if text is not None:
            path = os.path.join(tmp, 'console.log')
            with open(path, 'w') as f:
                f.write(''.join(text))
            args = (kind, f'x86-test={path}') + args
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = verdict.main(list(args))
    return status, out.getvalue()


def last_line(output):
    return output.rstrip('\n').split('\n')[-1]


def splice(lines, extra, after='BA-SUITE-BEGIN binderfs'):
    i = next(i for i, t in enumerate(lines) if after in t)
    return lines[:i + 1] + extra + lines[i + 1:]


def test_clean_x86_log_passes():
    status, out = run('--boot', f'x86-test={CLEAN}')
    passed, _, failed = last_line(out).split()[:3]
    assert status == 0 and failed == '0' and int(passed) > 10, out


def test_clean_uml_log_passes():
    status, out = run('--console', f'uml-kunit={UML_CLEAN}')
    assert status == 0 and int(last_line(out).split()[0]) > 0, out


def check_splat(name):
    extra = lines_of(os.path.join(HERE, 'splats', f'{name}.txt'))
    status, out = run(text=splice(lines_of(CLEAN), extra))
    assert status == 1, out
    assert f'SPLAT {SPLAT_KINDS[name]} ' in out, out
    assert ' 0 failed' not in last_line(out), out


def test_failing_kselftest_line_fails():
    lines = lines_of(CLEAN)
    i = next(i for i, t in enumerate(lines) if t.startswith('ok ') and 'binderfs' in t)
    lines[i] = 'not ' + lines[i]
    status, out = run(text=lines)
    assert status == 1 and 'FAIL: not ok' in out, out


def test_failing_kunit_line_fails():
    lines = lines_of(UML_CLEAN)
    i = next(i for i, t in enumerate(lines) if t.startswith('        ok '))
    lines[i] = lines[i].replace('ok ', 'not ok ', 1)
    status, out = run(text=lines, kind='--console')
    assert status == 1 and 'FAIL: not ok' in out, out


def test_kunit_crash_mid_suite_fails():
    lines = lines_of(UML_CLEAN)
    i = next(i for i, t in enumerate(lines) if t.startswith('    ok 8 '))
    status, out = run(text=lines[:i], kind='--console')
    assert status == 1 and 'expected' in out, out


def test_nonzero_exit_without_tap_failure_fails():
    lines = [t.replace('rc=0', 'rc=1') if t.startswith('BA-SUITE-END binderfs') else t
             for t in lines_of(CLEAN)]
    status, out = run(text=lines)
    assert status == 1 and 'exited with status 1' in out, out


def test_boot_cut_short_fails_and_shows_console():
    lines = lines_of(CLEAN)
    i = next(i for i, t in enumerate(lines) if t.startswith('BA-SUITE-BEGIN binderfs'))
    status, out = run(text=lines[:i + 4])
    assert status == 1 and 'before init finished' in out and '      | ' in out, out


def test_timeout_fails():
    lines = lines_of(CLEAN)
    i = next(i for i, t in enumerate(lines) if t.startswith('BA-SUITE-BEGIN binderfs'))
    lines = lines[:i + 2] + ['BA-WORKBENCH: TIMEOUT: killed after 1200s (BA_TIMEOUT)\n']
    status, out = run(text=lines)
    assert status == 1 and 'TIMEOUT' in out, out


def test_missing_plan_results_fail():
    text = ['TAP version 13\n', '1..3\n', 'ok 1 a\n', 'ok 2 b\n']
    status, out = run(text=text, kind='--tap')
    assert status == 1 and 'expected 3 results, got 2' in out, out


def test_plan_after_results_fails_without_hanging():
    text = ['TAP version 13\n', 'ok 1 a\n', '1..1\n']
    status, out = run(text=text, kind='--tap')
    assert status == 1 and 'unparseable TAP' in out, out


RUNNER = ['TAP version 13\n', '1..1\n', '# timeout set to 300\n',
          '# selftests: d: prog\n', '# TAP version 13\n', '# 1..3\n',
          '# ok 1 a\n', '# ok 2 b # SKIP why\n', '# ok 3 c\n',
          'ok 1 selftests: d: prog\n']


def test_run_kselftest_counts_each_test_of_a_program():
    status, out = run(text=RUNNER, kind='--tap')
    assert status == 0 and last_line(out) == '2 passed, 0 failed, 1 skipped', out


def test_run_kselftest_timeout_fails():
    text = RUNNER[:7] + ['not ok 1 selftests: d: prog # TIMEOUT 300 seconds\n']
    status, out = run(text=text, kind='--tap')
    assert status == 1 and 'expected 3 results, got 1' in out, out


def test_skips_are_counted_not_failed():
    text = ['TAP version 13\n', '1..2\n', 'ok 1 a\n', 'ok 2 b # SKIP no root\n']
    status, out = run(text=text, kind='--tap')
    assert status == 0 and last_line(out) == '1 passed, 0 failed, 1 skipped', out


def test_missing_log_fails():
    status, out = run('--tap', 'check=/nonexistent/check.log')
    assert status == 1 and 'no log' in out, out


def main():
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith('test_')]
    tests += [(f'test_{name}_splat_fails', lambda name=name: check_splat(name))
              for name in sorted(SPLAT_KINDS)]
    print('TAP version 13')
    print(f'1..{len(tests)}')
    failed = 0
    for i, (name, test) in enumerate(tests, 1):
        try:
            test()
            print(f'ok {i} {name}')
        except Exception as e:  # an AssertionError carries the verdict's output
            failed += 1
            print(f'not ok {i} {name}')
            print('\n'.join('# ' + t for t in f'{type(e).__name__}: {e}'.splitlines()))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
