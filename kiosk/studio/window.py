"""The studio main window: pack tree, field forms, problems, try-it chat, unanswered questions."""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Callable

import yaml
from PySide6.QtCore import QTimer, Signal, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog, QLabel, QListWidget, QListWidgetItem, QMainWindow, QMessageBox, QPlainTextEdit,
    QProgressBar, QScrollArea, QSplitter, QTabWidget, QToolBar, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
    QWidget,
)

from kiosk.app.collector import collect_on_gui_thread
from kiosk.pack.yamlsrc import Problem
from kiosk.studio import specs
from kiosk.studio.document import PackDocument, Path_, path_str, validate_texts
from kiosk.studio.forms import FormView
from kiosk.studio.trypanel import TryPanel
from kiosk.studio.unanswered import UnansweredPanel
from kiosk.studio.undo import ChangeStructure, SetValue
from kiosk.studio.workers import JobRunner

log = logging.getLogger(__name__)
ROLE = Qt.UserRole
RAW_FILES = {  # kind -> heading, what the file holds, the text of a new file
    "lexicon": ("Synonyms and common mis-hearings",
                "one list per line of words that mean the same, the main word first.", "synonyms:\n"),
    "outside": ("Not answered here",
                "questions visitors ask that this venue does not answer, per language. The kiosk hands "
                "them to the help desk instead of guessing (after retraining).", "questions:\n  zh:\n  en:\n"),
}
_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_field(field: str) -> Path_:
    """``topics[2].answer.en`` -> ``("topics", 2, "answer", "en")``."""
    return tuple(int(i) if i else name for name, i in _FIELD_PART.findall(field))


def _title(item: Any, langs: list[str], fallback: str) -> str:
    if isinstance(item, dict):
        title = item.get("title") or item.get("name")
        if isinstance(title, dict):
            for lang in langs:
                if title.get(lang):
                    return str(title[lang])
        if item.get("id") is not None:
            return str(item["id"])
    return fallback


def train_function() -> Callable[..., Any] | None:
    """The intent model trainer, when that part of the kiosk is installed."""
    try:
        from kiosk.nlu.train import train_pack
    except ImportError:
        return None
    return train_pack


