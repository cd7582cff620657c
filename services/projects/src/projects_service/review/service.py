"""Review rounds: open, draw over talent, replace, score, decide.

Every talent call of a draw happens before the first write, and the draw is written in
the request's one transaction: talent failing leaves nothing half-assigned.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from projects_service.challenge import service as challenge_service
from projects_service.challenge.exceptions import ChallengeDemandNotFound
from projects_service.challenge.models import ChallengeDemand
from projects_service.challenge.schemas import TransitionRequest
from projects_service.clients.talent import EligibleExpert, TalentClient, TalentUnavailable
from projects_service.review import draw as drawing
from projects_service.review.exceptions import (
    AlreadyDecided,
    AssignmentClosed,
    AssignmentNotFound,
    DemandNotReviewable,
    PoolTooSmall,
    ReviewRoundInvalid,
    ReviewRoundNotFound,
    RoundAlreadyDrawn,
    RoundNotDrawn,
    ScoresIncomplete,
    ScoresInvalid,
    ServicePrincipalMissing,
)
from projects_service.review.models import (
    LIVE,
    ReviewAssignment,
    ReviewCriterion,
    ReviewDraw,
    ReviewRound,
    ReviewRoundDemand,
    ReviewScore,
)
from projects_service.review.schemas import (
    AssignmentRead,
    CriterionRead,
    DecisionRequest,
    DemandProgress,
    DrawVerification,
    MyDemand,
    MyReview,
    ReplayedDraw,
    ReviewerProgress,
    RoundCreate,
    RoundProgress,
    RoundRead,
    ScoreRead,
    ScoreSubmission,
)
from shared_kit.auth import Principal
from shared_kit.errors import FieldError
from shared_kit.i18n import t

_CENT = Decimal("0.01")
# A re-draw's pool already leaves out experts at the cap.
_NO_CAP = 1 << 30

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def _invalid(field: str, code: str, zh: str, en: str) -> ReviewRoundInvalid:
    message = t(zh, en)
    return ReviewRoundInvalid(message, errors=[FieldError(field=field, code=code, message=message)])


# --- rounds ---------------------------------------------------------------------------


async def open_round(
    session: AsyncSession, *, principal: Principal, data: RoundCreate
) -> RoundRead:
    """Open a round: record its rules and move each demand to under_review (论证遴选)."""
    if sum(c.weight for c in data.criteria) != 100:
        raise _invalid(
            "body.criteria",
            "weights_not_100",
            "评分指标的权重之和必须为 100",
            "the criteria's weights must sum to 100",
        )
    if len({c.key for c in data.criteria}) != len(data.criteria):
        raise _invalid("body.criteria", "duplicate_key", "评分指标重复", "a criterion repeats")
    if len(set(data.demand_ids)) != len(data.demand_ids):
        raise _invalid("body.demand_ids", "duplicate", "需求重复", "a demand repeats")
    if data.deadline < date.today():
        raise _invalid(
            "body.deadline", "date_in_past", "评审截止日期已过", "the deadline has passed"
        )
    d = ChallengeDemand
    rows = (
        await session.execute(
            select(d.id, d.status, d.field).where(d.id.in_(data.demand_ids)).with_for_update()
        )
    ).all()
    found = {r.id: r for r in rows}
    missing = [str(i) for i in data.demand_ids if i not in found]
    if missing:
        raise ChallengeDemandNotFound(
            t(f"需求不存在：{', '.join(missing)}", f"no such demands: {', '.join(missing)}"),
            extra={"demand_ids": missing},
        )
    not_submitted = [str(r.id) for r in rows if r.status != "submitted"]
    if not_submitted:
        raise DemandNotReviewable(
            t(
                f"以下需求不是已提交状态：{', '.join(not_submitted)}",
                f"these demands are not submitted: {', '.join(not_submitted)}",
            ),
            extra={"demand_ids": not_submitted},
        )
    uncovered = sorted({r.field for r in rows} - set(data.fields))
    if uncovered:
        raise _invalid(
            "body.fields",
            "field_not_covered",
            f"轮次的专业领域未覆盖需求的领域：{'、'.join(uncovered)}",
            f"the round's fields do not cover the demands' fields: {', '.join(uncovered)}",
        )
    rnd = ReviewRound(
        id=uuid.uuid4(),
        name=data.name,
        reviewers_per_demand=data.reviewers_per_demand,
        fields=list(dict.fromkeys(data.fields)),
        deadline=data.deadline,
        exclude_same_city=data.exclude_same_city,
        max_demands_per_expert=data.max_demands_per_expert,
        list_threshold=data.list_threshold,
        opened_by=principal.subject,
    )
    session.add(rnd)
    await session.flush()
    await session.execute(
        insert(ReviewCriterion),
        [
            {"round_id": rnd.id, "position": i, **c.model_dump()}
            for i, c in enumerate(data.criteria)
        ],
    )
    await session.execute(
        insert(ReviewRoundDemand),
        [
            {"round_id": rnd.id, "demand_id": demand_id, "position": i}
            for i, demand_id in enumerate(data.demand_ids)
        ],
    )
    # The workflow stays the one authority on status changes (roles, period locks, history).
    for demand_id in data.demand_ids:
        await challenge_service.transition_demand(
            session,
            principal=principal,
            demand_id=demand_id,
            data=TransitionRequest(to="under_review", reason=f"评审轮次「{rnd.name}」（{rnd.id}）"),
        )
    return await read_round(session, round_id=rnd.id)


async def _round(session: AsyncSession, round_id: uuid.UUID, *, lock: bool = False) -> ReviewRound:
    stmt = select(ReviewRound).where(ReviewRound.id == round_id)
    if lock:
        # Re-read under the lock: a concurrent draw may have set the seed meanwhile.
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    rnd = (await session.execute(stmt)).scalar_one_or_none()
    if rnd is None:
        raise ReviewRoundNotFound(t(f"评审轮次 {round_id} 不存在", f"no review round {round_id}"))
    return rnd


async def _criteria(session: AsyncSession, round_id: uuid.UUID) -> list[ReviewCriterion]:
    c = ReviewCriterion
    stmt = select(c).where(c.round_id == round_id).order_by(c.position)
    return list((await session.execute(stmt)).scalars().all())


async def _rounds_read(session: AsyncSession, rounds: list[ReviewRound]) -> list[RoundRead]:
    """Rounds with their criteria and demands: three statements however many rounds."""
    ids = [r.id for r in rounds]
    c, rd = ReviewCriterion, ReviewRoundDemand
    criteria: dict[uuid.UUID, list[CriterionRead]] = defaultdict(list)
    for row in (
        await session.execute(select(c).where(c.round_id.in_(ids)).order_by(c.position))
    ).scalars():
        criteria[row.round_id].append(CriterionRead.model_validate(row))
    demand_ids: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for round_id, demand_id in (
        await session.execute(
            select(rd.round_id, rd.demand_id).where(rd.round_id.in_(ids)).order_by(rd.position)
        )
    ).all():
        demand_ids[round_id].append(demand_id)
    return [
        RoundRead(
            id=r.id,
            name=r.name,
            reviewers_per_demand=r.reviewers_per_demand,
            fields=r.fields,
            deadline=r.deadline,
            exclude_same_city=r.exclude_same_city,
            max_demands_per_expert=r.max_demands_per_expert,
            list_threshold=r.list_threshold,
            criteria=criteria[r.id],
            demand_ids=demand_ids[r.id],
            seed=r.seed,
            drawn_at=r.drawn_at,
            opened_by=r.opened_by,
            created_at=r.created_at,
        )
        for r in rounds
    ]


async def read_round(session: AsyncSession, *, round_id: uuid.UUID) -> RoundRead:
    (out,) = await _rounds_read(session, [await _round(session, round_id)])
    return out


async def list_rounds(session: AsyncSession) -> list[RoundRead]:
    stmt = select(ReviewRound).order_by(ReviewRound.created_at.desc(), ReviewRound.id)
    return await _rounds_read(session, list((await session.execute(stmt)).scalars().all()))


# --- drawing --------------------------------------------------------------------------


def _candidate(e: EligibleExpert) -> dict[str, Any]:
    return {"id": str(e.id), "name": e.name, "organisation": e.organisation, "city": e.city}


async def draw(
    session: AsyncSession,
    *,
    principal: Principal,
    round_id: uuid.UUID,
    talent: TalentClient,
    token: str | None,
) -> list[AssignmentRead]:
    """Draw every demand's reviewers: talent's conflict-free experts, less the round's own
    exclusions, shuffled by a fresh seed that is stored with each pool."""
    rnd = await _round(session, round_id)
    if rnd.seed is not None:
        raise RoundAlreadyDrawn(t(f"轮次 {round_id} 已抽取", f"round {round_id} is drawn"))
    if not token:
        raise ServicePrincipalMissing(
            t(
                "请求未经网关转发，项目服务无法以自身身份向人才服务（talent）抽取专家",
                "not forwarded by the gateway: projects cannot ask talent as itself",
            )
        )
    # Conflicts declared in earlier rounds reach talent before it is asked who is free.
    await send_conflicts(session, talent=talent, token=token)
    d, rd = ChallengeDemand, ReviewRoundDemand
    demands = (
        await session.execute(
            select(d.id, d.field, d.organisation_uscc, d.organisation_name, d.city)
            .join(rd, rd.demand_id == d.id)
            .where(rd.round_id == round_id)
            .order_by(rd.position)
        )
    ).all()
    # Talent first, all of it: a failure here raises before anything is written.
    offered = await asyncio.gather(
        *(
            talent.eligible(
                field=row.field,
                uscc=row.organisation_uscc,
                organisation=row.organisation_name,
                token=token,
            )
            for row in demands
        )
    )
    rnd = await _round(session, round_id, lock=True)
    if rnd.seed is not None:  # a concurrent draw won
        raise RoundAlreadyDrawn(t(f"轮次 {round_id} 已抽取", f"round {round_id} is drawn"))
    candidates: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for row, experts in zip(demands, offered, strict=True):
        kept = [e for e in experts if not (rnd.exclude_same_city and e.city == row.city)]
        candidates[row.id] = [_candidate(e) for e in sorted(kept, key=lambda e: str(e.id))]
    seed = drawing.new_seed()
    pools = [(row.id, [c["id"] for c in candidates[row.id]]) for row in demands]
    picked = drawing.draw_round(
        seed, pools, k=rnd.reviewers_per_demand, cap=rnd.max_demands_per_expert
    )
    short = [str(i) for i, experts in picked.items() if len(experts) < rnd.reviewers_per_demand]
    if short:
        raise PoolTooSmall(
            t(
                f"{len(short)} 项需求的合格专家不足 {rnd.reviewers_per_demand} 名",
                f"{len(short)} demands have fewer than {rnd.reviewers_per_demand} eligible experts",
            ),
            extra={"demand_ids": short},
        )
    rnd.seed, rnd.drawn_at = seed, _now()
    # ORM bulk UPDATE by primary key: one executemany for every demand's pool.
    await session.execute(
        update(ReviewRoundDemand),
        [
            {"round_id": round_id, "demand_id": demand_id, "candidates": pool}
            for demand_id, pool in candidates.items()
        ],
    )
    draws, assignments = [], []
    for demand_id, pool_ids in pools:
        draw_id = uuid.uuid4()
        draws.append(
            {
                "id": draw_id,
                "round_id": round_id,
                "demand_id": demand_id,
                "kind": "initial",
                "seed": drawing.demand_seed(seed, demand_id),
                "pool": pool_ids,
                "picked": picked[demand_id],
                "reason": "",
                "actor_subject": principal.subject,
            }
        )
        by_id = {c["id"]: c for c in candidates[demand_id]}
        assignments += [
            _assignment(round_id, demand_id, draw_id, by_id[e]) for e in picked[demand_id]
        ]
    await session.execute(insert(ReviewDraw), draws)
    await session.execute(insert(ReviewAssignment), assignments)
    return await list_assignments(session, round_id=round_id)


def _assignment(
    round_id: uuid.UUID, demand_id: uuid.UUID, draw_id: uuid.UUID, candidate: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "round_id": round_id,
        "demand_id": demand_id,
        "draw_id": draw_id,
        "expert_id": uuid.UUID(candidate["id"]),
        "expert_name": candidate["name"],
        "expert_organisation": candidate["organisation"],
        "expert_city": candidate["city"],
        "status": "assigned",
        "comment": "",
    }


async def list_assignments(session: AsyncSession, *, round_id: uuid.UUID) -> list[AssignmentRead]:
    await _round(session, round_id)
    a = ReviewAssignment
    rd = ReviewRoundDemand
    stmt = (
        select(a)
        .join(rd, (rd.round_id == a.round_id) & (rd.demand_id == a.demand_id))
        .where(a.round_id == round_id)
        .order_by(rd.position, a.created_at, a.expert_id)
    )
    return [AssignmentRead.model_validate(x) for x in (await session.execute(stmt)).scalars()]


async def list_draws(session: AsyncSession, *, round_id: uuid.UUID) -> list[ReviewDraw]:
    await _round(session, round_id)
    stmt = select(ReviewDraw).where(ReviewDraw.round_id == round_id).order_by(ReviewDraw.seq)
    return list((await session.execute(stmt)).scalars().all())


async def verify(session: AsyncSession, *, round_id: uuid.UUID) -> DrawVerification:
    """Re-run every recorded draw from its stored seed and pool; compare with who was
    actually assigned."""
    rnd = await _round(session, round_id)
    if rnd.seed is None:
        raise RoundNotDrawn(t(f"轮次 {round_id} 尚未抽取", f"round {round_id} is not drawn"))
    rd, a = ReviewRoundDemand, ReviewAssignment
    stored = (
        await session.execute(
            select(rd.demand_id, rd.candidates).where(rd.round_id == round_id).order_by(rd.position)
        )
    ).all()
    pools = [(r.demand_id, [c["id"] for c in r.candidates or []]) for r in stored]
    replayed_initial = drawing.draw_round(
        rnd.seed, pools, k=rnd.reviewers_per_demand, cap=rnd.max_demands_per_expert
    )
    assigned: dict[uuid.UUID, list[str]] = defaultdict(list)
    for draw_id, expert_id in (
        await session.execute(
            select(a.draw_id, a.expert_id).where(a.round_id == round_id).order_by(a.created_at)
        )
    ).all():
        assigned[draw_id].append(str(expert_id))
    out = []
    for rec in await list_draws(session, round_id=round_id):
        if rec.kind == "initial":
            replayed = replayed_initial.get(rec.demand_id, [])
        else:
            replayed = drawing.pick(rec.seed, rec.pool, 1, load={}, cap=_NO_CAP)
        recorded = assigned.get(rec.id, [])
        out.append(
            ReplayedDraw(
                draw_id=rec.id,
                demand_id=rec.demand_id,
                kind=rec.kind,
                recorded=recorded,
                replayed=replayed,
                matches=sorted(recorded) == sorted(replayed) and rec.picked == replayed,
            )
        )
    return DrawVerification(
        round_id=round_id, seed=rnd.seed, matches=all(d.matches for d in out), draws=out
    )


async def _redraw(
    session: AsyncSession,
    *,
    rnd: ReviewRound,
    voided: ReviewAssignment,
    actor: Principal,
    reason: str,
) -> None:
    """Replace ``voided`` from the demand's stored pool: never an expert who already had
    this demand (voided ones included) nor one at the round's cap."""
    rd, a = ReviewRoundDemand, ReviewAssignment
    candidates = (
        await session.execute(
            select(rd.candidates).where(rd.round_id == rnd.id, rd.demand_id == voided.demand_id)
        )
    ).scalar_one() or []
    had = set(
        (
            await session.execute(
                select(a.expert_id).where(a.round_id == rnd.id, a.demand_id == voided.demand_id)
            )
        ).scalars()
    )
    full = set(
        (
            await session.execute(
                select(a.expert_id)
                .where(a.round_id == rnd.id, a.status.in_(LIVE))
                .group_by(a.expert_id)
                .having(func.count() >= rnd.max_demands_per_expert)
            )
        ).scalars()
    )
    pool = [c["id"] for c in candidates if uuid.UUID(c["id"]) not in had | full]
    seed = drawing.new_seed()
    picked = drawing.pick(seed, pool, 1, load={}, cap=_NO_CAP)
    draw_id = uuid.uuid4()
    await session.execute(
        insert(ReviewDraw),
        [
            {
                "id": draw_id,
                "round_id": rnd.id,
                "demand_id": voided.demand_id,
                "kind": "redraw",
                "seed": seed,
                "pool": pool,
                "picked": picked,
                "replaces_id": voided.id,
                "reason": reason,
                "actor_subject": actor.subject,
            }
        ],
    )
    if picked:
        by_id = {c["id"]: c for c in candidates}
        await session.execute(
            insert(ReviewAssignment),
            [_assignment(rnd.id, voided.demand_id, draw_id, by_id[picked[0]])],
        )


