"""Immutable content model: flows, steps, message catalogs and pickers, as the engine sees them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar, Literal, Protocol

from bot.content.conditions import Condition

# Keys the engine sends by itself (not from a flow step). Every locale must define them.
SYSTEM_KEYS: tuple[str, ...] = (
    "system.help",
    "system.help_idle",
    "system.help_flow",
    "system.help_support",
    "system.yes_words",
    "system.keyboard_slip",
    "system.nothing_words",
    "system.keep_heavy_words",
    "system.keep_plan_words",
    "system.reason_keep",
    "system.reason_change",
    "system.reason_again",
    "system.reason_later",
    "sos.again",
    "system.back_to_step",
    "system.welcome_back",
    "system.pick_an_option",
    "answers.not_understood", "answers.careful_unread", "answers.greeting", "answers.not_a_time", "answers.which_one", "answers.ticked_and_group", "answers.feeling_under_it", "answers.story_heard", "answers.daily_set",
    "answers.daily_needs_clock", "answers.need_timezone", "answers.time_too_soon", "answers.time_too_late",
    "time.today_at", "time.tomorrow_at", "time.later_at", "time.in_span", "time.span_minutes", "time.span_hour",
    "time.span_hours", "time.span_days", "console.scale_hint", "console.time_hint",
    "system.pick_count",
    "system.empty_text",
    "system.menu_asks_to_stop",
    "safety_check.okay_again",
    "system.too_long",
    "system.stale_button",
    "safety_check.kept", "safety_check.kept_not_an_option", "safety_check.rephrase",
    "system.unsupported",
    "system.unknown_command",
    "system.busy_elsewhere",
    "system.resumed",
    "system.nothing_to_cancel",
    "system.not_given",
    "system.skip",
    "system.skip_keep", "system.written_before",
    "system.done_picking",
    "system.type_answer", "system.already_done", "system.done_nothing_picked", "system.meta_words",
    "system.consent_first",
    "system.consent_first_remembered",
    "system.other_groups",
    "system.error",
    "system.private_only",
    "system.edited",
    "system.nudge",
    "system.needs_words",
    "console.multi_hint",
    "console.options_hint",
    "console.goodbye",
    "console.switched",
    "console.other_waiting",
    "about.info",
    "privacy.export_ready",
    "privacy.export_about", "privacy.export_partner_words", "privacy.export_safety_counts",
    "privacy.export_waiting_draft", "privacy.export_waiting_held_text", "privacy.export_waiting_held_reason",
    "privacy.export_waiting_feeling",
    "coaching.rewrite",
    "coaching.edit",
    "coaching.keep",
    "coaching.keep_confirm",
    "coaching.keep_yes",
    "coaching.keep_no",
    "coaching.hint.about_them", "coaching.hint.rule_for_them", "coaching.hint.stop_ask", "system.shrug_words",
    "coaching.scaffold.criticism",
    "coaching.scaffold.contempt",
    "coaching.scaffold.defensiveness",
    "coaching.scaffold.non_apology",
    "coaching.scaffold.own", "coaching.scaffold.ask", "coaching.scaffold.offer", "coaching.scaffold.acknowledge",
    "coaching.scaffold.boundary", "coaching.scaffold.moment", "coaching.scaffold.regret",
    "reminders.none",
    "reminders.item",
    "reminders.settings", "reminders.settings_no_quiet", "reminders.daily_in_quiet",
    "answers.which_again", "system.numbers_for_a_card", "system.yes_which_ones", "system.greeting_at_words",
    "safety_plan_abuse.danger_note",
    "reminders.kind.break_return",
    "reminders.kind.plan_followup",
    "reminders.kind.daily_checkin",
    "reminders.kind.daily_gratitude",
    "reminders.kind.daily_affirm",
    "reminders.kind.daily_calm",
    "nudge.snooze",
    "nudge.stop",
    "nudge.snoozed",
    "nudge.stopped",
    "resources.emergency",
    "resources.line",
    "resources.directory",
    "resources.no_country",
    "resources.no_line",
    "resources.abuse_directory",
    "resources.abuse_no_line",
    "resources.abuse_no_country",
    "privacy.info",
    "privacy.export_caption",
    "language.changed",
    # couples (engine couples.py and the couples service)
    "couple.invite_link", "couple.share_button", "couple.share_text", "couple.invite_invalid", "couple.invite_own",
    "couple.invite_linked", "couple.invite_slow_down", "couple.invite_declined", "couple.joined",
    "couple.partner_joined", "couple.start_later", "couple.waiting", "couple.still_waiting", "couple.keep_waiting",
    "couple.continue_alone", "couple.partner_ready", "couple.nudge_slower", "couple.on_your_own",
    "couple.shared_ended", "couple.partner_paused", "couple.partner_back", "couple.link_closed", "couple.unlinked",
    "couple.unlink_none",
)
# Telegram's command menu, in order; each has a description `commands.<name>` in every locale.
MENU_COMMANDS = ("repair", "checkin", "gratitude", "history", "together", "invite", "unlink", "pause", "sos", "plan", "help",
                 "cancel", "privacy", "language")
SYSTEM_KEYS += tuple(f"commands.{name}" for name in MENU_COMMANDS)
# Parameters the engine fills in by itself; any other `{name}` in a template must be a saved slot.
SYSTEM_PARAMS = frozenset({"situation", "stage", "stages", "flow_title", "length", "limit", "min", "max", "return_in",
                           "resources", "abuse_resources", "emergency", "line_name", "line_how", "line_source",
                           "line_checked", "country_name", "directory", "schedule",
                           "what", "when", "tz", "quiet", "inviter", "until", "link", "name", "count",
                           "heard", "due", "clock", "owned", "shortest", "longest", "span", "family", "part",
                           # composed from several answers at render time (bot/compose, engine/history.py)
                           "words", "draft_message", "repair_summary", "request_message", "history",
                           "history_entry"})
COACHING_CATEGORIES = ("criticism", "contempt", "defensiveness", "non_apology", "good_apology", "gentle_startup")
# Slots that outlive a flow: the person's country (for resources) and their safety plan.
PERSISTENT_SLOT_PREFIXES = ("country", "safety_plan_", "reminder_", "screen_")
# Conditions can test these without a step saving them; the engine fills them in (frames.condition_slots).
SYSTEM_SLOTS: dict[str, frozenset[str]] = {
    "couple": frozenset({"linked", "solo"}),  # is this person linked with a partner right now
    "joint": frozenset({"on", "off"}),  # may the two do exercises together (off: never says why)
    "role": frozenset({"speaker", "listener"}),  # in the reflection loop
    "check_route": frozenset({"crisis", "ipv"}),  # what a gentle safety check-in was opened for
    # "their view" already says why the partner's feelings make sense (bot/engine/answers.py sees_why)
    "view_sees_why": frozenset({"yes", "no"}),
    # this person told Mend they may be unsafe with their partner (an abuse disclosure or a positive
    # safety screen): their own repair then focuses on them, never on their partner's side
    "safety": frozenset({"concern", "none"}),
    # the solo repair's scope after such a disclosure: "only" the person's own side, or "whole" again when
    # they answered "you misunderstood" to it (engine/frames.py; joint work stays off either way)
    "own_repair": frozenset({"only", "whole"}),
    # what a support flow (/sos, abuse support) was opened over: the solo repair, a shared one, ...
    "paused": frozenset({"repair", "together", "other", "nothing"}),
    # may this person be offered an exercise with their partner in the room (co-regulation)? Off after
    # an abuse disclosure or a positive safety screen, like joint work; never says why.
    "in_person": frozenset({"ok", "off"}),
    # the language Mend writes to this person in (the address question is asked only where it matters)
    "language": frozenset({"en", "fr", "ar"}),
    # has this person finished a repair that /history can show
    "past_repairs": frozenset({"none", "some"}),
    # the answers kept as written after a coaching hint (slot names; engine/frames.py HINT_KEPT):
    # tested with `is set` only
    "hint_kept": frozenset(),
}
PARTNER_PREFIX = "partner_"  # a revealed item lands in the reader's slots as partner_<slot>

SHARE = "share"  # the option of a `share:` question that gives consent

SKIP = "skip"  # option id added to optional steps
DONE = "done"  # option id that closes a multi-select
# The option a single-choice question with `allow_text` saves when words typed there name no option
# (/affirm: a line of one's own typed straight at "pick one"); the words are kept as <save_as>_text.
OWN_WORDS = "own_words"


@dataclass(frozen=True)
class Route:
    target: str
    condition: Condition | None
    line: int


@dataclass(frozen=True, kw_only=True)
class _StepBase:
    """What every step has: where it is written, its stage in the flow, and where it goes next."""

    id: str
    file: str
    line: int
    stage: int = 0
    routes: tuple[Route, ...] = ()
    # The message this step sends: a question's text, a `say`, an `end`'s last words; None for the rest
    # (and in content that failed to load).
    key: str | None = None
    kind: ClassVar[str]  # as the flow file names it (the engine matches on the class, not on this)
    interactive: ClassVar[bool] = False  # True for questions: the flow waits for the person here


@dataclass(frozen=True, kw_only=True)
class _Question(_StepBase):
    save_as: str | None = None
    optional: bool = False
    skip_keeps: bool = False  # skipping keeps an earlier answer (editing a safety plan)
    # Said once when a typed answer means "nothing" here ("no", "rien", "والو"), or the screen found a
    # weaker sign in it, before the question is asked again: at "a reason for living" such an answer is
    # heard, never taken as a silent skip (a second one skips). Optional free-text steps only.
    if_nothing: str | None = None
    # The same for a question where "no one" is the common answer (the plan's "people I can ask for help"): an
    # answer meaning nothing or no one is heard, never kept as a name; a typed "skip" there is a plain skip.
    if_no_one: str | None = None
    # Shown again before the question when the person comes back to it (`Resume`): the draft before "Does it
    # sound like you?" (found in the ninth new-user trial: coming back, there was nothing to judge).
    recap: str | None = None
    check: bool = False  # coaching feedback on the draft (it may reach a partner)
    rewrite: str | None = None  # what the answer is (own, ask, offer, acknowledge): the shape "Help me rewrite" offers
    share: tuple[str, ...] = ()  # a [share, keep] question: consent for these slots to be revealed
    for_partner: bool = False  # the question itself is addressed to the partner: answering is consent
    max_len: int = 2000  # for own words (free text, or text beside a multi-select)
    interactive: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class _Options(_Question):
    options: tuple[str, ...] = ()
    option_labels: dict[str, str] = field(default_factory=dict)  # option id -> message key
    option_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (group heading key, option ids)
    allow_text: bool = False  # own words accepted instead of (or beside) the picks (a single choice: OWN_WORDS)
    # A question about a time (`time:`, single choice only): "moment" (a time ahead: breaks, snoozes)
    # or "daily" (a time of day). A typed time is saved as `time_option` if given (the nudge card's
    # "snooze"), else the options themselves are times; `time_min`/`time_max` bound a moment's
    # distance from now.
    time_kind: str | None = None
    time_option: str | None = None
    time_min: timedelta | None = None
    time_max: timedelta | None = None
    # A single-choice question where people may tell what happened instead of choosing (the home
    # menu): a message of several words that names no option is taken as this option.
    story: str | None = None
    # A safety question ("Are you safe right now?"): typed words count only as a whole answer, never
    # by a distinctive word or a near spelling; anything else is asked again (bot/engine/careful.py).
    careful: bool = False


@dataclass(frozen=True, kw_only=True)
class ChoiceStep(_Options):
    """Pick one option."""

    kind: ClassVar[str] = "choice"


@dataclass(frozen=True, kw_only=True)
class MultiStep(_Options):
    """Pick several options (ticks), then Done."""

    kind: ClassVar[str] = "multi"
    min_picks: int = 1
    max_picks: int = 1


@dataclass(frozen=True, kw_only=True)
class TextStep(_Question):
    """Free text in the person's own words."""

    kind: ClassVar[str] = "text"


