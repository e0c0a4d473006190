// quotegraph viewer: tooltips on highlights, and the paste page's live extraction.
// Text from articles and users goes into the page through textContent only, never as markup.
"use strict";

const ROLES = ["source", "cue", "content"];

// ---------------------------------------------------------------- tooltips

const tooltip = document.createElement("div");
tooltip.className = "tooltip";
tooltip.id = "tooltip";
tooltip.setAttribute("role", "tooltip");
tooltip.hidden = true;

let shownFor = null;

function highlightOf(node) {
  return node instanceof Element ? node.closest(".hl[data-attribution]") : null;
}

function showTooltip(highlight) {
  const facts = document.getElementById("facts-" + highlight.dataset.attribution);
  if (!facts) return;
  hideTooltip();
  const title = element("p", "tooltip-title", `${highlight.dataset.role} of ${highlight.dataset.attribution}`);
  const copy = facts.cloneNode(true);
  copy.removeAttribute("id");
  tooltip.replaceChildren(title, copy);
  tooltip.hidden = false;
  place(highlight);
  setActive(highlight, true);
  shownFor = highlight;
}

function hideTooltip() {
  if (shownFor) setActive(shownFor, false);
  tooltip.hidden = true;
  shownFor = null;
}

// Below the highlight's first line box, kept inside the page; above it when there is no room below.
function place(highlight) {
  const box = highlight.getClientRects()[0] || highlight.getBoundingClientRect();
  const width = tooltip.offsetWidth;
  const height = tooltip.offsetHeight;
  const left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
  const below = box.bottom + 8;
  const top = below + height > window.innerHeight && box.top - height - 8 > 0 ? box.top - height - 8 : below;
  tooltip.style.left = `${left + window.scrollX}px`;
  tooltip.style.top = `${top + window.scrollY}px`;
}

// Light up every part (source, cue, content) of the attribution the highlight belongs to.
function setActive(highlight, active) {
  const text = highlight.closest(".article-text");
  const selector = `.hl[data-attribution="${CSS.escape(highlight.dataset.attribution)}"]`;
  for (const part of text.querySelectorAll(selector)) part.classList.toggle("is-active", active);
}

function watchHighlights() {
  document.body.append(tooltip);
  document.addEventListener("mouseover", (event) => {
    const highlight = highlightOf(event.target);
    if (highlight && highlight !== shownFor) showTooltip(highlight);
  });
  document.addEventListener("mouseout", (event) => {
    const highlight = highlightOf(event.target);
    if (highlight && highlight === shownFor && highlightOf(event.relatedTarget) !== highlight &&
        document.activeElement !== highlight) hideTooltip();
  });
  document.addEventListener("focusin", (event) => {
    const highlight = highlightOf(event.target);
    if (highlight) showTooltip(highlight);
  });
  document.addEventListener("focusout", (event) => {
    if (highlightOf(event.target) === shownFor) hideTooltip();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && shownFor) hideTooltip();
  });
  window.addEventListener("resize", hideTooltip);
}

// ---------------------------------------------------------------- highlighting (as quotegraph/serve/views.py does)

function pieces(span) {
  return span.parts && span.parts.length ? span.parts : [[span.start, span.end]];
}

function marksOf(attributions) {
  const marks = [];
  for (const attribution of attributions) {
    for (const role of ROLES) {
      const span = attribution[role];
      if (span) for (const [start, end] of pieces(span)) marks.push({ start, end, role, attribution: attribution.id });
    }
  }
  return marks;
}

// Cut the text at every mark's start and end; each segment lists the marks covering it, the shortest first.
function segments(text, marks) {
  const kept = marks.filter((mark) => 0 <= mark.start && mark.start < mark.end && mark.end <= text.length);
  const cuts = [...new Set([0, text.length, ...kept.flatMap((mark) => [mark.start, mark.end])])].sort((a, b) => a - b);
  const innermostFirst = (a, b) =>
    (a.end - a.start) - (b.end - b.start) || ROLES.indexOf(a.role) - ROLES.indexOf(b.role);
  const result = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [start, end] = [cuts[i], cuts[i + 1]];
    const covering = kept.filter((mark) => mark.start <= start && end <= mark.end).sort(innermostFirst);
    result.push({ start, text: text.slice(start, end), marks: covering });
  }
  return result;
}

function highlightedText(container, text, attributions) {
  const nodes = segments(text, marksOf(attributions)).map((segment) => {
    if (!segment.marks.length) return document.createTextNode(segment.text);
    const mark = segment.marks[0];
    const roles = ROLES.filter((role) => segment.marks.some((covering) => covering.role === role));
    const highlight = element("span", ["hl", ...roles.map((role) => "hl-" + role)].join(" "), segment.text);
    highlight.dataset.attribution = mark.attribution;
    highlight.dataset.role = mark.role;
    if (mark.start === segment.start) highlight.tabIndex = 0;
    highlight.setAttribute("aria-describedby", `role-${mark.role} facts-${mark.attribution}`);
    return highlight;
  });
  container.replaceChildren(...nodes);
}

