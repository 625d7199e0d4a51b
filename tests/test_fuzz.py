"""Hardening: arbitrary and mutated inputs give a valid result or the reader's own error."""

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regions import ScenarioError, builtin_text, loads_scenario

# TOML values of every kind, nested a little.
scalars = st.one_of(st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8))
keys = st.sampled_from(
    [
        "scenario",
        "regions",
        "links",
        "mechanisms",
        "name",
        "note",
        "id",
        "level",
        "parent",
        "lon",
        "lat",
        "between",
        "cluster",
        "weight",
        "payoffs",
        "economics",
        "R",
        "S",
        "T",
        "P",
        "row",
        "col",
        "kind",
        "by",
        "subsidy",
        "x",
    ]
) | st.text(min_size=1, max_size=6)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4), max_leaves=12)
documents = st.dictionaries(keys, values, max_size=5)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(documents)
def test_arbitrary_toml_documents(doc):
    try:
        text = tomli_w.dumps(doc)
    except (TypeError, ValueError):
        return  # not representable as TOML (tomli_w refuses it): nothing to feed the loader
    try:
        loads_scenario(text, "fuzz.toml")
    except ScenarioError as err:
        assert str(err).startswith("fuzz.toml: ") and "\n" not in str(err)


BUILTIN = builtin_text("yongkang-wuyi-jinyun")


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(st.integers(0, len(BUILTIN) - 1), st.integers(0, 40), st.text(max_size=12))
def test_mutated_builtin_scenario(start, length, replacement):
    text = BUILTIN[:start] + replacement + BUILTIN[start + length :]
    try:
        loads_scenario(text, "mutated.toml")
    except ScenarioError as err:
        assert str(err).startswith("mutated.toml: ") and "\n" not in str(err)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(
    st.sampled_from(
        [
            "R = 3",
            "P = 0",
            'parent = "jinhua"',
            'level = "county"',
            'between = ["yongkang", "jinyun"]',
            "weight = 0.8",
            "subsidy = 0.5",
            'kind = "binding_contract"',
            "detection = 0.5",
            'by = "jinhua"',
        ]
    ),
    st.sampled_from(["nan", "inf", "-1", '"x"', "[]", "{}", "true", "1e400", '"jinyun"', '"zhejiang"', "0", "2"]),
)
def test_field_values_swapped(field, value):
    name = field.split(" = ")[0]
    text = BUILTIN.replace(field, f"{name} = {value}", 1)
    try:
        loads_scenario(text, "swapped.toml")
    except ScenarioError as err:
        assert "\n" not in str(err)