class StudioWindow(QMainWindow):
    validated = Signal(int)  # number of problems after each check of the edited pack

    def __init__(self, pack_dir: str | Path, config: Any = None, db_path: Path | None = None) -> None:
        super().__init__()
        collect_on_gui_thread()  # before any job: Qt garbage must never be collected on a pool thread
        self.doc = PackDocument.load(pack_dir)
        self.config = config
        self.runner = JobRunner(self)
        self.undo = QUndoStack(self)
        self.problems: list[Problem] = []
        self.edited_pack: Any = None
        self.validations = 0
        self._generation = 0
        self.form: FormView | None = None
        self.raw_editor: QPlainTextEdit | None = None
        self._selected: tuple[str, Path_, str] | None = None
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self._validate_now)
        self._build_ui(db_path)
        self.undo.cleanChanged.connect(self._clean_changed)
        self._rebuild_tree()
        self._select_first()
        self._validate_now()
        self.unanswered.refresh()

    # -- layout ---------------------------------------------------------------------------------
    def _build_ui(self, db_path: Path | None) -> None:
        self.resize(1360, 880)
        bar = QToolBar("Studio")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.save_action = self._action(bar, "Save", self.save, QKeySequence.Save)
        self._action(bar, "Reload", self.reload, None)
        undo, redo = self.undo.createUndoAction(self, "Undo"), self.undo.createRedoAction(self, "Redo")
        undo.setShortcut(QKeySequence.Undo)
        redo.setShortcut(QKeySequence.Redo)
        bar.addAction(undo)
        bar.addAction(redo)
        bar.addSeparator()
        self._action(bar, "Add topic", self.add_topic, None)
        self._action(bar, "Add flow", self.add_flow, None)
        self._action(bar, "Add place", self.add_place, None)
        self.delete_action = self._action(bar, "Delete item", self.delete_selected, None)
        bar.addSeparator()
        self.retrain_action = self._action(bar, "Retrain", self.retrain, None)
        if train_function() is None:
            self.retrain_action.setEnabled(False)
            self.retrain_action.setToolTip("Retraining is not available: the intent model trainer is not installed")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        bar.addWidget(self.progress)
        self._action(bar, "Publish…", self.publish_dialog, None)

        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setMinimumWidth(260)
        self.tree.currentItemChanged.connect(self._tree_changed)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.problem_list = QListWidget()
        self.problem_list.itemActivated.connect(self._goto_problem)
        self.problem_list.itemClicked.connect(self._goto_problem)
        self.try_panel = TryPanel(self.runner, self._title_of)
        self.unanswered = UnansweredPanel(self.runner, lambda: str(self.doc.get("venue.yaml", ("id",)) or ""), db_path)
        self.unanswered.suggest = self._suggest_topic
        self.unanswered.add_example.connect(self.add_example)
        self.unanswered.new_topic.connect(self.new_topic_from)
        self.unanswered.not_ours.connect(self.add_outside)
        self.unanswered.loaded.connect(lambda n: self.tabs.setTabText(2, f"Unanswered ({n})"))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.try_panel, "Try it")
        self.tabs.addTab(self.problem_list, "Problems")
        self.tabs.addTab(self.unanswered, "Unanswered")
        right = QSplitter(Qt.Vertical)
        right.addWidget(self.scroll)
        right.addWidget(self.tabs)
        right.setSizes([560, 320])
        main = QSplitter(Qt.Horizontal)
        main.addWidget(self.tree)
        main.addWidget(right)
        main.setSizes([280, 1080])
        self.setCentralWidget(main)
        self.status = QLabel()
        self.statusBar().addWidget(self.status, 1)

    def _action(self, bar: QToolBar, text: str, slot: Callable[[], Any], key: Any) -> QAction:
        action = QAction(text, self)
        if key is not None:
            action.setShortcut(key)
        action.triggered.connect(lambda _=False: slot())
        bar.addAction(action)
        return action

    def _clean_changed(self, _clean: bool) -> None:
        try:
            self._update_title()
        except RuntimeError:  # the stack is being destroyed with the window
            pass

    def _update_title(self) -> None:
        venue = self.doc.get("venue.yaml", ("id",)) or self.doc.root.name
        dirty = "" if self.undo.isClean() and not self.doc.raw_text else " *"
        self.setWindowTitle(f"Kiosk studio — {venue} ({self.doc.root}){dirty}")

    # -- the tree ---------------------------------------------------------------------------------
    def _rebuild_tree(self) -> None:
        langs = self.doc.languages
        self.tree.blockSignals(True)
        self.tree.clear()
        venue = QTreeWidgetItem(["Venue"])
        venue.setData(0, ROLE, ("venue.yaml", (), "venue"))
        self.tree.addTopLevelItem(venue)
        places = QTreeWidgetItem(["Floors and places"])
        places.setData(0, ROLE, ("places.yaml", (), "floors"))
        self.tree.addTopLevelItem(places)
        for i, p in enumerate(self.doc.get("places.yaml", ("places",)) or []):
            child = QTreeWidgetItem([_title(p, langs, f"place {i + 1}")])
            child.setData(0, ROLE, ("places.yaml", ("places", i), "place"))
            places.addChild(child)
        for file, key, label, kind in (("topics.yaml", "topics", "Topics", "topic"), ("flows.yaml", "flows", "Flows", "flow")):
            top = QTreeWidgetItem([label])
            top.setData(0, ROLE, (file, (), "none"))
            self.tree.addTopLevelItem(top)
            for i, t in enumerate(self.doc.get(file, (key,)) or []):
                child = QTreeWidgetItem([_title(t, langs, f"{kind} {i + 1}")])
                child.setData(0, ROLE, (file, (key, i), kind))
                top.addChild(child)
            top.setExpanded(kind == "topic")
        lexicon = QTreeWidgetItem(["Synonyms (lexicon.yaml)"])
        lexicon.setData(0, ROLE, ("lexicon.yaml", (), "lexicon"))
        self.tree.addTopLevelItem(lexicon)
        outside = QTreeWidgetItem(["Not answered here (outside.yaml)"])
        outside.setData(0, ROLE, ("outside.yaml", (), "outside"))
        self.tree.addTopLevelItem(outside)
        self.tree.blockSignals(False)
        self._mark_tree()

    def _items(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            out.append(top)
            out += [top.child(j) for j in range(top.childCount())]
        return out

    def _mark_tree(self) -> None:
        """Mark tree items whose part of the pack has problems."""
        bad = {(p.file, p.field) for p in self.problems}
        for item in self._items():
            file, path, kind = item.data(0, ROLE)
            prefix = path_str(path)
            has = any(f == file and (not prefix or fld == prefix or fld.startswith(prefix + ".") or fld.startswith(prefix + "["))
                      for f, fld in bad) if kind not in ("none",) else False
            if kind == "floors":
                has = any(f == file and fld.startswith("floors") for f, fld in bad)
            item.setForeground(0, Qt.red if has else Qt.black)
            text = item.text(0).removeprefix("⚠ ")
            item.setText(0, f"⚠ {text}" if has and item.childCount() == 0 else text)

    def _select_first(self) -> None:
        topics = self.tree.topLevelItem(2)
        self.tree.setCurrentItem(topics.child(0) if topics.childCount() else self.tree.topLevelItem(0))

    def select(self, file: str, path: Path_) -> bool:
        """Show the form of the item at ``path`` (or its nearest parent item in the tree)."""
        best = None
        for item in self._items():
            f, p, kind = item.data(0, ROLE)
            if f == file and path[:len(p)] == p and kind != "none" and (best is None or len(p) > len(best.data(0, ROLE)[1])):
                best = item
        if best is not None:
            self.tree.setCurrentItem(best)
            self._show_item(best)
        return best is not None

    def _tree_changed(self, item: QTreeWidgetItem | None, _prev: Any = None) -> None:
        if item is not None:
            self._show_item(item)

    def _show_item(self, item: QTreeWidgetItem) -> None:
        file, path, kind = item.data(0, ROLE)
        self._selected = (file, path, kind)
        self._show_form()

    def _show_form(self) -> None:
        if self._selected is None:
            return
        file, path, kind = self._selected
        langs = self.doc.languages
        self.form, self.raw_editor = None, None
        spec = {"venue": specs.VENUE, "floors": specs.FLOORS, "place": specs.PLACE, "topic": specs.TOPIC,
                "flow": specs.FLOW}.get(kind)
        if kind in RAW_FILES:
            widget = self._raw_editor(file, kind)
        elif spec is None or self.doc.get(file, path) is None and path:
            widget = QLabel("Choose an item on the left, or add one with the toolbar.")
        else:
            title = {"venue": "Venue", "floors": "Floors"}.get(kind) or f"{kind.capitalize()}: {_title(self.doc.get(file, path), langs, '')}"
            self.form = FormView(self.doc, file, path, spec, title, self.edit_value, self.change_structure)
            self.form.show_problems(self.problems)
            widget = self.form
        old = self.scroll.takeWidget()
        self.scroll.setWidget(widget)
        if old is not None:
            old.deleteLater()
        self.delete_action.setEnabled(kind in ("place", "topic", "flow"))

    def _raw_editor(self, file: str, kind: str) -> QWidget:
        host = QWidget()
        layout = QVBoxLayout(host)
        heading, explain, empty = RAW_FILES[kind]
        label = QLabel(f"<h2>{heading}</h2>{file}: {explain} Edited as text (comments kept).")
        label.setWordWrap(True)
        layout.addWidget(label)
        editor = QPlainTextEdit(self.doc.text_of(file) if file in self.doc.data or file in self.doc.raw_text else empty)
        editor.textChanged.connect(lambda: self._raw_changed(file, editor.toPlainText()))
        layout.addWidget(editor, 1)
        self.raw_editor = editor
        return host

    def _raw_changed(self, file: str, text: str) -> None:
        self.doc.raw_text[file] = text
        self._update_title()
        self._timer.start()

    # -- editing ---------------------------------------------------------------------------------
    def edit_value(self, file: str, path: Path_, value: Any) -> None:
        if self.doc.get(file, path) == value:
            return
        self.undo.push(SetValue(self.doc, file, path, value, self._doc_changed))

    def change_structure(self, file: str, text: str, mutate: Callable[[Any], None], select: Path_ | None = None) -> None:
        self.undo.push(ChangeStructure(self.doc, file, text, mutate, self._doc_changed))
        if select is not None:
            self._pending_select = (file, select)

    def _doc_changed(self, rebuild: bool) -> None:
        self._update_title()
        self._timer.start()
        if rebuild:
            QTimer.singleShot(0, self._rebuild_view)

    def _rebuild_view(self) -> None:
        selected = self._selected
        pending = getattr(self, "_pending_select", None)
        self._pending_select = None
        self._rebuild_tree()
        target = pending or (selected[:2] if selected else None)
        if target is None or not self.select(*target):
            self._select_first()

    def _unique_id(self, file: str, key: str, base: str) -> str:
        ids = {str(x.get("id")) for x in self.doc.get(file, (key,)) or [] if isinstance(x, dict)}
        n, candidate = 1, base
        while candidate in ids:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _first_group(self) -> str:
        groups = self.doc.get("venue.yaml", ("groups",)) or []
        return str(groups[0].get("id", "")) if groups and isinstance(groups[0], dict) else ""

    def _append(self, file: str, key: str, item: dict[str, Any], text: str) -> None:
        def mutate(_: Any) -> None:
            items = self.doc.get(file, (key,))
            if not isinstance(items, list):
                items = []
                self.doc.set(file, (key,), items)
            items.append(item)

        index = len(self.doc.get(file, (key,)) or [])
        self.change_structure(file, text, mutate, select=(key, index))

    def add_topic(self, question: str = "", lang: str = "") -> None:
        tid = self._unique_id("topics.yaml", "topics", "new-topic")
        self._append("topics.yaml", "topics", specs.new_topic(self.doc.languages, self._first_group(), tid, question, lang),
                     "add topic")

    def add_flow(self) -> None:
        fid = self._unique_id("flows.yaml", "flows", "new-flow")
        self._append("flows.yaml", "flows", specs.new_flow(self.doc.languages, self._first_group(), fid), "add flow")

    def add_place(self) -> None:
        floors = self.doc.get("places.yaml", ("floors",)) or []
        floor = str(floors[0].get("id", "")) if floors and isinstance(floors[0], dict) else ""
        pid = self._unique_id("places.yaml", "places", "new-place")
        self._append("places.yaml", "places", specs.new_place(floor, pid), "add place")

    def delete_selected(self) -> None:
        if self._selected is None or self._selected[2] not in ("place", "topic", "flow"):
            return
        file, path, kind = self._selected
        key, index = path

        def mutate(_: Any) -> None:
            del self.doc.get(file, (key,))[index]

        self.change_structure(file, f"delete {kind} {index + 1}", mutate)

    def add_example(self, question: str, lang: str, topic_index: int) -> None:
        """Add a visitor's question as an example of a topic (one undo step)."""
        lang = lang if lang in self.doc.languages else self.doc.languages[0]

        def mutate(_: Any) -> None:
            self._append_question("topics.yaml", ("topics", topic_index, "questions"), lang, question)

        self.change_structure("topics.yaml", f"add example '{question}'", mutate, select=("topics", topic_index))
        self.status.setText(f"Added “{question}” to topic {topic_index + 1}; save to keep it.")

    def add_outside(self, question: str, lang: str) -> None:
        """List a visitor's question in outside.yaml: not answered here, handed to the help desk."""
        lang = lang if lang in self.doc.languages else self.doc.languages[0]
        if "outside.yaml" in self.doc.raw_text:  # typed as text: carry on from what was typed
            try:
                typed = yaml.safe_load(self.doc.raw_text["outside.yaml"]) or {}
            except yaml.YAMLError:  # the typed text stays as it is
                self.status.setText("outside.yaml has a mistake; fix it before adding questions to it.")
                return
            self.doc.data["outside.yaml"] = typed
            del self.doc.raw_text["outside.yaml"]

        def mutate(_: Any) -> None:
            if not isinstance(self.doc.data.get("outside.yaml"), dict):
                self.doc.data["outside.yaml"] = {}
            self._append_question("outside.yaml", ("questions",), lang, question)

        self.change_structure("outside.yaml", f"not answered here: '{question}'", mutate)
        self.status.setText(f"“{question}” is listed as not answered here; save and retrain to teach the kiosk.")

    def _append_question(self, file: str, path: Path_, lang: str, question: str) -> None:
        """Append ``question`` to the ``lang`` list of the per-language mapping at ``path``."""
        qs = self.doc.get(file, path)
        if not isinstance(qs, dict):
            qs = {}
            self.doc.set(file, path, qs)
        lst = qs.get(lang)
        qs[lang] = (lst if isinstance(lst, list) else ([lst] if lst else [])) + [question]

    def new_topic_from(self, question: str, lang: str) -> None:
        self.add_topic(question, lang if lang in self.doc.languages else "")
        self.status.setText("New topic started: fill in its title and answer (the red notes say what is missing).")

    # -- validation and try-it ---------------------------------------------------------------------
    def _validate_now(self) -> None:
        self._generation += 1
        generation, texts, root, config = self._generation, self.doc.texts(), self.doc.root, self.config

        def check(_report: Any) -> tuple[int, Any, list[Problem], Any, str]:
            pack, problems = validate_texts(texts, root)
            engine, note = None, ""
            if pack is not None:
                try:
                    from kiosk.dialog.factory import build_engine

                    engine, status = build_engine(pack, config)
                    note = status.matcher
                except Exception as exc:  # noqa: BLE001 - a half-edited pack may not build
                    note = f"cannot answer: {exc}"
            return generation, pack, problems, engine, note

        self.runner.start(check, self._validated, lambda msg: self.status.setText(f"check failed: {msg}"))

    def _validated(self, result: tuple[int, Any, list[Problem], Any, str]) -> None:
        generation, pack, problems, engine, note = result
        if generation != self._generation:
            return
        self.problems, self.edited_pack = problems, pack
        self.validations += 1
        if self.form is not None:
            self.form.show_problems(problems)
        self.problem_list.clear()
        for p in problems:
            item = QListWidgetItem(str(p))
            item.setData(ROLE, (p.file, p.field))
            self.problem_list.addItem(item)
        self.tabs.setTabText(1, f"Problems ({len(problems)})")
        self._mark_tree()
        self.try_panel.set_engine(engine, note + (f"; {len(problems)} problem(s) in the pack" if problems else ""))
        self.unanswered.set_topics([_title(t, self.doc.languages, f"topic {i + 1}")
                                    for i, t in enumerate(self.doc.get("topics.yaml", ("topics",)) or [])])
        self.status.setText("No problems: ready to save." if not problems
                            else f"{len(problems)} problem(s): the pack cannot be saved until they are fixed.")
        self.validated.emit(len(problems))

    def _goto_problem(self, item: QListWidgetItem) -> None:
        file, field = item.data(ROLE)
        path = parse_field(field)
        if not self.select(file, path) and file == "places.yaml":
            self.select(file, ())
        if self.form is not None:
            editor = self.form.editor_for(path)
            if editor is not None:
                editor.setFocus()

    def _title_of(self, intent: str, lang: str) -> str:
        pack = self.edited_pack
        return pack.title_of(intent, lang) if pack is not None else intent

    def _suggest_topic(self, question: str, lang: str) -> int | None:
        engine = self.try_panel.engine
        if engine is None:
            return None
        ranked = engine.lexical.rank(question, lang if lang in engine.pack.languages else engine.pack.languages[0])
        topics = [t.get("id") for t in self.doc.get("topics.yaml", ("topics",)) or [] if isinstance(t, dict)]
        for cand in ranked:
            base = cand.intent.split(".")[0]
            if base in topics:
                return topics.index(base)
        return None

    # -- saving, reloading, publishing, retraining ---------------------------------------------------
    def pending_check(self) -> bool:
        return self._timer.isActive() or self.runner.busy()

    def save(self) -> bool:
        """Save changed files (atomic, with .bak) if the edited pack has no problems."""
        if self.pending_check():
            self._timer.stop()
            self._validate_now()
            self.runner.wait()
            from PySide6.QtCore import QCoreApplication

            QCoreApplication.processEvents()
        if self.problems:
            self.status.setText(f"Not saved: {len(self.problems)} problem(s) must be fixed first (see Problems).")
            self.tabs.setCurrentIndex(1)
            return False
        written = self.doc.save()
        self.undo.setClean()
        self._update_title()
        self.status.setText(f"Saved {', '.join(written)} (previous versions kept as .bak)." if written else "Nothing to save.")
        return True

    def reload(self) -> None:
        if not self.undo.isClean() and self.isVisible():
            answer = QMessageBox.question(self, "Reload", "Discard the unsaved changes and reload from disk?")
            if answer != QMessageBox.Yes:
                return
        self.doc.reload()
        self.undo.clear()
        self._rebuild_view()
        self._validate_now()
        self._update_title()

    def publish_to(self, out: Path, on_done: Callable[[Any], None] | None = None) -> bool:
        if not self.undo.isClean() or self.doc.changed_files() or self.problems:
            self.status.setText("Save the pack (without problems) before publishing.")
            return False
        from kiosk.pack.publish import publish

        root = self.doc.root
        self.runner.start(lambda _r: publish(root, out),
                          lambda path: (self.status.setText(f"Published {path}"), on_done and on_done(path)),
                          lambda msg: self.status.setText(f"Not published: {msg}"))
        return True

    def publish_dialog(self) -> None:
        venue = self.doc.get("venue.yaml", ("id",)) or "pack"
        version = self.doc.get("venue.yaml", ("version",)) or 0
        path, _ = QFileDialog.getSaveFileName(self, "Publish pack file", f"{venue}-v{version}.kpack", "Pack files (*.kpack)")
        if path:
            self.publish_to(Path(path))

    def retrain(self) -> bool:
        train = train_function()
        if train is None:
            self.status.setText("Retraining is not available on this installation.")
            return False
        if not self.undo.isClean() or self.doc.changed_files():
            self.status.setText("Save the pack before retraining.")
            return False
        root, config = self.doc.root, self.config
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.retrain_action.setEnabled(False)

        def work(report: Callable[[float, str], None]) -> Any:
            return train(root, progress=_progress_adapter(report), config=config)

        def finished(result: Any) -> None:
            self.last_training = result
            self.progress.setValue(100)
            self.retrain_action.setEnabled(True)
            self.status.setText("Retrained: the try-it panel now uses the new model.")
            self._validate_now()

        def failed(message: str) -> None:
            self.progress.setVisible(False)
            self.retrain_action.setEnabled(True)
            self.status.setText(f"Retraining failed: {message}")

        def progress(fraction: float, message: str) -> None:
            self.progress.setValue(int(100 * max(0.0, min(1.0, fraction))))
            if message:
                self.status.setText(message)

        self.runner.start(work, finished, failed, progress)
        return True

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        from PySide6.QtGui import QGuiApplication

        headless = QGuiApplication.platformName() in ("offscreen", "minimal")
        if not self.undo.isClean() and self.isVisible() and not self.property("force_close") and not headless:
            answer = QMessageBox.question(self, "Quit", "Quit without saving the changes?")
            if answer != QMessageBox.Yes:
                event.ignore()
                return
        self.runner.wait(10000)
        event.accept()


def _progress_adapter(report: Callable[[float, str], None]) -> Callable[..., None]:
    """Accepts progress(fraction), progress(step, total) or with a message, in any of those forms."""

    def callback(*args: Any, **kwargs: Any) -> None:
        numbers = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
        texts = [a for a in args if isinstance(a, str)] + [str(v) for k, v in kwargs.items() if k in ("message", "stage")]
        if "fraction" in kwargs:
            fraction = float(kwargs["fraction"])
        elif len(numbers) >= 2 and numbers[1]:
            fraction = numbers[0] / numbers[1]
        elif numbers:
            fraction = float(numbers[0])
            fraction = fraction / 100 if fraction > 1 else fraction
        else:
            fraction = 0.0
        report(fraction, texts[0] if texts else "")

    return callback
