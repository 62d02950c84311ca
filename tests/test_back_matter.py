"""The back matter says what the book and its tests really contain.

- Notation: every symbol in the chapters' mathematics (markdown cells and figure captions) is
  listed on ``book/notation.md`` exactly once, every listed symbol is used, and the code names
  given for it exist in nblib.
- Bibliography: every work the book cites is in ``book/references.bib`` with complete fields,
  and every entry there is cited.
- Verification: every tolerance that ``book/verification.md`` quotes is the one its test uses.
  The page is plain markdown, so it cannot compute these numbers; instead each quoted value is
  written as it stands in the test's source (``rtol=1e-5``), and :data:`QUOTED` names where it
  stands. The test reads that place with :mod:`ast` and fails when the two disagree, when a
  value the page quotes is not in :data:`QUOTED`, or when the place holds two different values.
"""

import ast
import importlib
import json
import re
from pathlib import Path

import pytest
from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]-*.ipynb"))

# --------------------------------------------------------------------------- symbols
GREEK = set(("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
             "xi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda "
             "Xi Sigma Upsilon Phi Psi Omega").split())
#: Operators that are symbols of the book's notation (constants such as \pi and \infty are not).
OPERATORS = {"nabla", "odot"}
DECORATIONS = {"hat": r"\hat", "widehat": r"\hat", "tilde": r"\tilde", "widetilde": r"\tilde",
               "bar": r"\bar", "overline": r"\bar"}
#: Groups whose content is words, not symbols: \text{MSE}, \operatorname{relu}, \begin{pmatrix}.
WORDS = re.compile(r"\\(?:text|operatorname|mathrm|textrm|textbf|textit|begin|end)\s*\{[^{}]*\}")
FONTS = re.compile(r"\\(?:mathbf|boldsymbol|bm|mathit)(?![A-Za-z])")
EXPECTATION = re.compile(r"\\mathbb\s*\{?\s*E\b\s*\}?")
SPACING = re.compile(r"\\[,;:!> ]")
MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|^[ \t]*```\{math\}[^\n]*\n(.*?)^[ \t]*```", re.S | re.M)
CODE_BLOCK = re.compile(r"^[ \t]*(`{3,})(?!\{math\}).*?^[ \t]*\1", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def _group(tex, i):
    """The braced group or single token at ``tex[i]`` (spaces skipped), and the index after it."""
    while i < len(tex) and tex[i] == " ":
        i += 1
    if i >= len(tex):
        return "", i
    if tex[i] == "{":
        depth = 0
        for j in range(i, len(tex)):
            depth += {"{": 1, "}": -1}.get(tex[j], 0)
            if depth == 0:
                return tex[i + 1:j], j + 1
        return tex[i + 1:], len(tex)
    command = re.match(r"\\[A-Za-z]+", tex[i:])
    if command:
        return command.group(0), i + len(command.group(0))
    return tex[i], i + 1


def _without_subscripts(tex):
    """Subscripts only count or pick (x_i, \\lambda_{max}): the symbol is what they hang from."""
    kept, i = [], 0
    while i < len(tex):
        if tex[i] == "_":
            _, i = _group(tex, i + 1)
        else:
            kept.append(tex[i])
            i += 1
    return "".join(kept)


def _letter(tex):
    """The symbol a decoration sits on: '\\mathbf{y}' -> 'y', 'm_t' -> 'm', '\\beta' -> '\\beta'."""
    found = re.search(r"\\([A-Za-z]+)|([A-Za-z])", FONTS.sub("", tex))
    if found is None:
        return None
    if found.group(1):
        return "\\" + found.group(1) if found.group(1) in GREEK else None
    return found.group(2)


def symbols(tex):
    """The symbols in a piece of TeX, as a set of names.

    A symbol is a Latin letter (``x``, ``W``), a Greek letter (``\\alpha``), a letter under a
    hat, tilde or bar (``\\hat{y}``, ``\\tilde{W}``, ``\\bar{x}``; ``\\overline`` counts as a bar),
    ``\\nabla``, ``\\odot`` or the expectation ``\\mathbb{E}``. Bold type, subscripts and the words
    inside ``\\text{...}`` and ``\\operatorname{...}`` are not symbols of their own.
    """
    found = set()
    tex = WORDS.sub(" ", tex)
    if EXPECTATION.search(tex):
        found.add(r"\mathbb{E}")
        tex = EXPECTATION.sub(" ", tex)
    tex = SPACING.sub(" ", tex)
    rest, i = [], 0
    while i < len(tex):
        command = re.match(r"\\([A-Za-z]+)", tex[i:])
        if command and command.group(1) in DECORATIONS:
            group, i = _group(tex, i + len(command.group(0)))
            letter = _letter(group)
            if letter:
                found.add(DECORATIONS[command.group(1)] + "{" + letter + "}")
            rest.append(" ")
            continue
        rest.append(tex[i])
        i += 1
    tex = _without_subscripts(FONTS.sub("", "".join(rest)))
    for match in re.finditer(r"\\([A-Za-z]+)|([A-Za-z])", tex):
        name = match.group(1)
        if name is None:
            found.add(match.group(2))
        elif name in GREEK or name in OPERATORS:
            found.add("\\" + name)
    return found


def math_in(markdown):
    """Every piece of mathematics in MyST markdown, code blocks and code spans left out."""
    markdown = CODE_SPAN.sub("", CODE_BLOCK.sub("", markdown))
    return [next(g for g in match.groups() if g is not None) for match in MATH.finditer(markdown)]


def chapter_texts():
    """``(chapter stem, text)`` for every markdown cell and figure caption of the chapters."""
    for path in CHAPTERS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "markdown":
                yield path.stem, "".join(cell["source"])
            caption = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption")
            if caption:
                yield path.stem, caption


def chapter_symbols():
    """``{symbol: sorted chapter numbers using it}``."""
    used = {}
    for stem, text in chapter_texts():
        for tex in math_in(text):
            for symbol in symbols(tex):
                used.setdefault(symbol, set()).add(stem[:2])
    return {symbol: sorted(chapters) for symbol, chapters in used.items()}


def table_rows(markdown):
    """The cells of every body row of the pipe tables in ``markdown``."""
    rows = []
    for line in markdown.splitlines():
        line = line.strip()
        if not line.startswith("|") or re.fullmatch(r"\|[\s|:-]+\|", line):
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip("|"))]
        if cells[0] != "Symbol":
            rows.append(cells)
    return rows


