"""The Tiny Recursive Model: one small network applied recursively to an answer y and a latent z.

One supervision step (`TinyRecursiveModel.forward`) runs T cycles (H_cycles); each cycle does n latent
updates ``z = net(z, y + x)`` (L_cycles) and then one answer update ``y = net(y, z)``. The first T-1
cycles run without gradients, the last one with them, exactly as the official code does. The
carry (y, z) goes back out detached; the loop over supervision steps (deep supervision, halting,
resets) lives in `training.act` for training and in `solver.halting` for inference.

The block follows the official code: post-norm RMSNorm without a learnable scale, SwiGLU, no biases;
token mixing by self-attention (RoPE, learned or no positions), by an MLP over the sequence axis
(``mixer="mlp"``, the paper's best Sudoku variant), or by a depthwise convolution over the grid
(``mixer="grid"``, ours, for mazes: it has no weight tied to the grid size, so a model trained on
small grids runs unchanged on 30x30 ones, and the recursion spreads information one cell per layer,
like a breadth-first search).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from training.config import reject_unknown_keys


@dataclass
class ModelConfig:
    """Architecture of a TRM. Stored in every checkpoint; export needs nothing else."""

    vocab_size: int = 11  # token ids incl. PAD 0 (Sudoku 11, maze 6, ARC 12)
    seq_len: int = 81  # grid tokens L (81 Sudoku, 900 for 30x30 mazes and ARC)
    hidden_size: int = 128  # D
    num_heads: int = 4  # attention heads (attention mixer only)
    expansion: float = 4.0  # SwiGLU width factor
    L_layers: int = 2  # blocks in the one network
    H_cycles: int = 3  # T: cycles per supervision step (T-1 without gradient)
    L_cycles: int = 6  # n: latent updates per cycle
    halt_max_steps: int = 16  # N_sup: supervision steps at most
    mixer: str = "mlp"  # "attention", "mlp" (mix along the sequence axis, mlp_t) or "grid"
    grid_kernel: int = 3  # grid mixer: odd side of the depthwise convolution over the grid
    grid_broadcast: bool = False  # grid mixer: every grid position also reads the prefix's mean
    pos_encoding: str = "none"  # "rope", "learned" or "none"
    prefix_len: int = 16  # P: extra positions before the grid; the halt head reads position 0
    num_puzzle_ids: int = 0  # > 0: a learned per-puzzle embedding fills the prefix (ARC)
    id_tokens: int = 0  # 1: the first input token is the puzzle id (a learned ARC view), then the grid
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0
    multiple_of: int = 256  # SwiGLU width rounding, as in the official code

    @property
    def carry_len(self) -> int:
        """S = P + L: the positions y and z have."""
        return self.prefix_len + self.seq_len

    @property
    def input_len(self) -> int:
        """Tokens in and logits out per puzzle: the id token (if any) and the L grid tokens. The
        id position's logits come from the last prefix position and are never supervised."""
        return self.id_tokens + self.seq_len

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ModelConfig:
        reject_unknown_keys(cls, data, "model config")
        return cls(**data)

    def validate(self) -> None:
        if self.mixer not in ("attention", "mlp", "grid"):
            raise ValueError(f"mixer must be 'attention', 'mlp' or 'grid', not {self.mixer!r}")
        if self.mixer == "grid":
            if math.isqrt(self.seq_len) ** 2 != self.seq_len:
                raise ValueError(f"the grid mixer needs a square grid; seq_len {self.seq_len} is not a square")
            if self.grid_kernel < 1 or self.grid_kernel % 2 == 0:
                raise ValueError(f"grid_kernel must be odd and positive, not {self.grid_kernel}")
        if self.pos_encoding not in ("rope", "learned", "none"):
            raise ValueError(f"pos_encoding must be rope, learned or none, not {self.pos_encoding!r}")
        if self.mixer == "attention" and self.hidden_size % self.num_heads:
            raise ValueError("hidden_size must be a multiple of num_heads")
        if self.H_cycles < 1 or self.L_cycles < 1 or self.L_layers < 1:
            raise ValueError("H_cycles, L_cycles and L_layers must be at least 1")
        if self.prefix_len < 1:
            raise ValueError("prefix_len must be at least 1: the halt head reads position 0")
        if self.id_tokens not in (0, 1):
            raise ValueError(f"id_tokens must be 0 or 1, not {self.id_tokens}")
        if self.id_tokens and self.num_puzzle_ids < 1:
            raise ValueError("an id token needs per-puzzle embeddings (num_puzzle_ids > 0)")


# --------------------------------------------------------------------------------------------
# Layers


