"""The contributor's CLI: `case new|validate|add|add-*|list|show|remove`, `source add`,
`concept add` — interactive (CliRunner input and a real terminal under tmux) and scripted.

Every test works on ``corpus_copy`` through --corpus (or $PAV_GRAPH_CORPUS); the real cases/
is never touched. Facts about essay-2025 (sources/texts/004_533bc91a8930cfed.txt) used below:
line 53 "Dit heeft geleid tot ‘frame-lock’"; line 57 "Daarmee samenhangend groeit in veel
casussen het onderlinge wantrouwen."; lines 16-17 "In Houten spreekt het Capra-onderzoek over
een ‘veelkoppig monster’"; lines 12-13 "Kort daarna wordt de samenwerking beëindigd".
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from contribkit import digest

pytestmark = pytest.mark.usefixtures("own_build_dir")

FRAME_LOCK = "Dit heeft geleid tot ‘frame-lock’"
WANTROUWEN = "Daarmee samenhangend groeit in veel casussen het onderlinge wantrouwen."
HOUTEN = "In Houten spreekt het Capra-onderzoek over een ‘veelkoppig monster’"
PAV = [sys.executable, "-m", "pav_graph"]


def scripted_new(run, out: Path, *extra):
    return run("case", "new", "--no-input", "--id", "oefen-2025", "--label-nl", "Oefening",
               "--label-en", "Exercise", "--organisation", "Gemeente Maastricht", "--level",
               "gemeente", "--source", "essay-2025", "--role", "gemeentesecretaris",
               "-o", out, *extra)


# --------------------------------------------------------------------------- case new


def test_scripted_new_writes_a_commented_draft_that_says_what_it_needs(run, tmp_path):
    out = tmp_path / "oefen-2025.yaml"
    r = scripted_new(run, out, "--concept", "frame-lock", "--concept", "rel-wantrouwen")
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    first = text.split("\n")[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema = (out.parent / first.split("=", 1)[1]).resolve()
    assert schema.name == "case.schema.json" and schema.is_file()
    assert "# organisations: at least one; level is gemeente" in text
    assert "evidence: []   # needs evidence" in text

    r = run("case", "validate", out)
    assert r.exit_code == 1
    lines = [ln for ln in r.output.splitlines() if ln.startswith(str(out))]
    assert any(re.search(r":\d+:\d+: finding 'frame-lock' needs evidence — pav-graph case "
                         r"add-finding .* --concept frame-lock --source essay-2025", ln) for ln in lines)
    assert any("summary.nl: must not be empty" in ln for ln in lines)

    for concept, quote in (("frame-lock", FRAME_LOCK), ("rel-wantrouwen", WANTROUWEN)):
        r = run("case", "add-finding", out, "--concept", concept, "--source", "essay-2025",
                "--quote", quote)
        assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    text = text.replace('  nl: ""', '  nl: "Volgens het essay ..."').replace(
        '  en: ""', '  en: "According to the essay ..."')
    out.write_text(text, encoding="utf-8")
    r = run("case", "validate", out)
    assert r.exit_code == 0, r.output
    assert "lines: 53\n" in text and "lines: 57\n" in text  # found automatically


def test_scripted_new_with_a_first_quote_is_valid_at_once(run, tmp_path):
    out = tmp_path / "oefen-2025.yaml"
    r = scripted_new(run, out, "--concept", "frame-lock", "--quote", FRAME_LOCK, "--lines", "53",
                     "--summary-nl", "Volgens het essay ...", "--summary-en", "According to ...",
                     "--start", "2025")
    assert r.exit_code == 0, r.output
    assert "valid — add it to the corpus with: pav-graph case add" in r.output
    assert run("case", "validate", out).exit_code == 0


@pytest.mark.parametrize("args, message", [
    (("--id", "Oefen 2025"), "not a valid id"),
    (("--id", "maastricht-2025"), "already exists (cases/maastricht-2025.yaml)"),
    (("--start", "2025-13"), "'2025-13' is not a date"),
    (("--role", "gemeentesecretariss"), "did you mean 'gemeentesecretaris'"),
    (("--concept", "frame-lok"), "did you mean 'frame-lock'"),
    (("--source", "essay-2024"), "did you mean 'essay-2025'"),
    (("--level", "gemeentes"), "'gemeentes' is not one of"),
    (("--level", "rijk"), "other cases write 'gemeente-maastricht' as 'Gemeente Maastricht' (gemeente)"),
])
def test_scripted_new_usage_errors(run, tmp_path, args, message):
    base = {"--id": "oefen-2025", "--label-nl": "Oefening", "--label-en": "Exercise",
            "--organisation": "Gemeente Maastricht", "--level": "gemeente", "--source": "essay-2025"}
    base.update(dict(zip(args[::2], args[1::2])))
    flat = [x for kv in base.items() for x in kv]
    out = tmp_path / "x.yaml"
    r = run("case", "new", "--no-input", *flat, "-o", out)
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output and not out.exists()


def test_no_input_names_every_missing_required_flag(run, tmp_path):
    r = run("case", "new", "--no-input", "--id", "oefen-2025", "-o", tmp_path / "x.yaml")
    assert r.exit_code == 2
    assert "missing --label-nl, --label-en, --organisation, --level" in r.output


def test_new_never_overwrites_without_asking(run, tmp_path):
    out = tmp_path / "oefen-2025.yaml"
    out.write_text("# mine\n", encoding="utf-8")
    r = scripted_new(run, out)
    assert r.exit_code == 1 and "exists" in r.output and "--force" in r.output
    assert out.read_text(encoding="utf-8") == "# mine\n"
    # interactive: every flag given, the overwrite question answered no, then yes
    flags = ["case", "new", "--id", "oefen-2025", "--label-nl", "L", "--label-en", "L",
             "--organisation", "Gemeente Maastricht", "--level", "gemeente", "--source",
             "essay-2025", "--role", "wethouder", "--concept", "frame-lock", "--start", "2025",
             "--end", "2025", "--summary-nl", "S", "--summary-en", "S", "-o", out]
    r = run(*flags, input="\nn\n")  # empty quote (later), then "no"
    assert r.exit_code == 1 and "nothing was written" in r.output
    assert out.read_text(encoding="utf-8") == "# mine\n"
    r = run(*flags, input="\ny\n")
    assert r.exit_code == 0, r.output
    assert "id: oefen-2025" in out.read_text(encoding="utf-8")


def test_interactive_new_asks_with_numbered_choices_and_reprompts(run, tmp_path, corpus_copy):
    from pav_graph.contrib import Vocabulary
    from pav_graph.project import Project

    vocab = Vocabulary.load(Project(corpus_copy))
    roles = [c.id for c in vocab.of_kind("role")]
    sources = sorted(vocab.sources)
    answers = [
        "Oefen Id",                      # invalid id → asked again
        "oefen-houten",
        "Houten: oefening", "Houten: exercise",
        "Gemeente Houten",               # an organisation other cases know …
        "",                              # … so its level is the default
        "2024", "2025-13", "2025",       # a bad end date is asked again
        str(sources.index("essay-2025") + 1),
        f"{roles.index('gemeentesecretaris') + 1}, 999",  # 999 is out of range → asked again
        f"{roles.index('gemeentesecretaris') + 1}, wethouder",
        "kwetsende-bejegening",          # risk factors
        "",                              # patterns: none
        "Volgens het essay ...", "According to the essay ...",
        "een zin die niet in het essay staat",  # not in the source → asked again
        HOUTEN,
    ]
    out = tmp_path / "oefen-houten.yaml"
    r = run("case", "new", "-o", out, input="\n".join(answers) + "\n")
    assert r.exit_code == 0, r.output
    assert "'Oefen Id' is not a valid id" in r.output
    assert "'2025-13' is not a date" in r.output
    assert "'999' is not a concept id" in r.output
    assert "--quote is not in source 'essay-2025'" in r.output
    assert "found at lines 16-17" in r.output
    assert re.search(rf"\b{roles.index('gemeentesecretaris') + 1}\. gemeentesecretaris\b", r.output)
    text = out.read_text(encoding="utf-8")
    assert "level: gemeente" in text and 'start: "2024"' in text and 'end: "2025"' in text
    assert "role: wethouder" in text and "role: gemeentesecretaris" in text
    assert "lines: 16-17" in text
    assert run("case", "validate", out).exit_code == 0


def test_interactive_new_in_a_real_terminal(corpus_copy, tmp_path):
    """Drive `case new` through tmux: real prompts, real key presses."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (apt-get install -y tmux)")
    session = f"pavgraph{os.getpid()}"
    out = tmp_path / "oefen-tty.yaml"
    env = f"PAV_GRAPH_BUILD={tmp_path / 'build'}"
    cmd = (f"cd {tmp_path} && {env} {sys.executable} -m pav_graph --corpus {corpus_copy} case new "
           f"-o {out}; echo EXIT=$?; sleep 30")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "50", cmd], check=True)

    def screen() -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", session, "-S", "-200"],
                              capture_output=True, text=True, check=False).stdout

    def answer(prompt: str, keys: str) -> None:
        deadline = time.monotonic() + 60
        while True:  # wait until the prompt is the last line on the screen
            lines = [ln for ln in screen().splitlines() if ln.strip()]
            if lines and prompt in lines[-1]:
                break
            assert "EXIT=" not in screen(), screen()
            assert time.monotonic() < deadline, f"no prompt {prompt!r}:\n{screen()}"
            time.sleep(0.1)
        subprocess.run(["tmux", "send-keys", "-t", session, "-l", keys], check=True)
        subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)

    try:
        answer("Case id", "oefen-tty")
        answer("Title in Dutch", "Oefening in een terminal")
        answer("Title in English", "Exercise in a terminal")
        answer("Organisation (name)", "Gemeente Maastricht")
        answer("Level of government", "")
        answer("Start of the period", "2025")
        answer("End of the period", "")
        answer("Source (number or id)", "essay-2025")
        answer("Roles taking part (numbers", "gemeentesecretaris")
        answer("Risk factors (numbers", "")
        answer("Patterns (numbers", "frame-lock")
        answer("Summary in Dutch", "Volgens het essay ...")
        answer("Summary in English", "According to the essay ...")
        answer("showing", FRAME_LOCK)
        deadline = time.monotonic() + 60
        while "EXIT=" not in screen():
            assert time.monotonic() < deadline, screen()
            time.sleep(0.1)
        text = screen()
        assert "EXIT=0" in text, text
        assert "found at line 53" in text
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
    body = out.read_text(encoding="utf-8")
    assert "id: oefen-tty" in body and "lines: 53" in body and "level: gemeente" in body


