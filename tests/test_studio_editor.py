"""The staff studio: edit a topic, see problems appear and go beside the field, try it, save, reload."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.analytics.recorder import Recorder
from kiosk.dialog.engine import DialogEngine
from kiosk.pack.loader import load_pack, validate_pack
from kiosk.studio.window import StudioWindow, train_function

from conftest import MINI_PACK

pytestmark = pytest.mark.gui
ANSWER_EN = ("topics", 0, "answer", "en")


def _idle(win: StudioWindow) -> bool:
    return win.validations > 0 and not win.pending_check()


@pytest.fixture
def pack(mini_pack_dir: Path) -> Path:
    return mini_pack_dir


@pytest.fixture
def studio(qtbot, pack: Path, tmp_path: Path):
    win = StudioWindow(pack, None, db_path=tmp_path / "analytics.sqlite3")
    win.setProperty("force_close", True)  # no "quit without saving?" question when the test ends
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: _idle(win), timeout=20000)
    yield win
    win.runner.wait()


def _ask(qtbot, win: StudioWindow, text: str):
    qtbot.waitUntil(lambda: _idle(win), timeout=20000)
    with qtbot.waitSignal(win.try_panel.replied, timeout=20000) as blocker:
        win.try_panel.ask(text)
    return blocker.args[0]


def test_edit_topic_error_beside_field_try_save_reload(qtbot, studio: StudioWindow, pack: Path) -> None:
    win = studio
    assert win.select("topics.yaml", ("topics", 0))
    editor = win.form.editor_for(ANSWER_EN)
    assert editor.toPlainText() == "We are open Monday to Friday, 9:00 to 17:00."
    original = (pack / "topics.yaml").read_text(encoding="utf-8")

    editor.setFocus()
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key_Backspace)
    qtbot.waitUntil(lambda: win.form.messages_for(ANSWER_EN) == ["missing"], timeout=20000)
    assert "missing" in win.form.labels["topics[0].answer.en"].text()
    assert any(p.field == "topics[0].answer.en" for p in win.problems)
    assert not win.save(), "a pack with problems is never saved"
    assert (pack / "topics.yaml").read_text(encoding="utf-8") == original

    qtbot.keyClicks(editor, "We open 8:30 to 18:00 every day.")
    qtbot.waitUntil(lambda: _idle(win) and win.form.messages_for(ANSWER_EN) == [], timeout=20000)
    assert win.problems == []

    reply = _ask(qtbot, win, "What time do you open?")
    assert reply.intent == "opening-hours" and reply.state == "answered"
    assert "8:30 to 18:00" in reply.text and reply.confidence > 0.5
    assert "opening-hours" in win.try_panel.log.toPlainText()

    assert win.save()
    saved = (pack / "topics.yaml").read_text(encoding="utf-8")
    assert "We open 8:30 to 18:00 every day." in saved and "9:00 to 17:00" not in saved
    assert (pack / "topics.yaml.bak").read_text(encoding="utf-8") == original
    assert (pack / "venue.yaml").read_bytes() == (MINI_PACK / "venue.yaml").read_bytes(), "unchanged files are not rewritten"
    reloaded, problems = validate_pack(pack)
    assert problems == [] and "8:30" in reloaded.topic("opening-hours").answer["en"]

    win.reload()
    qtbot.waitUntil(lambda: win.form is not None and win.form.editor_for(ANSWER_EN) is not None, timeout=20000)
    assert win.form.editor_for(ANSWER_EN).toPlainText() == "We open 8:30 to 18:00 every day."
    assert not win.undo.canUndo()


def test_undo_redo_of_typing_and_of_adding_a_topic(qtbot, studio: StudioWindow) -> None:
    win = studio
    win.select("topics.yaml", ("topics", 1))
    title = win.form.editor_for(("topics", 1, "title", "en"))
    qtbot.keyClicks(title, " and baby care")
    assert win.doc.get("topics.yaml", ("topics", 1, "title", "en")) == "Restrooms and baby care"
    assert win.undo.count() == 1, "typing in one field is one undo step"
    win.undo.undo()
    assert win.doc.get("topics.yaml", ("topics", 1, "title", "en")) == "Restrooms"
    qtbot.waitUntil(lambda: win.form.editor_for(("topics", 1, "title", "en")).text() == "Restrooms", timeout=5000)
    win.undo.redo()
    assert win.doc.get("topics.yaml", ("topics", 1, "title", "en")) == "Restrooms and baby care"

    count = len(win.doc.get("topics.yaml", ("topics",)))
    win.add_topic()
    assert len(win.doc.get("topics.yaml", ("topics",))) == count + 1
    qtbot.waitUntil(lambda: win.form is not None and win.form.base == ("topics", count) and _idle(win), timeout=20000)
    assert win.form.messages_for(("topics", count, "answer", "zh")) == ["missing"]
    assert win.form.messages_for(("topics", count, "title", "en")) == ["missing"]
    win.undo.undo()
    assert len(win.doc.get("topics.yaml", ("topics",))) == count
    qtbot.waitUntil(lambda: _idle(win) and win.problems == [], timeout=20000)


def test_the_venue_wide_tick_box_writes_the_field_and_unticking_leaves_it_out(qtbot, studio: StudioWindow,
                                                                               pack: Path) -> None:
    win = studio
    win.select("topics.yaml", ("topics", 0))
    box = win.form.editor_for(("topics", 0, "venue_wide"))
    assert not box.isChecked()
    box.setChecked(True)
    assert win.doc.get("topics.yaml", ("topics", 0, "venue_wide")) is True
    qtbot.waitUntil(lambda: _idle(win) and win.problems == [], timeout=20000)
    assert win.save()
    assert load_pack(pack).topic("opening-hours").venue_wide
    box = win.form.editor_for(("topics", 0, "venue_wide"))
    box.setChecked(False)
    assert win.doc.get("topics.yaml", ("topics", 0, "venue_wide")) is None
    qtbot.waitUntil(lambda: _idle(win), timeout=20000)
    assert win.save()
    assert "venue_wide" not in (pack / "topics.yaml").read_text(encoding="utf-8")


def _studio_with_unanswered(qtbot, pack: Path, db: Path, questions: tuple[str, ...], groups: int) -> StudioWindow:
    """A studio whose analytics hold ``questions`` as the kiosk answered them (not well)."""
    engine = DialogEngine(load_pack(pack))
    with Recorder(db, "mini-hall") as rec:
        for question in questions:
            reply = engine.new_session().handle(question)
            assert reply.state in ("rephrase", "handoff", "clarifying") or reply.confidence < 0.6
            rec.record_turn(reply, "mini-hall", "voice", reply.latency_ms, question=question)
        rec.flush()
    win = StudioWindow(pack, None, db_path=db)
    win.setProperty("force_close", True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: _idle(win) and len(win.unanswered.groups) == groups, timeout=20000)
    return win


def test_unanswered_question_becomes_an_example(qtbot, pack: Path, tmp_path: Path) -> None:
    win = _studio_with_unanswered(qtbot, pack, tmp_path / "analytics.sqlite3",
                                  ("哪里能买到门票呀", "哪里能买门票", "wifi password?"), 2)
    reps = [g.representative for g in win.unanswered.groups]
    assert reps[0] in ("哪里能买到门票呀", "哪里能买门票") and win.unanswered.groups[0].count == 2

    win.unanswered.list.setCurrentRow(0)
    win.unanswered.topic.setCurrentIndex(2)  # 门票价格 / ticket-price
    win.unanswered.add_button.click()
    questions = win.doc.get("topics.yaml", ("topics", 2, "questions", "zh"))
    assert questions[-1] == reps[0]
    reply = _ask(qtbot, win, reps[0])
    assert reply.intent == "ticket-price" and reply.state == "answered"

    win.unanswered.list.setCurrentRow(1)
    win.unanswered.new_button.click()
    topics = win.doc.get("topics.yaml", ("topics",))
    assert topics[-1]["questions"]["en"] == ["wifi password?"] and topics[-1]["id"] == "new-topic"
    win.runner.wait()


def test_broken_field_values_are_reported_by_the_same_checker(qtbot, studio: StudioWindow) -> None:
    win = studio
    win.select("venue.yaml", ())
    version = win.form.editor_for(("version",))
    version.selectAll()
    qtbot.keyClicks(version, "three")
    qtbot.waitUntil(lambda: _idle(win) and win.form.messages_for(("version",)) != [], timeout=20000)
    assert win.form.messages_for(("version",)) == ["expected a whole number, got text 'three'"]
    assert "version" in win.problem_list.item(0).text() and "venue.yaml" in win.problem_list.item(0).text()
    version.selectAll()
    qtbot.keyClicks(version, "2")
    qtbot.waitUntil(lambda: _idle(win) and win.problems == [], timeout=20000)
    assert win.doc.get("venue.yaml", ("version",)) == 2


def test_retrain_reports_when_the_trainer_is_missing(studio: StudioWindow) -> None:
    if train_function() is not None:
        pytest.skip("the intent model trainer is installed; covered by the slow retrain test")
    assert not studio.retrain_action.isEnabled()
    assert "not available" in studio.retrain_action.toolTip()
    assert studio.retrain() is False


@pytest.mark.slow
def test_retrain_from_the_studio_shows_progress_and_the_model_answers(qtbot, studio: StudioWindow, pack: Path,
                                                                      tmp_path: Path) -> None:
    if train_function() is None:
        pytest.skip("the intent model trainer is not installed")
    win = studio
    values: list[int] = []
    win.progress.valueChanged.connect(values.append)
    assert win.retrain()
    assert not win.retrain_action.isEnabled()
    qtbot.waitUntil(lambda: win.retrain_action.isEnabled(), timeout=600000)
    assert "Retrained" in win.status.text() or win.validations, win.status.text()
    assert (pack / ".model").is_dir() and values and values[-1] == 100 and len(set(values)) > 3
    qtbot.waitUntil(lambda: _idle(win) and "model" in win.try_panel.note, timeout=60000)
    reply = _ask(qtbot, win, "When do you open?")
    assert reply.intent == "opening-hours"

    from kiosk.pack.publish import check_pack_file

    assert win.publish_to(tmp_path / "out.kpack")
    qtbot.waitUntil(lambda: (tmp_path / "out.kpack").exists() and not win.runner.busy(), timeout=60000)
    info, contents = check_pack_file(tmp_path / "out.kpack")
    assert any(name.startswith(".model/") for name in contents), "the trained model travels with the pack"


def test_unanswered_question_not_answered_here_goes_to_outside_yaml(qtbot, pack: Path, tmp_path: Path) -> None:
    """Staff mark a question as not the venue's: it lands in outside.yaml, the pack stays valid,
    and undo takes the new file away again."""
    win = _studio_with_unanswered(qtbot, pack, tmp_path / "analytics.sqlite3", ("哪里可以打车",), 1)
    win.unanswered.list.setCurrentRow(0)
    win.unanswered.outside_button.click()
    assert win.doc.get("outside.yaml", ("questions", "zh")) == ["哪里可以打车"]
    qtbot.waitUntil(lambda: _idle(win), timeout=20000)
    assert win.problems == []
    assert win.save() and validate_pack(pack)[0].outside == {"zh": ["哪里可以打车"]}
    win.undo.undo()
    assert "outside.yaml" not in win.doc.data
    win.runner.wait()


def test_not_answered_here_keeps_outside_text_with_a_mistake(studio: StudioWindow) -> None:
    """Adding to outside.yaml while its typed text is not valid YAML changes nothing and loses nothing."""
    studio.doc.raw_text["outside.yaml"] = "questions:\n  zh: [附近有银行吗\n"
    studio.add_outside("哪里可以打车", "zh")
    assert studio.doc.raw_text["outside.yaml"] == "questions:\n  zh: [附近有银行吗\n"
    assert "outside.yaml" not in studio.doc.data
    assert "mistake" in studio.status.text()
    studio.doc.raw_text["outside.yaml"] = "questions:\n  zh: [附近有银行吗]\n"
    studio.add_outside("哪里可以打车", "zh")
    assert studio.doc.get("outside.yaml", ("questions", "zh")) == ["附近有银行吗", "哪里可以打车"]
    assert "outside.yaml" not in studio.doc.raw_text
