"""The network: shapes, where gradients flow, initial state."""

from __future__ import annotations

import pytest
import torch

from training.model import (
    Block,
    ModelConfig,
    ReasoningNet,
    SwiGLU,
    TinyRecursiveModel,
    positions_mix_norm_fusable,
    rms_norm,
    swiglu_width,
)


@pytest.mark.parametrize("mixer,pos", [("mlp", "none"), ("attention", "rope"), ("attention", "learned"),
                                       ("grid", "none")])
def test_step_shapes(tiny_model_config, mixer, pos):
    cfg = ModelConfig(**{**tiny_model_config.to_dict(), "mixer": mixer, "pos_encoding": pos})
    model = TinyRecursiveModel(cfg)
    tokens = torch.randint(1, cfg.vocab_size, (3, cfg.seq_len))
    y, z = model.initial_carry(3)
    assert y.shape == z.shape == (3, cfg.carry_len, cfg.hidden_size)
    y2, z2, logits, halt, inner = model(tokens, y, z, return_inner=True)
    assert y2.shape == y.shape and z2.shape == z.shape
    assert logits.shape == (3, cfg.seq_len, cfg.vocab_size)
    assert halt.shape == (3,)
    assert inner.shape == (cfg.H_cycles, 3, cfg.seq_len, cfg.vocab_size)
    torch.testing.assert_close(inner[-1], logits)


def test_module_apply_reaches_every_submodule_and_keeps_names(tiny_model_config):
    """`nn.Module.apply(fn)` must not be shadowed (the rotary module once defined its own
    ``apply``, so ``model.apply(fn)`` crashed on RoPE models); checkpoint names stay put."""
    cfg = ModelConfig(**{**tiny_model_config.to_dict(), "mixer": "attention", "pos_encoding": "rope"})
    model = TinyRecursiveModel(cfg)
    seen: list[str] = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert "RotaryEmbedding" in seen and seen[-1] == "TinyRecursiveModel"
    names = set(model.state_dict())
    assert {"prefix", "y_init", "z_init", "halt_head.bias", "net.layers.0.mix.qkv.weight"} <= names
    assert not any(n.endswith((".cos", ".sin")) for n in names)  # rotary tables are not saved


def test_only_last_cycle_has_gradient(tiny_model_config):
    """T-1 cycles run under no_grad; the last cycle's n+1 net calls build the graph."""
    model = TinyRecursiveModel(tiny_model_config)
    grad_modes: list[bool] = []
    model.net.register_forward_hook(lambda *_: grad_modes.append(torch.is_grad_enabled()))
    tokens = torch.randint(1, 11, (2, 81))
    y, z = model.initial_carry(2)
    y2, z2, logits, halt = model(tokens, y, z)
    n, t = tiny_model_config.L_cycles, tiny_model_config.H_cycles
    assert grad_modes == [False] * ((t - 1) * (n + 1)) + [True] * (n + 1)
    assert not y2.requires_grad and not z2.requires_grad  # the carry is detached
    assert logits.requires_grad and halt.requires_grad


def test_carry_gets_no_gradient_from_earlier_steps(tiny_model_config):
    """The incoming carry is a constant for this step's graph: backprop never reaches it."""
    model = TinyRecursiveModel(tiny_model_config)
    y, z = model.initial_carry(2)
    y.requires_grad_(True)
    z.requires_grad_(True)
    _, _, logits, _ = model(torch.randint(1, 11, (2, 81)), y, z)
    logits.sum().backward()
    # y and z enter the graph only through the no-grad cycles (T=2 here), so no gradient.
    assert y.grad is None and z.grad is None


def test_halt_head_starts_at_continue(tiny_model_config):
    model = TinyRecursiveModel(tiny_model_config)
    y, z = model.initial_carry(4)
    _, _, _, halt = model(torch.randint(1, 11, (4, 81)), y, z)
    torch.testing.assert_close(halt, torch.full((4,), -5.0))


def test_reasoning_net_adds_injection_first():
    cfg = ModelConfig(hidden_size=8, L_layers=1, prefix_len=1, multiple_of=8, expansion=2.0)
    net = ReasoningNet(cfg)
    # The mlp mixer's network runs positions first: (S, B, D).
    h, inj = torch.randn(cfg.carry_len, 1, 8), torch.randn(cfg.carry_len, 1, 8)
    torch.testing.assert_close(net(h, inj), net(h + inj, torch.zeros_like(inj)))