@dataclass(frozen=True, kw_only=True)
class SayStep(_StepBase):
    kind: ClassVar[str] = "say"


@dataclass(frozen=True, kw_only=True)
class BranchStep(_StepBase):
    """Only routes: goes where the first matching condition says."""

    kind: ClassVar[str] = "branch"


@dataclass(frozen=True, kw_only=True)
class EndStep(_StepBase):
    kind: ClassVar[str] = "end"  # `key`: an optional last message


@dataclass(frozen=True, kw_only=True)
class CallStep(_StepBase):
    """Run a sub-flow, then continue after this step."""

    kind: ClassVar[str] = "call"
    target_flow: str | None = None


@dataclass(frozen=True, kw_only=True)
class GotoStep(_StepBase):
    """Leave this flow for another one (nothing to come back to)."""

    kind: ClassVar[str] = "goto"
    target_flow: str | None = None


@dataclass(frozen=True, kw_only=True)
class ScheduleStep(_StepBase):
    kind: ClassVar[str] = "schedule"
    timer: str | None = None
    delay: timedelta | None = None
    delay_by: str | None = None  # a slot whose answer picks the delay from `delays`
    delays: dict[str, timedelta | None] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CancelTimerStep(_StepBase):
    kind: ClassVar[str] = "cancel_timer"
    timer: str | None = None


