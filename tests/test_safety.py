"""Safety (T6): every category of the corpus at every kind of step pauses the exercise, opens
private support, keeps the words out of the answers and stores only (kind, time)."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import date, datetime, timezone

import pytest

from bot.content.loader import validate_content
from bot.engine import CommandReceived, Frame, OptionChosen, SafetyEvent, Seat, SessionState, TextReceived, advance
from bot.engine.events import Verdict
from bot.presenter import render
from bot.understanding.screen import screen_for
from tests.conftest import CONTENT_DIR
from tests.helpers import reach_my_part

NOW = datetime(2026, 11, 25, 23, 40, tzinfo=timezone.utc)

# Messages the screen must route (our own, in several languages); the held-out split in
# tests/data/screen gates recall as a whole (tests/test_screen.py).
CRISIS_ITEMS = [("explicit", "I want to die."), ("coded", "honestly kms"),
                ("indirect", "how many pills would it take"), ("hopelessness", "There's no point to anything anymore."),
                ("farewell", "Thanks for everything, this is goodbye."), ("explicit", "je veux mourir"),
                ("explicit", "بغيت نموت")]
IPV_ITEMS = [("ipv_control", "She goes through my phone every night"), ("ipv_physical", "il me frappe quand il boit")]
NEGATIVE_CONTROLS = ["this commute is killing me", "I nearly died laughing", "my phone is dead",
                     # Session 19's independent review: ordinary lines its new patterns opened support for.
                     "I always agree with my boss so things don't get worse",
                     "I always say sorry to my mum so it doesn't turn ugly",
                     "only a small shove in the right direction", "I'm not supposed to see her wedding dress",
                     "I'm not supposed to call him back until Monday", "im not supposed to text him first",
                     "je m'excuse toujours auprès de mon chef pour que ça ne dégénère pas",
                     "دائما اوافق مع مديري حتى لا تسوء الامور", "ديما كنطلب السماح من الباطرون باش ماتكبرش",
                     "she'd kill me if I spoiled the finale",  # the pattern's `unless:` exception
                     # Session 10's patterns for fear told through behaviour, and the exceptions given to
                     # older ones: the same words about a parent, a boss, a trip or a birthday.
                     "i stopped talking about politics with my dad, he loses it every time",
                     "at the office i have to ask before buying anything, even pens",
                     "wearing sunglasses so nobody sees i've been crying at work",
                     "au boulot je m'excuse tout le temps même quand j'ai rien fait",
                     "j'ai caché ma note à mon père pour pas qu'il s'énerve",
                     "bdlt lblasa dyal tlfaza bach mayt9ell9ch bba", "khoya lflous kolhom 3ndo f lbanka",
                     "slept in the car at the festival, so cold", "he knows where i am, we share locations and i like it",
                     "she'd kill me if i forgot her birthday again haha", "wjdt sac dyal ssafar, ghadi l tanja",
                     "j'ai annulé le resto, pas envie qu'il pleuve sur la terrasse",
                     "kolchi mzyan, mab9a walo li y3tini lmo7al bach nkml lkhdma lyom, ghadi nn3es",
                     "drbt rasi m3a lbab bla ma nchof hhh",
                     # Session 10's independent review: ordinary lines its patterns opened support for.
                     "I wear long sleeves in July at the office, it's easier than explaining my tattoos to clients",
                     "my son broke the vase, I told him next time it won't be the phone he loses, it'll be the tablet",
                     "I kicked the ball and it hit the dog because i wasn't looking",
                     "we stopped talking about the election with the neighbours, he loses it every time",
                     "J'ai changé de robe trois fois pour éviter d'être en retard au mariage",
                     "je m'excuse tout le temps même quand j'ai rien fait, ma mère dit que c'est un tic",
                     "mab9a walo li y3tini bach nkmel had lmosalsal, kolchi m3rouf",
                     "lflous kolhom 3ndo hit howa li ghadi ykhlles l'hotel f safar", "lmodir ma 3tanich nkhdm lyoum",
                     "كلي مهرسه من الجيم", "lballon drb liya rasi f lmatch", "جهزت الصاك للعطله",
                     "I do what I'm told at my dad's so he doesn't nag", "he'll murder me if i forget the cake again lol",
                     "بدلت اللعبه باش ما يتقلقش ولدي",  # the one not to upset, named: a son
                     "I could kill for a coffee", "we killed it at the quiz", "I'm dying to see you",
                     "he hit me up on WhatsApp last night", "I hurt my back moving the sofa",
                     # An independent review of session 8's patterns found these ordinary lines opening support at
                     # once (an abuse hit also turns joint work off): each pattern now needs what made it a sign.
                     "cutting onions with a knife while she talked about her day",
                     "i stayed up watching tv after he went to bed", "she said I'd regret not coming to the party",
                     "no point making plans anymore, he always cancels",
                     "i'll do the dishes tonight so nobody has to deal with that tomorrow",
                     "i could tell from how she slammed the door that she was still angry",
                     "he calls his mom several times a day to check on her",
                     "i leave my keys by the door just in case i forget them", "he threw a party and got me a cake",
                     "i left my passport at my mum's in case we travel",
                     "Regarde tes messages, je t'ai envoyé l'adresse", "vérifie ton téléphone, je t'ai écrit",
                     "j'ai laissé mon sac chez moi au cas où il pleut", "je souris quand son nom s'affiche",
                     "je te manquerai ce week-end ?", "nakhod mnk drari ghda bach trta7i chwiya",
                     "ابعتله الموقع تبع المطعم", "kanktb liste dyal lmarché 9bel ma nmchi.",
                     # Session 9: a blind round's look-alikes that patterns flagged (a parent's rules read as a
                     # partner's control, a kitchen cut as self-harm), and ordinary lines sharing the words of
                     # that session's new patterns, tried before they shipped.
                     "my parents wont let me go to the party, they're so strict",
                     "الواليدة ما كتخلينيش نخرج فالليل، صعيبة بزاف", "bba ma kaykhllinich nkhrj mora 10, sa3ib bzaf",
                     "جرحت يدي بالسكين وأنا أقطع البصل", "ta mère t'empêche de sortir le soir ?",
                     "on a eu droit à une tarte aux pommes", "j'ai eu droit à des coups de fil toute la journée",
                     "j'ai eu peur pour ma vie dans l'avion, il y avait des turbulences",
                     "he told me what to say and what to avoid at the interview, so helpful",
                     "my mom told me what to wear and what to bring to the wedding",
                     "we have a code word for when we want to leave a boring party",
                     "ساك فيه الوراق ديال الخدمه عند صاحبي", "katbghi t3ref fin mchiti lbar7 w m3a mn? kant m3a sahbti",
                     "jbed lia lmouss bach n9te3 lkhobz", "لاح ليا الكورة ولعبنا", "l'étranglement au judo c'est interdit",
                     "i just do what i'm told at work for a quiet life lol",
                     "i'd say sorry for anything to keep the peace with my sister honestly",
                     "scared he'd do something stupid like buy another guitar",
                     "worried she'll find out about the surprise party", "scared he'll take the last slice lol",
                     "wearing sunglasses bc of last night, hungover af",
                     "il a tapé du poing sur la table en réunion et on a eu gain de cause",
                     "ملي كيرفع يدو فالقسم كنتخلع من الأستاذ",
                     "ma kan9derch nrta7 mlli kaykoun f dar, dima kaydir l7iss m3a drari",
                     "ila t3sseb lmodir ma kan3rfch ach ghadi ydir", "hz lkorsi w rmah f jnab bach nn9i",
                     # ...and by the independent review of them (tried on the CLI; each opened support at once)
                     "She said she'd drive off a cliff if she had to sit through another Marvel movie.",
                     "My wife asked if it's even worth it.", "I'm scared he'll find out about the ring before I propose.",
                     "My mum will call the police if I don't text her when I land, lol.",
                     "We taught the kids the door code and when to call 911.",
                     "At my job I just do whatever I'm told for a quiet life, but at home I want us to talk.",
                     "My mum always tells me what to wear, what to say and who to see.",
                     "My husband keeps tabs on me when I hike alone, we share locations for safety.",
                     "Wore a scarf because my neck was freezing on the walk.",
                     "Je ne t'empêche pas de voir tes amis, vas-y.", "La pluie t'empêche de sortir ?",
                     "Il m'a emmenée faire du saut en parachute, j'ai eu peur pour ma vie mdr.",
                     "J'ai serré les poings pendant l'entretien, je tremblais.", "On a eu droit à une raclée au foot hier, 4-0.",
                     "Notre goulot d'étranglement, c'est le manque de temps.", "On allait mourir tous les deux de rire.",
                     "البحر هائج اليوم، أخاف على نفسي منه", "كيرمي عليا كلشي، حتى الخدمه ديال الدار",
                     "sac dyali fih lwra9 w lflous nsito 3nd khti lbar7", "الحكم رفع يدو وخفت يعطينا بلانتي",
                     "kanmchi 3la zjaj m3a lmodir dyali", "chd 3lia lmouss nqta3 lkhobz",
                     "khti kat3ref dima fin kanmchi w m3a mn", "lmodir mli kayt3seb ma kan3rfch ach ghadi ydir",
                     "جرحت يدي وانا كنقشر البطاطا", "weldi hz lkas w rmah 3lia bla ma y9sed",
                     # a subject a few words before "won't let me" (whole-message exclusions, not lookbehinds)
                     "My dad still won't let me drive his car.", "The baby won't let me sleep more than two hours.",
                     "My manager never lets me leave before seven.", "الواليد ديالي ما كيخلينيش نسوق الطوموبيل ديالو.",
                     "lwalid dyali ma kaykhllinich nsou9 tomobil dyalo.", "الطبيب ما خلانيش نخدم هاد السيمانه.",
                     "في العمل أمشي على قشر بيض طوال الوقت.",
                     # Session 11's patterns for safety behaviours (round 24) and the look-alikes they
                     # were tried on: a toddler, a boss, a trip, an interview, a joke.
                     "how do i tell my boss i need a raise without setting him off",
                     "we hid the knives from the toddler, she's climbing everything now",
                     "i volunteer at a women's shelter on saturdays", "cant sleep until he stops snoring lol",
                     "i can't sleep till he's home safe, he drives so late",
                     "call my sister if things get bad with the storm tonight",
                     "she said she'll make me regret skipping leg day lol", "this magic trick will make me disappear",
                     "she took my phone charger lol and now im at 3% and too proud to ask",
                     "he said he'd murder me if i ate the last slice of cheesecake",
                     "si je pars en erasmus je vais le regretter toute ma vie",
                     "je gare la voiture devant pour pouvoir partir vite demain matin pour l'aéroport",
                     "on a rangé les couteaux en hauteur à cause du bébé", "n3ast f tomobil f tri9 l agadir, kanet rihla zwina",
                     "نعست فالطوموبيل فالطريق لمراكش، السفر طويل", "kandir lprova f rassi 9bel l'entretien dyal lkhdma",
                     "كنعاود الكلام فراسي قبل المقابلة ديال الخدمة", "غادي نمشي لدار بابا نهار السبت",
                     # round 26's patterns (fear and threats in French, Arabic and Darija) and exceptions
                     "je m'excuse souvent, c'est plus sûr au boulot avec mon chef",
                     "je mets le dessin animé très fort pour les petits quand je passe l'aspirateur",
                     "je suis chez mes parents avec les enfants ce week-end, il sort boire un verre avec ses potes",
                     "jsuis stressée de lui dire que j'ai invité ma mère pour noël, il va soupirer tout le repas",
                     "j'ai peur qu'il fasse encore la tête demain, j'ai oublié notre anniversaire",
                     "ما بغيتوش يعرف بلي كنهضر مع صاحبتي على الهدية ديال عيد ميلادو", "ملي كيتقلق الصغير كنسكت حتى يهدا",
                     "ja lwalid, ghadi nms7 tomobil daba", "كيبدا التحقيق فالخدمة غدا على داكشي ديال الفلوس",
                     "لا أريد أن يعرف أبي أنني أتكلم مع خطيبي بعد", "ستندم على الخروج بدون معطف، الجو بارد",
                     "bba kaydreb b ay 7aja f lkora", "مديري يصرخ على الجميع في الاجتماعات، وأنا أرتجف كلما نادى اسمي",
                     "الباك ديال ولدي غدا و انا اللي مخلوعة كثر منو", "بابا الا عرف بلي ضربت الطوموبيل ديالو غادي يقتلني",
                     # round 27's (Darija mostly)
                     "il menace de partir en vacances sans moi si je le quitte pas des yeux",
                     "kanns b 7wayji mli kanrj3 3yana mn lkhdma, sebbat f rjliya", "khayfa nrj3 l dar b had l'heure, lm9ta3 khawi",
                     "kan9ra wjho dyal lbebe bach n3rf wach ji3an", "كنقرا وجهو ديال الشاف فالاجتماع",
                     "bach mayt3sbch rajli 3la lmatch, chrit lih lmaillot", "fkkrt nchreb dwa dyal l9a7ba kaml bach nbra",
                     "الفيلم ديال البارح كان مخلع، ما قدرتش نطفي الضو",
                     # Session 12: look-alikes that older patterns opened support for (a key forgotten in the
                     # door, a dog feared or biting, dying of laughter, a car hitting someone, a bag for the
                     # maternity ward, fear of being left) and ordinary lines sharing the new patterns' words.
                     "نسيت المفتاح في الباب", "خايفه منو الكلب كبير بزاف", "شفت كلب كبير خايفه منو",
                     "سمعت صوته اليوم في التلفون وفرحت", "كنت مشتاقة واسمع صوت سيارته فأركض للباب",
                     "كنخاف من الكلاب، عضني واحد وأنا صغيرة", "غادي نموت بالضحك على هاد الفيديو",
                     "rajli kayktl rasso b lkhdma, bghito yrta7 chwiya", "kun drbatni tomobil lbar7 kun mt",
                     "j'ai un sac prêt pour la maternité, le bébé arrive dans 2 semaines",
                     "j'ai peur qu'il me quitte apres ce qu'on s'est dit", "محتاجة نرتاح من كلشي، شي سيمانة فالبحر",
                     "كتبت رسالة اعتذار لزوجي، هل يمكنك مساعدتي في صياغتها؟", "tf9na 3la code dyal lbab dyal dar",
                     "if i text 'pizza' he needs to get the cheese on the way home",
                     "i keep track of how many drinks he has at parties so i know who drives",
                     "i count his beers at the bbq lol he's on a diet",
                     "drt maquillage 3la 3ini l3ers w glt lihom ghadi n7ss b rasi zwina",
                     "ila ma jawbtch ghda rah ana f tiyara, 3rfo bli kanbghikom",
                     "if i don't reply tonight i'm at the concert, know i love you guys",
                     "bent 3mti chrbat dwa bzaf dyal lko7a w tat7ssn",
                     "mon fils saute du pont dans la riviere chaque ete",
                     "je sais pas si je freine assez tot avec cette voiture de location",
                     # round 31's (a father's curfew, a night at mum's to cool off, a boss who explodes)
                     "baba s3ib bzaf, ma kaykhlinich nkhrj mn b3d 10 d lil hh 9dim f rasou",
                     "j'ai dormi chez ma mère après la dispute, juste pour souffler, je rentre ce soir",
                     "je pèse chaque mot en réunion, mon chef explose pour rien", "lmdir gal lia 7bsi lkhdma bkri lyoum",
                     "ma 3ndi hta dirham f jibi, nsit lportefeuille", "b9it bla sahbati had sif 7it safro kamlin"]

# Every kind of place a message can arrive: a free-text step, a button step, a multi-select that
# takes words, onboarding before consent, a break (replying to a nudge), a sub-flow, and /sos itself.
PLACES = [
    ("repair", "my_part", True),
    ("repair", "calm_gate", True),
    ("repair", "feelings", True),
    ("welcome", "age", False),
    ("take_break", "waiting", True),
    ("checkin", "story", True),
    ("home", "menu", True),
]


@pytest.fixture(scope="module")
def screen(content):
    return screen_for(content)  # the real encoder and the shipped model


def said(screen, text: str) -> TextReceived:
    """A message as the service hands it to the engine: with the real screen's verdict."""
    return TextReceived(text, screen.verdict(text))