def notation_rows():
    return table_rows((BOOK / "notation.md").read_text())


def listed_symbols():
    """``{symbol: [row numbers]}`` for the symbol column of the notation page."""
    listed = {}
    for number, cells in enumerate(notation_rows()):
        for tex in math_in(cells[0]):
            for symbol in symbols(tex):
                listed.setdefault(symbol, []).append(number)
    return listed


@pytest.mark.parametrize("tex, expected", [
    (r"\hat{\mathbf{y}} = \tilde X \tilde W", {r"\hat{y}", r"\tilde{X}", r"\tilde{W}"}),
    (r"\alpha_{max} = 2/\lambda_{max}", {r"\alpha", r"\lambda"}),
    (r"\text{MSE}(\mathbf w) + \frac{\lambda}{2}\sum_j w_j^2", {"w", r"\lambda"}),
    (r"\overline{x^2} - \bar x^2", {r"\bar{x}"}),
    (r"\hat m_t = \frac{m_t}{1 - \beta_1^t}", {r"\hat{m}", "m", r"\beta", "t"}),
    (r"\mathbb{E}[m\,a] = a", {r"\mathbb{E}", "m", "a"}),
    (r"\boldsymbol\delta_1 = \frac{\partial J}{\partial \mathbf h} \odot \operatorname{relu}'(\mathbf z_1)",
     {r"\delta", "J", "h", r"\odot", "z"}),
    (r"\sqrt{\epsilon / (1 - \rho)}, \pi, \infty, \log 2, e^{-z}", {r"\epsilon", r"\rho", "e", "z"}),
    (r"\nabla J(W) = H\,(W - W^*)", {r"\nabla", "J", "W", "H"}),
])
def test_symbol_extraction(tex, expected):
    assert symbols(tex) == expected


