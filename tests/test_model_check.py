"""Random sequences of add / update / note / done / delete / undo on a real store file agree,
after every step, with a model simple enough to be obviously right: a dict of commitments and
a stack of earlier states for undo."""

from __future__ import annotations

import copy
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from aghtrack.errors import InvalidTransition, NothingToUndo, UnknownReference
from aghtrack.model import TRANSITIONS, Meeting, Status
from aghtrack.store import Store
from aghtrack.tracker import Tracker

from ._safety import figure, scaled

MEETINGS = ("9", "manila-2015")
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=30
).filter(str.strip)


def kept(text: str) -> str:
    """A text as the record keeps it: as typed, but that Windows and old-Mac line ends are
    line breaks, and the one a paste leaves at the end is dropped."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


@dataclass
class Item:
    text: str
    status: Status = Status.OPEN
    owners: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    deleted: bool = False


@dataclass
class Model:
    items: dict[str, Item] = field(default_factory=dict)


class StoreAgreesWithModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="aghtrack-model-"))
        self.tracker = Tracker(Store(self.dir / "store.json"), actor="model")
        for key in MEETINGS:
            self.tracker.add_meeting(
                Meeting(key=key, title=f"Meeting {key}", date=date(2015, 5, 6))
            )
        self.model = Model()
        # Undo also reaches the two meeting adds; keeping them at the bottom of the stack (as
        # None) lets the test stop before undoing them, which the model does not track.
        self.undo_stack: list[Model | None] = [None, None]
        # Not part of the undoable state: a reference is never issued twice, even after undo.
        self.last_seq: dict[str, int] = {}
        self.issued: set[str] = set()

    def teardown(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def _write(self) -> None:
        self.undo_stack.append(copy.deepcopy(self.model))

    def _refs(self) -> list[str]:
        return sorted(self.model.items)

    @rule(meeting=st.sampled_from(MEETINGS), text=texts)
    def add(self, meeting: str, text: str) -> None:
        c = self.tracker.add_commitment(meeting=meeting, text=text)
        self._write()
        seq = self.last_seq.get(meeting, 0) + 1
        self.last_seq[meeting] = seq
        assert c.ref == f"{meeting}.{seq}" and c.ref not in self.issued
        self.issued.add(c.ref)
        self.model.items[c.ref] = Item(text=kept(text))

    def _target(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(self._refs()))

    @precondition(lambda self: self.model.items)
    @rule(data=st.data(), text=texts, owner=st.sampled_from(["Australia", "Indonesia", "UNHCR"]))
    def update(self, data: st.DataObject, text: str, owner: str) -> None:
        ref = self._target(data)
        item = self.model.items[ref]
        if item.deleted:
            self._expect_unknown(lambda: self.tracker.update_commitment(ref, text=text))
            return
        self.tracker.update_commitment(ref, text=text, owners=[owner])
        self._write()
        item.text, item.owners = kept(text), (owner,)

    @precondition(lambda self: self.model.items)
    @rule(data=st.data(), status=st.sampled_from(list(Status)))
    def set_status(self, data: st.DataObject, status: Status) -> None:
        ref = self._target(data)
        item = self.model.items[ref]
        if item.deleted:
            self._expect_unknown(lambda: self.tracker.update_commitment(ref, status=status))
            return
        if status == item.status or status not in TRANSITIONS[item.status]:
            try:
                self.tracker.update_commitment(ref, status=status)
            except InvalidTransition:
                return
            raise AssertionError(f"{item.status} -> {status} was allowed")
        self.tracker.update_commitment(ref, status=status)
        self._write()
        item.status = status

    @precondition(lambda self: self.model.items)
    @rule(data=st.data(), text=texts)
    def note(self, data: st.DataObject, text: str) -> None:
        ref = self._target(data)
        item = self.model.items[ref]
        if item.deleted:
            self._expect_unknown(lambda: self.tracker.add_note(ref, text))
            return
        self.tracker.add_note(ref, text, on=date(2015, 9, 1))
        self._write()
        item.notes = (*item.notes, kept(text))

    @precondition(lambda self: self.model.items)
    @rule(data=st.data())
    def done(self, data: st.DataObject) -> None:
        ref = self._target(data)
        item = self.model.items[ref]
        if item.deleted:
            self._expect_unknown(lambda: self.tracker.complete(ref))
            return
        if Status.DONE not in TRANSITIONS[item.status]:
            try:
                self.tracker.complete(ref, evidence="held")
            except InvalidTransition:
                return
            raise AssertionError(f"{item.status} -> done was allowed")
        self.tracker.complete(ref, evidence="held")  # today: backdating has its own tests
        self._write()
        item.status = Status.DONE

    @precondition(lambda self: self.model.items)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        ref = self._target(data)
        item = self.model.items[ref]
        if item.deleted:
            self._expect_unknown(lambda: self.tracker.delete(ref))
            return
        self.tracker.delete(ref)
        self._write()
        item.deleted = True

    @precondition(lambda self: len(self.undo_stack) > 2)
    @rule()
    def undo(self) -> None:
        self.tracker.undo()
        previous = self.undo_stack.pop()
        assert previous is not None
        self.model = previous

    def _expect_unknown(self, action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except UnknownReference:
            return
        raise AssertionError("a deleted commitment was changed")

    @invariant()
    def store_matches_model(self) -> None:
        shown = {c.ref: c for c in self.tracker.commitments()}
        live = {ref: item for ref, item in self.model.items.items() if not item.deleted}
        assert set(shown) == set(live)
        for ref, item in live.items():
            c = shown[ref]
            assert c.text == item.text and c.status == item.status
            assert c.owners == item.owners
            assert tuple(n.text for n in c.notes) == item.notes

    @invariant()
    def undo_stops_where_the_model_does(self) -> None:
        if len(self.undo_stack) == 2:
            assert not self.model.items  # nothing but the meetings is left to undo


def test_undo_past_everything_says_nothing_to_undo(tmp_path: Path) -> None:
    tracker = Tracker(Store(tmp_path / "store.json"), actor="t")
    tracker.add_meeting(Meeting(key="9", title="Nine", date=date(2015, 5, 6)))
    tracker.add_commitment(meeting="9", text="x")
    assert tracker.undo().command == "add-action"
    assert tracker.undo().command == "meeting add"
    assert tracker.meetings() == []
    try:
        tracker.undo()
    except NothingToUndo:
        pass
    else:
        raise AssertionError("undo went past the first change")


EXAMPLES, STEPS = scaled(60, 20), scaled(40, 25)
StoreAgreesWithModel.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_store_agrees_with_the_model_after_every_step = StoreAgreesWithModel.TestCase


def test_figures_for_the_model_check() -> None:
    """The figures printed are the settings the state machine runs with, never zero."""
    runs = StoreAgreesWithModel.TestCase.settings
    assert runs.max_examples == EXAMPLES >= 1 and runs.stateful_step_count == STEPS >= 1
    figure("model check", f"{EXAMPLES} random programs of up to {STEPS} steps each")
