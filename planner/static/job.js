// A job's page asks its JSON for the job's progress every second, shows it, and goes to
// the result once the job is done. Without scripts the page reloads itself instead.
(() => {
  const panel = document.querySelector("[data-job]");
  if (!panel) return;
  const field = (name) => panel.querySelector(`[data-field="${name}"]`);
  const show = (facts) => {
    field("status").textContent = facts.status[0].toUpperCase() + facts.status.slice(1);
    field("step").textContent = facts.step;
    field("percent").value = facts.percent;
    field("percent-text").textContent = `${Math.round(facts.percent)}%`;
    field("seconds").textContent = facts.seconds.toFixed(1);
    field("message").textContent = facts.message;
    field("message").className = facts.status === "failed" ? "flash flash-error" : "";
    if (facts.result_url) {
      field("result").hidden = false;
      field("result").querySelector("a").href = facts.result_url;
    }
    const cancel = field("cancel");
    if (cancel && !["queued", "running"].includes(facts.status)) cancel.hidden = true;
  };
  const poll = async () => {
    try {
      const response = await fetch(panel.dataset.job, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(String(response.status));
      const facts = await response.json();
      show(facts);
      if (facts.status === "done" && facts.result_url) {
        window.location.assign(facts.result_url);
        return;
      }
      if (["queued", "running"].includes(facts.status)) window.setTimeout(poll, 1000);
    } catch (error) {
      window.setTimeout(poll, 3000);  // the server restarting: ask again a little later
    }
  };
  window.setTimeout(poll, 500);
})();
