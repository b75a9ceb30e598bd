"""The `mtm4f` command line."""

import pytest

from mtm4f_lib.cli import build_parser, main


def test_data_check_real(data_dir, capsys):
    assert main(["data", "check", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "ok      ml-100k/  (23/23 files verified)" in out
    assert "all present files verified" in out


def test_data_check_reports_missing_and_broken(tmp_path, data_dir, capsys):
    import shutil

    shutil.copytree(data_dir / "ml-100k", tmp_path / "ml-100k")
    (tmp_path / "ml-100k" / "u.user").write_text("broken")
    assert main(["data", "check", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "MISSING mmtf14k/comp90049/" in out and "BROKEN" in out and "u.user" in out


def test_unknown_notebook_is_a_clear_error(capsys):
    assert main(["reproduce", "--notebook", "99"]) == 2
    assert "No notebook named ['99']" in capsys.readouterr().err


def test_every_command_prints_its_help(capsys):
    commands = build_parser()._subparsers._group_actions[0].choices
    for command in commands:
        with pytest.raises(SystemExit) as stop:
            main([command, "--help"])
        assert stop.value.code == 0, command
        assert f"usage: mtm4f {command}" in capsys.readouterr().out


def test_missing_combinations_pick_the_rows_of_tables_5_to_10(capsys):
    assert main(["tables", "--table", "6", "7", "--profile", "quick", "--missing-combinations", "A"]) == 0  # no row of either: nothing trains
    assert "Table 6 skipped: none of --missing-combinations hides 2 modalities." in capsys.readouterr().out
    assert main(["tables", "--table", "5", "--missing-combinations", "AX"]) == 2
    assert "Unknown modality 'X'" in capsys.readouterr().err
