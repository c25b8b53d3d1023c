"""Plans the explanation tests share: a plan with one initiative changed, and small
hand-made plans on three moments."""

import dataclasses

from optimizer import plan_from_dict


def changed(plan, initiative_id, **changes):
    """The plan with these fields of one initiative changed."""
    initiatives = tuple(dataclasses.replace(i, **changes) if i.id == initiative_id else i
                        for i in plan.initiatives)
    return dataclasses.replace(plan, initiatives=initiatives)


def three_moments(initiatives, **settings):
    """A plan of these initiatives on a checkout queue (weight 2, headroom 10), signage
    and parking."""
    moments = [{"id": "m", "name": "Checkout queue", "weight": 2, "headroom": 10},
               {"id": "n", "name": "Signage", "weight": 1},
               {"id": "o", "name": "Parking", "weight": 1}]
    return plan_from_dict({"plan": "t", "currency": "EUR", "moments": moments,
                           "initiatives": initiatives, **settings})