# --------------------------------------------------------------------------- case validate


BROKEN = """\
id: oefen-fout
label: {nl: "Oefening", en: "Exercise"}
summary: {nl: "Volgens het essay ...", en: "According to the essay ..."}
period: {start: "2025-02-30"}
organisations:
  - {id: gemeente-oefenstad, name: Gemeente Oefenstad, level: gemeente}
findings:
  - concept: frame-lok
    evidence:
      - {source: essay-2025, lines: 53, quote: "Dit heeft geleid tot ‘frame-lock’"}
  - concept: wantrouwen
    evidence:
      - {source: essay-2024, lines: 57, quote: "x"}
      - {source: essay-2025, lines: 10-11, quote: "Dit heeft geleid tot ‘frame-lock’"}
      - {source: essay-2025, lines: 53, quote: "Dit heeft geleid tot 'frame-lock'"}
"""


def test_validate_reports_all_problems_with_place_and_fix(run, tmp_path):
    path = tmp_path / "oefen-fout.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    r = run("case", "validate", path)
    assert r.exit_code == 1
    lines = [ln for ln in r.output.splitlines() if ln.startswith(str(path))]
    expected = [  # (line, what, fix)
        (4, "is not a date", "YYYY"),
        (8, "unknown concept 'frame-lok'", "did you mean 'frame-lock'"),
        (13, "unknown source 'essay-2024'", "did you mean 'essay-2025'"),
        (14, "lines 10-11", "set `lines: 53`"),
        (15, "quote not found in source 'essay-2025'", "verbatim"),
    ]
    for line, what, fix in expected:
        assert any(re.match(rf"{re.escape(str(path))}:{line}:\d+: .*{re.escape(what)}.* — .*"
                            rf"{re.escape(fix)}", ln) for ln in lines), (line, what, lines)
    assert len(lines) == len(expected), lines


