// Search results show the text a reader sees on the page. Sphinx's search builds each result's
// snippet from the page's HTML as sent, where the mathematics is still TeX source (MathJax
// typesets it later), and where the toolbar, the print-only table of contents, the explorables'
// controls and the exercises' hidden solutions are text too. This leaves those out and reads the
// TeX as plain symbols. Sphinx calls Search.htmlToText for every snippet; searchtools.js defines
// Search after this file runs, so the wrapper is put in place once the page has loaded.
"use strict";

const NBLIB_NOT_IN_SNIPPETS = [
  "script", "style", ".headerlink", "button", "nav", ".bd-header-article", ".onlyprint",
  ".prev-next-area", ".explorable", ".nblib-selfcheck", ".tag_hide-cell", ".tag_remove-cell",
];

const NBLIB_TEX_SYMBOLS = {
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", eta: "η",
  theta: "θ", kappa: "κ", lambda: "λ", mu: "μ", rho: "ρ", sigma: "σ", tau: "τ", phi: "φ",
  nabla: "∇", partial: "∂", sum: "Σ", cdot: "·", times: "×", approx: "≈", le: "≤", leq: "≤",
  ge: "≥", geq: "≥", ne: "≠", infty: "∞", to: "→", leftarrow: "←", odot: "⊙", Delta: "Δ",
  top: "ᵀ", pm: "±", in: "∈", sqrt: "√", star: "*", ell: "ℓ", dots: "…", ldots: "…", cdots: "⋯",
};

// TeX source as a reader would say it: \alpha as α, \frac{a}{b} as a/b, other commands dropped.
function nblibTexAsText(tex) {
  return tex
    .replace(/\\[()[\]]/g, " ")
    .replace(/\\[td]?frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)")
    .replace(/\\[td]?frac(\d)(\d)/g, "$1/$2")
    .replace(/\\([A-Za-z]+)/g, (whole, name) => NBLIB_TEX_SYMBOLS[name] || "")
    .replace(/[{}]|\\[,;!]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

function nblibSnippetHtml(htmlString) {
  const page = new DOMParser().parseFromString(htmlString, "text/html");
  page.querySelectorAll(NBLIB_NOT_IN_SNIPPETS.join(",")).forEach((element) => element.remove());
  page.querySelectorAll(".math").forEach((element) => {
    element.textContent = nblibTexAsText(element.textContent);
  });
  return page.documentElement.outerHTML;
}

if (typeof document !== "undefined") {
  document.addEventListener("DOMContentLoaded", () => {
    if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") {
      return;  // not the search page
    }
    const pageText = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) => pageText(nblibSnippetHtml(htmlString), anchor);
  });
} else {
  module.exports = { nblibTexAsText };  // for the tests, under Node.js
}