def test_math_extraction_skips_code_and_reads_display_math():
    text = "Here $x_i$ and `$not math$` and\n\n$$\nJ = 1\n$$\n\n```python\ny = '$z$'\n```\n"
    assert math_in(text) == ["x_i", "\nJ = 1\n"]


def test_the_chapters_use_a_wide_range_of_symbols():
    used = chapter_symbols()
    assert {"J", r"\alpha", r"\nabla", r"\kappa", r"\hat{y}", r"\tilde{W}", r"\bar{x}"} <= set(used)
    assert len(used) > 40


def test_every_symbol_of_the_chapters_is_on_the_notation_page():
    listed = listed_symbols()
    missing = {symbol: chapters for symbol, chapters in chapter_symbols().items() if symbol not in listed}
    assert not missing, f"symbols used in the chapters (by chapter) but not in book/notation.md: {missing}"


def test_no_symbol_is_listed_twice():
    twice = {symbol: rows for symbol, rows in listed_symbols().items() if len(set(rows)) > 1}
    assert not twice, f"symbols listed in more than one row of book/notation.md (row numbers): {twice}"


def test_every_listed_symbol_is_used_in_a_chapter():
    unused = set(listed_symbols()) - set(chapter_symbols())
    assert not unused, f"book/notation.md lists symbols no chapter uses: {sorted(unused)}"


def _resolve(dotted):
    """The object a name such as ``optim.Adam``, ``ch05.theory`` or ``nn.MLP.loss_and_grads`` names."""
    head, *rest = dotted.split(".")
    for package in ("nblib", "nblib.chapters"):
        try:
            obj = importlib.import_module(f"{package}.{head}")
        except ModuleNotFoundError:
            continue
        for part in rest:
            obj = getattr(obj, part)
        return obj
    raise AttributeError(f"no module nblib.{head} or nblib.chapters.{head}")


def notation_code_names():
    """The dotted names (``module.attribute``) in the notation page's code column."""
    names = set()
    for cells in notation_rows():
        for span in re.findall(r"`([^`]+)`", cells[-1]):
            names.update(re.findall(r"(?<![\w.\"])([a-z][a-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)", span))
    return {name for name in names if not name.startswith(("np.", "x.", "y.", "sizes"))}


def test_the_code_names_on_the_notation_page_exist():
    names = notation_code_names()
    assert {"optim.Adam", "linear.add_bias_column", "ch05.theory"} <= names
    missing = []
    for name in sorted(names):
        try:
            _resolve(name)
        except AttributeError as error:
            missing.append(f"{name} ({error})")
    assert not missing, f"book/notation.md names what nblib does not have: {missing}"


def test_the_state_names_on_the_notation_page_are_optimizer_buffers():
    from nblib import optim
    buffers = {name for cls in optim.OPTIMIZERS.values() for name in cls.buffers} | {"t"}
    quoted = set(re.findall(r'state\["(\w+)"\]', (BOOK / "notation.md").read_text()))
    assert quoted and quoted <= buffers, quoted - buffers


# ----------------------------------------------------------------------- bibliography
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
#: Fields every entry of a type must have (all entries need author, title and year).
REQUIRED = {"article": {"journal"}, "inproceedings": {"booktitle"}, "incollection": {"booktitle", "publisher"},
            "book": {"publisher"}, "phdthesis": {"school"}, "misc": set()}
#: Entries with neither a DOI nor a URL, because none exists that we could check.
NO_LINK = {"cauchy1847", "nesterov1983", "bellman1957", "werbos1974", "legendre1805", "gauss1809", "krogh1992"}


def bibliography():
    return parse_file(str(BOOK / "references.bib")).entries


def cited_keys():
    """``{key: [files citing it]}`` over the chapters (markdown and captions) and book/*.md."""
    texts = [(stem, text) for stem, text in chapter_texts()]
    texts += [(path.name, path.read_text()) for path in sorted(BOOK.glob("*.md"))]
    cited = {}
    for name, text in texts:
        for keys in CITE.findall(text):
            for key in keys.split(","):
                cited.setdefault(key.strip(), set()).add(name)
    return cited