def test_validate_usage_errors_exit_2(run, tmp_path):
    assert run("case", "validate", tmp_path / "nope.yaml").exit_code == 2
    assert run("case", "validate").exit_code == 2


# --------------------------------------------------------------------------- case add


def make_valid(run, tmp_path, case_id="oefen-2025") -> Path:
    out = tmp_path / f"{case_id}.yaml"
    r = run("case", "new", "--no-input", "--id", case_id, "--label-nl", "Oefening", "--label-en",
            "Exercise", "--organisation", "Gemeente Maastricht", "--level", "gemeente", "--source",
            "essay-2025", "--concept", "frame-lock", "--quote", FRAME_LOCK, "--summary-nl", "S",
            "--summary-en", "S", "-o", out)
    assert r.exit_code == 0, r.output
    return out


@pytest.mark.slow
def test_add_places_the_file_and_rebuilds(run, tmp_path, corpus_copy):
    draft = make_valid(run, tmp_path)
    r = run("case", "add", draft)
    assert r.exit_code == 0, r.output
    target = corpus_copy / "cases" / "oefen-2025.yaml"
    assert target.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../ontology/case.schema.json\n")
    n = len(list((corpus_copy / "cases").glob("*.yaml")))
    assert f"graph rebuilt: {n} cases" in r.output
    r = run("show", "oefen-2025")
    assert r.exit_code == 0 and "frame-lock" in r.output.replace("frame lock", "frame-lock")


