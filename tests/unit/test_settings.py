"""The settings file: each wrong value is one line naming the file, its line and what is
wrong, its setting falls back to the default, and the rest of the file still applies."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.core.errors import SettingsError
from readlist.core.export import FORMATS
from readlist.core.settings import (
    EXPORT_FORMATS,
    Settings,
    SettingsFile,
    browser_command,
    key_name_ok,
    load,
    parse,
)
from readlist.core.settings_file import save_theme, template

BINDINGS = {"library.star", "library.read", "triage.star", "list.down"}
THEMES = {"textual-dark", "nord", "dracula"}


def parsed(text: str) -> tuple[Settings, list[str]]:
    return parse(text, "config.toml", bindings=BINDINGS, themes=THEMES)


def test_a_good_file_gives_every_setting() -> None:
    settings, problems = parsed(
        "# mine\n"
        'theme = "nord"\n'
        'advance_after_mark = ["star", "read"]\n'
        'export_format = "bibtex"\n'
        'browser = "firefox --new-tab %s"\n'
        "\n"
        "[keys]\n"
        '"library.star" = "f"\n'
        'list.down = "j, down, ctrl+n"\n'  # a bare dotted id is a table in TOML: read as the id
        "[keys.triage]\n"
        'star = "f"\n'
    )
    assert problems == []
    assert settings == Settings(
        theme="nord",
        keys={"library.star": "f", "list.down": "j,down,ctrl+n", "triage.star": "f"},
        advance_after_mark=frozenset({"star", "read"}),
        export_format="bibtex",
        browser="firefox --new-tab %s",
    )


def test_an_empty_file_is_the_defaults() -> None:
    assert parsed("") == (Settings(), [])
    assert Settings().advance_after_mark == {"read"}
    assert Settings().export_format == "md"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            'advance_after_mark = ["stars"]',
            'advance_after_mark: "stars" is not a mark (star, read); using the default ["read"]',
        ),
        (
            'advance_after_mark = "read"',
            'advance_after_mark: give a list of marks, e.g. ["read"], ["star", "read"] or []',
        ),
        (
            'export_format = "pdf"',
            'export_format: "pdf" is not an export format'
            " (md, csv, json, bibtex, csl-json, ris); using md",
        ),
        (
            'theme = "dracul"',
            'theme: "dracul" is not a theme (did you mean "dracula"?); using textual-dark',
        ),
        ('theme = "zz"', 'theme: "zz" is not a theme (one of: dracula, nord, textual-dark); using'),
        ("theme = 3", 'theme: give a theme\'s name, e.g. "nord"; using textual-dark'),
        ('browser = "firefox \\"%s"', 'browser: "firefox "%s": no closing quotation; using'),
        ('browser = "  "', "browser: the command is empty; using the system's browser"),
        ("browser = false", 'browser: give a command, e.g. "firefox"'),
        ('thme = "nord"', '"thme" is not a setting; did you mean "theme"?'),
        ("colour = 1", '"colour" is not a setting (the settings: theme, advance_after_mark'),
        ('keys = "f"', 'keys: give a table, e.g. [keys] then "library.star" = "f"; keys unchanged'),
    ],
)
def test_each_wrong_value_is_one_line_naming_its_line(line: str, message: str) -> None:
    # another good setting below it still applies
    other = ("browser", "lynx") if "export_format" in line else ("export_format", "csv")
    settings, problems = parsed(f'# my settings\n\n{line}\n{other[0]} = "{other[1]}"\n')
    assert len(problems) == 1, problems
    assert problems[0].startswith("config.toml line 3: ")
    assert message in problems[0]
    assert getattr(settings, other[0]) == other[1]
    setting = line.split("=")[0].strip()
    assert getattr(Settings(), setting, None) == getattr(settings, setting, None)  # its default


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '"library.stra" = "f"',
            'keys: "library.stra" is not a binding; did you mean "library.star"?',
        ),
        ('"nothing.like.it" = "f"', '"nothing.like.it" is not a binding (readlist config --init'),
        ('"library.star" = "Space"', 'keys: library.star: "Space" is not a key (keys are named'),
        ('"library.star" = "ctrl+banana+f"', '"ctrl+banana+f" is not a key'),
        ('"library.star" = ""', 'keys: library.star: give its keys, e.g. "f" or "f,ctrl+f"'),
        ('"library.star" = 3', "keys: library.star: give its keys"),
        ('theme = "nord"', 'keys: "theme" is not a binding; the setting theme goes above [keys]'),
    ],
)
def test_each_wrong_key_is_its_own_line_and_the_other_keys_apply(line: str, message: str) -> None:
    text = f'[keys]\n"library.read" = "z"\n{line}\n"triage.star" = "f"\n'
    settings, problems = parsed(text)
    assert problems == [f"config.toml line 3: {problems[0].split(': ', 1)[1]}"], problems
    assert message in problems[0]
    assert settings.keys == {"library.read": "z", "triage.star": "f"}


def test_a_toml_syntax_error_is_one_line_and_every_default() -> None:
    settings, problems = parsed('theme = "nord"\nexport_format = csv\n')
    assert settings == Settings()
    assert problems == [
        "config.toml line 2: not valid TOML (Invalid value, at column 17); using the defaults"
    ]


def test_a_key_inside_a_multiline_string_does_not_move_the_line() -> None:
    text = 'browser = """firefox\ntheme = 1\n"""\ntheme = 2\n'
    _, problems = parsed(text)
    assert problems == [
        'config.toml line 4: theme: give a theme\'s name, e.g. "nord"; using textual-dark'
    ]


def test_without_the_apps_lists_ids_and_theme_names_are_not_checked() -> None:
    """`readlist export` reads the file without the app's bindings and themes."""
    settings, problems = parse('theme = "anything"\n[keys]\n"any.thing" = "f"\n', "c.toml")
    assert problems == []
    assert settings.theme == "anything"


