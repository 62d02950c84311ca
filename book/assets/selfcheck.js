/* Kernel-free self-checks for the exercises of the web book.
 *
 * nblib.exercises puts a form into the output of each unanswered numeric or
 * multiple-choice exercise when the book is built: an input (or radio
 * buttons), a Check button, a verdict region, and a JSON block with the
 * check's data (expected value, tolerances, digits needed, data hints, general
 * hint, praise, choices) and the very message templates Python uses. This file
 * applies the same rules as nblib/exercises to what the reader types, in the
 * same order: blank, wrong kind, wrong shape, NaN or infinity, right, rounded,
 * swapped pair, data hints, general hint. No libraries and no network.
 *
 * tests/test_exercises.py runs decide() under node and compares each
 * verdict and message with the Python check's.
 */
(function () {
  "use strict";

  function fill(template, fields) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(fields, key) ? String(fields[key]) : whole;
    });
  }

  // --- Reading what the reader typed --------------------------------------

  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  var SPECIAL = {
    "nan": NaN, "+nan": NaN, "-nan": NaN, "np.nan": NaN,
    "inf": Infinity, "+inf": Infinity, "infinity": Infinity, "+infinity": Infinity, "np.inf": Infinity,
    "-inf": -Infinity, "-infinity": -Infinity, "-np.inf": -Infinity
  };

  function atom(text) {
    if (NUMBER.test(text)) return Number(text);
    var lower = text.toLowerCase();
    if (Object.prototype.hasOwnProperty.call(SPECIAL, lower)) return SPECIAL[lower];
    if (text === "None" || text === "null") return null;
    return text;
  }

  // A sequence of items separated by commas, up to `closer` (or the end when
  // closer is null). Returns {items, comma}: comma is true if a comma was seen.
  function sequence(p, closer) {
    var items = [], comma = false;
    for (;;) {
      skip(p);
      if (atEnd(p, closer)) return {items: items, comma: comma};
      items.push(item(p));
      skip(p);
      if (p.s[p.i] === ",") { p.i += 1; comma = true; continue; }
      if (atEnd(p, closer)) return {items: items, comma: comma};
      throw new Error("unexpected character");
    }
  }

  function atEnd(p, closer) {
    return closer === null ? p.i >= p.s.length : p.s[p.i] === closer;
  }

  function skip(p) {
    while (p.i < p.s.length && /\s/.test(p.s[p.i])) p.i += 1;
  }

  function item(p) {
    var c = p.s[p.i];
    if (c === "[" || c === "(") {
      var closer = c === "[" ? "]" : ")";
      p.i += 1;
      var inner = sequence(p, closer);
      if (p.s[p.i] !== closer) throw new Error("unclosed bracket");
      p.i += 1;
      // In Python (x) is x itself; [x] and (x,) are lists.
      return c === "(" && inner.items.length === 1 && !inner.comma ? inner.items[0] : inner.items;
    }
    var start = p.i;
    while (p.i < p.s.length && ",[]()".indexOf(p.s[p.i]) < 0) p.i += 1;
    return atom(p.s.slice(start, p.i).trim());
  }

  /* What the reader typed, as Python would read it: "" is no answer (null),
   * "0.25" a number, "1, 2" or "[1, 2]" a list, "nan" and "inf" what Python's
   * float() makes of them, "None" null, and anything else the text itself. */
  function parseAnswer(text) {
    if (text === null || text === undefined) return null;
    var trimmed = String(text).trim();
    if (trimmed === "") return null;
    var p = {s: trimmed, i: 0};
    try {
      var top = sequence(p, null);
      return top.items.length === 1 && !top.comma ? top.items[0] : top.items;
    } catch (error) {
      return trimmed;
    }
  }

  // --- Words, as in nblib/exercises/_messages.py --------------------------

  function shorten(text, m) {
    var n = m.text_shown;
    return text.length <= n ? text : text.slice(0, n - 3) + "...";
  }

  function shapeWords(shape, m) {
    if (shape.length === 0) return m.want_number;
    if (shape.length === 1) return fill(m.want_list, {n: shape[0]});
    return fill(m.want_array, {shape: "(" + shape.join(", ") + ")"});
  }

  function choicesWords(choices) {
    var quoted = choices.map(function (c) { return "\"" + c + "\""; });
    if (quoted.length === 1) return quoted[0];
    return quoted.slice(0, -1).join(", ") + " or " + quoted[quoted.length - 1];
  }

  // --- Numbers, as in nblib/exercises/_reading.py and _digits.py ---------

  function walk(value, path, m) {
    if (typeof value === "number") return value;
    if (Array.isArray(value)) {
      return value.map(function (x, k) { return walk(x, path + "[" + k + "]", m); });
    }
    var got = value === null ? m.got_none : fill(m.got_text, {text: shorten(String(value), m)});
    throw {path: path, got: got};
  }

  function shapeOf(value) {
    if (!Array.isArray(value)) return [];
    if (value.length === 0) return [0];
    var shapes = value.map(shapeOf);
    var first = shapes[0];
    for (var k = 0; k < shapes.length; k += 1) {
      if (shapes[k] === null || shapes[k].join(",") !== first.join(",")) return null;
    }
    return [value.length].concat(first);
  }

  function flatten(value) {
    return Array.isArray(value) ? [].concat.apply([], value.map(flatten)) : [value];
  }

  // {values} (a flat array) or {problem} (a message), as read_numbers in Python.
  function readNumbers(value, shape, m) {
    var want = shapeWords(shape, m);
    var numbers;
    try {
      numbers = walk(value, "", m);
    } catch (error) {
      if (!error || error.got === undefined) throw error;
      var key = error.path ? m.entry : m.kind;
      return {problem: fill(key, {want: want, got: error.got, path: error.path})};
    }
    var got = shapeOf(numbers);
    if (got === null) return {problem: fill(m.ragged, {want: want})};
    if (got.join(",") !== shape.join(",")) return {problem: fill(m.shape, {want: want, got: shapeWords(got, m)})};
    var values = flatten(numbers);
    if (values.some(function (x) { return isNaN(x); })) return {problem: m.nan};
    if (values.some(function (x) { return !isFinite(x); })) return {problem: m.inf};
    return {values: values};
  }

  function close(a, e, rtol, atol) {
    return Math.abs(a - e) <= atol + rtol * Math.abs(e);
  }

  // [significant digits, power of ten of the leading digit] of x's shortest form.
  function significant(x) {
    var text = String(Math.abs(x));
    var parts = text.split("e");
    var halves = parts[0].split(".");
    var whole = halves[0], fraction = halves.length > 1 ? halves[1] : "";
    var digits = whole + fraction;
    var stripped = digits.replace(/^0+/, "");
    if (stripped === "") return [0, 0];
    var lead = whole.length - (digits.length - stripped.length) - 1 + (parts.length > 1 ? parseInt(parts[1], 10) : 0);
    return [stripped.replace(/0+$/, "").length, lead];
  }

  function unit(power) {
    return power >= 0 ? Math.pow(10, power) : 1 / Math.pow(10, -power);
  }

  function agreesToDigitsGiven(a, e, needed, slack) {
    var s = significant(a);
    if (s[0] === 0 || s[0] >= needed) return false;
    return Math.abs(a - e) <= 0.5 * unit(s[1] - s[0] + 1) * slack;
  }

  function decideNumber(spec, value) {
    var m = spec.messages;
    var read = readNumbers(value, spec.shape, m);
    if (read.problem !== undefined) return {correct: false, message: read.problem};
    var a = read.values, e = flatten(spec.expected);
    var ok = a.map(function (x, k) { return close(x, e[k], spec.rtol, spec.atol); });
    if (ok.every(Boolean)) return {correct: true, message: spec.praise};
    var near = a.map(function (x, k) { return ok[k] || agreesToDigitsGiven(x, e[k], spec.digits, spec.slack); });
    if (near.every(Boolean)) return {correct: false, message: fill(m.rounded, {digits: spec.digits})};
    if (spec.shape.length === 1 && spec.shape[0] === 2 && close(a[1], e[0], spec.rtol, spec.atol) &&
        close(a[0], e[1], spec.rtol, spec.atol) && !close(e[0], e[1], spec.rtol, spec.atol)) {
      return {correct: false, message: m.swapped};
    }
    for (var h = 0; h < spec.hints.length; h += 1) {
      var target = flatten(spec.hints[h][0]);
      var matches = target.every(function (v, k) { return v === null || close(a[k], v, spec.rtol, spec.atol); });
      if (matches) return {correct: false, message: spec.hints[h][1]};
    }
    return {correct: false, message: spec.hint || spec.wrong};
  }

  // --- Choices, as in nblib/exercises/_choice.py --------------------------

  function normal(text) {
    return text.trim().split(/\s+/).join(" ").toLowerCase();
  }

  function decideChoice(spec, value) {
    var m = spec.messages;
    if (typeof value !== "string") {
      return {correct: false, message: fill(m.not_text, {choices: choicesWords(spec.choices), got: m.got_none})};
    }
    var given = normal(value);
    if (given === normal(spec.correct)) return {correct: true, message: spec.praise};
    for (var k = 0; k < spec.choices.length; k += 1) {
      var choice = spec.choices[k];
      if (given === normal(choice)) {
        var why = Object.prototype.hasOwnProperty.call(spec.explanations, choice) ? spec.explanations[choice] : "";
        return {correct: false, message: why || spec.hint || spec.wrong};
      }
    }
    return {correct: false, message: fill(m.not_a_choice, {text: shorten(value, m), choices: choicesWords(spec.choices)})};
  }

  /* The verdict on an answer already read (parseAnswer's result for a number,
   * the chosen string for a choice; null when there is none):
   * {correct: true | false | null, message}. */
  function decide(spec, value) {
    if (value === null || value === undefined) return {correct: null, message: spec.messages.unanswered};
    return spec.kind === "choice" ? decideChoice(spec, value) : decideNumber(spec, value);
  }

  /* The verdict on what the reader typed or picked. */
  function check(spec, answer) {
    return decide(spec, spec.kind === "choice" ? answer : parseAnswer(answer));
  }

  // --- The page -------------------------------------------------------------

  var KINDS = {"true": "correct", "false": "wrong", "null": "unanswered"};

  function show(region, spec, verdict) {
    var kind = KINDS[String(verdict.correct)];
    region.className = "nblib-selfcheck-verdict nblib-feedback nblib-feedback-" + kind;
    region.textContent = "";
    var mark = document.createElement("strong");
    mark.textContent = spec.marks[kind];
    region.appendChild(mark);
    region.appendChild(document.createTextNode(verdict.message ? " " + verdict.message : ""));
  }

  function attach(form) {
    var spec = JSON.parse(form.querySelector(".nblib-selfcheck-spec").textContent);
    var region = form.querySelector(".nblib-selfcheck-verdict");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var answer;
      if (spec.kind === "choice") {
        var picked = form.querySelector("input[type=radio]:checked");
        answer = picked ? picked.value : null;
      } else {
        answer = form.querySelector(".nblib-selfcheck-answer").value;
      }
      show(region, spec, check(spec, answer));
    });
    // Enter on a radio button checks too, as it does in the text field.
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.type === "radio") {
        event.preventDefault();
        form.querySelector(".nblib-selfcheck-button").click();
      }
    });
  }

  function attachAll() {
    document.querySelectorAll("form.nblib-selfcheck").forEach(attach);
  }

  var api = {parseAnswer: parseAnswer, decide: decide, check: check};
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  } else {
    window.nblibSelfcheck = api;
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", attachAll);
    else attachAll();
  }
})();