def test_add_refusals_leave_cases_byte_for_byte_unchanged(run, tmp_path, corpus_copy):
    cases = corpus_copy / "cases"
    before = digest(cases)
    broken = tmp_path / "oefen-fout.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    r = run("case", "add", "--no-build", broken)
    assert r.exit_code == 1
    assert "did you mean 'frame-lock'" in r.output and "nothing was changed" in r.output
    assert digest(cases) == before

    dup = tmp_path / "maastricht-2025.yaml"
    dup.write_text(make_valid(run, tmp_path).read_text(encoding="utf-8").replace(
        "id: oefen-2025", "id: maastricht-2025"), encoding="utf-8")
    r = run("case", "add", "--no-build", dup)
    assert r.exit_code == 1
    assert "case 'maastricht-2025' already exists" in r.output and "--replace" in r.output
    assert digest(cases) == before

    assert run("case", "add", tmp_path / "nope.yaml").exit_code == 2
    assert digest(cases) == before


def test_add_replace_keeps_a_backup(run, tmp_path, corpus_copy):
    old = (corpus_copy / "cases" / "maastricht-2025.yaml").read_bytes()
    dup = tmp_path / "maastricht-2025.yaml"
    dup.write_text(make_valid(run, tmp_path).read_text(encoding="utf-8").replace(
        "id: oefen-2025", "id: maastricht-2025"), encoding="utf-8")
    r = run("case", "add", "--no-build", "--replace", dup)
    assert r.exit_code == 0, r.output
    backups = list((corpus_copy / "cases" / ".backup").glob("maastricht-2025.*.yaml"))
    assert len(backups) == 1 and backups[0].read_bytes() == old
    assert "cases/.backup/maastricht-2025." in r.output


# --------------------------------------------------------------------------- edits


def test_add_finding_to_a_corpus_case_keeps_comments_and_only_appends(run, corpus_copy):
    path = corpus_copy / "cases" / "maastricht-2025.yaml"
    before = path.read_text(encoding="utf-8")
    r = run("case", "add-finding", "maastricht-2025", "--concept", "frame-lock", "--source",
            "essay-2025", "--lines", "57", "--quote", WANTROUWEN)
    assert r.exit_code == 0, r.output
    after = path.read_text(encoding="utf-8")
    new_lines = ["      - source: essay-2025", "        lines: 57", f'        quote: "{WANTROUWEN}"']
    # the file is the old file with exactly these three lines inserted in one place
    b, a = before.split("\n"), after.split("\n")
    (i,) = [k for k in range(len(a)) if a[k:k + 3] == new_lines]
    assert a[:i] + a[i + 3:] == b
    assert sum(ln.lstrip().startswith("#") for ln in a) == sum(ln.lstrip().startswith("#") for ln in b)


