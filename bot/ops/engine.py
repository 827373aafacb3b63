"""The engine, counting the answers it records for `/metrics`.

Adapters build `MeteredEngine` instead of `Engine` and get `quizbot_answers_total`
without a line in their handlers. A repeated update (an answer recorded before) is not
counted again.
"""

from __future__ import annotations

from typing import Any

from bot.engine.quiz import Engine
from bot.engine.results import AnswerResult
from bot.ops.metrics import Metrics


class MeteredEngine(Engine):
    def __init__(self, *args: Any, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metrics = metrics
        self.answering.recorded_listeners.append(self._counted)

    def _counted(self, result: AnswerResult) -> None:
        if not result.duplicate:
            self.metrics.answer_recorded()