def test_every_cited_work_is_in_the_bibliography():
    entries = bibliography()
    missing = {key: sorted(files) for key, files in cited_keys().items() if key not in entries}
    assert not missing, f"cited but not in book/references.bib: {missing}"


def test_every_bibliography_entry_is_cited():
    uncited = set(bibliography()) - set(cited_keys())
    assert not uncited, f"entries of book/references.bib that nothing cites: {sorted(uncited)}"


@pytest.mark.parametrize("key", sorted(parse_file(str(BOOK / "references.bib")).entries))
def test_bibliography_entry_is_complete(key):
    entry = bibliography()[key]
    fields = {name.lower() for name in entry.fields}
    assert entry.type in REQUIRED, f"{key}: unexpected entry type {entry.type}"
    assert entry.persons.get("author"), f"{key} has no author"
    missing = ({"title", "year"} | REQUIRED[entry.type]) - fields
    assert not missing, f"{key} lacks {sorted(missing)}"
    if entry.type == "misc":
        assert fields & {"howpublished", "url", "doi"}, f"{key}: say where it was published"
    assert re.fullmatch(r"1[6-9]\d\d|20\d\d", entry.fields["year"]), f"{key}: year {entry.fields['year']}"
    if "doi" in fields:
        assert re.fullmatch(r"10\.\d{4,9}/\S+", entry.fields["doi"]), f"{key}: DOI without the https prefix"
    if "url" in fields:
        assert entry.fields["url"].startswith("https://"), f"{key}: URL {entry.fields['url']}"
    assert bool(fields & {"doi", "url"}) != (key in NO_LINK), \
        f"{key}: give a DOI or URL, or list it in NO_LINK if none exists"


def test_the_bibliography_page_lists_every_entry():
    page = (BOOK / "bibliography.md").read_text()
    assert re.search(r"```\{bibliography\}\n(:[a-z]+:.*\n)*```", page)