def trunc_normal_(tensor: torch.Tensor, std: float) -> torch.Tensor:
    """Truncated normal at +-2 sigma whose standard deviation really is `std` (JAX style)."""
    # A normal truncated at +-2 has std ~0.8796; scale up so the result has the std asked for.
    with torch.no_grad():
        tensor.normal_().clamp_(-2.0, 2.0)  # clamp rather than resample: cheap and close enough
        return tensor.mul_(std / 0.8796)


def rms_norm(x: torch.Tensor, eps: float, dim: int = -1) -> torch.Tensor:
    """RMSNorm over axis `dim`, no learnable scale, computed in fp32 and cast back."""
    dtype = x.dtype
    x = x.float()
    x = x * torch.rsqrt(x.pow(2).mean(dim, keepdim=True) + eps)
    return x.to(dtype)


def rms_norm_fusable(x: torch.Tensor, eps: float) -> torch.Tensor:
    """The same RMSNorm over the last axis, written as onnxruntime's fusion pattern expects.

    ``x / sqrt(mean(x^2) + eps) * scale`` (here a scale of ones) becomes one
    SimplifiedLayerNormalization node instead of six; used only when exporting.
    """
    x = x.float()
    ones = torch.ones(x.shape[-1], dtype=x.dtype, device=x.device)
    return x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + eps) * ones


def swiglu_width(size: int, expansion: float, multiple_of: int) -> int:
    """The official sizing: round(expansion * size * 2/3) rounded up to a multiple."""
    width = round(expansion * size * 2 / 3)
    return -(width // -multiple_of) * multiple_of


class Linear(nn.Module):
    """Bias-free linear layer with truncated LeCun-normal init (std 1/sqrt(fan_in))."""

    def __init__(self, fan_in: int, fan_out: int, bias: bool = False) -> None:
        super().__init__()
        self.weight = nn.Parameter(trunc_normal_(torch.empty(fan_out, fan_in), 1.0 / math.sqrt(fan_in)))
        self.bias = nn.Parameter(torch.zeros(fan_out)) if bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight, self.bias)


