"""games.nfg: Gambit .nfg files, round trips through pygambit, and Gambit's enummixed as reference."""

import io

import numpy as np
import pygambit as gbt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from games import Game, NfgError, induced_game, prisoners_dilemma, read_nfg, write_nfg
from solver import equilibria


def gambit_equilibria(game):
    """Gambit's extreme equilibria, once each (enummixed can list a profile twice)."""
    result = gbt.nash.enummixed_solve(game, rational=True)
    found = [tuple(tuple(float(v) for _, v in eq[p]) for p in game.players) for eq in result.equilibria]
    return list(dict.fromkeys(found))


def test_two_hundred_random_games_round_trip_and_match_enummixed():
    # Random games from 2×2 to 4×4, half of them with payoffs 0–19 (ties, degenerate games):
    # written by us, read by Gambit, written by Gambit (outcome version), read by us; Gambit's
    # exact enummixed finds exactly our extreme equilibria.
    rng = np.random.default_rng(20261124)
    for k in range(200):
        m, n = rng.integers(2, 5, 2)
        high = 20 if k % 2 else 1000
        game = Game(rng.integers(0, high, (m, n)), rng.integers(0, high, (m, n)))
        theirs_game = gbt.read_nfg(io.StringIO(write_nfg(game)))
        back = read_nfg(theirs_game.to_nfg())
        np.testing.assert_array_equal(back.row_payoffs, game.row_payoffs)
        np.testing.assert_array_equal(back.col_payoffs, game.col_payoffs)
        theirs = gambit_equilibria(theirs_game)
        ours = [(e.row, e.col) for e in equilibria(game)]
        assert len(theirs) == len(ours), (game, theirs, ours)
        for x, y in theirs:
            assert any(np.allclose(x, u) and np.allclose(y, v) for u, v in ours), (game, theirs, ours)


def test_labels_names_and_fractions_survive(tmp_path):
    game = induced_game(prisoners_dilemma(), 0.9).replace(players=('Yongkang "YK"', "Wuyi"), name="repeated")
    path = tmp_path / "g.nfg"
    write_nfg(game, path)
    back = read_nfg(path)
    assert back.players == game.players and back.strategies == game.strategies and back.name == "repeated"
    np.testing.assert_allclose(back.row_payoffs, game.row_payoffs, rtol=1e-12)
    assert read_nfg('NFG 1 R "" { "A" "B" } { 1 2 } "" 1/3 2 0.5 -1e2').col_payoffs.tolist() == [[2.0, -100.0]]


def test_outcome_version_with_the_null_outcome():
    text = 'NFG 1 R "x" { "1" "2" } { { "a" "b" } { "c" } } "" { { "o1" 1, 2 } { "o2" 3, 4 } } 2 0'
    g = read_nfg(text)
    assert g.row_payoffs.tolist() == [[3.0], [0.0]] and g.col_payoffs.tolist() == [[4.0], [0.0]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "ends early"),
        ("NFG 2 R", "only version 1"),
        ('NFG 1 R "" { "1" "2" "3" } { 1 1 1 } "" 1 2 3', "only two-player games"),
        ('NFG 1 R "" { "1" "2" } { 2 2 } "" 1 2 3', "3 payoffs for 4 profiles"),
        ('NFG 1 R "" { "1" "2" } { 1 1 } "" 1 x', "'x' is not a number"),
        ('NFG 1 R "" { "1" "2" } { 1 1 } "" 1 inf', "'inf' is not a number"),
        ('NFG 1 R "" { "1" "2" } { 1 1 } "" { { "o" 1, 2 } } 3', "names outcome 3"),
        ('NFG 1 R "" { "1" "2" } { 0 1 } ""', "out of range"),
        ("hello", "not an .nfg file"),
    ],
)
def test_bad_files(text, message):
    with pytest.raises(NfgError, match=message):
        read_nfg(text)


@given(st.text(max_size=200))
def test_fuzz_any_text_is_a_game_or_an_nfg_error(text):
    try:
        read_nfg("NFG 1 R " + text)
    except NfgError as err:
        assert str(err) and "\n" not in str(err)


@given(st.lists(st.integers(-50, 50), min_size=8, max_size=8), st.integers(0, 7), st.sampled_from(["x", "{", "}", '"', "1/0", "", "-"]))
def test_fuzz_mutated_files(values, position, junk):
    words = write_nfg(Game(np.reshape(values[:4], (2, 2)), np.reshape(values[4:], (2, 2)))).split(" ")
    words.insert(position * 3 % len(words), junk)
    try:
        read_nfg(" ".join(words))
    except NfgError:
        pass


# Issue 16, defects 1–3: sizes, numbers and integer fields are checked before anything is built.
HEAD = 'NFG 1 R "c" { "A" "B" } '


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEAD + '{ 1000000000 1000000000 }\n""\n1 1\n', r"strategy counts \[1000000000, 1000000000\] are out of range"),
        (HEAD + '{ 2 2 }\n""\n1e99999999 0 0 0 0 0 0 0\n', r"payoff 1: '1e99999999' is out of range"),
        (HEAD + '{ 2 2 }\n""\n1e400 0 0 0 0 0 0 0\n', r"payoff 1: '1e400' is out of range"),
        (HEAD + '{ 2 2 }\n""\n-2e100 0 0 0 0 0 0 0\n', r"payoff 1: '-2e100' is out of range"),
        (HEAD + '{ 2.9 2 }\n""\n1 0 0 0 0 0 0 0\n', r"number of strategies: '2.9' is not a whole number"),
        (HEAD + '{ 2 1 }\n""\n{ { "" 1 2 } }\n1 1.7\n', r"profile 2: '1.7' is not a whole number"),
        (HEAD + '{ 2 2 }\n""\n1.5/2 0 0 0 0 0 0 0\n', r"payoff 1: '1.5/2' is not a number"),
        (HEAD + '{ 2 2 }\n""\n1/0 0 0 0 0 0 0 0\n', r"payoff 1: '1/0' divides by zero"),
        (HEAD + '{ 2 2 }\n""\n' + "9" * 5000 + " 0 0 0 0 0 0 0\n", r"payoff 1: '9{40}'… \(5,000 characters\) is not a number"),
    ],
)
def test_hostile_numbers_and_sizes_are_refused_in_one_line(text, message):
    with pytest.raises(NfgError, match=message) as caught:
        read_nfg(text)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 200


def test_a_memory_bomb_allocates_nothing():
    # Two counts of 10⁹ used to build the strategy-name lists (4.8 GB) before the size check.
    import tracemalloc

    tracemalloc.start()
    with pytest.raises(NfgError, match="out of range"):
        read_nfg(HEAD + '{ 1000000000 1000000000 }\n""\n1 1\n')
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1_000_000  # bytes


def test_tokenizing_does_not_hang_on_a_large_file():
    # The tokenizer copied the rest of the text per token (text[pos:].strip()): quadratic, over
    # 20 s for 2 MB. A hang guard, not a benchmark: 500,000 tokens (1 MB) in a subprocess that
    # must finish within 60 s (about 1 s now; the quadratic version needed minutes).
    import subprocess
    import sys

    code = "from games.nfg import _tokens; print(len(_tokens('1 ' * 500_000, 'x')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "500000"