RecordName = Literal["consent", "adult"]
ActionName = Literal[
    "park", "discard", "erase", "set_language", "set_address", "start_nudged", "snooze_nudge", "stop_reminders", "resume_reminders", "set_daily",
    "set_timezone", "set_quiet",
    # couples: invitations, the reflection loop's speaking order, the private safety screen
    "create_invite", "accept_invite", "decline_invite", "first_speaker", "second_speaker", "joint_off",
    # a seat told "not available right now" (joint work off): its partner is taken to the same words
    "release_partner",
    # the gentle safety check-in: keep the words set aside, leave them out, or open support
    "keep_held_words", "drop_held_words", "open_support",
    # past repairs (engine/history.py): keep a finished repair; note the follow-up it asked for, and how it went
    "archive_repair", "followup_planned", "note_followup",
    # abuse support: "you misunderstood" (engine/safety.py); erase the plan for staying safe on its own
    "dispute_disclosure", "erase_abuse_plan",
]


@dataclass(frozen=True, kw_only=True)
class RecordStep(_StepBase):
    kind: ClassVar[str] = "record"
    record: RecordName


@dataclass(frozen=True, kw_only=True)
class ActionStep(_StepBase):
    kind: ClassVar[str] = "action"
    action: ActionName  # the engine handles each one (auto.run_action, checked by mypy)