def test_control_characters_in_the_file_reach_no_terminal() -> None:
    _, problems = parsed('export_format = "md\\u001b[2J"\n')
    assert "\x1b" not in problems[0]


@pytest.mark.parametrize(
    "key", ["f", "F", "?", "ctrl+f", "space", "f5", "question_mark", "ctrl+shift+up"]
)
def test_key_names_textual_knows(key: str) -> None:
    assert key_name_ok(key)


@pytest.mark.parametrize("key", ["", " ", "Space", "ctrl+", "banana+f", "Ctrl+f", "page down"])
def test_key_names_that_would_never_fire(key: str) -> None:
    assert not key_name_ok(key)


def test_the_export_formats_are_the_exporters() -> None:
    assert EXPORT_FORMATS == FORMATS


def test_the_browser_command_takes_the_url_for_its_percent_s_or_at_its_end() -> None:
    url = "https://huggingface.co/papers?q=a+b"
    assert browser_command("firefox", url) == ["firefox", url]
    assert browser_command("firefox --new-tab '%s'", url) == ["firefox", "--new-tab", url]
    assert browser_command('"/opt/my browser/run" -u %s --x', url) == [
        "/opt/my browser/run",
        "-u",
        url,
        "--x",
    ]


# -- the file ---------------------------------------------------------------------------


def test_a_missing_file_is_the_defaults_in_silence(tmp_path: Path) -> None:
    assert load(SettingsFile(tmp_path / "config.toml", "config.toml")) == (Settings(), [])


def test_a_missing_file_named_by_the_environment_is_said(tmp_path: Path) -> None:
    file = SettingsFile(tmp_path / "mine.toml", "~/mine.toml", explicit=True)
    assert load(file) == (
        Settings(),
        ["~/mine.toml: no settings file there ($READLIST_CONFIG names it); using the defaults"],
    )


def test_a_file_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "config.toml").mkdir()
    assert load(SettingsFile(tmp_path / "config.toml", "config.toml"))[1] == [
        "config.toml: cannot read it (Is a directory); using the defaults"
    ]
    (tmp_path / "latin1.toml").write_bytes(b'theme = "caf\xe9"\n')
    assert load(SettingsFile(tmp_path / "latin1.toml", "latin1.toml"))[1] == [
        "latin1.toml: not UTF-8 text (invalid continuation byte at byte 12); using the defaults"
    ]


def test_the_template_parses_to_the_defaults_and_lists_every_binding() -> None:
    bindings = [("library.star", "s", "Star or unstar"), ("list.down", "j,down", "Down")]
    text = template(bindings, ["textual-dark", "nord"])
    assert parse(text, "t", bindings={"library.star", "list.down"}, themes=THEMES) == (
        Settings(),
        [],
    )
    assert '# "library.star" = "s"       # Star or unstar' in text
    assert '# "list.down"    = "j,down"  # Down' in text


def test_saving_a_theme_keeps_the_users_comments_and_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '# my settings\ntheme = "nord"  # the dark one\nexport_format = "csv"\n\n'
        '[keys]\n"library.star" = "f"  # as in favourite\n'
    )
    path.chmod(0o640)
    save_theme(SettingsFile(path, "config.toml"), "dracula")
    assert path.read_text() == (
        '# my settings\ntheme = "dracula"  # the dark one\nexport_format = "csv"\n\n'
        '[keys]\n"library.star" = "f"  # as in favourite\n'
    )
    assert path.stat().st_mode & 0o777 == 0o640


def test_saving_a_theme_with_no_file_makes_one_above_any_table(tmp_path: Path) -> None:
    path = tmp_path / "dir" / "config.toml"
    save_theme(SettingsFile(path, "config.toml"), "nord")
    assert parse(path.read_text(), "c")[0] == Settings(theme="nord")
    path.write_text('[keys]\n"library.star" = "f"\n')
    save_theme(SettingsFile(path, "config.toml"), "dracula")
    assert parse(path.read_text(), "c") == (
        Settings(theme="dracula", keys={"library.star": "f"}),
        [],
    )


def test_saving_a_theme_into_a_symlinked_file_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "readlist.toml"
    real.parent.mkdir()
    real.write_text('export_format = "json"\n')
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    save_theme(SettingsFile(link, "config.toml"), "nord")
    assert link.is_symlink()
    assert parse(real.read_text(), "c")[0] == Settings(theme="nord", export_format="json")


def test_saving_into_a_broken_file_or_a_read_only_dir_is_an_error_not_a_crash(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "config.toml"
    broken.write_text("theme = \n")
    with pytest.raises(SettingsError, match=r"^config.toml: not valid TOML .*; fix it first$"):
        save_theme(SettingsFile(broken, "config.toml"), "nord")
    assert broken.read_text() == "theme = \n"
    not_a_dir = tmp_path / "a-file"
    not_a_dir.write_text("")
    with pytest.raises(SettingsError, match=r"^x.toml: cannot (read|write) it \(Not a dir"):
        save_theme(SettingsFile(not_a_dir / "config.toml", "x.toml"), "nord")
