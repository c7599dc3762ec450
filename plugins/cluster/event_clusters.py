"""Grouping weighted pairs of articles into stories, as pure functions.

Joining every linked pair (connected components) lets one weak link chain two
events into one story: a round-up that mentions both, a template two cables share.
:func:`average_linkage` joins two groups only while the average weight over all
their pairs, a missing pair counting as 0, stays at the threshold or above, so one
stray link between two well-knit groups does not join them.

Everything here depends on the members and weights only, never on the order they
are given in: ties are broken by the smallest member, and sums are taken in a fixed
order, so any order of arrival gives the same stories.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

Pair = tuple[int, int]


def average_linkage(
    members: Iterable[int],
    weights: Mapping[Pair, float],
    threshold: float,
    apart: Iterable[Pair] = (),
) -> list[list[int]]:
    """Groups of ``members``, each sorted, in order of their smallest member.

    Starting from one group per member, the two groups with the highest average
    weight are joined, again and again, while that average is at least
    ``threshold``, except two groups holding a pair of ``apart`` between them: those
    are known to report different events, however alike they read. ``weights`` holds
    one weight per pair ``(a, b)`` with ``a < b``; pairs with a member not in
    ``members`` are ignored.
    """
    groups: dict[int, list[int]] = {member: [member] for member in sorted(set(members))}
    between: dict[int, dict[int, float]] = defaultdict(dict)  # group -> group -> summed weight
    for (a, b), weight in sorted(weights.items()):
        if a in groups and b in groups and a != b:
            between[a][b] = between[b][a] = between[a].get(b, 0.0) + weight
    kept_from: dict[int, set[int]] = defaultdict(set)  # group -> groups it may not join
    for a, b in apart:
        if a in groups and b in groups and a != b:
            kept_from[a].add(b)
            kept_from[b].add(a)

    def average(a: int, b: int) -> float:
        return between[a][b] / (len(groups[a]) * len(groups[b]))

    heap = [(-average(a, b), a, b) for a in sorted(between) for b in sorted(between[a]) if a < b]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in groups or b not in groups or b not in between[a]:
            continue  # one of the two was joined to another group since
        if average(a, b) != -negative:
            continue  # stale: the pair's average changed, a fresher entry is queued
        if -negative < threshold:
            break
        if b in kept_from[a]:
            continue
        # Groups are named by their smallest member: a < b, so ``a`` keeps the name.
        groups[a].extend(groups.pop(b))
        for other in kept_from.pop(b, set()):
            kept_from[other].discard(b)
            kept_from[other].add(a)
            kept_from[a].add(other)
        for other, weight in sorted(between.pop(b).items()):
            del between[other][b]
            if other != a:
                between[a][other] = between[other][a] = between[a].get(other, 0.0) + weight
        for other in sorted(between[a]):
            heapq.heappush(heap, (-average(a, other), min(a, other), max(a, other)))
    return [sorted(group) for _, group in sorted(groups.items())]


def central(
    group: Collection[int], weights: Mapping[Pair, float], tie_break: Callable[[int], Any]
) -> int:
    """The member most strongly tied to the rest of its group (the largest sum of
    its weights to the others); among equals, the smallest ``tie_break(member)``."""
    strength: dict[int, float] = dict.fromkeys(group, 0.0)
    for (a, b), weight in sorted(weights.items()):
        if a in strength and b in strength:
            strength[a] += weight
            strength[b] += weight
    return min(group, key=lambda member: (-strength[member], tie_break(member)))


def keep_names(groups: list[list[int]], current: Mapping[int, int | None]) -> list[int | None]:
    """For each group, the name (a story id) it keeps from its members' ``current``
    names, or None for a new one.

    A name goes to the group holding most of its members (on a tie, the group with
    the smaller first member), and each group keeps at most one name (the one it
    holds most members of; on a tie, the smaller name). So a story that stays the
    same or grows keeps its id, and when one splits its id stays with the larger part.
    """
    overlap: dict[tuple[int, int], int] = defaultdict(int)
    for index, group in enumerate(groups):
        for member in group:
            name = current.get(member)
            if name is not None:
                overlap[index, name] += 1
    kept: list[int | None] = [None] * len(groups)
    taken: set[int] = set()
    ranked = sorted(overlap.items(), key=lambda item: (-item[1], item[0][1], groups[item[0][0]][0]))
    for (index, name), _ in ranked:
        if kept[index] is None and name not in taken:
            kept[index] = name
            taken.add(name)
    return kept