# ----------------------------------------------------------------------- verification
#: Where each tolerance quoted on book/verification.md stands: (the start of the table row that
#: quotes it, or None for the prose; the file; the function, or None for module level; the
#: source text, matched with runs of whitespace collapsed; the text the page shows, when it
#: is not the source text itself in backticks).
QUOTED = [
    ("The least-squares line", "tests/test_linear.py", "test_ols_line_of_the_seven_points", "rel=1e-12", None),
    ("Least squares with three", "tests/test_linear.py", "test_ols_against_lstsq_and_known_weights",
     "rtol=1e-10", None),
    ("Least squares with three", "tests/test_linear.py", "test_ols_against_lstsq_and_known_weights",
     "atol=1e-10", None),
    ("Least squares with three", "tests/test_linear.py", "test_ols_against_lstsq_and_known_weights", "rtol=1e-9", None),
    ("The MSE of every line", "tests/test_linear.py", "test_mse_line_on_a_grid_matches_the_loop", "rel=1e-12", None),
    ("The four losses", "tests/test_losses.py", "test_face_patch_values_by_hand", "abs=1e-12", None),
    ("A network's cross-entropy", "tests/test_nn.py", "test_cross_entropy_and_mse_values_by_hand", "rel=1e-12", None),
    ("The L1 and L2 penalties", "tests/test_nn.py", "test_penalties_count_the_weights_only_never_the_biases",
     "rel=1e-12", None),
    ("He initialization", "tests/test_nn.py", "test_he_initialization_for_relu", "rel=0.02", None),
    ("Glorot initialization", "tests/test_nn.py", "test_glorot_uniform_initialization_for_sigmoid_and_tanh",
     "rel=0.02", None),
    ("Inverted dropout masks", "tests/test_nn.py", "test_dropout_masks_are_inverted_and_drop_about_p",
     "abs=0.01", None),
    ("Inverted dropout masks", "tests/test_nn.py", "test_dropout_masks_are_inverted_and_drop_about_p",
     "abs=0.02", None),
    ("One epoch of full-batch", "tests/test_training.py", "test_one_epoch_of_full_batch_sgd_is_one_gradient_step",
     "rtol=1e-12, atol=1e-14", None),
    ("Float32 networks", "tests/test_nn.py", "test_float32_gradients_agree_with_float64", "rel=1e-5", None),
    ("Float32 networks", "tests/test_nn.py", "test_float32_gradients_agree_with_float64", "rtol=1e-3, atol=1e-5", None),
    ("`numerical_gradient` itself", "tests/test_gradcheck.py", "test_quadratic_in_one_variable", "atol=1e-8", None),
    ("`numerical_gradient` itself", "tests/test_gradcheck.py", "test_matrix_shaped_parameters_keep_their_shape",
     "atol=1e-8", None),
    ("Its error shrinks", "tests/test_gradcheck.py", "test_centred_difference_error_shrinks_like_eps_squared",
     "errors[1] < errors[0] / 50", None),
    ("It works for parameters", "tests/test_gradcheck.py", "test_gradient_of_a_smooth_function_of_any_shape",
     "atol=1e-7", None),
    ("The gradient of a line's MSE", "tests/test_linear.py", "test_mse_grad_line_against_finite_differences",
     "< 1e-8", None),
    ("The gradient of a line's MSE", "tests/test_linear.py", "test_mse_grad_weights_against_finite_differences",
     "< 1e-8", None),
    ("The gradients of the four losses", "tests/test_losses.py", "test_gradients_match_centred_differences",
     "< 1e-7", None),
    ("Backpropagation in", "tests/test_nn.py", "assert_grads_match", "rtol=1e-5, atol=1e-7", None),
    ("The derivatives of the activations", "tests/test_nn.py", "test_activation_derivatives_match_centred_differences",
     "h = 1e-6", None),
    ("The derivatives of the activations", "tests/test_nn.py", "test_activation_derivatives_match_centred_differences",
     "rtol=1e-6, atol=1e-9", None),
    ("The gradients of the test surfaces", "tests/test_surfaces.py",
     "test_gradients_match_centred_differences_inside_the_view", "rtol=1e-5, atol=1e-4", None),
    ("The first three steps", "tests/test_optim.py", "test_sgd_by_hand", "rtol=1e-15", None),
    ("The first three steps", "tests/test_optim.py", "test_momentum_by_hand", "rtol=1e-14", None),
    ("The first three steps", "tests/test_optim.py", "test_nesterov_by_hand", "rtol=1e-14", None),
    ("The first three steps", "tests/test_optim.py", "test_adagrad_by_hand", "rtol=1e-14", None),
    ("The first three steps", "tests/test_optim.py", "test_adadelta_by_hand", "rtol=1e-13", None),
    ("The first three steps", "tests/test_optim.py", "test_rmsprop_by_hand", "rtol=1e-13", None),
    ("The first three steps", "tests/test_optim.py", "test_adam_by_hand", "rtol=1e-13", None),
    ("Convergence on the round", "tests/test_optim.py", None, '"sgd": (dict(lr=0.05), 1e-6)', "`1e-6`"),
    ("Convergence on the round", "tests/test_optim.py", None, '"adam": (dict(lr=0.1), 1e-6)', "`1e-6`"),
    ("Convergence on the round", "tests/test_optim.py", None, '"rmsprop": (dict(lr=0.01), 0.05)', "`0.05`"),
    ("Convergence on the round", "tests/test_optim.py", None, '"adadelta": (dict(lr=1.0), 0.05)', "`0.05`"),
    ("Convergence on the round", "tests/test_optim.py", "test_converges_on_a_bowl", "steps=3000", None),
    ("Convergence on the Rosenbrock", "tests/test_optim.py", "test_converges_on_rosenbrock", "< 0.01", None),
    ("Convergence on the Rosenbrock", "tests/test_optim.py", "test_converges_on_rosenbrock", "< 1e-3", None),
    ("Whole trajectories", "tests/test_optim.py", "test_trajectory_matches_torch_optim",
     "rtol=1e-10, atol=1e-12", None),
    ("Learning-rate schedules", "tests/test_schedules.py", "test_matches_torch_lr_schedulers", "rel=1e-12", None),
    ("Warm-up (`schedules.warmup`) in front of", "tests/test_schedules.py",
     "test_warmup_then_cosine_matches_torch_sequential_lr", "rel=1e-12", None),
    ("Hessian-vector products", "tests/test_curvature.py", "test_hvp_on_the_seven_points_bowl_is_the_exact_product", "rtol=1e-8", None),
    ("Hessian-vector products", "tests/test_curvature.py", "test_hvp_of_a_quadratic_is_exact_for_any_size_point_and_direction", "rtol=1e-6", None),
    ("Hessian-vector products", "tests/test_curvature.py", "test_hvp_on_rosenbrock_against_its_analytic_hessian", "rtol=1e-6, atol=1e-6", None),
    ("Hessian-vector products", "tests/test_curvature.py", "test_hvp_on_a_tiny_network_against_second_differences_of_its_loss", "rtol=1e-5, atol=1e-6", None),
    ("The largest eigenvalue by power", "tests/test_curvature.py", "test_power_iteration_finds_the_largest_eigenvalue_of_any_spd_matrix", "rel=1e-6", None),
    ("The largest eigenvalue by power", "tests/test_curvature.py", "test_largest_eigenvalue_of_the_seven_points_bowl", "rel=1e-8", None),
    ("The largest eigenvalue by power", "tests/test_curvature.py", "test_largest_eigenvalue_of_a_tiny_network_against_eigvalsh", "rel=1e-4", None),
    ("Newton's step", "tests/test_curvature.py", "test_one_newton_step_reaches_the_least_squares_line", "atol=1e-12", None),
    ("The two-loop recursion", "tests/test_lbfgs.py", "test_two_loop_equals_the_bfgs_matrix_of_its_pairs", "rtol=1e-7, atol=1e-9", None),
    ("The two-loop recursion", "tests/test_lbfgs.py", "test_two_loop_satisfies_the_secant_condition_of_the_newest_pair", "rtol=1e-10", None),
    ("L-BFGS (`lbfgs.minimize`)", "tests/test_lbfgs.py", "test_rosenbrock_matches_scipy", "atol=1e-5", None),
    ("L-BFGS (`lbfgs.minimize`)", "tests/test_lbfgs.py", "test_seven_points_in_three_iterations_like_scipy", "atol=1e-6", None),
    ("L-BFGS (`lbfgs.minimize`)", "tests/test_lbfgs.py", "test_a_small_network_matches_scipy", "rel=2e-2", None),
    ("Chapter 12's batched networks", "tests/test_chapter12.py", "test_batched_gradients_are_the_mlps", "rel=1e-12", None),
    ("Chapter 12's batched networks", "tests/test_chapter12.py", "test_batched_gradients_are_the_mlps", "rtol=1e-10, atol=1e-14", None),
    ("The sharpness measured during", "tests/test_chapter12.py", "test_power_iteration_against_the_full_hessian_computed_by_nblibs_network", "rel=1e-5", None),
    ("Initializers (Glorot", "tests/test_deep.py", "test_initializers_match_torch_nn_init", "rel=0.03", None),
    ("Initializers (Glorot", "tests/test_deep.py", "test_initializers_match_torch_nn_init", "rel=1e-3", None),
    ("Batch normalization (`nblib.batchnorm`)", "tests/test_deep.py",
     "test_batchnorm_layer_matches_torch_batchnorm1d_in_train_and_eval_modes", "atol=1e-12", None),
    ("Gradient clipping by global norm", "tests/test_deep.py", "test_clipping_matches_torch_clip_grad_norm",
     "rel=1e-12", None),
    ("Batch normalization's backward pass", "tests/test_deep.py", "test_batchnorm_gradients_match_finite_differences",
     "< 1e-7", None),
    ("`deep.DeepNet`", "tests/test_deep.py", "test_deepnet_gradients_match_finite_differences", "< 1e-6", None),
    ("Least squares on random points", "tests/test_linear.py", "test_ols_gradient_vanishes_and_no_line_does_better",
     "max_examples=60", None),
    ("Least squares with random inputs", "tests/test_linear.py", "test_ols_weights_have_zero_gradient",
     "max_examples=40", None),
    ("The three regression losses", "tests/test_losses.py", "test_loss_inequalities", "max_examples=100", None),
    ("The cross-entropy", "tests/test_losses.py", "test_cross_entropy_is_finite_and_non_negative",
     "max_examples=100", None),
    ("Finite differences", "tests/test_gradcheck.py", "test_gradient_of_a_smooth_function_of_any_shape",
     "max_examples=50", None),
    ("Random tiny networks", "tests/test_nn.py", "test_shapes_and_gradients_on_random_tiny_networks",
     "max_examples=25", None),
    ("A batch against one example", "tests/test_nn.py", "test_a_batch_gives_the_same_outputs_as_one_example_at_a_time",
     "max_examples=20", None),
    ("Random search", "tests/test_search.py", "test_running_best_is_non_increasing", "max_examples=30", None),
    ("Random search", "tests/test_search.py", "test_more_guesses_with_the_same_seed_are_never_worse",
     "max_examples=30", None),
    ("Every bad call", "tests/validation_harness.py", None, "TIME_LIMIT = 5", None),
    ("Generated bad values", "tests/validation_harness.py", None, "max_examples=6", None),
    ("A frame drawn in headless Chromium", "tests/test_explorable_browser.py", None, "COLOUR_TOLERANCE = 250", None),
    ("A frame drawn in headless Chromium", "tests/test_explorable_browser.py", None, "MAX_WRONG = 0.03", None),
    ("That the comparison can fail", "tests/test_explorable_browser.py",
     "test_a_frame_drawing_the_wrong_line_fails_the_comparison", "> 2 * MAX_WRONG", None),
    ("The size of one explorable", "nblib/explorable/__init__.py", None, "MAX_EMBED_BYTES = 1_000_000", None),
    ("The number of frames", "nblib/explorable/__init__.py", None, "MAX_FRAMES = 60_000", None),
    (None, "scripts/check_site.py", None, "MAX_PAGE_BYTES = 5 * 1024 * 1024", None),
    ("The path prefix", "tests/test_book_browser.py", None, 'PREFIX = "/a/b/"', None),
    ("JavaScript", "tests/test_book_browser.py", None, "TOLERATED = {}", None),
    ("The book's own text", "tests/test_book_themes.py", None, "TEXT = 4.5", None),
    ("The borders of fields", "tests/test_book_themes.py", None, "UI = 3.0", None),
    ("The borders of fields", "tests/test_book_themes.py", "test_keyboard_focus_is_visible", 'f["width"] >= 2',
     "at least 2 px wide"),
    ("The palette of", "tests/test_theme.py", None, "MIN_DISTANCE = 10.0", None),
    # numbers in the prose of a row or of the page
    ("That the comparison can fail", "tests/test_explorable_browser.py", None, "has 8% and 15%", "8% and 15%"),
    ("The least-squares line", "tests/test_linear.py", "test_ols_line_of_the_seven_points",
     "assert round(m, 4) == 0.3356", "$m = 0.3356$"),
    ("The least-squares line", "tests/test_linear.py", "test_ols_line_of_the_seven_points",
     "assert round(b, 4) == 0.8047", "$b = 0.8047$"),
    ("The least-squares line", "tests/test_linear.py", "test_ols_line_of_the_seven_points",
     "assert round(linear.mse_line(X7, Y7, m, b), 4) == 0.0181", "MSE $0.0181$"),
    ("Parameter counts", "tests/test_nn.py", "test_count_params_is_reexported_and_matches_the_network",
     "count_params([784, 15, 10]) == 11935", "784-15-10 network has 11,935"),
    ("He initialization", "tests/test_nn.py", "test_he_initialization_for_relu", "MLP([1000, 400, 10]",
     "1000 × 400 layer"),
    ("Inverted dropout masks", "tests/test_nn.py", "test_dropout_masks_are_inverted_and_drop_about_p",
     "mask.shape == (500, 200)", "500 × 200 entries"),
    ("The derivatives of the activations", "tests/test_nn.py", "test_activation_derivatives_match_centred_differences",
     "np.linspace(-4, 4, 81)", "81 points"),
    ("Whole trajectories", "tests/test_optim.py", "test_trajectory_matches_torch_optim", "for _ in range(20):",
     "20 steps"),
    ("Convergence on the Rosenbrock", "tests/test_optim.py", None, '"momentum": (dict(lr=1e-3, beta=0.9), 5000)',
     "5,000 or 20,000 steps"),
    ("Convergence on the Rosenbrock", "tests/test_optim.py", None, '"sgd": (dict(lr=1e-3), 20000)',
     "5,000 or 20,000 steps"),
    (None, "tests/test_exercises.py", "test_selfcheck_js_agrees_on_many_values_near_the_answer",
     "for _ in range(60):", "60 values near each expected answer"),
]


