"""`readlist config` (--path, --init, the settings that apply) and the export format
`readlist export` takes from the settings file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from textual.theme import BUILTIN_THEMES

from readlist.cli import cli
from readlist.core.settings import Settings, parse
from readlist.ui.keymap import all_bindings
from tests.conftest import SAMPLE_DUMPS
from tests.unit.test_cli import ok, one_line_error


def config(*args: str) -> Result:
    return CliRunner().invoke(cli, ["config", *args])


@pytest.fixture
def settings_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "mine.toml"
    monkeypatch.setenv("READLIST_CONFIG", str(path))
    return path


def test_path_is_in_the_user_config_dir() -> None:
    result = config("--path")
    assert result.exit_code == 0
    expected = Path(os.environ["XDG_CONFIG_HOME"]) / "readlist" / "config.toml"
    assert result.stdout == f"{expected}\n"


def test_path_follows_the_environment(settings_path: Path) -> None:
    result = config("--path")
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"{settings_path}\n", "")


def test_init_writes_every_setting_at_its_default_and_every_binding(settings_path: Path) -> None:
    result = config("--init")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {settings_path}: every setting at its default, commented.\n"
    text = settings_path.read_text(encoding="utf-8")
    bindings = all_bindings()
    assert parse(text, "t", bindings=set(bindings), themes=set(BUILTIN_THEMES)) == (Settings(), [])
    for binding_id, binding in bindings.items():
        assert f'# "{binding_id}"' in text
        line = next(line for line in text.splitlines() if f'# "{binding_id}"' in line)
        assert f'"{binding.key}"' in line
    for word in ("theme", "nord", "advance_after_mark", "export_format", "bibtex", "browser"):
        assert word in text
    # Each commented key line, uncommented, is a valid setting.
    keys = [line[2:] for line in text.splitlines() if line.startswith('# "')]
    uncommented = "[keys]\n" + "\n".join(keys) + "\n"
    settings, problems = parse(uncommented, "t", bindings=set(bindings))
    assert problems == []
    assert len(settings.keys) == len(bindings)


def test_init_refuses_to_write_over_a_file_unless_forced(settings_path: Path) -> None:
    settings_path.write_text('theme = "nord"\n')
    result = config("--init")
    one_line_error(result, f"{settings_path}: a settings file is already there", "--force")
    assert settings_path.read_text() == 'theme = "nord"\n'
    result = config("--init", "--force")
    assert result.exit_code == 0
    assert parse(settings_path.read_text(), "t")[0] == Settings()


def test_init_makes_the_config_dir() -> None:
    result = config("--init")
    assert result.exit_code == 0, result.output
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "readlist" / "config.toml"
    try:
        assert parse(path.read_text(), "t") == (Settings(), [])
    finally:
        path.unlink()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [(("--force",), "--force goes with --init"), (("--path", "--init"), "give one of them")],
)
def test_options_that_do_not_go_together(args: tuple[str, ...], fragment: str) -> None:
    one_line_error(config(*args), fragment)


def test_config_alone_says_where_and_what_applies_and_each_problem(settings_path: Path) -> None:
    settings_path.write_text(
        'theme = "nord"\nadvance_after_mark = ["star", "read"]\nexport_format = "pdf"\n'
        '[keys]\n"library.star" = "f"\n"library.stra" = "g"\n'
    )
    result = config()
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f'{settings_path} line 3: export_format: "pdf" is not an export format '
        "(md, csv, json, bibtex, csl-json, ris); using md",
        f'{settings_path} line 6: keys: "library.stra" is not a binding; '
        'did you mean "library.star"?',
    ]
    assert result.stdout.splitlines() == [
        f"# {settings_path}",
        'theme = "nord"',
        'advance_after_mark = ["read", "star"]',
        'export_format = "md"',
        "# browser: the system's browser",
        "for_you = true",
        "",
        "[keys]",
        '"library.star" = "f"',
    ]


def test_config_says_a_key_taken_from_another_binding_as_the_app_does(
    settings_path: Path,
) -> None:
    settings_path.write_text('[keys]\n"library.star" = "r"\n')
    result = config()
    assert result.exit_code == 0
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"{settings_path}: ")
    assert "library.star" in result.stderr and "library.read" in result.stderr


def test_a_missing_file_named_by_the_environment_is_said(settings_path: Path) -> None:
    result = config()
    assert result.exit_code == 0
    assert result.stderr == (
        f"{settings_path}: no settings file there ($READLIST_CONFIG names it); using the defaults\n"
    )
    assert result.stdout.startswith(f"# {settings_path} (no file there: the defaults apply)\n")


# -- export -----------------------------------------------------------------------------------


@pytest.fixture
def library(db_path: Path) -> Path:
    ok(db_path, "import", str(SAMPLE_DUMPS))
    ok(db_path, "mark", "1", "--star")
    return db_path


def test_export_to_stdout_takes_the_settings_format(library: Path, settings_path: Path) -> None:
    settings_path.write_text('export_format = "bibtex"\n')
    assert ok(library, "export").stdout.startswith("@misc{")
    assert ok(library, "export", "--format", "csv").stdout.startswith("id,")
    out = library.parent / "starred.json"
    ok(library, "export", "-o", str(out))  # the file's suffix says json
    assert out.read_text().startswith("[")


def test_export_with_a_wrong_format_in_the_settings_says_so_and_writes_md(
    library: Path, settings_path: Path
) -> None:
    settings_path.write_text('\nexport_format = "pdf"\n')
    result = ok(library, "export")
    assert result.stdout.startswith("# Reading list")
    assert result.stderr == (
        f'{settings_path} line 2: export_format: "pdf" is not an export format '
        "(md, csv, json, bibtex, csl-json, ris); using md\n"
    )


def test_export_says_only_what_is_wrong_with_its_own_setting(
    library: Path, settings_path: Path
) -> None:
    """A wrong theme or key is for the app and `readlist config` to say, not every export."""
    settings_path.write_text(
        'theme = "nrod"\nadvance_after_mark = ["stars"]\nexport_format = "csv"\n'
        '[keys]\n"library.stra" = "g"\n'
    )
    result = ok(library, "export")
    assert result.stdout.startswith("id,")
    assert result.stderr == ""
