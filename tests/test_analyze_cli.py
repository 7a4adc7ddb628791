"""`rehearse analyze` on text: prose and recognizer output, JSON contract, clean errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rehearse.cli import cli

STORY = ("Our checkout page kept crashing during sales and we were losing orders. "
         "I traced the crashes to a slow query, rewrote it and added a cache. "
         "As a result the page has not crashed since and sales grew by twenty percent.")


def run(args, stdin=None):
    return CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)


def test_prose_file_human_card(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(STORY)
    out = run(["analyze", str(f)])
    assert out.exit_code == 0
    for part in ("Challenge", "Action", "Result"):
        assert f"{part:10s}yes" in out.output


def test_recognizer_output_on_stdin_json_with_duration():
    text = STORY.lower().replace(",", "").replace(".", "")
    out = run(["analyze", "--json", "--duration", "50", "-"], stdin=text)
    assert out.exit_code == 0
    r = json.loads(out.output)
    assert r["file"] is None
    assert {k: v["covered"] for k, v in r["car"].items()} == {"challenge": True, "action": True, "result": True}
    assert abs(sum(v["share"] for v in r["car"].values()) - 1.0) < 0.35
    assert r["length"]["verdict"] == "short" and r["duration_s"] == 50
    assert r["wpm"] == pytest.approx(len(text.split()) / 50 * 60, rel=0.01)
    assert set(r["delivery"]) >= {"fillers", "fillers_per_min", "hedges", "long_pauses", "repeated", "action_i", "action_we"}


def test_no_length_fields_without_duration(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(STORY)
    r = json.loads(run(["analyze", "--json", str(f)]).output)
    assert "length" not in r and "wpm" not in r


def test_several_files_one_line_each(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(STORY)
    b.write_text("We had a problem with late deliveries. We changed the routes.")
    rows = [json.loads(line) for line in run(["analyze", "--json", str(a), str(b)]).output.splitlines()]
    assert [r["file"] for r in rows] == [str(a), str(b)]
    assert rows[0]["car"]["result"]["covered"] and not rows[1]["car"]["result"]["covered"]
    assert any("'we'" in t for t in rows[1]["tips"])


@pytest.mark.parametrize("content,message", [
    (None, "no such file"),
    (b"", "is empty"),
    (b"   \n\t ", "is empty"),
    (b"\xff\xfe\x00\x01binary", "is not text"),
    (b"caf\xe9 au lait", "is not UTF-8 text"),
])
def test_bad_text_inputs(tmp_path, content, message):
    f = tmp_path / "t.txt"
    if content is not None:
        f.write_bytes(content)
    out = run(["analyze", str(f)])
    assert out.exit_code == 1
    assert out.output.strip().splitlines() == [f"Error: {out.output.strip()[7:]}"]
    assert message in out.output


def test_directory_is_refused(tmp_path):
    out = run(["analyze", str(tmp_path)])
    assert out.exit_code == 1 and "is a directory" in out.output


def test_card_quotes_a_clause_that_shows_the_part_not_a_fragment(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Last spring. I was the shift lead at a small bakery and our oven broke two days before a big "
                 "wedding order was due. I called three repair firms, borrowed oven time from a cafe down the road "
                 "and moved the baking to the night. We delivered all two hundred pastries on time.")
    evidence = json.loads(run(["analyze", "--json", str(f)]).output)["car"]["challenge"]["evidence"]
    # the fragment is evidence (evidence is ordered likeliest first since issue 21, so it is no longer first)
    assert "last spring" in [e["text"] for e in evidence]
    card = run(["analyze", str(f)]).output
    quoted = next(line for line in card.splitlines() if line.strip().startswith("Challenge"))
    longer = next(e["text"] for e in evidence if len(e["text"].split()) >= 5)
    assert f'"{longer}"' in quoted and "last spring" not in quoted