def test_mixing_over_positions_is_the_swiglu_applied_along_the_positions_axis():
    torch.manual_seed(0)
    mix = SwiGLU(10, 2.0, 8)
    h = torch.randn(10, 3, 4)  # (S, B, D)
    expected = mix(h.permute(1, 2, 0)).permute(2, 0, 1)  # SwiGLU over S, for every (b, d)
    torch.testing.assert_close(mix.forward_over_positions(h), expected)
    mix.split_weights = True  # the export form computes the same
    torch.testing.assert_close(mix.forward_over_positions(h), expected)


def test_positions_norm_export_form_is_the_training_maths():
    """The export form (residual in the down projection's addmm, the mean over positions as a
    product with a row of 1/S) normalises every (b, d) column over positions, as training does."""
    torch.manual_seed(0)
    mix = SwiGLU(10, 2.0, 8)
    h = torch.randn(10, 3, 4) * torch.tensor([0.1, 1.0, 30.0, 5.0])  # (S, B, D), columns of any size
    expected = rms_norm(h + mix.forward_over_positions(h), 1e-5, dim=0)
    torch.testing.assert_close(positions_mix_norm_fusable(mix, h, 1e-5), expected)


def test_swiglu_width_matches_official_sizing():
    assert swiglu_width(512, 4, 256) == 1536  # the paper's hidden 512
    assert swiglu_width(97, 4, 256) == 512  # mlp_t over 16 + 81 positions


def test_config_rejects_bad_values():
    with pytest.raises(ValueError, match="mixer"):
        ModelConfig(mixer="conv").validate()
    with pytest.raises(ValueError, match="unknown model config keys"):
        ModelConfig.from_dict({"hidden": 3})


def test_grid_mixer_is_local_and_runs_on_any_grid_size(tiny_model_config):
    """A 3x3 depthwise mixer moves information one cell per block, and the same weights run on
    a larger grid (what lets a maze model trained on small grids solve 30x30 ones)."""
    cfg = ModelConfig(**{**tiny_model_config.to_dict(), "mixer": "grid", "seq_len": 49, "vocab_size": 6})
    torch.manual_seed(0)
    block = Block(cfg)
    h = torch.randn(1, cfg.carry_len, cfg.hidden_size)
    bumped = h.clone()
    bumped[0, 1 + 3 * 7 + 3] += 1.0  # the centre cell (row 3, column 3) of the 7x7 grid
    changed = (block(bumped) - block(h)).abs().amax(-1)[0]  # (S,)
    grid = changed[1:].reshape(7, 7) > 1e-6
    expected = torch.zeros(7, 7, dtype=torch.bool)
    expected[2:5, 2:5] = True
    assert torch.equal(grid, expected)
    assert changed[0] > 1e-6  # the prefix (halt head) sees the grid's mean
    small = TinyRecursiveModel(cfg)
    big = TinyRecursiveModel(ModelConfig(**{**cfg.to_dict(), "seq_len": 900}))
    big.load_state_dict(small.state_dict())
    y, z = big.initial_carry(2)
    assert big(torch.randint(1, 6, (2, 900)), y, z)[2].shape == (2, 900, 6)


def test_grid_mixer_needs_a_square_grid(tiny_model_config):
    with pytest.raises(ValueError, match="square"):
        ModelConfig(**{**tiny_model_config.to_dict(), "mixer": "grid", "seq_len": 50}).validate()


@pytest.mark.parametrize("mixer,pos", [("mlp", "none"), ("attention", "rope"), ("grid", "none")])
def test_export_forms_compute_the_training_maths(tiny_model_config, mixer, pos):
    """Export switches SwiGLUs to split weights and last-axis norms to ORT's fusable pattern;
    the step must not change (export's parity check compares ONNX with these forms)."""
    from export.onnx_export import prepare_for_onnx

    seq = 49 if mixer == "grid" else tiny_model_config.seq_len
    cfg = ModelConfig(**{**tiny_model_config.to_dict(), "mixer": mixer, "pos_encoding": pos, "seq_len": seq})
    torch.manual_seed(1)
    model = TinyRecursiveModel(cfg).eval()
    tokens = torch.randint(1, cfg.vocab_size, (3, cfg.seq_len))
    y, z = model.initial_carry(3)
    with torch.no_grad():
        before = model(tokens, y, z)
        prepare_for_onnx(model)
        assert any(getattr(m, "split_weights", False) for m in model.modules())
        after = model(tokens, y, z)
    for a, b in zip(before, after, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)