def _collapsed(text):
    return " ".join(text.split())


def source_of(file, function):
    """The source of ``function`` in ``file`` (its decorators included), or of the whole file."""
    text = (ROOT / file).read_text()
    if function is None:
        return text
    tree = ast.parse(text)
    found = [node for node in ast.walk(tree)
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function]
    assert len(found) == 1, f"{file} defines {function} {len(found)} times"
    node = found[0]
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return "\n".join(text.splitlines()[first - 1:node.end_lineno])


def verification_rows():
    return table_rows((BOOK / "verification.md").read_text())


def _row(key):
    rows = [cells for cells in verification_rows() if cells[0].startswith(key)]
    assert len(rows) == 1, f"{len(rows)} rows of book/verification.md start with {key!r}"
    return rows[0]


@pytest.mark.parametrize("key, file, function, source, shown", QUOTED,
                         ids=[f"{q[2] or q[1]}:{q[3]}" for q in QUOTED])
def test_a_quoted_tolerance_is_the_one_the_test_uses(key, file, function, source, shown):
    assert re.search(r"(?<![\w.])" + re.escape(_collapsed(source)) + r"(?![\w.])",
                     _collapsed(source_of(file, function))), \
        f"{file} ({function or 'module'}) no longer has {source!r}: update book/verification.md and QUOTED"
    span = shown or f"`{source}`"
    where = " | ".join(_row(key)) if key else (BOOK / "verification.md").read_text()
    span, where = _collapsed(span), _collapsed(where)
    assert span in where, f"book/verification.md does not show {span} where it says {key!r}"


