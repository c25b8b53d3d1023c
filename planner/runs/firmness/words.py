"""How firm a choice is, in the words each reader reads: "a firm no: rejected in 97% of
plausible cases", "a close call: chosen in 46% of plausible cases", and what would make an
initiative core, with money as every page writes it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask import url_for
from werkzeug.routing import BuildError

from planner.accounts.access import may
from planner.runs.firmness import (
    BORDERLINE,
    CORE,
    EXTERIOR,
    Firmness,
    Share,
    firmness_of,
)
from planner.web import money, number

CORE_SHARE = "at least 9 in 10"  # what "core" means: a share of 0.9 (docs/model.md)
# The pages of the feature that works firmness out (planner/uncertainty), linked to by
# endpoint, never imported: (the page, the form its reader must be one who may send, if
# any). Its robust job is started from the form of its page of shares.
PAGES = {"start": ("uncertainty.show", "uncertainty.start_robust"),
         "show": ("uncertainty.show", None), "finance": ("uncertainty.finance", None)}


def percent(share: float) -> str:
    """A share as a whole percentage that never overstates: "97%"; "over 99%" short of
    every case, "under 1%" above none; "100%" and "0%" only when exactly so."""
    if share >= 1:
        return "100%"
    if share <= 0:
        return "0%"
    whole = int(Decimal(repr(share * 100)).quantize(Decimal(1), ROUND_HALF_UP))
    if whole >= 100:
        return "over 99%"
    if whole <= 0:
        return "under 1%"
    return f"{whole}%"


# (funded by the run, class) -> the verdict, with {chosen} and {rejected} as percentages
VERDICTS = {
    (False, EXTERIOR): "A firm no: rejected in {rejected} of plausible cases",
    (False, BORDERLINE): "A close call: chosen in {chosen} of plausible cases",
    (False, CORE): "Chosen in {chosen} of plausible cases, though not with the estimates "
                   "as they stand",
    (True, CORE): "A firm yes: chosen in {chosen} of plausible cases",
    (True, BORDERLINE): "A close call: chosen in {chosen} of plausible cases",
    (True, EXTERIOR): "Funded with the estimates as they stand, yet chosen in only {chosen} "
                      "of plausible cases",
}
CLASS_WORDS = {CORE: "core", BORDERLINE: "borderline", EXTERIOR: "exterior"}


def verdict(share: Share) -> str:
    """How firm the run's verdict on this initiative is, in one sentence's words."""
    words = VERDICTS.get((share.funded, share.kind), VERDICTS[(share.funded, BORDERLINE)])
    return words.format(chosen=percent(share.share), rejected=percent(1 - share.share))


def interval(share: Share) -> str:
    """The share's 95% interval, for the aside: "95% sure its share lies between 42% and
    50%" (a Wilson interval over the cases the page says)."""
    return f"95% sure its share lies between {percent(share.low)} and {percent(share.high)}"


def cases(firm: Firmness) -> str:
    """"1,000 plausible cases", with those that had no portfolio at all said apart."""
    counted = f"{number(firm.solved)} plausible case{'s' if firm.solved != 1 else ''}"
    if firm.infeasible:
        counted += (f"; {number(firm.infeasible)} more had no portfolio that fits and are "
                    "not counted")
    return counted


def core_if(share: Share, firm: Firmness) -> str:
    """What would make the initiative core, in words (each figure of its own, the others as
    drawn: how the robust job works them out); or that it is core already."""
    if share.kind == CORE:
        return (f"It is core: chosen in {percent(share.share)} of plausible cases, "
                "whatever the estimates turn out to be within their ranges.")
    wanted = firm.wanted(share.key)
    if wanted is None:
        return ""
    ways = [f"its cost turns out at most {money(wanted.cost_at_most, firm.currency)} (now "
            f"{money(wanted.cost_now, firm.currency)})"] if wanted.cost_at_most is not None \
        else []
    ways += [f"its uplift on {name} turns out at least {number(needed)} points (now "
             f"{number(now)})" for name, needed, now in wanted.uplifts]
    if not ways:
        return ("No figure of its own would make it core: whether it is chosen depends on "
                "the other initiatives' figures as much as on its own.")
    return (f"It would be core, chosen in {CORE_SHARE} of the plausible cases where "
            f"{', or where '.join(ways)}.")


def template_globals() -> dict[str, object]:
    """What the templates call to show firmness (registered by the say-no feature)."""
    return {"firmness_of": firmness_of, "firmness_verdict": verdict,
            "firmness_interval": interval, "firmness_cases": cases,
            "firmness_core_if": core_if, "firmness_percent": percent,
            "firmness_link": link}


def link(which: str, plan_id: int, run_id: int) -> str | None:
    """The address of the firmness feature's page for this run ("start": where it is
    worked out; "show": every share; "finance": the cost band and the robust portfolio),
    where the reader may open it (and, to start, send its form); None where not, or
    where the app has no such page."""
    endpoint, form = PAGES[which]
    if not may(endpoint) or (form is not None and not may(form, send=True)):
        return None
    try:
        return url_for(endpoint, plan_id=plan_id, run_id=run_id)
    except BuildError:
        return None
