"""The settings file's for_you switch: true by default, one line for a wrong value."""

from __future__ import annotations

from readlist.core.settings import SETTINGS, SETTINGS_SHOWN, Settings, parse
from readlist.core.settings_file import template


def test_for_you_is_on_unless_the_file_turns_it_off() -> None:
    assert Settings().for_you is True
    assert parse("for_you = false\n", "config.toml") == (Settings(for_you=False), [])
    assert "for_you" in SETTINGS and "for_you" in SETTINGS_SHOWN


def test_a_for_you_that_is_not_a_boolean_is_one_line_and_the_default() -> None:
    settings, problems = parse('theme = "nord"\nfor_you = "no"\n', "config.toml")
    assert settings.for_you is True and settings.theme == "nord"
    assert problems == ['config.toml line 2: for_you: "no" is not true or false; using true']


def test_the_template_says_the_switch_at_its_default() -> None:
    settings, problems = parse(template([], ["textual-dark"]), "config.toml")
    assert problems == [] and settings.for_you is True
    assert "\nfor_you = true\n" in template([], ["textual-dark"])
