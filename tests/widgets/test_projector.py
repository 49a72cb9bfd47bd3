"""EmbeddingProjector: PCA, cosine neighbours, t-SNE, and the widget's search and picking."""
import io

import numpy as np
import pytest
from PIL import Image

import minitf as tf
from minitf.widgets import EmbeddingProjector, nearest, pca_2d
from minitf.widgets import projector

sklearn_decomposition = pytest.importorskip("sklearn.decomposition")


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def planted(clusters=3, per=20, dims=32, noise=0.15, seed=0):
    """Points scattered around ``clusters`` random directions; returns (x, cluster ids)."""
    rng = np.random.RandomState(seed)
    centres = rng.standard_normal((clusters, dims)) * 3
    ids = np.repeat(np.arange(clusters), per)
    x = centres[ids] + noise * 3 * rng.standard_normal((clusters * per, dims))
    return x, ids


def brute_cosine(x, i):
    """Cosine similarity of row i to every row, one pair at a time in Python."""
    out = []
    for j in range(len(x)):
        na, nb = float(np.sqrt(np.dot(x[i], x[i]))), float(np.sqrt(np.dot(x[j], x[j])))
        out.append(0.0 if na == 0 or nb == 0 else float(np.dot(x[i], x[j])) / (na * nb))
    return np.array(out)


# -- PCA ----------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(50, 8), (10, 30), (200, 3)])
def test_pca_matches_sklearn_up_to_sign(shape):
    rng = np.random.RandomState(1)
    x = rng.standard_normal(shape) * np.linspace(3, 0.5, shape[1])
    ours = projector.pca(x, 2)
    ref = sklearn_decomposition.PCA(n_components=2, svd_solver="full").fit(x)
    np.testing.assert_allclose(ours.explained_variance, ref.explained_variance_, rtol=1e-10)
    np.testing.assert_allclose(ours.explained_variance_ratio, ref.explained_variance_ratio_,
                               rtol=1e-10)
    coords = ref.transform(x)
    for c in range(2):
        sign = np.sign(np.dot(ours.coords[:, c], coords[:, c]))
        np.testing.assert_allclose(ours.coords[:, c] * sign, coords[:, c], atol=1e-9)
        np.testing.assert_allclose(ours.components[c] * sign, ref.components_[c], atol=1e-9)
    np.testing.assert_allclose(pca_2d(x), ours.coords)


def test_pca_variance_is_the_top_of_the_covariance_spectrum():
    rng = np.random.RandomState(2)
    x = rng.standard_normal((80, 6)) @ rng.standard_normal((6, 6))
    r = projector.pca(x, 3)
    eig = np.sort(np.linalg.eigvalsh(np.cov(x, rowvar=False)))[::-1]
    np.testing.assert_allclose(r.explained_variance, eig[:3], rtol=1e-10)
    np.testing.assert_allclose(r.explained_variance_ratio, eig[:3] / eig.sum(), rtol=1e-10)
    np.testing.assert_allclose(r.coords, (x - x.mean(0)) @ r.components.T, atol=1e-10)
    np.testing.assert_allclose(r.components @ r.components.T, np.eye(3), atol=1e-12)
    # Each component's largest entry is positive, so the picture never flips.
    assert all(c[np.argmax(np.abs(c))] > 0 for c in r.components)


def test_pca_pads_missing_directions_with_zeros():
    assert pca_2d([[1.0, 2.0, 3.0]]).tolist() == [[0.0, 0.0]]
    line = pca_2d(np.arange(5.0)[:, None])  # one column: the second axis is empty
    np.testing.assert_allclose(np.abs(line[:, 0]), [2, 1, 0, 1, 2])
    np.testing.assert_array_equal(line[:, 1], 0)
    assert projector.pca(np.ones((4, 3)), 2).explained_variance_ratio.tolist() == [0, 0]


# -- cosine neighbours ----------------------------------------------------------------------
def test_nearest_matches_a_brute_force_reference():
    rng = np.random.RandomState(3)
    x = rng.standard_normal((40, 7))
    x[5] = 0.0  # a zero row: similarity 0 to everything
    for i in (0, 5, 17, 39):
        idx, sims = nearest(x, i, k=6)
        ref = brute_cosine(x, i)
        ref[i] = -np.inf
        order = sorted(range(len(x)), key=lambda j: (-ref[j], j))[:6]
        assert idx.tolist() == order and i not in idx
        np.testing.assert_allclose(sims, ref[order], atol=1e-12)
    np.testing.assert_array_equal(nearest(x, 5, k=3)[1], 0.0)