// ---------------------------------------------------------------- the attribution list (as _macros.html has it)

function who(attribution) {
  const speaker = attribution.speaker;
  if (speaker && (speaker.name || speaker.role)) return speaker.name || speaker.role;
  return attribution.source ? attribution.source.text : "unknown source";
}

function when(time) {
  if (!time) return "not stated";
  if (!time.value) return `“${time.text}” (date not resolved)`;
  return `${time.value_end ? `${time.value} – ${time.value_end}` : time.value} (“${time.text}”)`;
}

function factsOf(attribution) {
  const speaker = attribution.speaker;
  const rows = [["Act", attribution.act || "not classified"], ["Kind", attribution.kind]];
  if (!speaker) {
    rows.push(["Speaker", "unknown"]);
  } else {
    rows.push(["Speaker", speaker.name ? `${speaker.name} (${speaker.type})` : speaker.type]);
    if (speaker.role) rows.push(["Role", speaker.role]);
    if (speaker.affiliation) rows.push(["Affiliation", speaker.affiliation]);
  }
  rows.push(["Time", when(attribution.time)], ["Confidence", attribution.confidence.toFixed(2)]);
  return rows;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function attributionItem(attribution, text) {
  const item = element("li", "attribution");
  item.id = "attribution-" + attribution.id;
  const says = element("p", "says");
  const speaker = element("span", "speaker", who(attribution));
  says.append(element("span", "attribution-id", attribution.id), " ", speaker);
  if (attribution.cue) says.append(" ", element("span", "cue-text", attribution.cue.text));
  const content = pieces(attribution.content).map(([start, end]) => text.slice(start, end)).join(" … ");
  const facts = element("dl", "facts");
  facts.id = "facts-" + attribution.id;
  for (const [label, value] of factsOf(attribution)) {
    const row = element("div");
    row.append(element("dt", "", label), element("dd", "", value));
    facts.append(row);
  }
  item.append(says, element("blockquote", "content-text", content), facts);
  if (attribution.responds_to) {
    const link = element("a", "", attribution.responds_to);
    link.href = "#attribution-" + attribution.responds_to;
    const note = element("p", "thread-links", "Responds to ");
    note.append(link, ".");
    item.append(note);
  }
  return item;
}

// ---------------------------------------------------------------- the paste page

async function problem(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: the status alone says it.
  }
  const detail = body && (body.message || (typeof body.detail === "string" ? body.detail : null));
  if (response.status === 413) {
    return `The text is too long for the server (413)${detail ? ": " + detail : ""}. Paste a shorter article.`;
  }
  if (response.status === 422) {
    return `The server could not use this text (422): ${detail || "check the text and the date"}.`;
  }
  return `The server failed to extract (${response.status})${detail ? ": " + detail : ""}. Try again.`;
}

function watchPasteForm(form) {
  const submit = document.getElementById("paste-submit");
  const status = document.getElementById("paste-status");
  const error = document.getElementById("paste-error");
  const result = document.getElementById("paste-result");

  function setBusy(busy) {
    form.setAttribute("aria-busy", String(busy));
    submit.disabled = busy;
    submit.textContent = busy ? "Extracting…" : "Extract";
  }

  function fail(message) {
    status.textContent = "";
    result.hidden = true;
    error.textContent = message;
    error.hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = form.elements.text.value;
    error.hidden = true;
    if (!text.trim()) {
      fail("Paste the text of an article first.");
      form.elements.text.focus();
      return;
    }
    setBusy(true);
    status.textContent = "Extracting attributions…";
    const started = performance.now();
    try {
      const response = await fetch("/api/extract", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ text, date: form.elements.date.value || null, html: form.elements.html.checked }),
      });
      if (!response.ok) {
        fail(await problem(response));
        return;
      }
      // The answer carries the text the offsets point into: for an HTML page, the text read from it.
      const article = await response.json();
      highlightedText(document.getElementById("paste-article"), article.text, article.attributions);
      document.getElementById("paste-attributions").replaceChildren(
        ...article.attributions.map((attribution) => attributionItem(attribution, article.text)));
      result.hidden = false;
      const found = article.attributions.length;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      status.textContent = `${found} attribution${found === 1 ? "" : "s"} found in ${seconds} s.`;
    } catch (failure) {
      fail(`The server could not be reached (${failure.message}). Check that quotegraph serve is running.`);
    } finally {
      setBusy(false);
    }
  });
}

watchHighlights();
const pasteForm = document.getElementById("paste-form");
if (pasteForm) watchPasteForm(pasteForm);