def at_place(flow: str, step: str, consented: bool) -> SessionState:
    stack = [Frame(flow, step, 1)] if flow != "take_break" else [Frame("repair", "calm_gate", 1), Frame(flow, step, 1, True)]
    return SessionState(seats={"a": Seat(stack=stack, turn=4, consented_at=NOW.isoformat() if consented else None,
                                         adult=consented, slots={"my_part": "earlier answer"})})


@pytest.mark.parametrize("category, text", CRISIS_ITEMS + IPV_ITEMS)
def test_clear_disclosures_open_support_at_once(screen, category, text):
    verdict = screen.verdict(text)
    assert verdict.route == ("ipv" if category.startswith("ipv") else "crisis"), text
    assert verdict.urgent, text


def test_you_misunderstood_leaves_the_next_repair_whole_and_joint_work_off(content, screen):
    # Found trying Mend as a new user: "قلبي كيضرب بزاف" (my heart is pounding) was read as fear of the
    # partner, and after "you misunderstood" every later repair was one for themselves only, for good.
    state = at_place("repair", "intention", True)
    t = advance(content, state, "a", said(screen, IPV_ITEMS[0][1]), NOW)
    assert t.state.seats["a"].stack[-1].flow == "ipv"
    t = advance(content, t.state, "a", OptionChosen("misunderstood", t.state.seats["a"].turn), NOW)
    seat = t.state.seats["a"]
    assert seat.stack[-1] == Frame("repair", "intention", seat.stack[-1].version)
    assert seat.joint_exercises_off and seat.disclosure_disputed  # S8: joint work stays off
    t = advance(content, t.state, "a", OptionChosen("ready", seat.turn), NOW)
    assert t.state.seats["a"].stack[-1].step == "feelings"  # the whole repair: their side and the message too
    # Only the repair's scope: the invitation hold stays (S8; found by review, /invite had opened again).
    t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)
    t = advance(content, t.state, "a", OptionChosen("stop_keep", t.state.seats["a"].turn), NOW)
    t = advance(content, t.state, "a", CommandReceived("invite"), NOW)
    assert [e.key for e in t.effects if getattr(e, "prompt", False)][-1] == "invite.held"