async def _undecided(session: AsyncSession, assignment: ReviewAssignment) -> None:
    rd = ReviewRoundDemand
    decision = await session.scalar(
        select(rd.decision).where(
            rd.round_id == assignment.round_id, rd.demand_id == assignment.demand_id
        )
    )
    if decision is not None or assignment.status not in LIVE:
        raise AssignmentClosed(
            t(f"评审任务 {assignment.id} 已关闭", f"assignment {assignment.id} is closed")
        )


async def _void_and_redraw(
    session: AsyncSession,
    *,
    principal: Principal,
    assignment: ReviewAssignment,
    status: str,
    reason: str,
) -> AssignmentRead:
    # The round row lock serialises re-draws, so two cannot both pick the last free expert.
    rnd = await _round(session, assignment.round_id, lock=True)
    await session.refresh(assignment, with_for_update=True)
    await _undecided(session, assignment)
    assignment.status, assignment.voided_reason, assignment.voided_at = status, reason, _now()
    await session.flush()
    await _redraw(
        session, rnd=rnd, voided=assignment, actor=principal, reason=f"{status}: {reason}"
    )
    return AssignmentRead.model_validate(assignment)


async def replace(
    session: AsyncSession,
    *,
    principal: Principal,
    round_id: uuid.UUID,
    assignment_id: uuid.UUID,
    status: str,
    note: str,
) -> AssignmentRead:
    """An admin records a reviewer as declined or unreachable; a re-draw replaces it."""
    assignment = await session.get(ReviewAssignment, assignment_id)
    if assignment is None or assignment.round_id != round_id:
        raise AssignmentNotFound(
            t(f"评审任务 {assignment_id} 不存在", f"no assignment {assignment_id}")
        )
    return await _void_and_redraw(
        session, principal=principal, assignment=assignment, status=status, reason=note
    )


