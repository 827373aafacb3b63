"""Recording a graded answer: each consequence of an answer as one named step.

`record_attempt` runs them in order inside the answering unit of work: the points it
earns (less for a late daily, none after a peek at the model answer), the player's
streak, the attempt row, the group leaderboard, the spaced-repetition review, and
closing a private chat's question. `bot.engine.answering` grades; this module records.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.decks.model import Question
from bot.engine import hints, srs
from bot.engine.clock import ALL_TIME, local_day, week_period
from bot.engine.context import EngineContext, streak_info, streak_state
from bot.engine.grading import Grade
from bot.engine.points import points_for
from bot.engine.results import AnswerResult
from bot.engine.streaks import StreakChange, record_answer
from bot.errors import AlreadyAnswered
from bot.store import AttemptRow, ChatRow, DeliveryRow, NewAttempt, UnitOfWork, UserRow


async def record_attempt(
    ctx: EngineContext,
    tx: UnitOfWork,
    chat: ChatRow,
    user: UserRow,
    delivery: DeliveryRow,
    question: Question,
    text: str,
    result: Grade,
    now: datetime,
    source_key: str,
    chosen: int | None,
    *,
    gave_up: bool = False,
) -> AnswerResult:
    """Record a graded answer and all it changes; AlreadyAnswered on a second answer.
    `gave_up`: "I don't know" (`bot.engine.hints`), reviewed as Again."""
    if await tx.attempts.find_for_delivery(delivery.id, user.id) is not None:
        raise AlreadyAnswered()
    day = local_day(now, ctx.timezone_of(user, chat))
    hinted = not chat.is_group and not gave_up and await tx.attempts.peeked(delivery.id, user.id)
    if hinted:
        result = hints.after_hint(result)
    points = await points_earned(tx, chat, user, delivery, result, now)
    change = await extend_streak(tx, user, day)
    attempt = await tx.attempts.add(
        NewAttempt(
            user_id=user.id,
            chat_id=chat.id,
            question_id=question.id,
            delivery_id=delivery.id,
            source_key=source_key,
            answer=text,
            score=result.score,
            covered=result.covered,
            points=points,
            local_day=day.isoformat(),
            answered_at=now,
        )
    )
    await add_leaderboard_points(tx, chat, user, points, now)
    rating = await review_card(tx, user, question, attempt, result, now, gave_up=gave_up)
    if not chat.is_group:
        await tx.deliveries.close(delivery.id, now)
    return AnswerResult(
        attempt_id=attempt.id,
        delivery_id=delivery.id,
        question=question,
        grade=result,
        points=points,
        proposed_rating=rating,
        streak=streak_info(change.state, day),
        is_group=chat.is_group,
        streak_extended=change.extended,
        frozen_days=change.frozen_days,
        freeze_earned=change.freeze_earned,
        broken_streak=change.broken_streak,
        chosen_option=chosen,
        hinted=hinted,
        gave_up=gave_up,
        person_language=user.language,
    )


async def points_earned(
    tx: UnitOfWork,
    chat: ChatRow,
    user: UserRow,
    delivery: DeliveryRow,
    result: Grade,
    now: datetime,
) -> int:
    """The answer's points: a daily answered on its own local day earns the bonus; in a
    group, none when the player read the model answer first (Answer by DM)."""
    on_its_day = delivery.kind == "daily" and (
        local_day(now, chat.timezone).isoformat() == delivery.local_day
    )
    points = points_for(result.score, daily_on_its_day=on_its_day)
    if chat.is_group and await tx.attempts.peeked(delivery.id, user.id):
        return 0
    return points


async def extend_streak(tx: UnitOfWork, user: UserRow, day: date) -> StreakChange:
    """The player's streak after an answer on their local `day`, saved."""
    change = record_answer(streak_state(user), day)
    state = change.state
    await tx.users.save_streak(
        user.id,
        current=state.current,
        longest=state.longest,
        last_active_day=state.last_day.isoformat() if state.last_day else None,
        freezes=state.freezes,
        frozen_days=[d.isoformat() for d in change.frozen_days],
    )
    return change


async def add_leaderboard_points(
    tx: UnitOfWork, chat: ChatRow, user: UserRow, points: int, now: datetime
) -> None:
    """A group answer's points on the group's all-time and this-week boards."""
    if chat.is_group:
        periods = (ALL_TIME, week_period(now, chat.timezone))
        await tx.scores.add_points(chat.id, user.id, periods, points, now)


async def review_card(
    tx: UnitOfWork,
    user: UserRow,
    question: Question,
    attempt: AttemptRow,
    result: Grade,
    now: datetime,
    *,
    gave_up: bool = False,
) -> srs.Rating:
    """The rating the score proposes, applied to the player's card of the question when
    the answer could be graded (the player may still override it: `bot.engine.rating`)."""
    rating = srs.proposed_rating(result.score, multiple_choice=question.is_multiple_choice)
    if gave_up:
        rating = hints.GIVE_UP_RATING
    if result.gradable or question.is_multiple_choice or gave_up:
        card_before = await tx.cards.find(user.id, question.id)
        reviewed = srs.review(card_before, rating, now)
        await tx.cards.save(user.id, question.id, reviewed.card_json, reviewed.due)
        await tx.cards.add_review(
            user_id=user.id,
            question_id=question.id,
            attempt_id=attempt.id,
            rating=int(rating),
            card_before=card_before,
            card_after=reviewed.card_json,
            now=now,
        )
    return rating