@dataclass(frozen=True, kw_only=True)
class AwaitPartnerStep(_StepBase):
    kind: ClassVar[str] = "await_partner"
    barrier: str = ""  # both seats meet here (solo sessions pass through)
    reveal: tuple[str, ...] = ()  # the partner's items shown when both arrive (if shared)


Question = ChoiceStep | MultiStep | TextStep
OptionStep = ChoiceStep | MultiStep  # a question with options (buttons)
Step = (ChoiceStep | MultiStep | TextStep | SayStep | BranchStep | EndStep | CallStep | GotoStep | ScheduleStep
        | CancelTimerStep | RecordStep | ActionStep | AwaitPartnerStep)
QUESTION_TYPES = (ChoiceStep, MultiStep, TextStep)
# A step kind as the loader names it -> its class.
STEP_CLASSES: dict[str, type[Step]] = {
    "choice": ChoiceStep, "multi": MultiStep, "text": TextStep, "say": SayStep, "branch": BranchStep,
    "end": EndStep, "call": CallStep, "goto": GotoStep, "schedule": ScheduleStep, "cancel_timer": CancelTimerStep,
    "record": RecordStep, "action": ActionStep, "await_partner": AwaitPartnerStep,
}


def saved_slot(step: Step) -> str | None:
    """The slot a question saves its answer in (None for every other step)."""
    return step.save_as if isinstance(step, QUESTION_TYPES) else None


@dataclass(frozen=True)
class Flow:
    id: str
    version: int
    title_key: str
    kind: str  # main | sub | interrupt
    command: str | None
    stages: int
    resume_step: str
    steps: tuple[Step, ...]
    file: str
    line: int
    _index: dict[str, Step] = field(init=False, repr=False, compare=False)
    _order: dict[str, int] = field(init=False, repr=False, compare=False)

    @property
    def first(self) -> str:
        return self.steps[0].id

    def step(self, step_id: str) -> Step | None:
        return self._index.get(step_id)

    def following(self, step_id: str) -> str | None:
        """Id of the step listed after `step_id`, or None for the last."""
        pos = self._order.get(step_id)
        if pos is None or pos + 1 >= len(self.steps):
            return None
        return self.steps[pos + 1].id

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {s.id: s for s in self.steps})
        object.__setattr__(self, "_order", {s.id: i for i, s in enumerate(self.steps)})