@pytest.mark.parametrize("args, code, message", [
    (("--concept", "frame-lok", "--lines", "53", "--quote", FRAME_LOCK), 2, "did you mean 'frame-lock'"),
    (("--concept", "frame-lock", "--source", "essay-2024", "--quote", FRAME_LOCK), 2,
     "did you mean 'essay-2025'"),
    (("--concept", "frame-lock", "--lines", "12", "--quote", FRAME_LOCK), 1,
     "not within lines 12 of 'essay-2025' — it stands at line(s) 53: use --lines 53"),
    (("--concept", "frame-lock", "--quote", "Dit heeft geleid tot 'frame-lock'"), 1,
     "not in source 'essay-2025'"),
    (("--concept", "frame-lock", "--lines", "12-", "--quote", FRAME_LOCK), 2, "not a line number"),
])
def test_add_finding_errors_change_nothing(run, corpus_copy, args, code, message):
    args = list(args)
    if "--source" not in args:
        args += ["--source", "essay-2025"]
    before = digest(corpus_copy / "cases")
    r = run("case", "add-finding", "maastricht-2025", *args)
    assert r.exit_code == code, r.output
    assert message in r.output
    assert digest(corpus_copy / "cases") == before


def test_add_relation_intervention_event_actor(run, tmp_path):
    draft = make_valid(run, tmp_path)
    r = run("case", "add-relation", draft, "--type", "rel-wantrouwen", "--from", "college",
            "--to", "secretaris", "--source", "essay-2025", "--quote", WANTROUWEN)
    assert r.exit_code == 2 and "not an actor of this case" in r.output
    for actor, role in (("college", "college-van-b-en-w"), ("secretaris", "gemeentesecretaris")):
        r = run("case", "add-actor", draft, "--id", actor, "--role", role, "--label-nl", actor,
                "--label-en", actor)
        assert r.exit_code == 0, r.output
    r = run("case", "add-relation", draft, "--type", "rel-wantrouwen", "--from", "colege",
            "--to", "secretaris", "--source", "essay-2025", "--quote", WANTROUWEN)
    assert r.exit_code == 2 and "did you mean 'college'" in r.output
    r = run("case", "add-relation", draft, "--type", "frame-lock", "--from", "college",
            "--to", "secretaris", "--source", "essay-2025", "--quote", WANTROUWEN)
    assert r.exit_code == 2 and "is a pattern, not a relation type" in r.output
    r = run("case", "add-relation", draft, "--type", "rel-wantrouwen", "--from", "college",
            "--to", "secretaris", "--source", "essay-2025", "--quote", WANTROUWEN)
    assert r.exit_code == 0, r.output
    r = run("case", "add-event", draft, "--label-nl", "einde samenwerking", "--label-en", "end",
            "--date", "2025-02-30", "--source", "essay-2025", "--quote",
            "Kort daarna wordt de samenwerking beëindigd")
    assert r.exit_code == 2 and "'2025-02-30' is not a date" in r.output
    r = run("case", "add-event", draft, "--label-nl", "einde samenwerking", "--label-en", "end",
            "--date", "2025", "--actor", "secretaris", "--source", "essay-2025", "--quote",
            "Kort daarna wordt de samenwerking beëindigd")
    assert r.exit_code == 0, r.output
    r = run("case", "add-intervention", draft, "--concept", "relatie-bespreekbaar-maken",
            "--status", "recommended", "--outcome-nl", "alleen nl", "--source", "essay-2025",
            "--quote", WANTROUWEN)
    assert r.exit_code == 2 and "give both --outcome-nl and --outcome-en" in r.output
    assert run("case", "validate", draft).exit_code == 0
    text = draft.read_text(encoding="utf-8")
    assert "relations:\n  - type: rel-wantrouwen\n    from: college\n    to: secretaris" in text
    assert 'events:\n  - date: "2025"' in text and "lines: 12-13" in text


# --------------------------------------------------------------------------- list/show/remove


def test_list_show_remove(run, corpus_copy):
    r = run("case", "list", "--format", "json")
    assert r.exit_code == 0
    import json

    rows = json.loads(r.output)
    assert {row["id"] for row in rows} == {p.stem for p in (corpus_copy / "cases").glob("*.yaml")}
    r = run("case", "show", "houten")
    assert r.exit_code == 0 and "id: houten" in r.output
    r = run("case", "show", "houtn")
    assert r.exit_code == 2 and "did you mean 'houten'" in r.output

    old = (corpus_copy / "cases" / "houten.yaml").read_bytes()
    r = run("case", "remove", "houten", "--no-build", input="n\n")
    assert r.exit_code == 1 and (corpus_copy / "cases" / "houten.yaml").exists()
    r = run("case", "remove", "houten", "--no-build", "--yes")
    assert r.exit_code == 0, r.output
    assert not (corpus_copy / "cases" / "houten.yaml").exists()
    (backup,) = (corpus_copy / "cases" / ".backup").glob("houten.*.yaml")
    assert backup.read_bytes() == old


