"""Plain-words errors, in a real IPython shell: each beginner mistake the primer teaches gets
one explanation and the fix above a short traceback; any other error is left as IPython shows it."""
import pytest

from helpers import beginner_errors as plain_errors

IPython = pytest.importorskip("IPython")

SETUP = ('import pandas as pd\nimport helpers\n'
         'rations = pd.DataFrame({"item": ["sugar", "bread", "sugar"], "grade": ["normal", "normal", "x3"],'
         ' "amount": [1, 2, 3]})\n'
         'counts = pd.DataFrame({"a": [1, 2], "b": [2, 3]})')


@pytest.fixture(scope="module")
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.set_custom_exc((), None)
    # a kernel imports helpers for the first time in a lesson's first cell; here it is already
    # imported by the test run, so its package code is run again the same way
    shell.run_cell(SETUP + "\nimport importlib\nimportlib.reload(helpers)", store_history=True)
    assert shell.custom_exceptions == (Exception,)  # importing helpers installed the handler
    yield shell
    shell.set_custom_exc((), None)


def run(shell, capsys, code: str) -> str:
    capsys.readouterr()
    result = shell.run_cell(code, store_history=True)
    assert result.error_in_exec is not None  # still an error: the cell fails
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.mark.parametrize("code,words", [
    ('rations[rations["item"] == "sugar" & rations["grade"] == "x3"]', "needs brackets"),
    ('counts[counts["a"] == 1 & counts["b"] == 2]', "brackets"),
    ('rations["itme"]', "There is no column 'itme' in this table. Did you mean 'item'?"),
    ('rations[rations["item"] == "sugar"]["amount"].item()', "`.item()` needs exactly one row"),
    ('if rations["amount"] > 1:\n    print("big")', "A whole column (a Series) was used where Python wants one"),
    ('pd.to_datetime("1921-13-45")', "pandas could not read a date"),
])
def test_a_beginner_mistake_is_explained_above_a_short_traceback(shell, capsys, code, words):
    out = run(shell, capsys, code)
    first = out.strip().splitlines()[0]
    assert first.startswith("\u26a0") and words in first
    assert "site-packages" not in out and "pandas/core" not in out  # pandas' internals left out
    assert len(out.splitlines()) < 25
    capsys.readouterr()
    plain_errors.full_error()  # the full traceback is one call away
    assert "pandas" in capsys.readouterr().out


@pytest.mark.parametrize("code,name", [("1 / 0", "ZeroDivisionError"), ("undefined_name", "NameError"),
                                       ('{"a": 1}["b"]', "KeyError")])
def test_other_errors_are_untouched(shell, capsys, code, name):
    out = run(shell, capsys, code)
    assert name in out and "\u26a0" not in out


def test_the_explanations_can_be_switched_off(shell, capsys):
    plain_errors.plain_errors(False)
    try:
        out = run(shell, capsys, 'rations["itme"]')
        assert "\u26a0" not in out and "KeyError" in out
    finally:
        plain_errors.plain_errors(True)
    assert shell.custom_exceptions == (Exception,)
