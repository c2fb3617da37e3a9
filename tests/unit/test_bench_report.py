"""The bench table's cells: ratios keep their figures however far a peer is."""

import pytest

from emporix_data.bench.report import Row


@pytest.mark.parametrize(
    ("ours", "peer", "cell"),
    [
        (1.01, 324.68, "0.0031x"),
        (1.14, 86.29, "0.013x"),
        (1.14, 7.85, "0.15x"),
        (1.14, 0.97, "1.18x"),
        (88.65, 2.82, "31x"),
    ],
)
def test_a_ratio_is_ours_over_the_peer_with_its_figures_kept(ours, peer, cell):
    row = Row("load", ours, naive_s=peer)
    assert f"| {cell} |" in row.markdown()
