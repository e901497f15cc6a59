() => {
  const problems = [];
  const root = document.documentElement;
  // Disclosures are measured open: their content must fit once the person opens them (closed,
  // Chromium keeps their boxes laid out but unpainted, at no width that means anything).
  const closed = [...document.querySelectorAll("main details:not([open])")];
  closed.forEach((d) => { d.open = true; });
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`page scrolls sideways by ${root.scrollWidth - root.clientWidth}px`);
  }
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const scrollable = (el) => el.closest(".table-wrap, .site-nav ul, .leaflet-container");
  for (const el of document.querySelectorAll("main *, header *, footer *")) {
    if (!visible(el) || scrollable(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > root.clientWidth + 1 || r.left < -1) {
      problems.push(`off screen: ${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || "").trim().slice(0, 30)}"`);
    }
    const s = getComputedStyle(el);
    // A file input's "no file chosen" text is drawn by the browser, which clips it itself; its
    // button stays on screen (checked above), so only the page's own boxes count here.
    if (el.type !== "file" && (s.overflowX === "hidden" || s.textOverflow === "ellipsis") && el.scrollWidth > el.clientWidth + 1 && el.children.length === 0) {
      problems.push(`cut off: ${el.tagName.toLowerCase()}.${el.className}${el.name ? "[name=" + el.name + "]" : ""} "${el.textContent.trim().slice(0, 30)}"`);
    }
  }
  const targets = "main button, main .button, main select, main textarea, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), header button, header a, header summary, footer button, .pagination a";
  for (const el of document.querySelectorAll(targets)) {
    if (!visible(el) || el.closest(".leaflet-container")) continue;
    const r = el.getBoundingClientRect();
    if (r.height < 44 - 0.5 || r.width < 44 - 0.5) {
      problems.push(`small target ${Math.round(r.width)}x${Math.round(r.height)}: ${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || el.name || "").trim().slice(0, 30)}"`);
    }
  }
  for (const el of document.querySelectorAll("main input[type=checkbox], main input[type=radio]")) {
    if (visible(el) && !el.labels.length && !el.getAttribute("aria-label")) {
      problems.push(`unlabelled ${el.type} ${el.name}`);
    }
  }
  closed.forEach((d) => { d.open = false; });
  return problems;
}
