import pytest
import torch

from mtm4f_lib.errors import MTM4FError
from mtm4f_lib.models.centralnet import CENTRAL, CentralNet

DIMS = {"audio": 5, "meta": 7, "subtitle": 6, "video": 4}


def inputs(names, n=9, seed=0):
    g = torch.Generator().manual_seed(seed)
    return {m: torch.randn(n, DIMS[m], generator=g) for m in names}


@pytest.mark.parametrize("variant", ["all", "fuse"])
@pytest.mark.parametrize("names", [("audio",), ("audio", "video"), ("meta", "subtitle", "video"), tuple(DIMS)])
def test_forward_backward_any_subset(names, variant):
    torch.manual_seed(0)
    net = CentralNet({m: DIMS[m] for m in names}, hidden=(16, 8, 8), out_dim=6, variant=variant)
    out = net(inputs(names))
    expected = {CENTRAL, *names} if variant == "all" else {CENTRAL}
    assert set(out) == expected and net.branches[0] == CENTRAL
    assert all(y.shape == (9, 6) for y in out.values())
    sum(y.pow(2).mean() for y in out.values()).backward()
    assert net.modality_weights.grad is not None and net.modality_weights.grad.abs().sum() > 0
    assert net.central_weights.grad.abs().sum() > 0
    assert all(p.grad is not None for p in net.modality_nets.parameters())


def test_fusion_weights_are_trained():
    net = CentralNet({m: DIMS[m] for m in ("audio", "video")}, hidden=(8, 8), out_dim=3)
    before = net.fusion_weights()
    optimiser = torch.optim.SGD(net.parameters(), lr=0.5)
    loss = sum(y.sum() for y in net(inputs(("audio", "video"))).values())
    loss.backward()
    optimiser.step()
    after = net.fusion_weights()
    assert list(after.columns) == ["audio", "video", CENTRAL] and list(after.index) == [1, 2]
    assert after[CENTRAL].isna().tolist() == [True, False]
    assert (after[["audio", "video"]] - before[["audio", "video"]]).abs().to_numpy().min() > 0
    assert abs(after.loc[2, CENTRAL] - before.loc[2, CENTRAL]) > 0


def test_masked_modality_does_not_reach_the_central_branch():
    net = CentralNet({m: DIMS[m] for m in ("audio", "video")}, hidden=(8, 8), out_dim=3).eval()
    x = inputs(("audio", "video"))
    masks = {"audio": torch.tensor([True] * 8 + [False]), "video": torch.ones(9, dtype=torch.bool)}
    noisy = {**x, "audio": x["audio"] + 100 * torch.randn(9, DIMS["audio"])}
    a, b = net(x, masks)[CENTRAL], net(noisy, masks)[CENTRAL]
    assert torch.allclose(a[8], b[8])
    assert not torch.allclose(a[:8], b[:8])


def test_bad_input_raises():
    with pytest.raises(MTM4FError, match="1 to 4"):
        CentralNet({}, hidden=(8,), out_dim=2)
    with pytest.raises(MTM4FError, match="variant"):
        CentralNet({"audio": 3}, hidden=(8,), out_dim=2, variant="late")
    net = CentralNet({"audio": 5, "video": 4}, hidden=(8,), out_dim=2)
    with pytest.raises(MTM4FError, match="missing"):
        net(inputs(("audio",)))


def test_row_dropout_shares_its_mask_across_leading_dimensions():
    from mtm4f_lib.models.layers import RowDropout

    drop = RowDropout(0.5).train()
    out = drop(torch.ones(3, 50, 8))
    assert torch.equal(out[0], out[1]) and torch.equal(out[1], out[2])
    assert set(out.unique().tolist()) == {0.0, 2.0} and 0.3 < (out[0] == 0).float().mean() < 0.7
    assert torch.equal(drop.eval()(torch.ones(3, 50, 8)), torch.ones(3, 50, 8))
