// For keyboards, screen readers and phones, on every page (templates/base.html loads it).
// Each step only adds to the page: without scripts every page works as before.
//
// - The skip link (templates/base.html) moves the focus to the content.
// - A refused form: its error summary (templates/_form.html) takes the focus, so that the
//   reader hears what is wrong and the keyboard starts from there; a link of the summary
//   moves the focus to its field.
// - A field whose template shows its error or help beside it by hand (not through the
//   field macro) gets them tied to it (aria-describedby) and aria-invalid.
// - A table.data gets its column names in each cell's data-label and becomes, on a phone,
//   a card per row (app.css), so that no figure hides in a box scrolled sideways.
// - A box that still scrolls sideways (a chart drawn wider than a phone) is reached by Tab
//   and named (tabindex=0, role=region, aria-label), and loses that when it fits again.
(() => {
  "use strict";

  const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

  function words(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function tieFieldNotes() {
    let count = 0;
    document.querySelectorAll(".field").forEach((box) => {
      const controls = box.querySelectorAll(
        "input:not([type=hidden]), select, textarea");
      if (controls.length !== 1) return;
      const control = controls[0];
      const described = (control.getAttribute("aria-describedby") || "").split(/\s+/)
        .filter((id) => id && document.getElementById(id));
      box.querySelectorAll(".help, .error").forEach((note) => {
        if (!note.id) note.id = `${control.id || "field"}-note-${(count += 1)}`;
        if (!described.includes(note.id)) described.push(note.id);
      });
      if (described.length) control.setAttribute("aria-describedby", described.join(" "));
      else control.removeAttribute("aria-describedby");
      if (box.querySelector(".error")) control.setAttribute("aria-invalid", "true");
    });
  }

  function focusTheRefusal() {
    if (location.hash && location.hash !== "#content") return;
    let target = document.querySelector(".error-summary");
    if (!target && document.querySelector(".field.has-error, [aria-invalid=true]")) {
      target = document.querySelector("main [role=alert], main [aria-live]")
        || document.querySelector("[aria-invalid=true]");
    }
    if (!target) return;
    if (!target.matches(FOCUSABLE)) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  function followSummaryLinks(event) {
    if (!(event.target instanceof Element)) return;
    const link = event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    const control = field.matches(FOCUSABLE) ? field : field.querySelector(FOCUSABLE);
    (control || field).focus();
    (field.closest(".field") || field).scrollIntoView({block: "center"});
  }

  // The skip link moves the focus to the content without putting #content in the address,
  // which a form sent from there would carry, and whose jump would take the focus back from
  // the error summary of the page it answers with.
  function skipToContent(event) {
    if (!(event.target instanceof Element)) return;
    const link = event.target.closest("a.skip-link");
    const main = document.getElementById("content");
    if (!link || !main) return;
    event.preventDefault();
    main.focus();
    main.scrollIntoView();
  }

  function labelTables() {
    document.querySelectorAll("table.data").forEach((table) => {
      const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!head) return;
      const names = [];
      for (const cell of head.cells) {
        for (let i = 0; i < cell.colSpan; i += 1) names.push(words(cell));
      }
      const bodies = [...table.tBodies, table.tFoot].filter(Boolean);
      for (const body of bodies) {
        for (const row of body.rows) {
          let column = 0;
          for (const cell of row.cells) {
            if (!cell.hasAttribute("data-label") && cell.colSpan === 1 && names[column]) {
              cell.setAttribute("data-label", names[column]);
            }
            column += cell.colSpan;
          }
        }
      }
      table.classList.add("stack");
    });
  }

  // The name of a box without a caption: its chart's title, its heading, or the nearest
  // heading before it
  function nameOf(box) {
    let name = words(box.querySelector("svg title, h2, h3"));
    if (!name) {
      for (let at = box; at && at !== document.body && !name; at = at.parentElement) {
        let before = at.previousElementSibling;
        while (before && !/^H[1-4]$/.test(before.tagName)) before = before.previousElementSibling;
        name = words(before);
      }
    }
    return `${(name || "Wide content").slice(0, 100)} (scrolls sideways)`;
  }

  let captions = 0;
  function markScrollBoxes() {
    for (const box of document.querySelectorAll("main *")) {
      if (box.matches("input, select, textarea, option")) continue;
      const style = getComputedStyle(box);
      const scrolls = /auto|scroll/.test(style.overflowX)
        && box.scrollWidth > box.clientWidth + 1;
      const added = box.dataset.scrollBox;
      if (scrolls && added === undefined) {
        const adding = [];
        if (!box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          adding.push("tabindex");
        }
        if (!box.hasAttribute("role") && box.tagName !== "TABLE") {
          box.setAttribute("role", "region");
          adding.push("role");
        }
        const caption = box.querySelector(":scope > figcaption, :scope > caption");
        if (box.hasAttribute("aria-label") || box.hasAttribute("aria-labelledby")) {
          // named already
        } else if (words(caption)) {
          if (!caption.id) caption.id = `scroll-box-caption-${(captions += 1)}`;
          box.setAttribute("aria-labelledby", caption.id);
          adding.push("aria-labelledby");
        } else {
          box.setAttribute("aria-label", nameOf(box));
          adding.push("aria-label");
        }
        box.dataset.scrollBox = adding.join(" ");
      } else if (!scrolls && added !== undefined) {
        added.split(" ").filter(Boolean).forEach((name) => box.removeAttribute(name));
        delete box.dataset.scrollBox;
      }
    }
  }

  let pending = false;
  function remeasure() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      markScrollBoxes();
    });
  }

  function start() {
    tieFieldNotes();
    labelTables();
    markScrollBoxes();
    focusTheRefusal();
    document.addEventListener("click", followSummaryLinks);
    document.addEventListener("click", skipToContent);
    window.addEventListener("resize", remeasure);
    window.addEventListener("load", remeasure);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
