"""Deck browser for instructors: every card exactly as a learner sees it, errors with locations.

On the app's decks, or on one file (``studyrnn preview DECK.yaml``): then the file's mtime is
polled every half second and the deck reloads when it changes, errors and all. A generated card
shows a fresh variant with ``n``. Cards can be answered here too, as a learner would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, OptionList, Static, Tree
from textual.widgets.option_list import Option

from studyrnn.i18n import N_, _, ngettext
from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import literal, one_line, visible
from studyrnn.tui.widgets.card_view import CardView
from studyrnn.tui.widgets.verdict import VerdictPanel

POLL_SECONDS = 0.5


class BrowserScreen(StudyScreen):
    BINDINGS = [
        Binding("n", "new_variant", N_("New variant"), id="new-variant"),
        Binding("r", "reload", N_("Reload"), id="reload"),
        Binding("a", "answer", N_("Answer it"), id="answer"),
    ]

    class Presented(Message):
        def __init__(self, deck: Any, card: Any, presented: Any) -> None:
            self.deck = deck
            self.card = card
            self.presented = presented
            super().__init__()

    def __init__(self, deck_id: str | None = None, path: Path | None = None) -> None:
        super().__init__()
        self.deck_id = deck_id
        self.path = Path(path) if path is not None else None
        self.decks: list[Any] = []
        self.diagnostics: list[Any] = []
        self.mtime: float | None = None
        self.selected: tuple[Any, Any] | None = None
        self.reloads = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="browser"):
            with Horizontal(id="browser-main"):
                yield Tree("decks", id="browser-tree")
                with VerticalScroll(id="browser-card"):
                    yield Static(id="browser-meta")
                    yield VerdictPanel(id="browser-verdict")
            yield OptionList(id="browser-errors")
            yield Static(id="browser-status")
        yield Footer()

    def on_mount(self) -> None:
        tree = self.query_one(Tree)
        tree.show_root = False
        tree.guide_depth = 2
        if self.path is not None:
            self.sub_title = _("Preview · {path}").format(path=visible(self.path))
            self.load_file()
            self.set_interval(POLL_SECONDS, self.poll)
        else:
            self.sub_title = _("Deck browser")
            self.show_decks(self.study.deck_list())
        tree.focus()

    # -- loading ------------------------------------------------------------------------------------

    def load_file(self) -> None:
        from studyrnn.decks import load_deck
        from studyrnn.errors import DeckError

        assert self.path is not None
        try:
            self.mtime = self.path.stat().st_mtime_ns
        except OSError as err:
            self.show_errors(
                [
                    _("{path}: cannot read: {reason}").format(
                        path=self.path, reason=err.strerror or err
                    )
                ]
            )
            return
        try:
            deck = load_deck(self.path)
        except DeckError as err:
            self.show_errors(err.diagnostics)
            return
        self.show_decks([deck])

    def poll(self) -> None:
        try:
            mtime = self.path.stat().st_mtime_ns if self.path is not None else None
        except OSError:
            mtime = None
        if mtime != self.mtime:
            self.reloads += 1
            self.load_file()
            self.notify(_("Reloaded after a change on disk."), timeout=2)

    def action_reload(self) -> None:
        if self.path is not None:
            self.reloads += 1
            self.load_file()
            return
        from studyrnn.decks import load_decks
        from studyrnn.errors import DeckError

        try:
            decks = load_decks(self.study.settings.deck_dirs)
        except DeckError as err:
            self.show_errors(err.diagnostics)
            return
        self.reloads += 1
        self.show_decks(list(decks.decks))

    def show_errors(self, diagnostics: list[Any]) -> None:
        self.diagnostics = list(diagnostics)
        errors = self.query_one("#browser-errors", OptionList)
        errors.clear_options()
        errors.add_options([Option(literal(str(d))) for d in self.diagnostics])
        self.query_one("#browser").add_class("has-errors")
        n = len(self.diagnostics)
        self.query_one("#browser-status", Static).update(
            literal(
                ngettext(
                    "{n} error — fix the file and save; r reloads",
                    "{n} errors — fix the file and save; r reloads",
                    n,
                ).format(n=n)
            )
        )
        errors.focus()

    def show_decks(self, decks: list[Any]) -> None:
        self.diagnostics = []
        self.decks = decks
        self.query_one("#browser").remove_class("has-errors")
        tree = self.query_one(Tree)
        previous = self.selected
        tree.clear()
        target = None
        for deck in decks:
            node = tree.root.add(
                literal(f"{one_line(deck.title, 28)}"),
                data=(deck, None),
                expand=self.deck_id in (None, deck.id) or len(decks) == 1,
            )
            for card in deck.cards:
                leaf = node.add_leaf(literal(f"{card.id} · {card.type}"), data=(deck, card))
                if (
                    previous
                    and previous[0].id == deck.id
                    and previous[1] is not None
                    and previous[1].id == card.id
                ):
                    target = leaf
                elif target is None and self.deck_id in (None, deck.id) and previous is None:
                    target = leaf
        cards = sum(len(d.cards) for d in decks)
        self.query_one("#browser-status", Static).update(
            literal(
                ngettext("{n} deck", "{n} decks", len(decks)).format(n=len(decks))
                + ", "
                + ngettext("{n} card", "{n} cards", cards).format(n=cards)
                + " · "
                + _("n new variant · a answer · r reload")
            )
        )
        if target is not None:
            # move_cursor only: select_node would post NodeSelected, which answers the card
            tree.move_cursor(target)
            self.show_card(*target.data)

    # -- one card ----------------------------------------------------------------------------------------

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        deck, card = event.node.data or (None, None)
        if card is not None and (self.selected is None or self.selected[1] is not card):
            self.show_card(deck, card)

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        deck, card = event.node.data or (None, None)
        if card is not None:
            self.action_answer()

    def show_card(self, deck: Any, card: Any, seed: int | None = None) -> None:
        self.selected = (deck, card)
        self.present(deck, card, self.study.next_seed() if seed is None else seed)

    @work(thread=True, exclusive=True, group="browser", exit_on_error=False)
    def present(self, deck: Any, card: Any, seed: int) -> None:
        from studyrnn.quiz import present

        self.post_message(self.Presented(deck, card, present(card, seed=seed)))

    def on_browser_screen_presented(self, message: Presented) -> None:
        if self.selected is None or self.selected[1] is not message.card:
            return
        card, p = message.card, message.presented
        meta = f"{message.deck.id} / {card.id} · {card.type}"
        if getattr(card, "generator", None):
            meta += " · " + _("generator {name} · seed {seed}").format(
                name=card.generator, seed=p.seed
            )
        if card.tags:
            meta += " · " + _("tags: {tags}").format(tags=", ".join(card.tags))
        if card.source:
            meta += " · " + _("source: {source}").format(source=card.source)
        self.query_one("#browser-meta", Static).update(literal(meta))
        for old in self.query(CardView):
            old.remove()
        self.query_one("#browser-verdict", VerdictPanel).hide()
        self.query_one("#browser-card").mount(CardView(p, autofocus=False), after="#browser-meta")

    def action_new_variant(self) -> None:
        if self.selected is not None:
            self.show_card(*self.selected)

    def action_answer(self) -> None:
        for view in self.query(CardView):
            view.focus_input()
            if view.kind == "flashcard":
                view.reveal()
                self.query_one("#browser-verdict", VerdictPanel).show(
                    None, view.presented, flashcard=True
                )

    def on_card_view_submitted(self, message: CardView.Submitted) -> None:
        p = message.view.presented
        verdict = p.grade_text(message.response) if message.typed else p.grade(message.response)
        from studyrnn.tui.widgets.verdict import outcome_name

        if outcome_name(verdict) == "INVALID":
            message.view.show_invalid(verdict.message)
            return
        message.view.freeze()
        self.query_one("#browser-verdict", VerdictPanel).show(verdict, p)
        self.query_one(Tree).focus()