def test_every_tolerance_on_the_verification_page_is_checked():
    quoted = {}
    for key, _, _, source, shown in QUOTED:
        quoted.setdefault(key, set()).add((shown or f"`{source}`").strip("`"))
    unchecked = []
    for cells in verification_rows():
        keys = [key for key in quoted if key and cells[0].startswith(key)]
        for span in re.findall(r"`([^`]+)`", cells[-1]):
            if not any(span in quoted[key] for key in keys):
                unchecked.append(f"{cells[0][:40]}: {span}")
    assert not unchecked, f"values on book/verification.md that QUOTED does not check: {unchecked}"


def test_the_quote_check_fails_on_a_changed_tolerance():
    source = source_of("tests/test_nn.py", "assert_grads_match")
    assert "rtol=1e-5, atol=1e-7" in _collapsed(source)
    assert "rtol=1e-6, atol=1e-7" not in _collapsed(source)
    with pytest.raises(AssertionError, match="no longer has"):
        test_a_quoted_tolerance_is_the_one_the_test_uses(
            "Backpropagation in", "tests/test_nn.py", "assert_grads_match", "rtol=1e-5, atol=1e-", None)
    assert "max_examples=25" in _collapsed(source_of("tests/test_nn.py",
                                                      "test_shapes_and_gradients_on_random_tiny_networks"))


def test_the_count_of_typed_answers_is_the_tests():
    """The page says how many typed answers selfcheck.js is tried on: the length of ``TYPED``."""
    source = (ROOT / "tests/test_exercises.py").read_text()
    node = next(node for node in ast.parse(source).body
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "TYPED")
    typed = eval(ast.get_source_segment(source, node.value), {"__builtins__": {}})  # a list of str literals
    page = _collapsed((BOOK / "verification.md").read_text())
    assert f"on {len(typed)} typed answers per check" in page