def test_nearest_ties_scale_and_limits():
    x = np.array([[1.0, 0], [2.0, 0], [0, 3.0], [5.0, 0], [-1.0, 0]])
    idx, sims = nearest(x, 0, k=10)  # more than n - 1: all the others
    assert idx.tolist() == [1, 3, 2, 4]  # equal similarities keep the lower row first
    np.testing.assert_allclose(sims, [1, 1, 0, -1])
    assert nearest(x, -1, k=1)[0].tolist() == [2]  # row -1 is [-1, 0]: [0, 3] is orthogonal
    assert nearest(x, 0, k=0)[0].tolist() == []
    with pytest.raises(IndexError, match="out of range"):
        nearest(x, 5)


# -- planted structure ------------------------------------------------------------------
def test_planted_clusters_are_recovered():
    x, ids = planted()
    for i in range(len(x)):  # neighbours in the original space share the cluster
        assert (ids[nearest(x, i, k=10)[0]] == ids[i]).all()
    for coords in (pca_2d(x), projector.tsne_2d(x, random_state=0)):
        centroids = np.array([coords[ids == c].mean(0) for c in range(3)])
        closest = np.argmin(((coords[:, None] - centroids[None]) ** 2).sum(-1), axis=1)
        assert (closest == ids).all()


# -- t-SNE ----------------------------------------------------------------------------------
def test_tsne_is_reproducible_with_a_fixed_seed():
    x, _ = planted(per=15, seed=4)
    a = projector.tsne_2d(x, random_state=7)
    b = projector.tsne_2d(x, random_state=7)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (45, 2) and np.isfinite(a).all()


@pytest.mark.parametrize("n", [1, 2, 3, 5, 12])
def test_tsne_perplexity_is_clipped_for_small_inputs(n):
    p = projector.tsne_perplexity(n)
    assert 0 < p < max(n, 2) and p <= 30
    out = projector.tsne_2d(np.random.RandomState(n).standard_normal((n, 4)))
    assert out.shape == (n, 2) and np.isfinite(out).all()
    assert projector.tsne_perplexity(1000) == 30


# -- the widget -------------------------------------------------------------------------
def words_for(ids):
    return ["c%d_%d" % (c, i) for i, c in enumerate(ids)]


def test_search_highlights_the_word_and_its_neighbours():
    x, ids = planted()
    words = words_for(ids)
    view = EmbeddingProjector(x, words, k=5)
    assert view.selected is None and view.highlighted == []
    assert "Type a word" in view.neighbour_list.value
    view.search_box.value = "c1_25"  # what typing does
    idx, sims = nearest(x, 25, 5)
    assert view.selected == 25 and view.highlighted == [25] + idx.tolist()
    assert [n[0] for n in view.neighbours] == idx.tolist()
    np.testing.assert_allclose([n[2] for n in view.neighbours], sims)
    assert all(ids[i] == 1 for i in view.highlighted)
    assert "c1_25" in view.status.value
    html_list = view.neighbour_list.value
    assert all(words[i] in html_list for i in idx) and "%.3f" % sims[0] in html_list
    view.k_slider.value = 2
    assert len(view.highlighted) == 3
    view.search("C1_25")  # case is ignored when nothing matches exactly
    assert view.selected == 25
    view.search_box.value = ""
    assert view.selected is None and view.highlighted == []


def test_unknown_words_are_reported_not_raised_in_the_box():
    x, ids = planted()
    view = EmbeddingProjector(x, words_for(ids))
    view.search("c0_3")
    view.search_box.value = "c0_3x"
    assert view.selected == 3  # the selection stays
    assert "is not one of the 60 labels" in view.status.value and "c0_3" in view.message
    with pytest.raises(KeyError, match="'zebra' is not one of the 60 labels"):
        view.search("zebra")
    with pytest.raises(KeyError, match="close: c2_45"):
        view.index_of("c2_45_")
    with pytest.raises(IndexError):
        view.select(60)


def test_bad_inputs_give_clear_errors():
    x = np.zeros((4, 3))
    with pytest.raises(ValueError, match="labels has 3 entries but embeddings has 4 rows"):
        EmbeddingProjector(x, ["a", "b", "c"])
    with pytest.raises(ValueError, match="2-D matrix"):
        EmbeddingProjector(np.zeros(4), list("abcd"))
    with pytest.raises(ValueError, match="NaN or infinite"):
        EmbeddingProjector(np.full((2, 2), np.nan), ["a", "b"])
    with pytest.raises(ValueError, match="real numbers"):
        EmbeddingProjector(np.array([["a", "b"]]), ["x"])
    with pytest.raises(ValueError, match="method must be one of"):
        EmbeddingProjector(x, list("abcd"), method="umap")
    with pytest.raises(ValueError, match="at least one row"):
        EmbeddingProjector(np.zeros((0, 3)), [])
    with pytest.raises(ValueError, match="without a session"):
        EmbeddingProjector(tf.Variable(np.ones((2, 2))), ["a", "b"])


