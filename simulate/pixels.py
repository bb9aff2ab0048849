"""Image-input models on Section 6's tokens, for Appendix B.4 with a realistic ViT (EB.4).

bovit perturbs and trains on tokens X (B, M, d), the patches of the transformed images. A ViT from timm or
Hugging Face takes images (B, C, H, W) and returns its own output type; :class:`PixelInput` adapts one to the
token interface that :mod:`simulate.vit`'s attacks, Algorithm 1 and last-layer fine-tuning expect. Nothing here
decides a stored run's numbers (no sweep uses it), so it is not part of the code version.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from bounds.validate import positive_int

__all__ = ["PixelInput"]

Tensor = torch.Tensor


class PixelInput(nn.Module):
    """A module that takes images, run on Section 6's tokens: X (B, M, d) → images → ``module`` → a tensor.

    The tokens are turned back into images (B, C, H, W) with ``shape`` = (C, H, W) by the inverse of
    :func:`simulate.images.to_tokens` (a √M × √M grid of patches, row-major, pixels channel-major), then, if
    ``size`` = (H', W') is given, resized bilinearly, and if ``channels`` is given, a one-channel image is
    repeated to that many (MNIST into a 3-channel 224×224 ViT). ``output`` maps the module's output to the tensor
    of logits (e.g. ``lambda out: out.logits`` for a Hugging Face model); the default takes it as it is.

    This is the reading bovit takes of Appendix B.4 (IC-10): the per-token balls B(X, τ) live in the pixel
    patches of the data, as everywhere else in bovit, and the resizing and channel repetition are a fixed linear
    part of the model, not of the threat model. :func:`simulate.vit.last_attention_params` finds the wrapped
    model's attention layers (HF ViT's query/key/value, timm's qkv), so
    :func:`simulate.vit.finetune_last_attention` runs B.4 on it.
    """

    def __init__(self, module: nn.Module, shape: tuple[int, int, int], size: tuple[int, int] | None = None,
                 channels: int | None = None, output: Callable[[object], Tensor] | None = None) -> None:
        if not isinstance(module, nn.Module):
            raise ValueError(f"module must be a torch.nn.Module, got {type(module).__name__}")
        if not (isinstance(shape, tuple) and len(shape) == 3
                and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in shape)):
            raise ValueError(f"shape must be a tuple (C, H, W) of positive ints, got {shape!r}")
        if size is not None and not (isinstance(size, tuple) and len(size) == 2
                                     and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in size)):
            raise ValueError(f"size must be None or a tuple (H, W) of positive ints, got {size!r}")
        if channels is not None:
            channels = positive_int("channels", channels)
            if shape[0] not in (1, channels):
                raise ValueError(f"channels must equal the images' {shape[0]} channels, or they must have 1 "
                                 f"channel to repeat, got channels={channels}")
        if output is not None and not callable(output):
            raise ValueError(f"output must be callable or None, got {type(output).__name__}")
        super().__init__()
        self.module, self.shape, self.size, self.channels = module, shape, size, channels
        self.output = output

    def images(self, X: Tensor) -> Tensor:
        """Tokens (B, M, d) → images (B, C, H, W) (before any resizing): the inverse of ``to_tokens``."""
        C, H, W = self.shape
        B, M, d = X.shape
        g = math.isqrt(M)
        if g * g != M or H % g or W % g or d != C * (H // g) * (W // g):
            raise ValueError(f"X must be M = g² tokens of d = C·(H/g)·(W/g) for images {self.shape}, "
                             f"got shape {tuple(X.shape)}")
        return X.reshape(B, g, g, C, H // g, W // g).permute(0, 3, 1, 4, 2, 5).reshape(B, C, H, W)

    def forward(self, X: Tensor) -> Tensor:
        x = self.images(X)
        if self.size is not None:
            x = F.interpolate(x, size=self.size, mode="bilinear", align_corners=False)
        if self.channels is not None and x.shape[1] != self.channels:
            x = x.expand(-1, self.channels, -1, -1)
        out = self.module(x)
        return self.output(out) if self.output is not None else out