@dataclass(frozen=True)
class Message:
    variants: tuple[str, ...]
    review: str | None
    reviewed_by: str | None
    reviewed_on: str | None
    file: str
    line: int


@dataclass(frozen=True)
class Catalog:
    locale: str
    messages: dict[str, Message]
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # option label key -> other words for it

    def text(self, key: str, seed: int = 0) -> str:
        variants = self.messages[key].variants
        return variants[seed % len(variants)]


class TextMatcher(Protocol):
    def search(self, text: str, /) -> object:
        """Truthy when the text matches."""
        ...


@dataclass(frozen=True)
class SignPatterns:
    """One category's patterns of one lexicon, by the script they are written in (so a message is
    only matched against patterns of the scripts it contains), each set behind its literal anchors
    (`bot/content/anchors.py`)."""

    latin: TextMatcher | None = None
    arabic: TextMatcher | None = None


@dataclass(frozen=True)
class Lexicon:
    """Patterns of one language file (`content/lexicons/<name>.yaml`). `signs` maps each crisis
    category (explicit, coded, ...) and each abuse category (ipv_fear, ipv_control, ipv_physical)
    to compiled patterns; every lexicon screens every message, whatever the interface language."""

    locale: str
    signs: dict[str, SignPatterns]
    coaching: dict[str, tuple[TextMatcher, ...]] = field(default_factory=dict)
    arabizi: bool = False  # its Latin patterns are Darija: also match the Arabizi reading


# Resource text written once ("112") or per language ({en: "call 3114", fr: "appelez le 3114", ...}).
PerLanguage = str | dict[str, str]


@dataclass(frozen=True)
class CrisisLine:
    name: str
    how: PerLanguage
    source: str | None  # the page where the number was found
    last_checked: date | None

    @property
    def shown(self) -> bool:
        """A line is shown while it has a source and a check date (a well-known national number is far
        safer than none); `validate --release` is what insists on a check in the last six months."""
        return bool(self.source) and self.last_checked is not None


@dataclass(frozen=True)
class CountryResources:
    emergency: PerLanguage
    lines: tuple[CrisisLine, ...]  # crisis and suicide prevention lines (/sos)
    abuse_lines: tuple[CrisisLine, ...] = ()  # support for people experiencing abuse

    def shown(self, kind: str) -> tuple[CrisisLine, ...]:
        return tuple(line for line in (self.abuse_lines if kind == "abuse" else self.lines) if line.shown)


FRESH_FOR = timedelta(days=183)  # `validate --release` fails for a line last checked longer ago than this


@dataclass(frozen=True)
class Resources:
    directory: str
    ipv_directory: str
    countries: dict[str, CountryResources]


@dataclass(frozen=True)
class Content:
    flows: dict[str, Flow]
    catalogs: dict[str, Catalog]
    default_locale: str
    home_flow: str
    welcome_flow: str
    commands: dict[str, str]  # command name -> flow id
    slot_labels: dict[str, dict[str, str]]  # slot -> option id -> label key
    placeholders: dict[str, tuple[str, ...]]  # message key -> slot/param names used by any locale
    lexicons: dict[str, Lexicon] = field(default_factory=dict)
    resources: Resources | None = None
    shared_flows: frozenset[str] = frozenset()  # flows with partner barriers, and the flows calling them
    root: str = ""  # the content folder it was loaded from (the screen's model lives in <root>/screen)
    # A language's messages as written to a reader addressed otherwise ("ar-f": Arabic to a woman, from
    # messages/ar-f.yaml over ar.yaml): only for what the reader sees; everything else reads `catalogs`.
    addressed: dict[str, Catalog] = field(default_factory=dict)

    def catalog(self, locale: str) -> Catalog:
        """The person's language's messages (as they asked to be addressed), or the default language's
        for one Mend doesn't have."""
        return (self.addressed.get(locale) or self.catalogs.get(locale) or self.catalogs.get(locale.split("-")[0])
                or self.catalogs[self.default_locale])

    def addresses_otherwise(self, language: str) -> bool:
        """Has this language copy for a reader addressed otherwise (ar-f.yaml: Arabic to a woman)?"""
        return any(catalog.locale == language for catalog in self.addressed.values())  # an overlay keeps its language
