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

    async def answer(self, *args: Any, **kwargs: Any) -> AnswerResult:
        return self._counted(await super().answer(*args, **kwargs))

    async def answer_choice(self, *args: Any, **kwargs: Any) -> AnswerResult:
        return self._counted(await super().answer_choice(*args, **kwargs))

    def _counted(self, result: AnswerResult) -> AnswerResult:
        if not result.duplicate:
            self.metrics.answer_recorded()
        return result
