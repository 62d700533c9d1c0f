"""Owning what one said (bot/understanding/owned_speech.py): the words said are found, set aside, and
kept only where the person stands by them."""
from __future__ import annotations

import pytest

from bot.understanding.owned_speech import without_owned_quote


@pytest.mark.parametrize("text, expected", [
    ("i told him he always ruins everything", "i told him something"),
    ("I'm sorry I called you selfish.", "i'm sorry i called you something."),
    ("i said you always ruin everything, and that was unfair", "i said something, and that was unfair"),
    ("je lui ai reproché de jamais m'aider", "je lui ai dit something"),
    ("je l'ai traité d'égoïste", "je l'ai traite d'something"),
    ("gtlha nti dima katkhsri kolchi", "gtlha something"),
    ("قلت لها إنها دائما تفسد كل شيء", "قلت لها انها something"),
    # in a later clause (the tenth new-user trial)
    ("nfhm 3lach t7ssi b dakchi, hit glt lik nti dima katnsay kolchi", "nfhm 3lach t7ssi b dakchi, hit glt lik something"),
    ("i get why you're hurt, because i told you you never listen", "i get why you're hurt, because i told you something"),
])
def test_the_words_said_about_the_partner_are_set_aside(text, expected):
    assert without_owned_quote(text) == expected


@pytest.mark.parametrize("text", [
    # the person's own excuse, a "sorry" already said, a reason, a time: not an attack they own
    "i told you i was busy", "i said sorry already what more do you want", "i said it ONCE and now i'm a monster?",
    "i snapped at her bc she started on me", "i texted you at 6:45 not 7:30", "j'ai crié pcq tu m'écoutes jamais",
    "glt lik smh liya, ach bghiti kter mn hadchi?",
    # standing by it
    "i told him he never helps and it's true", "i said you never help, because you don't",
    "je lui ai dit qu'il était nul et c'est vrai",
    # the session's review: standing by it after the words said, and a count that is not words said
    "i told her she's lazy. which she is.", "i called him pathetic and i'm not taking it back",
    "i said you never help and honestly nothing has changed", "gtlha nti dima katnsay w sadqa",
    "sorry i said you're lazy but you really are", "i called you lazy because you are lazy",
    "i called you five times and you ignored me",
    # not opening with saying something
    "he always ruins everything", "you never listen, i told you so", ""])
def test_anything_else_is_read_as_it_is(text):
    assert without_owned_quote(text) is None