def ready_after(content, screen, state: SessionState, answers: list[str]) -> str:
    """Disclosures at the repair's "ready?" question, each answered as given; then "ready": where it goes."""
    t = None
    for answer in answers:
        t = advance(content, state, "a", said(screen, IPV_ITEMS[1][1]), NOW)
        t = advance(content, t.state, "a", OptionChosen(answer, t.state.seats["a"].turn), NOW)
        if answer != "misunderstood":
            t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)  # back to the question
        state = t.state
    assert t is not None and t.state.seats["a"].stack[-1].step == "intention"
    t = advance(content, t.state, "a", OptionChosen("ready", t.state.seats["a"].turn), NOW)
    frame = t.state.seats["a"].stack[-1]
    return "whole" if (frame.flow, frame.step) == ("repair", "feelings") else f"{frame.flow}:{frame.step}"


@pytest.mark.parametrize("answers, scope", [
    (["misunderstood"], "whole"),
    (["misunderstood", "tell_me_more"], "own"),   # a new disclosure counts again
    (["tell_me_more", "misunderstood"], "own"),   # found by review: a later dispute undid one that stood
    (["misunderstood", "misunderstood"], "whole"),
])
def test_a_dispute_counts_for_its_own_disclosure_only(content, screen, answers, scope):
    got = ready_after(content, screen, at_place("repair", "intention", True), answers)
    assert (got == "whole") == (scope == "whole"), got