def test_variable_and_session_input_and_bytes_labels():
    values = np.arange(12, dtype=np.float32).reshape(4, 3)
    var = tf.Variable(values, name="embedding")
    with tf.Session() as sess:
        sess.run(var.initializer)
        view = EmbeddingProjector(var, [b"the", b"cat", "sat", "on"], session=sess)
    np.testing.assert_array_equal(view.vectors, values)
    assert view.labels == ["the", "cat", "sat", "on"] and view.index_of(b"cat") == 1


def test_projections_are_cached_and_switching_is_cheap(monkeypatch):
    x, ids = planted(per=10)
    calls = []
    real = projector.tsne_2d
    monkeypatch.setattr(projector, "tsne_2d", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    view = EmbeddingProjector(x, words_for(ids))
    pca_coords = view.coords
    view.method = "tsne"
    tsne_coords = view.coords
    view.method = "pca"
    view.method = "tsne"
    assert len(calls) == 1 and view.coords is tsne_coords
    assert set(view.timings) == {("pca", False), ("tsne", False)}
    assert "(cached)" in view.status.value and "t-SNE" in view.figure().axes[0].get_title()
    view.method = "pca"
    assert view.coords is pca_coords and "of the variance" in view.figure().axes[0].get_title()
    view.normalize_box.value = True  # unit-length rows: a new projection, cached too
    assert ("pca", True) in view.timings
    np.testing.assert_allclose(view.coords, pca_2d(x / np.linalg.norm(x, axis=1,
                                                                       keepdims=True)))
    with pytest.raises(ValueError):
        view.method = "lda"


def test_picture_labels_the_first_points_and_the_highlighted_ones():
    x, ids = planted()
    words = words_for(ids)
    view = EmbeddingProjector(x, words, shown=10, max_points=50, k=4)
    texts = {t.get_text() for t in view.figure().axes[0].texts}
    assert texts == set(words[:10]) and view.drawn.tolist() == list(range(10))
    view.search("c2_45")  # beyond the 10 shown: drawn anyway, with its neighbours
    texts = {t.get_text() for t in view.figure().axes[0].texts}
    assert set(words[i] for i in view.highlighted if i < 50) <= texts
    assert set(view.drawn.tolist()) == set(range(10)) | {i for i in view.highlighted if i < 50}
    assert any("not drawn: beyond the first 50 rows" in view.neighbour_list.value
               for _ in [0]) == any(i >= 50 for i in view.highlighted)
    view.shown_slider.value = 30
    assert len(view.word_menu.options) == 1 + 30 + (view.selected >= 30)
    png = view.render_png()
    image = Image.open(io.BytesIO(png))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and image.size == (720, 560)
    assert view.image.value  # the PNG fallback is what is displayed without ipympl


def test_neighbours_past_the_projected_rows_are_listed_as_not_drawn():
    x, ids = planted()
    view = EmbeddingProjector(x, words_for(ids), max_points=20, k=5)
    view.search("c0_0")  # its neighbours are rows 1..19 of cluster 0: all projected
    assert "not drawn" not in view.neighbour_list.value
    view.search("c2_59")  # cluster 2 lives in rows 40..59, none projected
    assert view.neighbour_list.value.count("not drawn: beyond the first 20 rows") == 5
    assert view.drawn.tolist() == list(range(min(100, 20)))


def test_clicking_a_point_selects_it():
    from matplotlib.backend_bases import MouseEvent

    x, ids = planted()
    view = EmbeddingProjector(x, words_for(ids), shown=60, interactive=False)
    fig = view.figure()
    fig.canvas.draw()
    ax = fig.axes[0]
    target = 33
    px, py = ax.transData.transform(view.coords[target])
    event = MouseEvent("button_press_event", fig.canvas, px, py, button=1)
    fig.canvas.callbacks.process("button_press_event", event)
    assert view.selected == target
    assert view.highlighted[1:] == nearest(x, target, view.k_slider.value)[0].tolist()
    assert view.word_menu.value == target


def test_the_dropdown_selects_like_a_click():
    x, ids = planted()
    view = EmbeddingProjector(x, words_for(ids), shown=15)
    assert [v for _, v in view.word_menu.options] == [None] + list(range(15))
    view.word_menu.value = 7
    assert view.selected == 7 and view.highlighted[0] == 7
    view.word_menu.value = None  # "(none)" from the menu leaves the selection alone
    assert view.selected == 7
    view.clear()
    assert view.selected is None and view.word_menu.value is None


def test_interactive_true_without_ipympl_says_what_to_install(monkeypatch):
    monkeypatch.setattr(projector, "_pick_canvas", lambda: None)
    with pytest.raises(ImportError, match="ipympl"):
        EmbeddingProjector(np.eye(3), list("abc"), interactive=True)
    assert EmbeddingProjector(np.eye(3), list("abc"))._canvas_widget is None