# --- the expert's side ----------------------------------------------------------------


async def _own(
    session: AsyncSession, principal: Principal, assignment_id: uuid.UUID
) -> ReviewAssignment:
    """The expert's own live assignment; anything else answers like a missing one."""
    assignment = await session.get(ReviewAssignment, assignment_id)
    if (
        assignment is None
        or str(assignment.expert_id) != principal.expert_id
        or assignment.status not in LIVE
    ):
        raise AssignmentNotFound(
            t(f"评审任务 {assignment_id} 不存在", f"no assignment {assignment_id}")
        )
    return assignment


async def _my_review(session: AsyncSession, assignment: ReviewAssignment) -> MyReview:
    rnd = await _round(session, assignment.round_id)
    demand = await session.get(ChallengeDemand, assignment.demand_id)
    s = ReviewScore
    scores = (await session.execute(select(s).where(s.assignment_id == assignment.id))).scalars()
    return MyReview(
        assignment_id=assignment.id,
        round_id=rnd.id,
        round_name=rnd.name,
        deadline=rnd.deadline,
        status=assignment.status,
        demand=MyDemand.model_validate(demand),
        criteria=[CriterionRead.model_validate(c) for c in await _criteria(session, rnd.id)],
        scores=[ScoreRead.model_validate(x) for x in scores],
        comment=assignment.comment,
        scored_at=assignment.scored_at,
    )