class SwiGLU(nn.Module):
    """down(silu(gate) * up) with a fused gate/up projection."""

    def __init__(self, size: int, expansion: float, multiple_of: int) -> None:
        super().__init__()
        width = swiglu_width(size, expansion, multiple_of)
        self.gate_up = Linear(size, 2 * width)
        self.down = Linear(width, size)
        # Export sets this: two matmuls on the weight's halves instead of one matmul and a split,
        # which onnxruntime would copy out (a Split node was 11-14% of an ORT pass).
        self.split_weights = False

    def _halves(self) -> tuple[torch.Tensor, torch.Tensor]:
        w = self.gate_up.weight
        return w[: w.shape[0] // 2], w[w.shape[0] // 2 :]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.split_weights:
            w_gate, w_up = self._halves()
            return self.down(F.silu(F.linear(x, w_gate)) * F.linear(x, w_up))
        gate, up = self.gate_up(x).chunk(2, dim=-1)
        return self.down(F.silu(gate) * up)

    def forward_over_positions(self, h: torch.Tensor) -> torch.Tensor:
        """The same SwiGLU applied along axis 0 of h (S, B, D): mixes positions, per channel.

        Equal to ``self(h.permute(1, 2, 0)).permute(2, 0, 1)``. With positions first, h is one
        (S, B*D) matrix, so each projection is ONE large matmul ((2I, S) @ (S, B*D)) instead of B
        small batched ones, and no transposed copy of the activations is made.
        """
        s, b, d = h.shape
        dtype = compute_dtype(h.device) if torch.is_autocast_enabled(h.device.type) else h.dtype
        flat = h.to(dtype).reshape(s, b * d)  # (S, B*D)
        if self.split_weights:
            w_gate, w_up = self._halves()
            hidden = F.silu(w_gate.to(dtype) @ flat) * (w_up.to(dtype) @ flat)  # (I, B*D)
        else:
            gate, up = (self.gate_up.weight.to(dtype) @ flat).chunk(2, dim=0)  # (I, B*D) each
            hidden = F.silu(gate) * up
        return (self.down.weight.to(dtype) @ hidden).view(s, b, d)  # (S, B, D)


def positions_mix_norm_fusable(mix: SwiGLU, h: torch.Tensor, eps: float) -> torch.Tensor:
    """``rms_norm(h + mix.forward_over_positions(h), eps, dim=0)`` written as onnxruntime runs it
    fastest; used only when exporting (fp32, split weights).

    h (S, B, D) is handled as one (S, B*D) matrix throughout: the residual add rides in the down
    projection (addmm: one Gemm node), and the mean of squares over positions, plus eps, is a
    (1, S) @ (S, B*D) product (another Gemm). onnxruntime's reductions over a leading axis are
    slow: 40 chained norms on the (82, 128) Sudoku shape took 6 us a norm this way against 18 us
    as Pow, ReduceMean, Add, Sqrt, Reciprocal and Mul. The shipped Sudoku model's fp32 pass at
    batch 1 went from 6.00 to 5.72 ms.
    """
    s, b, d = h.shape
    flat = h.reshape(s, b * d)  # (S, B*D)
    w_gate, w_up = mix._halves()
    hidden = F.silu(w_gate @ flat) * (w_up @ flat)  # (I, B*D)
    flat = torch.addmm(flat, mix.down.weight, hidden)  # (S, B*D): h + mix(h)
    mean_row = torch.full((1, s), 1.0 / s, dtype=flat.dtype, device=flat.device)
    eps_ = torch.tensor(eps, dtype=flat.dtype, device=flat.device)
    mean_square = torch.addmm(eps_, mean_row, flat * flat)  # (1, B*D): mean(h^2) + eps, one Gemm
    return (flat / torch.sqrt(mean_square)).view(s, b, d)


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class RotaryEmbedding(nn.Module):
    """cos/sin tables for all S positions, fp32, recomputed at construction (not saved)."""

    cos: torch.Tensor  # (S, head_dim) buffers, registered below
    sin: torch.Tensor

    def __init__(self, head_dim: int, positions: int, theta: float) -> None:
        super().__init__()
        inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
        angles = torch.outer(torch.arange(positions, dtype=torch.float32), inv_freq)
        angles = torch.cat((angles, angles), dim=-1)  # (S, head_dim)
        self.register_buffer("cos", angles.cos(), persistent=False)
        self.register_buffer("sin", angles.sin(), persistent=False)

    def rotate(self, x: torch.Tensor) -> torch.Tensor:
        """x (B, H, S, hd) rotated in fp32, returned in x's dtype.

        (Not named ``apply``: that would shadow `nn.Module.apply`, which the parent's
        ``model.apply(fn)`` calls on every submodule.)
        """
        dtype = x.dtype
        xf = x.float()
        return (xf * self.cos + rotate_half(xf) * self.sin).to(dtype)


class Attention(nn.Module):
    """Non-causal multi-head self-attention over the S positions (SDPA, no mask)."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        d = config.hidden_size
        self.num_heads = config.num_heads
        self.qkv = Linear(d, 3 * d)
        self.out = Linear(d, d)
        self.rope = (
            RotaryEmbedding(d // config.num_heads, config.carry_len, config.rope_theta)
            if config.pos_encoding == "rope"
            else None
        )

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        b, s, d = h.shape
        qkv = self.qkv(h).view(b, s, 3, self.num_heads, d // self.num_heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each (B, H, S, hd)
        if self.rope is not None:
            q, k = self.rope.rotate(q), self.rope.rotate(k)
        o = F.scaled_dot_product_attention(q, k, v)  # (B, H, S, hd)
        return self.out(o.transpose(1, 2).reshape(b, s, d))


class GridMixer(nn.Module):
    """Depthwise k x k convolution over the grid positions; the prefix reads the grid's mean
    and, with `grid_broadcast`, the grid reads the prefix's mean.

    No weight depends on the grid size, so the same weights run on any square grid. The prefix
    positions (where the halt head reads) get the mean of the grid tokens, so halting can see
    the whole answer.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        d, k = config.hidden_size, config.grid_kernel
        self.prefix_len = config.prefix_len
        self.broadcast = config.grid_broadcast
        self.weight = nn.Parameter(trunc_normal_(torch.empty(d, 1, k, k), 1.0 / k))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        b, s, d = h.shape
        p = self.prefix_len
        side = math.isqrt(s - p)
        grid = h[:, p:].transpose(1, 2).reshape(b, d, side, side)  # (B, D, H, W)
        mixed = F.conv2d(grid, self.weight.to(h.dtype), padding=self.weight.shape[-1] // 2, groups=d)
        mixed = mixed.reshape(b, d, s - p).transpose(1, 2)  # (B, L, D)
        prefix = mixed.mean(1, keepdim=True).expand(b, p, d)  # (B, P, D)
        if self.broadcast:
            # Without this the prefix (an ARC view's embedding) never reaches a grid position:
            # the convolution is local and the SwiGLU per position. (B, L, D) + (B, 1, D)
            mixed = mixed + h[:, :p].mean(1, keepdim=True)
        return torch.cat((prefix, mixed), dim=1)


class Block(nn.Module):
    """Post-norm: h = norm(h + mix(h)); h = norm(h + swiglu(h)).

    h is (S, B, D), positions first, for the mlp mixer (see `TinyRecursiveModel.positions_first`)
    and (B, S, D) for the others; the channel SwiGLU and the last-axis norms work on either.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.eps = config.rms_norm_eps
        self.mixer = config.mixer
        self.mix: Attention | SwiGLU | GridMixer
        if config.mixer == "attention":
            self.mix = Attention(config)
        elif config.mixer == "grid":
            self.mix = GridMixer(config)
        else:
            # mlp_t: a SwiGLU over the sequence axis, shared by all channels.
            self.mix = SwiGLU(config.carry_len, config.expansion, config.multiple_of)
        self.mlp = SwiGLU(config.hidden_size, config.expansion, config.multiple_of)
        # Export sets this: norms in the forms ORT runs fastest (`rms_norm_fusable`, and
        # `positions_mix_norm_fusable` for the mlp mixer).
        self.fusable_norms = False

    def _norm_last(self, x: torch.Tensor) -> torch.Tensor:
        return rms_norm_fusable(x, self.eps).to(x.dtype) if self.fusable_norms else rms_norm(x, self.eps)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        if isinstance(self.mix, SwiGLU):
            # mlp_t: mix along positions, then normalise over the positions axis (as the official
            # code does on its transposed (B, D, S) layout). h is (S, B, D) here.
            if self.fusable_norms:
                h = positions_mix_norm_fusable(self.mix, h, self.eps)
            else:
                h = rms_norm(h + self.mix.forward_over_positions(h), self.eps, dim=0)
        else:
            h = self._norm_last(h + self.mix(h))
        return self._norm_last(h + self.mlp(h))


class ReasoningNet(nn.Module):
    """net(h, injection) = blocks(h + injection): the one network for both z and y updates."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.layers = nn.ModuleList(Block(config) for _ in range(config.L_layers))

    def forward(self, h: torch.Tensor, injection: torch.Tensor) -> torch.Tensor:
        h = h + injection
        for layer in self.layers:
            h = layer(h)
        return h


# --------------------------------------------------------------------------------------------
# The model


def compute_dtype(device: torch.device) -> torch.dtype:
    """The autocast dtype when autocast is on for `device`, else float32."""
    if torch.is_autocast_enabled(device.type):
        return torch.get_autocast_dtype(device.type)
    return torch.float32


class TinyRecursiveModel(nn.Module):
    """Input embedding, the recursive network, the answer head and the halt head."""

    y_init: torch.Tensor  # (D,) buffers, registered below
    z_init: torch.Tensor

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        config.validate()
        self.config = config
        d, p = config.hidden_size, config.prefix_len
        self.embed_scale = math.sqrt(d)
        self.token_embedding = nn.Embedding(config.vocab_size, d)
        trunc_normal_(self.token_embedding.weight, 1.0 / math.sqrt(d))
        # The prefix: learned register vectors shared by all puzzles (Sudoku, maze), or a learned
        # vector per puzzle identifier (ARC), which gets its own optimiser (see `sparse_params`).
        self.prefix = nn.Parameter(torch.zeros(p, d))
        self.puzzle_embedding = (
            nn.Embedding(config.num_puzzle_ids, p * d) if config.num_puzzle_ids > 0 else None
        )
        if self.puzzle_embedding is not None:
            nn.init.zeros_(self.puzzle_embedding.weight)
        self.position_embedding = (
            nn.Parameter(trunc_normal_(torch.empty(config.carry_len, d), 1.0 / math.sqrt(d)))
            if config.pos_encoding == "learned"
            else None
        )
        self.net = ReasoningNet(config)
        self.answer_head = Linear(d, config.vocab_size)
        self.halt_head = Linear(d, 1, bias=True)
        halt_bias = self.halt_head.bias
        assert halt_bias is not None  # built with bias=True
        with torch.no_grad():  # start every puzzle at "continue": sigmoid(-5) ~ 0.007
            self.halt_head.weight.zero_()
            halt_bias.fill_(-5.0)
        # Fixed (not learned) initial carry, broadcast over positions on reset.
        self.register_buffer("y_init", trunc_normal_(torch.empty(d), 1.0))
        self.register_buffer("z_init", trunc_normal_(torch.empty(d), 1.0))

    # ----------------------------------------------------------------------------------------

    def initial_carry(self, batch: int, device: torch.device | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """y, z of shape (B, S, D), every position set to the fixed initial vectors."""
        shape = (batch, self.config.carry_len, self.config.hidden_size)
        device = device or self.y_init.device
        return self.y_init.to(device).expand(shape).clone(), self.z_init.to(device).expand(shape).clone()

    def embed(self, tokens: torch.Tensor, puzzle_ids: torch.Tensor | None = None) -> torch.Tensor:
        """tokens (B, L) int (or (B, 1 + L) with an id token first) -> x (B, S, D)."""
        b = tokens.shape[0]
        if self.config.id_tokens:
            puzzle_ids, tokens = tokens[:, 0], tokens[:, 1:]
        x = self.token_embedding(tokens)  # (B, L, D)
        if self.puzzle_embedding is not None:
            if puzzle_ids is None:
                raise ValueError("this model has per-puzzle embeddings: pass puzzle_ids")
            prefix = self.puzzle_embedding(puzzle_ids).view(b, self.config.prefix_len, -1)
        else:
            prefix = self.prefix.expand(b, -1, -1)
        x = torch.cat((prefix.to(x.dtype), x), dim=1)  # (B, S, D)
        if self.position_embedding is not None:
            x = 0.7071067811865476 * (x + self.position_embedding)
        return x * self.embed_scale

    def forward(
        self,
        tokens: torch.Tensor,
        y: torch.Tensor,
        z: torch.Tensor,
        puzzle_ids: torch.Tensor | None = None,
        return_inner: bool = False,
    ) -> tuple[torch.Tensor, ...]:
        """One supervision step.

        tokens (B, L) int64, y and z (B, S, D) -> y, z (detached), logits (B, L, V),
        halt_logit (B,) and, with `return_inner`, the answer logits after each of the T answer
        updates (T, B, L, V) (the last equals `logits`).
        """
        # Under autocast the whole residual stream runs in the autocast dtype (bf16), as the
        # official code's forward_dtype does: fp32 round trips between the small matmuls cost
        # more than the matmuls. Norms still compute in fp32 internally.
        dtype = compute_dtype(tokens.device)
        x = self.embed(tokens, puzzle_ids).to(dtype)  # (B, S, D)
        y, z = y.to(dtype), z.to(dtype)
        first = self.positions_first
        if first:  # the recursion runs on (S, B, D); the carry keeps its (B, S, D) contract
            x, y, z = (t.transpose(0, 1).contiguous() for t in (x, y, z))
        # With an id token the logits cover it too, read from the last prefix position, so that
        # tokens in and logits out have one length (the solver's contract); never supervised.
        p = self.config.prefix_len - self.config.id_tokens

        def answer(y: torch.Tensor) -> torch.Tensor:  # (B, L, V), or (B, 1 + L, V)
            return self.answer_head(y[p:].transpose(0, 1) if first else y[:, p:])

        inner: list[torch.Tensor] = []
        with torch.no_grad():
            for _ in range(self.config.H_cycles - 1):
                for _ in range(self.config.L_cycles):
                    z = self.net(z, y + x)
                y = self.net(y, z)
                if return_inner:
                    inner.append(answer(y))
        for _ in range(self.config.L_cycles):
            z = self.net(z, y + x)
        y = self.net(y, z)
        logits = answer(y)  # (B, L, V)
        halt_logit = self.halt_head(y[0] if first else y[:, 0]).squeeze(-1).float()  # (B,)
        if first:
            y, z = y.transpose(0, 1).contiguous(), z.transpose(0, 1).contiguous()
        if return_inner:
            inner.append(logits)
            return y.detach(), z.detach(), logits, halt_logit, torch.stack(inner)
        return y.detach(), z.detach(), logits, halt_logit

    @property
    def positions_first(self) -> bool:
        """Whether the recursion runs on (S, B, D) rather than (B, S, D).

        True for the mlp mixer: positions first turn its mixing into single large matmuls (see
        `SwiGLU.forward_over_positions`), which measured 2.4x faster forward+backward on the
        Sudoku shapes than B batched small ones; two transposes per supervision step pay for it.
        """
        return self.config.mixer == "mlp"

    def dense_params(self) -> list[nn.Parameter]:
        """Everything the main optimiser and the EMA own (all but the per-puzzle table)."""
        sparse = {id(p) for p in self.sparse_params()}
        return [p for p in self.parameters() if id(p) not in sparse]

    def sparse_params(self) -> list[nn.Parameter]:
        # The table's one parameter, its weight.
        return list(self.puzzle_embedding.parameters()) if self.puzzle_embedding is not None else []

    def num_params(self) -> int:
        return sum(p.numel() for p in self.dense_params())