# --------------------------------------------------------------------------- source / concept


def test_source_add_normalises_line_ends_and_refuses_bad_input(run, tmp_path, corpus_copy):
    text = tmp_path / "rapport.txt"
    text.write_bytes("Eerste regel van het rapport.\r\nTweede regel met één citaat.\r\n".encode())
    r = run("source", "add", "--id", "oefen-rapport", "--text", text, "--type", "report",
            "--title", "Oefenrapport", "--author", "Onderzoeksbureau", "--year", "2025")
    assert r.exit_code == 0, r.output
    copied = corpus_copy / "sources" / "texts" / "oefen-rapport.txt"
    assert copied.read_bytes() == "Eerste regel van het rapport.\nTweede regel met één citaat.\n".encode()
    meta = (corpus_copy / "sources" / "oefen-rapport.yaml").read_text(encoding="utf-8")
    assert "text: texts/oefen-rapport.txt" in meta and 'authors: ["Onderzoeksbureau"]' in meta

    r = run("source", "add", "--id", "oefen-rapport", "--text", text, "--type", "report")
    assert r.exit_code == 1 and "already exists" in r.output
    latin = tmp_path / "latin.txt"
    latin.write_bytes("regel een\nco\xf6peratie\n".encode("latin-1"))
    r = run("source", "add", "--id", "oefen-latin", "--text", latin, "--type", "report")
    assert r.exit_code == 1 and "latin.txt:2: not UTF-8 text (byte 0xf6)" in r.output
    assert not (corpus_copy / "sources" / "oefen-latin.yaml").exists()
    essay = corpus_copy / "sources" / "texts" / "004_533bc91a8930cfed.txt"
    crlf = tmp_path / "essay-crlf.txt"
    crlf.write_bytes(essay.read_bytes().replace(b"\n", b"\r\n"))
    r = run("source", "add", "--id", "oefen-kopie", "--text", crlf, "--type", "essay")
    assert r.exit_code == 1 and "the same text as source 'essay-2025'" in r.output

    # the new source can be quoted at once, with its line numbers
    draft = make_valid(run, tmp_path)
    r = run("case", "add-finding", draft, "--concept", "wantrouwen", "--source", "oefen-rapport",
            "--quote", "Tweede regel met één citaat.")
    assert r.exit_code == 0, r.output
    assert "lines: 2\n" in draft.read_text(encoding="utf-8")
    assert run("case", "validate", draft).exit_code == 0


def test_concept_add_refuses_near_duplicates_unless_forced(run, corpus_copy, tmp_path):
    base = ["concept", "add", "--kind", "risk-factor", "--definition-nl", "Een oefening.",
            "--definition-en", "An exercise.", "--source", "essay-2025", "--lines", "53"]
    r = run(*base, "--id", "framelock", "--label-nl", "Frame Lock", "--label-en", "frame lock")
    assert r.exit_code == 1 and "similar to 'frame-lock'" in r.output and "--force" in r.output
    contributed = corpus_copy / "ontology" / "concepts" / "contributed.yaml"
    assert not contributed.exists()

    r = run(*base, "--id", "oefen-begrip", "--label-nl", "oefenbegrip", "--label-en",
            "exercise concept", "--quote", FRAME_LOCK, "--broader", "frame-lok")
    assert r.exit_code == 2 and "did you mean 'frame-lock'" in r.output
    r = run(*base, "--id", "oefen-begrip", "--label-nl", "oefenbegrip", "--label-en",
            "exercise concept", "--quote", FRAME_LOCK, "--broader", "frame-lock")
    assert r.exit_code == 0, r.output
    r = run(*base, "--id", "oefen-begrip-twee", "--label-nl", "tweede oefenterm", "--label-en",
            "second exercise term", "--lines", "1-2")
    assert r.exit_code == 0, r.output
    text = contributed.read_text(encoding="utf-8")
    assert text.startswith("# Concepts proposed by contributors")
    assert text.count("  - id: oefen-begrip") == 2
    r = run(*base, "--id", "framelock", "--label-nl", "Frame Lock", "--label-en", "frame lock", "--force")
    assert r.exit_code == 0, r.output
    r = run("validate")
    assert r.exit_code == 0, r.output

    # a case may use the new concept at once
    draft = make_valid(run, tmp_path)
    r = run("case", "add-finding", draft, "--concept", "oefen-begrip", "--source", "essay-2025",
            "--quote", WANTROUWEN)
    assert r.exit_code == 0, r.output