async def my_reviews(session: AsyncSession, *, principal: Principal) -> list[MyReview]:
    a = ReviewAssignment
    try:
        expert_id = uuid.UUID(principal.expert_id or "")
    except ValueError:  # a claim that names no expert has no assignments
        return []
    stmt = (
        select(a).where(a.expert_id == expert_id, a.status.in_(LIVE)).order_by(a.created_at, a.id)
    )
    return [await _my_review(session, x) for x in (await session.execute(stmt)).scalars()]


async def my_review(
    session: AsyncSession, *, principal: Principal, assignment_id: uuid.UUID
) -> MyReview:
    return await _my_review(session, await _own(session, principal, assignment_id))


async def submit_scores(
    session: AsyncSession,
    *,
    principal: Principal,
    assignment_id: uuid.UUID,
    data: ScoreSubmission,
) -> MyReview:
    """Record (or replace, until the deadline or the decision) one score per criterion."""
    assignment = await _own(session, principal, assignment_id)
    await session.refresh(assignment, with_for_update=True)
    await _undecided(session, assignment)
    rnd = await _round(session, assignment.round_id)
    if date.today() > rnd.deadline:
        raise AssignmentClosed(
            t(f"评审截止日期 {rnd.deadline} 已过", f"the deadline {rnd.deadline} has passed")
        )
    keys = [c.key for c in await _criteria(session, rnd.id)]
    given = [s.criterion for s in data.scores]
    if sorted(given) != sorted(keys):
        raise ScoresInvalid(
            t(
                f"须对每项指标各评一分：{'、'.join(keys)}",
                f"score each criterion exactly once: {', '.join(keys)}",
            ),
            extra={"criteria": keys},
        )
    s = ReviewScore
    await session.execute(delete(s).where(s.assignment_id == assignment.id))
    await session.execute(
        insert(s), [{"assignment_id": assignment.id, **x.model_dump()} for x in data.scores]
    )
    assignment.status, assignment.comment, assignment.scored_at = "scored", data.comment, _now()
    await session.flush()
    return await _my_review(session, assignment)


