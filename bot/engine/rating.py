"""Rating: the player's own recall rating of an answer, replacing the one its score
proposed, and the spaced-repetition card rebuilt from it."""

from __future__ import annotations

from datetime import datetime

from bot.engine import srs
from bot.engine.context import EngineContext
from bot.engine.results import PlayerKey, RatingResult
from bot.errors import UnknownAttempt


class Rating:
    """The rating buttons under an answer's feedback."""

    def __init__(self, context: EngineContext) -> None:
        self.context = context

    async def rate(
        self, attempt_id: int, player: PlayerKey, rating: srs.Rating, now: datetime
    ) -> RatingResult:
        """The player's own recall rating for an attempt, replacing the proposed one."""
        ctx = self.context
        async with ctx.store.write() as tx:
            attempt = await tx.attempts.find(attempt_id)
            user = await tx.users.find(player.platform, player.external_id)
            if attempt is None or user is None or attempt.user_id != user.id:
                raise UnknownAttempt("not_yours")
            question = ctx.catalog.by_id.get(attempt.question_id)
            review = await tx.cards.review_for_attempt(attempt.id)
            if question is None or review is None:
                raise UnknownAttempt("not_ratable")
            latest = await tx.cards.latest_review(user.id, attempt.question_id)
            reviewed_at = datetime.fromisoformat(attempt.answered_at)
            if latest is not None and latest.id == review.id:
                reviewed = srs.review(review.card_before, rating, reviewed_at)
                await tx.cards.save(user.id, question.id, reviewed.card_json, reviewed.due)
                card_after, due = reviewed.card_json, reviewed.due
            else:  # a later review already built on this one: keep the card, log the rating
                card_after = review.card_after
                due = srs.card_from_json(review.card_after, now).due
            await tx.cards.override_review(review.id, int(rating), card_after, now)
        return RatingResult(
            attempt_id=attempt.id,
            question=question,
            rating=rating,
            proposed_rating=srs.Rating(review.proposed_rating),
            due=due,
            interval_days=max(0, (due - reviewed_at).days),
        )
