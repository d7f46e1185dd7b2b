"""The app's messages (ui/messages.py): news is for the screen it is posted to alone."""

from __future__ import annotations

import inspect

from readlist.ui import messages


def test_no_kind_of_news_bubbles_up_to_the_app() -> None:
    """Textual makes a message subclass bubble unless it says otherwise: every kind of
    news, however far below _News, must not (the app would hear a screen's news, and
    ModelChanged, which the app posts on to its screens, would go round without end)."""
    news = [
        kind
        for _, kind in inspect.getmembers(messages, inspect.isclass)
        if issubclass(kind, messages._News)
    ]
    assert len(news) > 20
    assert [kind.__name__ for kind in news if kind.bubble] == []

    class Later(messages._Latest):  # one declared after, as a screen may
        pass

    assert not Later.bubble