async def declare_conflict(
    session: AsyncSession,
    *,
    principal: Principal,
    assignment_id: uuid.UUID,
    reason: str,
    talent: TalentClient,
    token: str | None,
) -> AssignmentRead:
    """The expert discovered a conflict: its assignment is void and a re-draw replaces it.
    The conflict is also sent to talent's expert database, so later rounds leave the expert
    out for that organisation; when talent cannot take it now, it waits and goes before the
    next draw, which asks talent anyway."""
    assignment = await _own(session, principal, assignment_id)
    answer = await _void_and_redraw(
        session, principal=principal, assignment=assignment, status="conflict", reason=reason
    )
    if token:
        try:
            await send_conflicts(session, talent=talent, token=token)
        except TalentUnavailable:
            log.warning("talent unavailable: the declared conflict waits for the next draw")
    return answer


async def send_conflicts(session: AsyncSession, *, talent: TalentClient, token: str) -> int:
    """Send every declared conflict talent does not have yet; returns how many were sent.
    Talent keys them by ``source_ref``, so a send whose answer was lost is harmless."""
    a, d = ReviewAssignment, ChallengeDemand
    pending = (
        await session.execute(
            select(a.id, a.expert_id, a.voided_at, a.voided_reason, d.organisation_uscc)
            .add_columns(d.organisation_name)
            .join(d, d.id == a.demand_id)
            .where(a.status == "conflict", a.talent_recorded_at.is_(None))
            .order_by(a.voided_at)
            .with_for_update(of=a, skip_locked=True)
        )
    ).all()
    sent: list[uuid.UUID] = []
    for row in pending:
        recorded = await talent.record_conflict(
            expert_id=row.expert_id,
            organisation_uscc=row.organisation_uscc,
            organisation_name=row.organisation_name,
            declared_on=(row.voided_at or _now()).date(),
            reason=row.voided_reason or "",
            source_ref=f"projects:review-assignment:{row.id}",
            token=token,
        )
        if recorded:
            sent.append(row.id)
    if sent:
        await session.execute(update(a).where(a.id.in_(sent)).values(talent_recorded_at=_now()))
    return len(sent)