# --------------------------------------------------------------------------- locating the corpus


def test_the_corpus_comes_from_the_flag_the_environment_or_the_directory(corpus_copy, tmp_path):
    env = {**os.environ, "PAV_GRAPH_BUILD": str(tmp_path / "build")}
    env.pop("PAV_GRAPH_CORPUS", None)
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()

    def ids(cwd: Path, extra_env: dict, *flags: str) -> set[str]:
        r = subprocess.run([*PAV, *flags, "case", "list", "--format", "json"], cwd=cwd,
                           env={**env, **extra_env}, capture_output=True, text=True, check=False)
        assert r.returncode == 0, r.stderr
        import json

        return {row["id"] for row in json.loads(r.stdout)}

    (corpus_copy / "cases" / "houten.yaml").rename(corpus_copy / "cases" / ".houten.yaml.off")
    expected = {p.stem for p in (corpus_copy / "cases").glob("*.yaml")}
    assert "houten" not in expected
    assert ids(elsewhere, {}, "--corpus", str(corpus_copy)) == expected
    assert ids(elsewhere, {"PAV_GRAPH_CORPUS": str(corpus_copy)}) == expected
    assert ids(corpus_copy / "cases", {}) == expected
    r = subprocess.run([*PAV, "case", "list"], cwd=elsewhere, env=env, capture_output=True, text=True,
                       check=False)
    assert r.returncode == 2 and "PAV_GRAPH_CORPUS" in r.stderr


def test_shell_completion_offers_vocabulary_ids(corpus_copy):
    env = {**os.environ, "_PAV_GRAPH_COMPLETE": "bash_complete", "PAV_GRAPH_CORPUS": str(corpus_copy),
           "COMP_WORDS": "pav-graph case new --role gemeentes", "COMP_CWORD": "4"}
    r = subprocess.run([*PAV], env=env, capture_output=True, text=True, check=False)
    assert "plain,gemeentesecretaris" in r.stdout, r.stdout + r.stderr
    env["COMP_WORDS"], env["COMP_CWORD"] = "pav-graph case add-finding maastr", "3"
    r = subprocess.run([*PAV], env=env, capture_output=True, text=True, check=False)
    assert "plain,maastricht-2025" in r.stdout


def test_scripted_new_takes_evidence_for_every_concept(run, tmp_path):
    out = tmp_path / "oefen-2025.yaml"
    r = scripted_new(run, out, "--concept", "frame-lock", "--evidence", "frame-lock", FRAME_LOCK,
                     "--evidence", "rel-wantrouwen", WANTROUWEN, "--evidence", "frame-lock", HOUTEN,
                     "--summary-nl", "S", "--summary-en", "S")
    assert r.exit_code == 0, r.output
    assert "evidence for 'frame-lock' found at line 53" in r.output
    assert "evidence for 'rel-wantrouwen' found at line 57" in r.output
    text = out.read_text(encoding="utf-8")
    assert "evidence: []" not in text  # every concept has its evidence
    data = __import__("yaml").safe_load(text)
    assert [(f["concept"], [e["lines"] for e in f["evidence"]]) for f in data["findings"]] == [
        ("frame-lock", [53, "16-17"]), ("rel-wantrouwen", [57])]
    assert run("case", "validate", out).exit_code == 0
    r = scripted_new(run, tmp_path / "x.yaml", "--evidence", "frame-lok", FRAME_LOCK)
    assert r.exit_code == 2 and "did you mean 'frame-lock'" in r.output
    r = scripted_new(run, tmp_path / "y.yaml", "--evidence", "frame-lock", "niet in het essay")
    assert r.exit_code == 1 and "--evidence frame-lock: --quote is not in source" in r.output
    assert not (tmp_path / "x.yaml").exists() and not (tmp_path / "y.yaml").exists()
