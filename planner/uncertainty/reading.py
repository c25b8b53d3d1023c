"""A run's kept uncertainty results made ready for its pages: the newest row of each kind,
and its figures with the names of the run's plan, in words where people read words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from models import Run, Uncertainty
from planner.uncertainty.charts import band_svg, shares_svg
from planner.uncertainty.words import differences, listed
from planner.web import figure, money

ROBUST, ALTERNATIVES = "robust", "alternatives"


def kept(session: Session, run: Run, kind: str) -> Uncertainty | None:
    """The newest kept result of this kind for the run, or None."""
    return session.exec(select(Uncertainty).where(
        Uncertainty.run_id == run.id, Uncertainty.kind == kind)
        .order_by(Uncertainty.id.desc()).limit(1)).first()


@dataclass(frozen=True)
class Names:
    """The names of the run's plan document, and its currency."""

    initiatives: dict[str, str]
    moments: dict[str, str]
    currency: str

    @classmethod
    def of(cls, run: Run) -> Names:
        inputs = run.inputs or {}
        return cls({entry["id"]: entry.get("name") or entry["id"]
                    for entry in inputs.get("initiatives", [])},
                   {entry["id"]: entry.get("name") or entry["id"]
                    for entry in inputs.get("moments", [])},
                   inputs.get("currency", ""))

    def of_initiatives(self, ids: list[str]) -> list[str]:
        return [self.initiatives.get(key, key) for key in ids]

    def of_moments(self, ids: list[str]) -> list[str]:
        return [self.moments.get(key, key) for key in ids]


def has_ranges(inputs: dict[str, Any]) -> bool:
    """Whether a plan document gives any estimate a range, its own or by default shares."""
    return bool(inputs.get("uncertainty")) or any(
        entry.get("cost_range") or entry.get("effects_range")
        for entry in inputs.get("initiatives", [])) or any(
        entry.get("weight_range") for entry in inputs.get("moments", []))


def core_if_words(wanted: dict[str, Any] | None, names: Names, key: str) -> str:
    """What would make an initiative core, in words; honest when no figure of its own
    would."""
    if not wanted:
        return ""
    parts = []
    if wanted.get("cost_at_most") is not None:
        parts.append(f"its cost turns out at most {money(wanted['cost_at_most'], names.currency)}")
    for moment, uplift in (wanted.get("uplift_at_least") or {}).items():
        parts.append(f"its uplift on {names.moments.get(moment, moment)} turns out at least "
                     f"{figure(uplift)} points")
    if not parts:
        return ("No figure of its own makes it core: whether it is chosen depends on the "
                "other initiatives' figures as much as on its own.")
    return f"Chosen in 90% or more of the cases where {' or where '.join(parts)}."


def firmness(result: dict[str, Any], names: Names) -> dict[str, Any]:
    """The figures of "How firm is this choice": every initiative's share (most chosen
    first), the focus moments' shares, and the charts."""
    core_if = result.get("core_if") or {}
    rows = sorted(({**entry, "name": names.initiatives.get(entry["id"], entry["id"]),
                    "core_if": core_if_words(core_if.get(entry["id"]), names, entry["id"])}
                   for entry in result.get("initiatives", [])),
                  key=lambda row: (-(row.get("chosen_share") or 0.0), row["name"]))
    moments = sorted(({**entry, "name": names.moments.get(entry["id"], entry["id"])}
                      for entry in result.get("moments", [])),
                     key=lambda row: (-(row.get("focus_share") or 0.0), row["name"]))
    decision = result.get("decision") or {}
    impact = decision.get("impact") or {}
    band = _band(impact, "The decided portfolio")
    return {"rows": rows, "moments": moments, "decision": decision,
            "focus": names.of_moments(decision.get("focus", [])),
            "impact_chart": band_svg([band], "Impact", "impact-band") if band else "",
            "shares_chart": shares_svg([(row["name"], row["chosen_share"], row["in_decision"])
                                        for row in rows if row.get("chosen_share") is not None])}


def money_figures(result: dict[str, Any], run: Run, names: Names) -> dict[str, Any]:
    """The figures of finance's page: the cost band, the share over budget, the regret,
    and the robust portfolio beside the decision."""
    decision = result.get("decision") or {}
    robust = result.get("robust") or {}
    band = _band(decision.get("cost") or {}, "The decided portfolio")
    chosen = (decision.get("funded", []), decision.get("focus", []))
    other = (robust.get("funded", []), robust.get("focus", []))
    return {"decision": decision, "robust": robust,
            "cost_chart": band_svg([band], f"Cost ({names.currency})", "cost-band", True)
            if band else "",
            "decision_funded": listed(names.of_initiatives(chosen[0]), None) or "nothing",
            "decision_focus": listed(names.of_moments(chosen[1]), None) or "none",
            "robust_funded": listed(names.of_initiatives(other[0]), None) or "nothing",
            "robust_focus": listed(names.of_moments(other[1]), None) or "none",
            "differences": differences(chosen, other, run.inputs)
            if robust.get("funded") is not None else ""}


def other_portfolios(result: dict[str, Any], run: Run, names: Names) -> list[dict[str, Any]]:
    """Each alternative with what it funds and focuses on, and how it differs from the run's
    portfolio in words."""
    chosen = (run.result.get("funded", []), run.result.get("focus", []))
    return [{**alternative, "number": number,
             "funded_names": listed(names.of_initiatives(alternative.get("funded", [])), None),
             "focus_names": listed(names.of_moments(alternative.get("focus", [])), None),
             "words": differences(chosen, (alternative.get("funded", []),
                                           alternative.get("focus", [])), run.inputs)}
            for number, alternative in enumerate(result.get("alternatives", []), start=1)]


def _band(figures: dict[str, Any], label: str) -> tuple | None:
    if any(figures.get(key) is None for key in ("p10", "p50", "p90", "mean")):
        return None
    return (label, figures["p10"], figures["p50"], figures["p90"], figures["mean"])