# --- progress and decisions -----------------------------------------------------------


async def _weighted(session: AsyncSession, round_id: uuid.UUID) -> dict[uuid.UUID, Decimal]:
    """Each scored assignment's weighted score (0–100), as one aggregate."""
    a, s, c = ReviewAssignment, ReviewScore, ReviewCriterion
    stmt = (
        select(a.id, (func.sum(s.score * c.weight) / 100).label("weighted"))
        .join(s, s.assignment_id == a.id)
        .join(c, (c.round_id == a.round_id) & (c.key == s.criterion))
        .where(a.round_id == round_id, a.status == "scored")
        .group_by(a.id)
    )
    return {r.id: Decimal(r.weighted) for r in (await session.execute(stmt)).all()}


async def progress(session: AsyncSession, *, round_id: uuid.UUID) -> RoundProgress:
    rnd_read = await read_round(session, round_id=round_id)
    weighted = await _weighted(session, round_id)
    a, rd, d = ReviewAssignment, ReviewRoundDemand, ChallengeDemand
    reviewers: dict[uuid.UUID, list[ReviewerProgress]] = defaultdict(list)
    for x in (
        await session.execute(
            select(a).where(a.round_id == round_id).order_by(a.created_at, a.expert_id)
        )
    ).scalars():
        reviewers[x.demand_id].append(
            ReviewerProgress(
                assignment_id=x.id,
                expert_id=x.expert_id,
                expert_name=x.expert_name,
                expert_organisation=x.expert_organisation,
                status=x.status,
                voided_reason=x.voided_reason,
                weighted_score=_q(weighted.get(x.id)),
            )
        )
    rows = (
        await session.execute(
            select(
                d.id,
                d.title,
                d.organisation_name,
                d.city,
                d.field,
                d.status,
                rd.decision,
                rd.decision_reason,
                rd.weighted_score,
            )
            .join(rd, rd.demand_id == d.id)
            .where(rd.round_id == round_id)
            .order_by(rd.position)
        )
    ).all()
    demands = []
    for r in rows:
        mine = reviewers.get(r.id, [])
        live = [x for x in mine if x.status in LIVE]
        scored = [weighted[x.assignment_id] for x in live if x.assignment_id in weighted]
        complete = len(scored) >= rnd_read.reviewers_per_demand
        score = _q(sum(scored, Decimal(0)) / len(scored)) if complete else None
        recommendation = None
        if score is not None:
            recommendation = "list" if score >= rnd_read.list_threshold else "not_list"
        demands.append(
            DemandProgress(
                demand_id=r.id,
                title=r.title,
                organisation_name=r.organisation_name,
                city=r.city,
                field=r.field,
                demand_status=r.status,
                reviewers=mine,
                assigned=len(live),
                scored=len(scored),
                conflicts_declared=sum(x.status == "conflict" for x in mine),
                replaced=sum(x.status in ("declined", "unreachable") for x in mine),
                complete=complete,
                weighted_score=r.weighted_score if r.decision else score,
                recommendation=recommendation,
                decision=r.decision,
                decision_reason=r.decision_reason,
            )
        )
    return RoundProgress(round=rnd_read, demands=demands)


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_CENT, rounding=ROUND_HALF_UP)