def test_i_am_fine_in_sos_later_never_undoes_a_disclosure_that_stood(content, screen):
    """Tried in session 22 and reverted after review: "I'm okay, you misunderstood" in /sos (typed "i am fine")
    answers the crisis question, and disputing the last abuse disclosure with it undid one the person had
    confirmed ("No, but I'd like some support"). Denial is common (S8)."""
    state = at_place("repair", "intention", True)
    t = advance(content, state, "a", said(screen, IPV_ITEMS[1][1]), NOW)
    t = advance(content, t.state, "a", OptionChosen("tell_me_more", t.state.seats["a"].turn), NOW)
    t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)
    assert t.state.seats["a"].stack[-1].step == "intention"
    t = advance(content, t.state, "a", CommandReceived("sos"), NOW)
    t = advance(content, t.state, "a", OptionChosen("misunderstood", t.state.seats["a"].turn), NOW)
    seat = t.state.seats["a"]
    assert not seat.disclosure_disputed and seat.joint_exercises_off
    t = advance(content, t.state, "a", OptionChosen("ready", seat.turn), NOW)
    assert t.state.seats["a"].stack[-1].flow == "repair_self"


def test_without_the_dispute_the_repair_after_a_disclosure_is_for_oneself(content, screen):
    """The other side of the test above: the same path without /sos keeps the repair one's own."""
    state = at_place("repair", "intention", True)
    t = advance(content, state, "a", said(screen, IPV_ITEMS[1][1]), NOW)
    t = advance(content, t.state, "a", OptionChosen("tell_me_more", t.state.seats["a"].turn), NOW)
    t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)
    t = advance(content, t.state, "a", OptionChosen("ready", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].stack[-1].flow == "repair_self"


def test_a_positive_private_screen_is_never_undone_by_a_dispute(content, screen):
    state = at_place("repair", "intention", True)
    state.seats["a"].joint_exercises_off = state.seats["a"].disclosure_confirmed = True
    assert ready_after(content, screen, state, ["misunderstood"]) != "whole"


@pytest.mark.parametrize("flow, step, consented", PLACES)
@pytest.mark.parametrize("category, text", [CRISIS_ITEMS[0], CRISIS_ITEMS[1], CRISIS_ITEMS[2], CRISIS_ITEMS[3],
                                            CRISIS_ITEMS[5], IPV_ITEMS[0]])
def test_disclosure_at_any_step_pauses_it_and_opens_private_support(content, screen, flow, step, consented,
                                                                    category, text):
    state = at_place(flow, step, consented)
    t = advance(content, state, "a", said(screen, text), NOW)
    seat = t.state.seats["a"]
    support = "ipv" if category.startswith("ipv") else "sos"
    assert seat.stack[-1] == Frame(support, seat.stack[-1].step, seat.stack[-1].version, True)
    assert seat.stack[:-1] == state.seats["a"].stack  # the interrupted step is kept, paused
    assert text not in str(seat.slots) and seat.held_text is None  # the words are not stored as an answer
    assert seat.slots["my_part"] == "earlier answer"
    events = [e for e in t.effects if isinstance(e, SafetyEvent)]
    assert events and events[0].at == NOW
    assert seat.joint_exercises_off == category.startswith("ipv")
    assert all(e.seat == "a" for e in t.effects if hasattr(e, "seat"))  # nothing addressed to anyone else


@pytest.mark.parametrize("text", NEGATIVE_CONTROLS)
def test_everyday_phrases_never_open_support_at_once(screen, text):
    """At most a gentle check-in (tracked in scripts/safety_report.py), never the crisis flow."""
    assert not screen.verdict(text).urgent, text


def test_screening_sees_through_zero_width_characters_curly_quotes_and_disguises(screen):
    for text in ("I want to d\u200bie", "I don\u2019t want to be alive", "k1ll mys3lf", "s.u.i.c.i.d.e",
                 "un-aliving myself", "i wanna dieeeee"):
        assert screen.verdict(text).urgent, text


def test_im_fine_does_not_switch_screening_off(content, screen):
    state = at_place("repair", "my_part", True)
    t = advance(content, state, "a", said(screen, "I want to die."), NOW)
    t = advance(content, t.state, "a", OptionChosen("misunderstood", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].stack == [Frame("repair", "my_part", 1)]
    again = advance(content, t.state, "a", said(screen, "there's no point to anything anymore"), NOW)
    assert again.state.seats["a"].stack[-1].flow == "sos"


def test_safe_and_continue_returns_to_the_same_step(content, screen):
    state = at_place("repair", "my_part", True)
    t = advance(content, state, "a", said(screen, "honestly kms"), NOW)
    t = advance(content, t.state, "a", OptionChosen("struggling", t.state.seats["a"].turn), NOW)
    assert t.effects[-1].key == "sos.ask_country"
    t = advance(content, t.state, "a", OptionChosen("de", t.state.seats["a"].turn), NOW)
    assert t.effects[-1].key == "sos.checkin_offer"
    t = advance(content, t.state, "a", OptionChosen("no_thanks", t.state.seats["a"].turn), NOW)
    t = advance(content, t.state, "a", OptionChosen("back", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].stack == [Frame("repair", "my_part", 1)]
    assert t.effects[-1].key == "repair.my_part"
    assert t.state.seats["a"].slots["country"] == "de"


def resources_text(content, state) -> str:
    t = advance(content, state, "a", CommandReceived("sos"), NOW)
    t = advance(content, t.state, "a", OptionChosen("struggling", t.state.seats["a"].turn), NOW)
    send = next(e for e in t.effects if getattr(e, "key", "") == "sos.resources")
    return render(content, send, "en").text


def test_resources_match_the_chosen_country_with_source_and_check_date(content):
    state = at_place("repair", "my_part", True)
    state.seats["a"].slots["country"] = "de"
    text = resources_text(content, state)
    assert text.splitlines()[0] == "Emergency number: 112"  # the emergency number always comes first
    assert "TelefonSeelsorge: call 0800 111 0 111 or 0800 111 0 222 (free, 24/7) (from domradio.de, checked 30 Nov 2026)" in text
    assert "findahelpline.com" in text
    assert "Hilfetelefon" not in text  # abuse-support lines belong to the abuse-support flow
    state.seats["a"].slots["country"] = "gb"
    text = resources_text(content, state)
    assert "999" in text and "Samaritans: call 116 123" in text and "samaritans.org" in text
    state.seats["a"].slots["country"] = "jo"  # no line found on a page we trust: say so, never guess
    text = resources_text(content, state)
    assert "Emergency number: 911" in text and "couldn't confirm a crisis line for Jordan" in text
    state.seats["a"].slots["country"] = "other"
    text = resources_text(content, state)
    assert "local emergency number" in text and "911 in North America" in text


def test_a_line_is_shown_while_it_has_a_source_and_a_check_date(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    res = copy / "resources.yaml"
    text = res.read_text()
    unsourced = text.replace('        source: "https://www.domradio.de/glossar/telefonseelsorge-0"\n', "")
    assert unsourced != text
    res.write_text(unsourced)
    content, problems = validate_content(copy)
    assert problems == []
    state = at_place("repair", "my_part", True)
    state.seats["a"].slots["country"] = "de"
    assert "TelefonSeelsorge" not in resources_text(content, state)  # no source: not shown
    content = validate_content(CONTENT_DIR)[0]
    years_later = datetime(2029, 6, 1, tzinfo=timezone.utc)  # old, but sourced and dated: still shown
    t = advance(content, state, "a", CommandReceived("sos"), years_later)
    t = advance(content, t.state, "a", OptionChosen("struggling", t.state.seats["a"].turn), years_later)
    send = next(e for e in t.effects if getattr(e, "key", "") == "sos.resources")
    assert "TelefonSeelsorge" in render(content, send, "en").text


def test_release_validation_fails_for_lines_checked_more_than_six_months_ago():
    _, problems = validate_content(CONTENT_DIR, release=True, today=date(2026, 12, 4))
    assert not any("line '" in str(p) for p in problems)  # every shipped line was checked on 2026-11-30 or 12-04
    assert any("lexicon awaiting clinician sign-off" in str(p) for p in problems)
    _, problems = validate_content(CONTENT_DIR, release=True, today=date(2027, 7, 1))
    stale = [str(p) for p in problems if "last checked 2026-11-30" in str(p)]
    assert any("line 'Samaritans'" in p for p in stale) and any("line '3919 Violences Femmes Info'" in p for p in stale)


def test_release_validation_flags_unsourced_lines(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    res = copy / "resources.yaml"
    res.write_text(res.read_text().replace('  jo:\n    emergency: "911"\n',
                                           '  jo:\n    emergency: "911"\n    lines:\n      - {name: "Guessed", how: "0"}\n'))
    assert validate_content(copy)[1] == []  # allowed while drafting, and never shown
    _, problems = validate_content(copy, release=True, today=date(2026, 12, 1))
    assert any("line 'Guessed' is without a source" in str(p) for p in problems)


def test_every_country_in_the_picker_has_its_emergency_number_and_a_label(content):
    countries = content.resources.countries
    for cid in ("ma", "be", "ch", "ca_qc", "tn", "dz", "eg", "sa", "ae", "jo", "lb", "in", "za", "gb", "fr", "us"):
        assert countries[cid].emergency
        assert f"pickers.countries.{cid}" in content.catalogs["en"].messages
    assert countries["fr"].shown("abuse")[0].how["en"].startswith("call 3919")  # written per language
    assert all(line.source and line.last_checked for c in countries.values() for line in c.lines + c.abuse_lines)


@pytest.mark.parametrize("opened_by, caring_line", [(Verdict("crisis", ("explicit",), "pattern", 1.0, urgent=True), True),
                                                    (Verdict("ipv", ("ipv_fear",), "pattern", 1.0, urgent=True), False)])
def test_cancel_out_of_sos_says_it_is_there_any_time_but_abuse_support_leaves_quietly(content, opened_by, caring_line):
    """Found trying Mend as a new user: "i wish i could sleep and not wake up", then /cancel, went straight
    back with no word. Leaving /sos gets one caring line; abuse support's /cancel may be a quick exit."""
    t = advance(content, at_place("repair", "my_part", True), "a", TextReceived("heavy words", opened_by), NOW)
    assert t.state.seats["a"].stack[-1].flow in ("sos", "ipv")
    t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)
    keys = [getattr(e, "key", None) for e in t.effects]
    assert ("system.sos_left" in keys) == caring_line and "system.back_to_step" in keys
    assert keys[-1] == "repair.my_part"


def test_a_clear_sign_typed_at_are_you_safe_is_its_answer_and_the_lines_come(content):
    """Found trying Mend as a new user: "i want to die" typed at /sos's own question, then "i told u i
    want to die", got "let me ask again" and the same buttons, no number shown, round and round."""
    t = advance(content, at_place("repair", "my_part", True), "a", CommandReceived("sos"), NOW)
    assert t.effects[-1].key == "sos.ask_safety"
    urgent = Verdict("crisis", ("explicit",), "pattern", 1.0, urgent=True)
    t = advance(content, t.state, "a", TextReceived("i want to die", urgent), NOW)
    keys = [getattr(e, "key", None) for e in t.effects]
    assert "sos.again" not in keys and t.state.seats["a"].slots.get("sos_answer") == "might_hurt_self"
    assert [f.flow for f in t.state.seats["a"].stack] == ["repair", "sos"]


@pytest.mark.parametrize("said", ["idk i might do something stupid tonight", "je risque de faire une bêtise"])
def test_might_hurt_myself_in_plain_words_at_are_you_safe(content, said):
    t = advance(content, at_place("repair", "my_part", True), "a", CommandReceived("sos"), NOW)
    t = advance(content, t.state, "a", TextReceived(said), NOW)
    assert t.state.seats["a"].slots.get("sos_answer") == "might_hurt_self"


def test_cancel_out_of_sos_works_before_consent(content):
    """Found trying Mend as a new user: /sos before agreeing to the basics, then /cancel, got "let's finish
    getting started" and the safety question again, with no way out."""
    state = SessionState(seats={"a": Seat(stack=[Frame("welcome", "consent", 1)], turn=2)})
    t = advance(content, state, "a", CommandReceived("sos"), NOW)
    assert t.state.seats["a"].stack[-1].flow == "sos"
    t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)
    assert [f.flow for f in t.state.seats["a"].stack] == ["welcome"]
    assert t.effects[-1].key == "welcome.consent"


def test_cancel_out_of_abuse_support_opened_inside_sos_stays_silent(content):
    """Found by review: /sos, then the plan, then an abuse disclosure opened abuse support over them;
    /cancel there sent /sos's caring line, though abuse support's /cancel may be a quick exit."""
    state = at_place("repair", "my_part", True)
    state.seats["a"].stack += [Frame("sos", "what_now", 1, interrupt=True), Frame("safety_plan", "warning_signs", 1)]
    urgent = Verdict("ipv", ("ipv_physical",), "pattern", 1.0, urgent=True)
    t = advance(content, state, "a", TextReceived("when he hits me again", urgent), NOW)
    assert t.state.seats["a"].stack[-1].flow == "ipv"
    t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)
    assert "system.sos_left" not in [getattr(e, "key", None) for e in t.effects]


PLAN_WRITTEN = ("racing thoughts at night", "a walk", "the café on the corner", "my sister Ana, 0151 2345",
                "Dr. Lee", "give the pills to Ana to keep", "my dog")


def plan_written_from_sos(content):
    """/sos over a repair step ("struggling", Germany, no check-in), then the safety plan, all seven
    questions answered with PLAN_WRITTEN."""
    t = advance(content, at_place("repair", "my_part", True), "a", CommandReceived("sos"), NOW)
    for option in ("struggling", "de", "no_thanks", "safety_plan"):
        t = advance(content, t.state, "a", OptionChosen(option, t.state.seats["a"].turn), NOW)
    for answer in PLAN_WRITTEN:
        t = advance(content, t.state, "a", TextReceived(answer), NOW)
    return t


def test_safety_plan_is_private_kept_and_editable(content):
    t = plan_written_from_sos(content)
    shown = next(e for e in t.effects if getattr(e, "key", "") == "safety_plan.show")
    text = render(content, shown, "en").text
    for heading, answer in zip(("Warning signs", "On my own", "take my mind off things", "ask for help",
                                "Professionals and lines", "Making my surroundings safer", "reason for living"),
                               PLAN_WRITTEN):
        line = next(row for row in text.splitlines() if heading in row)
        assert answer in line, (heading, line)
    assert "TelefonSeelsorge" in text  # the lines for their country sit with the plan
    t = advance(content, t.state, "a", OptionChosen("safety_plan", t.state.seats["a"].turn), NOW)  # open it again:
    keys = [getattr(e, "key", None) for e in t.effects]  # shown first, to read, then "change anything?"
    assert keys[-2:] == ["safety_plan.show", "safety_plan.change_offer"]
    t = advance(content, t.state, "a", OptionChosen("change_plan", t.state.seats["a"].turn), NOW)  # edit it
    t = advance(content, t.state, "a", TextReceived("arguing late at night"), NOW)
    for _ in range(6):
        t = advance(content, t.state, "a", OptionChosen("skip", t.state.seats["a"].turn), NOW)
    slots = t.state.seats["a"].slots
    assert slots["safety_plan_warning_signs"] == "arguing late at night"
    assert slots["safety_plan_surroundings"] == "give the pills to Ana to keep"  # skipping kept it
    # Clearing an exercise's answers keeps the plan and the country.
    t = advance(content, t.state, "a", OptionChosen("back", t.state.seats["a"].turn), NOW)
    t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)
    t = advance(content, t.state, "a", OptionChosen("stop_clear", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].slots["safety_plan_calming"] == "a walk" and t.state.seats["a"].slots["country"] == "de"
    assert "my_part" not in t.state.seats["a"].slots


@pytest.mark.parametrize("part, slot", [("help_people", "safety_plan_help_people"), ("reasons", "safety_plan_reasons"),
                                        ("warning_signs", "safety_plan_warning_signs")])
def test_one_part_of_the_plan_changes_without_walking_the_others(content, part, slot):
    """Found trying Mend as a new user: a friend's new number meant walking past six other questions.
    "Change one part" asks only that one, then shows the whole plan again; the others stay as written."""
    t = plan_written_from_sos(content)
    before = dict(t.state.seats["a"].slots)
    t = advance(content, t.state, "a", OptionChosen("safety_plan", t.state.seats["a"].turn), NOW)
    t = advance(content, t.state, "a", OptionChosen("change_one", t.state.seats["a"].turn), NOW)
    assert t.state.seats["a"].stack[-1].step == "which_part"
    t = advance(content, t.state, "a", OptionChosen(part, t.state.seats["a"].turn), NOW)
    asked = [getattr(e, "key", None) for e in t.effects]
    assert asked[-1] == f"safety_plan.{part}"  # straight to that question, no intro
    t = advance(content, t.state, "a", TextReceived("my neighbour Sam, 0170 555"), NOW)
    keys = [getattr(e, "key", None) for e in t.effects]
    assert "safety_plan.show" in keys and not any(k and k.startswith("safety_plan.") and k not in
                                                  ("safety_plan.show",) for k in keys)
    slots = t.state.seats["a"].slots
    assert slots[slot] == "my neighbour Sam, 0170 555"
    plan = {k: v for k, v in slots.items() if k.startswith("safety_plan_")}
    assert plan == {k: v for k, v in before.items() if k.startswith("safety_plan_")} | {slot: "my neighbour Sam, 0170 555"}


async def test_only_kind_and_time_are_stored(alice, db):
    await alice.onboard()
    await reach_my_part(alice)
    await alice.says("Thanks for everything, this is goodbye.")
    assert alice.last_prompt.key == "sos.ask_safety"
    with sqlite3.connect(db.path) as raw:
        columns = [r[1] for r in raw.execute("PRAGMA table_info(safety_events)")]
        rows = raw.execute("SELECT kind, at FROM safety_events").fetchall()
        everything = "\n".join(str(r) for t in ("sessions", "outbox", "records") for r in raw.execute(f"SELECT * FROM {t}"))
    assert columns == ["id", "kind", "at"]
    assert rows == [("farewell", "2026-11-25T20:00:00+00:00")]
    assert "this is goodbye" not in everything  # the words are not kept anywhere


def test_a_second_disclosure_inside_support_restarts_it_rather_than_nesting(content, screen):
    state = at_place("repair", "my_part", True)
    t = advance(content, state, "a", said(screen, "I want to die."), NOW)
    t = advance(content, t.state, "a", said(screen, "she shoved me"), NOW)
    stack = t.state.seats["a"].stack
    assert [f.flow for f in stack] == ["repair", "ipv"]


def test_cancel_inside_the_abuse_lines_leaves_support_and_its_lines_together(content, screen):
    """/cancel while the abuse lines (a sub flow the support called) ask for a country closes the support
    and the lines as one, back to the paused step: no frame of the lines is left behind to resume."""
    state = at_place("repair", "my_part", True)
    t = advance(content, state, "a", said(screen, "he punched the wall next to my head"), NOW)
    t = advance(content, t.state, "a", OptionChosen("tell_me_more", t.state.seats["a"].turn), NOW)
    assert [f.flow for f in t.state.seats["a"].stack][-2:] == ["ipv", "abuse_lines"]
    t = advance(content, t.state, "a", CommandReceived("cancel"), NOW)
    assert [f.flow for f in t.state.seats["a"].stack] == ["repair"] and t.state.seats["a"].parked == []
    assert t.effects[-1].key == "repair.my_part"


def test_an_answer_inside_the_safety_plan_keeps_the_hint_waiting_below_it(content, screen):
    # Found by session 10's review: /sos over a waiting coaching hint, then a typed answer in the safety
    # plan dropped the hinted draft, and the repair came back as the bare question.
    from bot.engine.state import Draft
    state = SessionState(seats={"a": Seat(
        stack=[Frame("repair", "my_part", 1), Frame("safety_plan", "warning_signs", 1, True)], turn=4,
        consented_at=NOW.isoformat(), adult=True,
        draft=Draft(("repair", "my_part"), "Sorry if you felt hurt, but you started it.", "non_apology", 1))})
    t = advance(content, state, "a", said(screen, "going for a walk helps"), NOW)
    seat = t.state.seats["a"]
    assert seat.slots.get("warning_signs") or seat.top is not None and seat.top.step != "warning_signs"
    assert seat.draft is not None and seat.draft.at == ("repair", "my_part")


async def test_sos_from_the_menu_doesnt_say_something_was_paused(alice):
    """Found trying Mend as a new user: /sos from the menu said "What we were doing is paused and saved"
    with nothing in progress. From the menu it asks in words without that line, also when shown again
    (/help); over a repair, the repair is named as paused."""
    await alice.onboard()
    await alice.command("sos")
    assert alice.last_prompt.key == "sos.fresh"
    await alice.command("help")
    assert alice.last_prompt.key == "sos.fresh"
    await alice.taps("misunderstood")
    await alice.taps("repair")
    await alice.command("sos")
    assert alice.last_prompt.key == "sos.ask_safety"
