"""Tests of simulate.pixels.PixelInput: an image-input ViT (Hugging Face-like: query/key/value children, an output
object with .logits) run on Section 6's tokens, with Appendix B.4's last-layer fine-tuning through it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import torch
from torch import nn

from simulate import images
from simulate.pixels import PixelInput
from simulate.vit import evaluate, finetune_last_attention, last_attention_params

pytestmark = pytest.mark.usefixtures("one_thread")
F64 = torch.float64


@dataclass
class Output:
    logits: torch.Tensor


class SelfAttention(nn.Module):
    """Hugging Face ViT's naming: query, key, value."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        a = torch.softmax(self.query(h) @ self.key(h).transpose(1, 2) / h.shape[-1] ** 0.5, dim=-1)
        return h + a @ self.value(h)


class ImageViT(nn.Module):
    """Images (B, C, H, W) → Output(logits (B, 2)): conv patch embedding, two attention layers, mean, head."""

    def __init__(self, channels: int = 1, patch: int = 4, hidden: int = 8) -> None:
        super().__init__()
        self.embed = nn.Conv2d(channels, hidden, patch, stride=patch)
        self.layers = nn.ModuleList([SelfAttention(hidden), SelfAttention(hidden)])
        self.head = nn.Linear(hidden, 2)

    def forward(self, x: torch.Tensor) -> Output:
        h = self.embed(x).flatten(2).transpose(1, 2)
        for layer in self.layers:
            h = layer(h)
        return Output(self.head(h.mean(1)))


def test_tokens_become_the_images_they_came_from() -> None:
    rng = np.random.default_rng(0)
    imgs = rng.normal(size=(3, 2, 8, 12))
    tokens = images.to_tokens(imgs, 4)
    wrapper = PixelInput(nn.Identity(), (2, 8, 12))
    assert np.array_equal(wrapper.images(torch.from_numpy(tokens)).numpy(), imgs)
    assert np.array_equal(wrapper(torch.from_numpy(tokens)).numpy(), images.from_tokens(tokens, (2, 8, 12)))


def test_resize_and_channel_repeat_feed_a_three_channel_model() -> None:
    torch.manual_seed(0)
    model = ImageViT(channels=3).to(F64)
    wrapper = PixelInput(model, (1, 8, 8), size=(16, 16), channels=3, output=lambda out: out.logits)
    X = torch.randn(5, 4, 16, dtype=F64)
    out = wrapper(X)
    assert out.shape == (5, 2)
    x = torch.nn.functional.interpolate(wrapper.images(X), size=(16, 16), mode="bilinear", align_corners=False)
    assert torch.equal(out, model(x.expand(-1, 3, -1, -1)).logits)


def test_appendix_b4_fine_tunes_only_the_last_query_key_value_of_an_image_model() -> None:
    torch.manual_seed(1)
    model = ImageViT().to(F64)
    wrapper = PixelInput(model, (1, 8, 8), output=lambda out: out.logits)
    chosen = last_attention_params(wrapper)
    last = model.layers[1]
    assert [id(p) for p in chosen] == [id(p) for m in (last.query, last.key, last.value) for p in m.parameters()]
    X = torch.randn(16, 4, 16, dtype=F64)
    y = (X.sum(dim=(1, 2)) > 0).long()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    result = finetune_last_attention(wrapper, X, y, tau=0.1, eta=0.5, T_max=30)
    assert result.robust_loss[-1] < result.robust_loss[0]
    changed = {k for k, v in model.state_dict().items() if not torch.equal(v, before[k])}
    # the key's bias adds q·b to a whole softmax row, so its gradient is zero and it stays put
    assert changed == {f"layers.1.{m}.{w}" for m in ("query", "key", "value") for w in ("weight", "bias")} \
        - {"layers.1.key.bias"}
    ev = evaluate(wrapper, X, y, tau=0.1)
    assert 0 <= ev.clean_errors <= ev.robust_errors <= 16


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"module": "vit"}, "module must be a torch.nn.Module"),
    ({"shape": (1, 8)}, "shape must be a tuple"),
    ({"size": (16,)}, "size must be None or a tuple"),
    ({"channels": 3, "shape": (2, 8, 8)}, "channels must equal the images' 2 channels"),
    ({"output": "logits"}, "output must be callable"),
])
def test_bad_arguments_name_themselves(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"module": nn.Identity(), "shape": (1, 8, 8), **kwargs}
    with pytest.raises(ValueError, match=message):
        PixelInput(**args)  # type: ignore[arg-type]


def test_tokens_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(ValueError, match="X must be M = g² tokens"):
        PixelInput(nn.Identity(), (1, 8, 8))(torch.zeros(2, 3, 16))
