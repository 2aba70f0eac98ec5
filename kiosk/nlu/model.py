"""The intent classifier: a small BERT trained from scratch on the pack (character tokens for
Chinese and Korean, word pieces for English) with a DIET-like sparse n-gram branch; or, when the
site config names a local encoder folder, that encoder frozen with only the head trained.

Both are saved with ``save_pretrained`` (config.json + model.safetensors).
"""
from __future__ import annotations

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertPreTrainedModel


def small_config(vocab_size: int, labels: list[str], ngram_buckets: int, max_len: int,
                 hidden: int = 128, layers: int = 2, heads: int = 4, encoder_dim: int = 0,
                 encoder: str = "", sparse_dim: int = 64, dropout: float = 0.2) -> BertConfig:
    """The model's configuration; ``encoder_dim`` > 0 means a frozen external encoder feeds the head."""
    return BertConfig(
        vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
        intermediate_size=hidden * 2, max_position_embeddings=max_len, type_vocab_size=1,
        hidden_dropout_prob=dropout, attention_probs_dropout_prob=0.1,
        id2label=dict(enumerate(labels)), label2id={k: i for i, k in enumerate(labels)},
        ngram_buckets=ngram_buckets, sparse_dim=sparse_dim, encoder_dim=encoder_dim, frozen_encoder=encoder,
    )


class IntentModel(BertPreTrainedModel):
    """Logits over the pack's intents (plus the "I don't know" class)."""

    config_class = BertConfig

    def __init__(self, config: BertConfig) -> None:
        super().__init__(config)
        self.uses_encoder = int(getattr(config, "encoder_dim", 0) or 0) > 0
        hidden = config.hidden_size
        if self.uses_encoder:
            self.project = nn.Linear(config.encoder_dim, hidden)
        else:
            self.bert = BertModel(config, add_pooling_layer=False)
        sparse = int(getattr(config, "sparse_dim", hidden))
        self.ngrams = nn.EmbeddingBag(config.ngram_buckets, sparse, mode="sum", padding_idx=0)
        self.norm = nn.LayerNorm(hidden + sparse)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(hidden + sparse, config.num_labels)
        self.post_init()

    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, nn.EmbeddingBag):
            module.weight.data.normal_(0.0, self.config.initializer_range)
            module.weight.data[0].zero_()
            return
        super()._init_weights(module)

    def forward(self, ngram_ids: torch.Tensor, input_ids: torch.Tensor | None = None,
                attention_mask: torch.Tensor | None = None, features: torch.Tensor | None = None) -> torch.Tensor:
        if self.uses_encoder:
            dense = torch.tanh(self.project(features))
        else:
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(out.dtype)
            dense = (out * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        counts = (ngram_ids > 0).sum(1, keepdim=True).clamp(min=1).to(dense.dtype)
        sparse = self.ngrams(ngram_ids) / counts.sqrt()
        joined = self.norm(torch.cat([dense, sparse], dim=-1))
        return self.classifier(self.dropout(joined))


def pad_batch(rows: list[list[int]], pad: int = 0) -> torch.Tensor:
    width = max((len(r) for r in rows), default=1) or 1
    return torch.tensor([r + [pad] * (width - len(r)) for r in rows], dtype=torch.long)
