import pytest
import torch
from torch_geometric.nn import GCNConv

from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.models.gat import ItemGAT

# a 5-item ring plus one chord; edges point neighbour -> item
EDGES = torch.tensor([[1, 2, 3, 4, 0, 2], [0, 1, 2, 3, 4, 0]])


@pytest.mark.parametrize("kind", ["gat", "gatv2"])
def test_shape_and_gradients(kind):
    gat = ItemGAT(8, EDGES, layers=2, heads=2, kind=kind)
    x = torch.randn(5, 8, requires_grad=True)
    out = gat(x)
    assert out.shape == (5, 8)
    out.sum().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()


@pytest.mark.parametrize("layer", [0, 1])
def test_attention_is_a_softmax_over_each_neighbourhood(layer):
    gat = ItemGAT(8, EDGES, layers=2, heads=4)
    edges, alpha = gat.attention(torch.randn(5, 8), layer=layer)
    assert alpha.shape == (EDGES.shape[1] + 5, 4)  # graph edges plus one self-loop per item
    sums = torch.zeros(5, 4).index_add_(0, edges[1], alpha)
    assert torch.allclose(sums, torch.ones(5, 4), atol=1e-5)
    assert (alpha > 0).all()


def test_neighbours_change_the_output_and_non_neighbours_do_not():
    gat = ItemGAT(8, EDGES, layers=1, heads=2).eval()
    x = torch.randn(5, 8)
    moved = x.clone()
    moved[2] += 5.0  # item 2 is a neighbour of items 0 and 1 only
    a, b = gat(x), gat(moved)
    assert not torch.allclose(a[0], b[0]) and not torch.allclose(a[1], b[1])
    assert torch.allclose(a[3], b[3]) and torch.allclose(a[4], b[4])


def test_bad_arguments_raise():
    with pytest.raises(MTM4FError, match="divisible"):
        ItemGAT(6, EDGES, heads=4)
    with pytest.raises(MTM4FError, match="Unknown GAT"):
        ItemGAT(8, EDGES, kind="sage")
    with pytest.raises(MTM4FError, match=r"\[2, E\]"):
        ItemGAT(8, EDGES.t())


def test_gcn_kind_averages_over_the_graph_with_a_residual():
    torch.manual_seed(0)
    gcn = ItemGAT(8, EDGES, kind="gcn")
    x = torch.randn(int(EDGES.max()) + 1, 8)
    out = gcn(x)
    assert out.shape == x.shape and isinstance(gcn.convs[0].conv, GCNConv)
    moved = x.clone()
    moved[int(EDGES[0, 0])] += 1.0  # a neighbour's change reaches the item it points to
    assert not torch.allclose(gcn(moved)[int(EDGES[1, 0])], out[int(EDGES[1, 0])])
