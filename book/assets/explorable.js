/* Explorables in the web book: draw a frame over the background when a slider moves.
 *
 * Each <div class="explorable"> carries its frames as JSON (written by nblib/explorable/page.py):
 * a background picture, an optional foreground picture, and layers, one per artist that the
 * figure's update moves. A layer stores the fields that never change once ("const"), its distinct
 * states by column ("states": field -> one value per state) and, per frame, which state it is in
 * ("index"; null means frame i is state i, {"runs": [state, count, ...]} is run-length coded). Coordinates are integers of 1/quantum pixel
 * on the canvas (origin top left). No libraries, no network.
 */
(function () {
  "use strict";
  var FONT = '"nblib sans", "DejaVu Sans", "Bitstream Vera Sans", sans-serif';
  var CAPS = { projecting: "square", butt: "butt", round: "round" };
  var pictures = {};

  function picture(uri, ready) {
    if (!pictures[uri]) {
      var image = new Image();
      pictures[uri] = image;
      image.onload = ready;
      image.src = uri;
    }
    return pictures[uri];
  }

  /* Integers stored as base64 of little-endian int16 ("b16") or int32 ("b32"); the smallest
   * value of the type stands for null (a gap). */
  function decodeBinary(list) {
    var wide = "b32" in list, text = atob(wide ? list.b32 : list.b16), size = wide ? 4 : 2;
    var view = new DataView(new ArrayBuffer(text.length)), out = new Array(text.length / size);
    for (var i = 0; i < text.length; i++) view.setUint8(i, text.charCodeAt(i));
    for (var k = 0; k < out.length; k++) {
      var v = wide ? view.getInt32(size * k, true) : view.getInt16(size * k, true);
      out[k] = v === (wide ? -2147483648 : -32768) ? null : v;
    }
    return out;
  }

  /* A list of integers: plain, binary, or as arithmetic runs {"runs": [first, step, count, ...]}. */
  function expandInts(list) {
    if (list === null || list === undefined || Array.isArray(list)) return list;
    if ("b16" in list || "b32" in list) return decodeBinary(list);
    if (!list.runs) return list;
    var out = [], runs = expandInts(list.runs);
    for (var i = 0; i < runs.length; i += 3) for (var k = 0; k < runs[i + 2]; k++) out.push(runs[i] + k * runs[i + 1]);
    return out;
  }

  /* A column of a layer's states: integers (see expandInts), or lists of integers stored as one
   * flat list and their lengths (-1: the state has no value). */
  function expandColumn(column) {
    if (column && column.ragged) {
      var flat = expandInts(column.ragged), lengths = expandInts(column.lengths), out = [], at = 0;
      lengths.forEach(function (n) { out.push(n < 0 ? null : flat.slice(at, at + n)); at += Math.max(n, 0); });
      return out;
    }
    return expandInts(column);
  }

  /* A path stored as differences between neighbouring points, back to absolute coordinates. */
  function undelta(path) {
    var out = path.slice(), x = null, y = null;
    for (var i = 0; i + 1 < out.length; i += 2) {
      if (out[i] === null) { x = y = null; continue; }
      if (x !== null) { out[i] += x; out[i + 1] += y; }
      x = out[i]; y = out[i + 1];
    }
    return out;
  }

  function unpack(layer) {
    layer.index = expandInts(layer.index);
    for (var key in layer.states) layer.states[key] = expandColumn(layer.states[key]);
    if (layer.paths) layer.paths = layer.paths.map(function (path) { return undelta(expandInts(path)); });
  }

  function fillPattern(patterns, entry) {
    var numbers = String(entry).split("|"), pattern = patterns.length === 1 ? 0 : +numbers.shift();
    if (patterns.length === 1 && entry === "") numbers = [];
    var parts = patterns[pattern].split("\u0000"), text = parts[0];
    for (var i = 1; i < parts.length; i++) text += numbers[i - 1] + parts[i];
    return text;
  }

  /* A layer's state at a frame: its constant fields, then its state's fields, with slots,
   * shared paths and text patterns filled back in (see nblib/explorable/_pack.py). */
  function stateOf(layer, frame) {
    var row = layer.index ? layer.index[frame] : frame, state = {}, out = {}, key;
    for (key in layer.states) if (layer.states[key][row] !== null) state[key] = layer.states[key][row];
    for (key in layer.const) out[key] = layer.const[key];
    for (key in state) out[key] = state[key];
    for (key in layer.slots || {}) {
      if (!(key in state) || !state[key]) continue;
      var slot = layer.slots[key], full = slot.base.slice();
      slot.at.forEach(function (position, k) { full[position] = state[key][k]; });
      out[key] = full;
    }
    if (layer.paths && state.points_path !== undefined) {
      out.points = layer.paths[state.points_path].slice(0, 2 * state.points_length);
    }
    for (key in layer.patterns || {}) {
      var value = state[key], patterns = layer.patterns[key];
      if (value === undefined || value === null) continue;
      out[key] = Array.isArray(value) ? value.map(function (v) { return fillPattern(patterns, v); })
                                      : fillPattern(patterns, value);
    }
    return out;
  }

  function trace(ctx, flat, q, dx, dy, scale) {
    var pen = false;
    scale = scale || 1;
    for (var i = 0; i + 1 < flat.length; i += 2) {
      if (flat[i] === null || flat[i + 1] === null) { pen = false; continue; }
      var x = dx + scale * flat[i] / q, y = dy + scale * flat[i + 1] / q;
      if (pen) ctx.lineTo(x, y); else { ctx.moveTo(x, y); pen = true; }
    }
  }

  function stroke(ctx, color, width, dashes, cap, join) {
    if (!(width > 0) || !color) return;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dashes && dashes.length ? dashes.slice(0, -1) : []);
    ctx.lineDashOffset = dashes && dashes.length ? dashes[dashes.length - 1] : 0;
    ctx.lineCap = CAPS[cap] || "butt";
    ctx.lineJoin = join || "round";
    ctx.stroke();
  }

  function markers(ctx, outline, points, q, sized, face, edge, edgeWidth, i0) {
    var step = sized ? 3 : 2;
    for (var i = 0, n = 0; i + step - 1 < points.length; i += step, n++) {
      if (points[i] === null || points[i + 1] === null) continue;
      var scale = sized ? points[i + 2] / q / 100 : 1;     // a scatter's outline is stored 100 units wide
      ctx.beginPath();
      trace(ctx, outline, q, points[i] / q, points[i + 1] / q, scale);
      var f = typeof face === "function" ? face(n) : face;
      var e = typeof edge === "function" ? edge(n) : edge;
      var w = typeof edgeWidth === "function" ? edgeWidth(n) : edgeWidth;
      if (f) { ctx.fillStyle = f; ctx.fill(); }
      stroke(ctx, e, w, [], "butt", "miter");
    }
  }

  function pick(list, fallback) {
    return function (n) { return list && list.length ? list[n % list.length] : fallback; };
  }

  var draw = {
    line: function (ctx, s, q) {
      if (s.points && s.points.length) {
        ctx.beginPath();
        trace(ctx, s.points, q, 0, 0);
        stroke(ctx, s.color, s.width, s.dashes, s.cap, s.join);
      }
      if (s.marker && s.points) {
        markers(ctx, s.marker, s.points, q, false, s.marker_face, s.marker_edge, s.marker_edge_width);
      }
    },
    markers: function (ctx, s, q) {
      markers(ctx, s.marker, s.marker_points || [], q, true, pick(s.colors, null), pick(s.edges, null),
              pick(s.widths, 0));
    },
    segments: function (ctx, s, q) {
      var flat = s.points || [], piece = 0, start = 0;
      for (var i = 0; i <= flat.length; i += 2) {
        if (i === flat.length || flat[i] === null) {
          if (i > start) {
            ctx.beginPath();
            trace(ctx, flat.slice(start, i), q, 0, 0);
            stroke(ctx, pick(s.colors)(piece), pick(s.widths, 1)(piece), pick(s.dashes, [])(piece), s.cap, s.join);
          }
          piece++;
          start = i + 2;
        }
      }
    },
    shape: function (ctx, s, q) {
      ctx.beginPath();
      trace(ctx, s.outline || [], q, 0, 0);
      if (s.face && !/00$/.test(s.face)) { ctx.fillStyle = s.face; ctx.fill(); }
      stroke(ctx, s.edge, s.width, s.dashes, "butt", "miter");
    },
    text: function (ctx, s, q) {
      if (s.box_outline) draw.shape(ctx, { outline: s.box_outline, face: s.box_face, edge: s.box_edge,
                                           width: s.box_width, dashes: s.box_dashes }, q);
      ctx.fillStyle = s.color;
      ctx.font = (s.weight === "bold" ? "bold " : "") + s.size + "px " + FONT;
      ctx.textBaseline = "alphabetic";
      ctx.textAlign = "left";
      (s.strings || []).forEach(function (line, i) {
        if (!line) return;
        ctx.save();
        ctx.translate(s.xy[2 * i] / q, s.xy[2 * i + 1] / q);
        if (s.angle) ctx.rotate(-s.angle * Math.PI / 180);
        ctx.fillText(line, 0, 0);
        ctx.restore();
      });
    },
    image: function (ctx, s, q, redraw) {
      var image = picture(s.picture, redraw);
      if (!image.complete) return;
      ctx.globalAlpha = s.alpha === undefined ? 1 : s.alpha;
      ctx.drawImage(image, s.at[0] / q, s.at[1] / q);
      ctx.globalAlpha = 1;
    },
    sprite: function (ctx, s, q, redraw) { draw.image(ctx, s, q, redraw); },
    say: function () {}
  };

  function Explorable(root) {
    this.root = root;
    this.data = JSON.parse(root.querySelector(".explorable-data").textContent);
    this.data.layers.forEach(unpack);
    this.canvas = root.querySelector(".explorable-canvas");
    this.inputs = Array.prototype.slice.call(root.querySelectorAll('input[type="range"]'));
    this.outputs = root.querySelectorAll("output");
    this.status = root.querySelector(".explorable-status");
    this.timer = null;
    this.announce = null;
    var self = this, redraw = function () { self.draw(); };
    this.backdrops = [this.data.background, this.data.foreground].map(function (uri) {
      return uri ? picture(uri, redraw) : null;
    });
    this.data.layers.forEach(function (layer) {      // decode every picture once, up front
      if (layer.kind === "image" || layer.kind === "sprite") {
        (layer.states.picture || []).concat([layer.const.picture]).forEach(function (uri) {
          if (uri) picture(uri, redraw);
        });
      }
    });
    this.inputs.forEach(function (input) {
      input.addEventListener("input", function () { self.draw(); self.say(); });
      input.addEventListener("keydown", function (event) {
        var k = +input.dataset.slider;
        if (event.key === " " && self.data.sliders[k].play) { event.preventDefault(); self.toggle(k); }
      });
    });
    root.querySelectorAll(".explorable-play").forEach(function (button) {
      button.addEventListener("click", function () { self.toggle(+button.dataset.slider); });
    });
    root.querySelectorAll(".explorable-speed select").forEach(function (select) {
      select.addEventListener("change", function () {
        if (self.timer) { var k = self.timer.slider; self.stop(); self.play(k); }
      });
    });
    root.querySelector(".explorable-still").hidden = true;
    this.canvas.hidden = false;
    root.querySelector(".explorable-controls").hidden = false;
    var ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(this.data.width * ratio);
    this.canvas.height = Math.round(this.data.height * ratio);
    this.ratio = ratio;
    this.draw();
    if (document.fonts && document.fonts.load) document.fonts.load("12px " + FONT).then(redraw, redraw);
  }

  Explorable.prototype.frame = function () {
    var sizes = this.data.sliders.map(function (s) { return s.readouts.length; });
    return this.inputs.reduce(function (flat, input, k) { return flat * sizes[k] + (+input.value); }, 0);
  };

  Explorable.prototype.draw = function () {
    var data = this.data, ctx = this.canvas.getContext("2d"), frame = this.frame(), self = this;
    var redraw = function () { self.draw(); };
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    ctx.clearRect(0, 0, data.width, data.height);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, data.width, data.height);
    if (this.backdrops[0] && this.backdrops[0].complete) ctx.drawImage(this.backdrops[0], 0, 0, data.width, data.height);
    data.layers.forEach(function (layer) {
      var s = stateOf(layer, frame);
      if (!s.visible && layer.kind !== "say") return;
      ctx.save();
      if (s.clip) {
        ctx.beginPath();
        ctx.rect(s.clip[0] / data.quantum, s.clip[1] / data.quantum, s.clip[2] / data.quantum, s.clip[3] / data.quantum);
        ctx.clip();
      }
      draw[layer.kind](ctx, s, data.quantum, redraw);
      ctx.restore();
    });
    if (this.backdrops[1] && this.backdrops[1].complete) ctx.drawImage(this.backdrops[1], 0, 0, data.width, data.height);
    this.inputs.forEach(function (input, k) {
      var text = data.sliders[k].readouts[+input.value];
      self.outputs[k].textContent = text;
      input.setAttribute("aria-valuetext", text);
    });
  };

  /* The sentence a screen reader hears: the slider values, then what the view's update said about
   * the frame or, when it says nothing, the texts the figure shows. */
  Explorable.prototype.describe = function () {
    var data = this.data, frame = this.frame(), inputs = this.inputs, parts = [];
    parts.push(data.sliders.map(function (s, k) { return s.label + " " + s.readouts[+inputs[k].value]; }).join(", "));
    var said = data.layers.some(function (layer) { return layer.kind === "say"; });
    data.layers.forEach(function (layer) {      // the view's own sentence, else the texts it shows
      var s = stateOf(layer, frame);
      if (layer.kind === "text" && s.visible && !said) parts.push((s.strings || []).join(" "));
      if (layer.kind === "say" && s.text) parts.push(s.text);
    });
    return parts.filter(Boolean).join(". ");
  };

  Explorable.prototype.say = function () {
    var self = this;
    clearTimeout(this.announce);
    if (this.timer) return;                       // no chatter while playing
    this.announce = setTimeout(function () { self.status.textContent = self.describe(); }, 300);
  };

  Explorable.prototype.toggle = function (k) { if (this.timer) this.stop(); else this.play(k); };

  Explorable.prototype.play = function (k) {
    var input = this.inputs[k], self = this;
    var select = this.root.querySelector('.explorable-speed select[data-slider="' + k + '"]');
    var fps = select ? +select.value : 12;
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) fps = Math.min(fps, 2);
    if (+input.value >= +input.max) { input.value = 0; this.draw(); }   // show the start at once, not a tick later
    var button = this.root.querySelector('.explorable-play[data-slider="' + k + '"]');
    this.timer = { slider: k, id: setInterval(function () {
      if (+input.value >= +input.max) { self.stop(); return; }
      input.value = +input.value + 1;
      self.draw();
    }, 1000 / fps) };
    if (button) { button.textContent = "Pause"; button.setAttribute("aria-label", "Pause " + this.data.sliders[k].label); }
  };

  Explorable.prototype.stop = function () {
    if (!this.timer) return;
    var k = this.timer.slider;
    clearInterval(this.timer.id);
    this.timer = null;
    var button = this.root.querySelector('.explorable-play[data-slider="' + k + '"]');
    if (button) { button.textContent = "Play"; button.setAttribute("aria-label", "Play " + this.data.sliders[k].label); }
    this.say();
  };

  /* Hooks for the book's tests and benchmark: set a frame, read the canvas, time frame switches. */
  window.nblibExplorables = {
    all: [],
    show: function (root, indices) {
      var e = root.nblibExplorable;
      indices.forEach(function (i, k) { e.inputs[k].value = i; });
      e.draw();
      return e.describe();
    },
    time: function (root, n) {
      var e = root.nblibExplorable, total = e.data.sliders.reduce(function (p, s) { return p * s.readouts.length; }, 1);
      var times = [], seed = 12345;
      for (var i = 0; i < n; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        var flat = seed % total, indices = [];
        for (var k = e.data.sliders.length - 1; k >= 0; k--) {
          var size = e.data.sliders[k].readouts.length;
          indices[k] = flat % size;
          flat = Math.floor(flat / size);
        }
        var start = performance.now();
        indices.forEach(function (v, k) { e.inputs[k].value = v; });
        e.draw();
        times.push(performance.now() - start);
      }
      return times;
    }
  };

  function init() {
    document.querySelectorAll(".explorable").forEach(function (root) {
      if (root.nblibExplorable || !root.querySelector(".explorable-data")) return;
      root.nblibExplorable = new Explorable(root);
      window.nblibExplorables.all.push(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