async def decide(
    session: AsyncSession,
    *,
    principal: Principal,
    round_id: uuid.UUID,
    demand_id: uuid.UUID,
    data: DecisionRequest,
) -> DemandProgress:
    """The admin's decision on a fully scored demand, moved through the demand workflow
    (listed or rejected) with a reason citing the round and its result."""
    rnd = await _round(session, round_id, lock=True)
    rd = ReviewRoundDemand
    entry = (
        await session.execute(select(rd).where(rd.round_id == round_id, rd.demand_id == demand_id))
    ).scalar_one_or_none()
    if entry is None:
        raise ChallengeDemandNotFound(
            t(f"需求 {demand_id} 不在本轮次中", f"demand {demand_id} is not in this round")
        )
    if entry.decision is not None:
        raise AlreadyDecided(t(f"需求 {demand_id} 已决定", f"demand {demand_id} is decided"))
    current = next(
        x for x in (await progress(session, round_id=round_id)).demands if x.demand_id == demand_id
    )
    if not current.complete or current.weighted_score is None:
        raise ScoresIncomplete(
            t(
                f"需求 {demand_id} 已评 {current.scored}/{rnd.reviewers_per_demand}",
                f"demand {demand_id} has {current.scored}/{rnd.reviewers_per_demand} scores",
            )
        )
    recommended = "建议张榜" if current.recommendation == "list" else "建议不张榜"
    reason = (
        f"评审轮次「{rnd.name}」（{rnd.id}）：加权得分 {current.weighted_score}，"
        f"{recommended}；决定：{'张榜' if data.decision == 'listed' else '不张榜'}"
        + (f"；{data.reason}" if data.reason else "")
    )
    await challenge_service.transition_demand(
        session,
        principal=principal,
        demand_id=demand_id,
        data=TransitionRequest(
            to=data.decision,
            reason=reason,
            on=data.on,
            reward_amount=data.reward_amount,
            deadline=data.deadline,
            eligibility=data.eligibility,
        ),
    )
    entry.decision, entry.decision_reason = data.decision, reason
    entry.weighted_score, entry.decided_by, entry.decided_at = (
        current.weighted_score,
        principal.subject,
        _now(),
    )
    await session.flush()
    return next(
        x for x in (await progress(session, round_id=round_id)).demands if x.demand_id == demand_id
    )
