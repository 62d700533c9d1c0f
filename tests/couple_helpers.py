"""Helpers for couple conversations: invite, join, the private screen and the shared steps."""
from __future__ import annotations

from tests.helpers import Persona

TOGETHER = {
    "my_part": {"alice": "I snapped at you about the dishes.", "bob": "I went quiet and left the room."},
    "experience": {"alice": "I felt alone with the chores and got scared we were drifting.",
                   "bob": "I felt criticised the moment I walked in and shut down."},
    "reflection": {"alice": "You felt criticised straight away. I can see why you'd shut down, given my tone.",
                   "bob": "You felt alone and worried. I can see why you'd feel that, given I went quiet."},
    "my_ask": {"alice": "Could you tell me when you need a minute?", "bob": "Could we talk after dinner, not at the door?"},
    "my_offer": {"alice": "I'll ask for help before I run out of patience.", "bob": "I'll say I need ten minutes instead of leaving."},
}


async def invite(inviter: Persona, name: str = "Alice") -> str:
    """From the home menu: /invite, choose the name, make the link. Returns the token."""
    await inviter.command("invite")
    assert inviter.last_prompt.key == "invite.name", inviter.last_prompt.key
    await inviter.says(name)
    await inviter.taps("create")
    link = next(s for s in reversed(inviter.inbox) if s.key == "couple.invite_link")
    assert link.invite_token and len(link.invite_token) == 43
    return link.invite_token


async def open_link(person: Persona, token: str) -> None:
    """Open the deep link as a newcomer (agreeing to the basics first) or as an existing user."""
    await person.command("start", token)
    if person.last_prompt.key == "language.address":  # Arabic: how Mend says "you" (asked first)
        await person.taps("masculine")
    if person.last_prompt.key == "welcome.age":
        await person.taps("adult")
        await person.taps("agree")


async def link(inviter: Persona, invitee: Persona) -> None:
    await inviter.onboard()
    token = await invite(inviter)
    await open_link(invitee, token)
    assert invitee.last_prompt.key == "join.invitation"
    await invitee.taps("accept")
    await inviter.sync()
    assert "couple.partner_joined" in inviter.keys()
    assert "couple.joined" in invitee.keys()


async def screen(p: Persona, answer: str = "never") -> None:
    await p.sync()
    assert p.last_prompt.key == "screen.fear", p.last_prompt.key
    for key in ("fear", "control", "threats", "harm"):
        assert p.last_prompt.key == f"screen.{key}"
        await p.taps(answer)


async def calm(p: Persona, activation: str = "calm") -> None:
    """The private calm gate each partner passes after the screen (calm.yaml)."""
    await p.sync()
    assert p.last_prompt.key == "repair.calm_gate", p.last_prompt.key
    await p.taps(activation)
    await p.taps("skip")  # no body signs


async def step1(p: Persona, share: bool = True) -> None:
    await p.sync()
    if p.last_prompt.key == "repair.calm_gate":
        await calm(p)
    assert p.last_prompt.key == "repair.feelings", p.last_prompt.key
    await p.picks("hurt")
    await p.says(TOGETHER["my_part"][p.name])
    assert p.last_prompt.key == "together.share_step1"
    await p.taps("share" if share else "keep")


def keys_since(p: Persona, mark: int) -> list[str]:
    return [s.key for s in p.inbox[mark:] if s is not None]
