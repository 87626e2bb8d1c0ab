"""Scenario files: the shipped busy hall, and clear errors for bad files."""

from pathlib import Path

import pytest

from dispatcher.sim.scenario import HOUR, ScenarioError, load_scenario, parse_scenario
from dispatcher.sim.service_times import Empirical, Lognormal

BUSY_HALL = Path(__file__).parents[2] / "scenarios" / "busy_hall.toml"

MINIMAL = {
    "open": "08:30",
    "close": "17:00",
    "categories": [{"code": "A", "service": {"dist": "exponential", "mean_min": 5}, "arrivals": {"08:30": 60}}],
    "counters": [{"numbers": [1, 2], "serves": ["A"], "breaks": [["12:00", "13:00"]]}],
}


def test_busy_hall_loads():
    scenario = load_scenario(BUSY_HALL)
    assert [c.code for c in scenario.categories] == ["A", "B", "C"]
    assert [c.number for c in scenario.counters] == list(range(1, 13))
    assert scenario.open_s == 8.5 * HOUR and scenario.close_s == 17 * HOUR and scenario.k == 3
    assert isinstance(scenario.category("A").service, Lognormal)
    assert isinstance(scenario.category("C").service, Empirical)
    assert scenario.traders.no_show_share == 0.05
    assert all(c.breaks or len(c.shifts) > 1 for c in scenario.counters)  # everyone gets lunch
    assert 600 < sum(scenario.expected_arrivals(scenario.open_s, scenario.close_s).values()) < 750


def test_rates_are_piecewise_constant_from_each_time_on():
    scenario = parse_scenario(
        MINIMAL | {"categories": [MINIMAL["categories"][0] | {"arrivals": {"09:00": 60, "10:30": 30}}]}
    )
    cat = scenario.categories[0]
    assert cat.rate_at(8.6 * HOUR) == 0 and cat.rate_at(9 * HOUR) == 60 and cat.rate_at(11 * HOUR) == 30
    assert scenario.expected_arrivals(10 * HOUR, 11 * HOUR) == {"A": pytest.approx(45.0)}
    assert scenario.expected_arrivals(16 * HOUR, 18 * HOUR) == {"A": pytest.approx(30.0)}  # closes at 17


def test_counters_on_duty_follow_shifts_and_breaks():
    scenario = parse_scenario(MINIMAL)
    assert scenario.counters_on_duty(9 * HOUR, 10 * HOUR) == 2
    assert scenario.counters_on_duty(12 * HOUR, 13 * HOUR) == 0
    assert scenario.counters_on_duty(11.5 * HOUR, 12.5 * HOUR) == 1
    assert scenario.counters[0].shifts == ((8.5 * HOUR, 17 * HOUR),)  # the default shift is open to close


def _with(**changes):
    data = {key: value for key, value in MINIMAL.items()}
    for key, value in changes.items():
        if key in ("category", "counter", "service"):
            table = "categories" if key != "counter" else "counters"
            first = dict(data[table][0])
            if key == "service":
                first["service"] = value
            else:
                first.update(value)
            data[table] = [first]
        else:
            data[key] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_with(open="8h30"), "open: '8h30' is not a time of day"),
        (_with(close="08:00"), "close: must be after open"),
        (_with(k=0), "k: must be at least 1"),
        (_with(timezone="Mars/Olympus"), "timezone: unknown"),
        (_with(categories=[]), "categories: give at least one"),
        (_with(category={"code": "a1"}), "categories[0].code: 'a1' is not a single capital letter"),
        (_with(category={"arrivals": {"09:00": -3}}), "categories[0].arrivals.09:00: must be traders per hour"),
        (_with(category={"arrivals": {}}), "categories[0].arrivals: give at least one rate"),
        (_with(category={"speed": 3}), "categories[0]: unknown key 'speed'"),
        (_with(service={"dist": "gamma", "mean_min": 5}), "categories[0].service.dist: 'gamma' is not one of"),
        (_with(service={"dist": "lognormal", "mean_min": 5}), "categories[0].service.cv: missing"),
        (_with(service={"dist": "exponential", "mean_min": 0}), "service.mean_min: must be above 0"),
        (
            _with(service={"dist": "empirical", "minutes": [1, 2], "weights": [1]}),
            "minutes and weights must be equally long",
        ),
        (_with(counter={"serves": ["A", "Z"]}), "counters[0].serves: unknown or missing categories ['Z']"),
        (_with(counter={"number": 3}), "counters[0]: give either number or numbers"),
        (_with(counter={"breaks": [["07:00", "08:00"]]}), "a break must lie within a shift"),
        (_with(counter={"shifts": [["08:30", "12:00"], ["11:00", "16:00"]]}), "counters[0].shifts: intervals overlap"),
        (_with(counter={"shifts": [["08:30", "12:00"]], "breaks": []}), "no counter serving A stays until close"),
        (_with(traders={"no_show_share": 1.5}), "traders.no_show_share: must be at least 0 and below 1"),
        (_with(traders={"patience": 3}), "traders: unknown key 'patience'"),
        (_with(seed="x"), "seed: expected int, got 'x'"),
    ],
)
def test_bad_scenarios_say_what_is_wrong(data, message):
    with pytest.raises(ScenarioError) as error:
        parse_scenario(data)
    assert message in str(error.value)


def test_file_errors_name_the_file(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError, match="nope.toml: no such file"):
        load_scenario(missing)
    broken = tmp_path / "broken.toml"
    broken.write_text('open = "08:30"\nclose = \n')
    with pytest.raises(ScenarioError, match="broken.toml: not valid TOML"):
        load_scenario(broken)
    incomplete = tmp_path / "incomplete.toml"
    incomplete.write_text('open = "08:30"\nclose = "17:00"\n')
    with pytest.raises(ScenarioError, match="incomplete.toml: categories: give at least one"):
        load_scenario(incomplete)
