"""The lexicons' patterns are matched through their literal anchors (bot/content/anchors.py): the
answers must be exactly those of searching every pattern on its own, as written."""
from __future__ import annotations

import pytest

from bot.content.anchors import AnchoredPatterns, Pattern, anchors_of
from bot.content.loader import load_content
from bot.content.safety import bounded, compile_entry
from bot.understanding.datasets import read_items
from bot.understanding.normalise import views
from tests.conftest import CONTENT_DIR, ROOT
from tests.helpers import load_script


@pytest.mark.parametrize("pattern, anchors", [
    ("kill(ing|ed)? my ?self", {"kill"}),
    ("(want|wanna) to die", {" to die"}),
    ("(i|we) (hate|loathe) (myself|my life)", {"hate", "loathe"}),
    ("end(ing)? (it all|my (own )?life|my life)", {"it all", "life", "my life"}),
    (r"\w*نتح(ا)?ر\w*", {"نتح"}),
    (r"\w{0,4}x", None),  # nothing of two letters every match must contain: always tried
    ("(a|b)c", None),
])
def test_a_pattern_s_anchors_are_literals_every_match_contains(pattern, anchors):
    assert anchors_of(pattern) == (None if anchors is None else frozenset(anchors))


def test_anchored_matching_gives_exactly_the_answers_of_each_pattern_on_its_own():
    # A quarter of the dev split (every category is in it): each text is read by every pattern one by one.
    texts = [i.text for i in read_items(ROOT / "tests" / "data" / "screen" / "dev.yaml")][::4]
    texts += [f"{a} {b}" for a, b in zip(texts[::7], texts[3::7])]  # the context reading joins messages
    readings = sorted({r for t in texts for r in views(t)})
    checked = 0
    for lexicon in load_content(CONTENT_DIR).lexicons.values():
        for category, signs in lexicon.signs.items():
            for matcher in (signs.latin, signs.arabic):
                if matcher is None:
                    continue
                assert isinstance(matcher, AnchoredPatterns)
                one_by_one = [compile_entry(p) for p in matcher.patterns]
                for text in readings:
                    expected = any(p.search(text) for p in one_by_one)
                    assert bool(matcher.search(text)) == expected, (lexicon.locale, category, text)
                    checked += expected
    assert checked > 500  # the texts do exercise the patterns


def test_an_exception_in_the_same_clause_cancels_its_pattern_only():
    matcher = AnchoredPatterns([Pattern("kill me if i", "spoil\\w*|finale"), "hurt me"], bounded)
    assert matcher.search("he'll kill me if i leave")
    assert not matcher.search("she'd kill me if i spoiled the finale")
    assert not matcher.search("finale tonight she'd kill me if i talk")  # before the match too
    assert matcher.search("she'd kill me if i spoiled the finale and he'd hurt me")  # another pattern
    # only in the match's own clause: a joke doesn't hide a threat in the next one
    assert matcher.search("she'd kill me if i spoiled the finale, and he'll kill me if i leave")
    assert matcher.search("the finale is tonight. he'll kill me if i leave")
    assert matcher.search("she'd kill me if i unspoiled it")  # the exception is matched on whole words
    always = AnchoredPatterns([Pattern(r"\w{0,4}x me", "joke")], bounded)  # no anchors: tried on its own
    assert always.search("fix me") and not always.search("fix me as a joke")


def test_a_pattern_may_spell_arabic_letters_either_way():
    """Messages are read with ى, ة, أ… folded (علي, ه, ا): a pattern written "حتى" or "مرة" must
    still match, however the person typed it (before, such alternatives could never match)."""
    for written in ("حتى نتا", "حتي نتا"):
        matcher = AnchoredPatterns([written, Pattern("مرة واحدة", "أبدا")], bounded)
        for typed in ("حتى نتا", "حتي نتا"):
            assert matcher.search(views(typed)[0]), (written, typed)
        assert matcher.search(views("غير مرة واحدة")[0])
        assert not matcher.search(views("مرة واحدة أبدا")[0])  # the exception is folded too


def test_a_look_behind_reads_the_word_before_even_when_a_particle_is_attached():
    """Arabic words take attached particles (و, ب, ال…): a pattern's opening look-behind must look at
    the word before the whole word, not at the particle ("بابا بيتصل": the father calls, not the partner)."""
    matcher = AnchoredPatterns(["(?<!بابا )(يتصل|بيتصل) بي"], bounded)
    assert not matcher.search("بابا بيتصل بي كل ساعه")
    assert not matcher.search("بابا يتصل بي كل ساعه")
    assert matcher.search("زوجي بيتصل بي كل ساعه")
    assert matcher.search("وبيتصل بي كل ساعه")
    branches = AnchoredPatterns(["(?<!بابا )يتصل بي|يرن علي"], bounded)  # the look-behind belongs to its branch
    assert branches.search("بابا يرن علي") and not branches.search("بابا يتصل بي")


def test_the_shipped_anchor_index_is_current():
    """content/lexicons/anchors.json spares start-up parsing every pattern: it must be what the lexicons
    call for (run scripts/index_lexicons.py after editing one)."""
    import json
    shipped = json.loads((CONTENT_DIR / "lexicons" / "anchors.json").read_text(encoding="utf-8"))["patterns"]
    assert shipped == load_script("index_lexicons").current_index(CONTENT_DIR)


def test_a_pattern_edited_since_it_was_indexed_is_parsed_not_looked_up(tmp_path):
    import shutil
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    lexicon = content / "lexicons" / "en.yaml"
    lexicon.write_text(lexicon.read_text().replace('    - "kill(ing|ed)? my ?self"', '    - "kill(ing|ed)? my ?selves"'))
    before = load_content(CONTENT_DIR).lexicons["en"].signs["explicit"].latin
    after = load_content(content).lexicons["en"].signs["explicit"].latin
    assert before is not None and after is not None
    assert after.search("kill myselves") and not before.search("kill myselves")  # anchored afresh
