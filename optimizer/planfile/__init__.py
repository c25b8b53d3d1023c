"""The plan file (docs/plan-format.md): a document read and validated, written, kept as JSON.

- checker: PlanError, the collector of problems, and the plans known to keep the rules;
- read: a plan document checked part by part, then the Plan built (plan_from_dict);
- write: a Plan as a plan document (plan_to_dict);
- files: plan JSON text and plan files on disk (plan_from_json, load_plan, save_plan);
- estimates: the ranges around estimates, and follow_ranges, which moves an entry's ranges
  along when its likely values change.
"""

from optimizer.planfile.checker import PlanError, known_valid, mark_valid
from optimizer.planfile.estimates import follow_ranges
from optimizer.planfile.files import load_plan, plan_from_json, save_plan
from optimizer.planfile.read import plan_from_dict
from optimizer.planfile.write import plan_to_dict

__all__ = ["PlanError", "follow_ranges", "known_valid", "load_plan", "mark_valid",
           "plan_from_dict", "plan_from_json", "plan_to_dict", "save_plan"]
