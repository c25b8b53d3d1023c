"""What finance asks of a plan: the returns of a portfolio, scenarios of the plan and their
comparison, and the efficient frontier of impact against budget."""
