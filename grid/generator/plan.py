"""How much of everything, and where: the sizes of each scale spread over the net,
exactly and reproducibly from the seed."""

import math
import random
from dataclasses import dataclass, field

from django.conf import settings

from .names import STREETS

# Generated streets use sequences 101..121 under the county code, so they never meet the
# demo county (001..004) or streets entered by hand.
STREET_SEQUENCE_BASE = 100
MAX_COMMUNITIES_PER_STREET = 16  # ID numbers encode the community (see people.py)


@dataclass(frozen=True)
class Scale:
    streets: int
    communities: int
    grids: int
    buildings: int
    households: int
    residents: int
    requests: int
    years: int = 5


SCALES = {
    "county": Scale(21, 300, 3_000, 40_000, 450_000, 1_250_000, 2_000_000),
    # One street's share (about 1/20): for SQLite and quick runs.
    "street": Scale(1, 15, 150, 2_000, 22_500, 60_000, 100_000),
    # For tests: a few hundred rows.
    "tiny": Scale(1, 2, 4, 12, 60, 160, 300),
}


@dataclass
class CommunityPlan:
    index: int  # 1-based within the street
    buildings: list[list[int]]  # per grid, per building: households
    residents: int
    requests: int

    @property
    def households(self) -> int:
        return sum(sum(grid) for grid in self.buildings)


@dataclass
class StreetPlan:
    index: int  # 1-based within the county
    name: str
    kind: str
    communities: list[CommunityPlan] = field(default_factory=list)

    @property
    def code(self) -> str:
        return f"{settings.PORTAL_COUNTY_CODE}{STREET_SEQUENCE_BASE + self.index:03d}"


def rng_for(seed: int, *keys) -> random.Random:
    """An independent generator for one part (string seeds hash with SHA-512: stable
    across runs and machines)."""
    return random.Random(":".join(str(k) for k in (seed, *keys)))


def spread(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """``total`` split over ``len(weights)`` parts in proportion to the weights, each
    at least ``minimum``, summing exactly to ``total`` (largest remainders)."""
    parts = len(weights)
    rest = total - minimum * parts
    if parts == 0 or rest < 0:
        raise ValueError(f"Cannot spread {total} over {parts} parts of at least {minimum}")
    scale = rest / sum(weights)
    shares = [w * scale for w in weights]
    counts = [math.floor(s) for s in shares]
    left = rest - sum(counts)
    by_remainder = sorted(range(parts), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[:left]:
        counts[i] += 1
    return [c + minimum for c in counts]


def allocate(scale: Scale, seed: int) -> list[StreetPlan]:
    """The whole plan: cheap (a list of household counts per building at most)."""
    rng = rng_for(seed, "plan")
    per_street = spread(scale.communities, [1.0] * scale.streets, 1)
    if max(per_street) > MAX_COMMUNITIES_PER_STREET:
        raise ValueError("Too many communities per street for this generator.")
    communities = scale.communities
    grids = spread(scale.grids, [rng.uniform(0.7, 1.3) for _ in range(communities)], 1)
    buildings = spread(scale.buildings, [rng.uniform(0.5, 1.5) for _ in range(scale.grids)], 1)
    # A few high-rises among many low buildings.
    households = spread(
        scale.households, [rng.lognormvariate(0, 0.8) for _ in range(scale.buildings)], 1
    )
    # Residents and requests follow the communities' households.
    community_households, cursor_g, cursor_b = [], 0, 0
    shaped = []
    for c in range(communities):
        grid_lists = []
        for g in range(grids[c]):
            count = buildings[cursor_g + g]
            grid_lists.append(households[cursor_b : cursor_b + count])
            cursor_b += count
        cursor_g += grids[c]
        shaped.append(grid_lists)
        community_households.append(sum(map(sum, grid_lists)))
    residents = spread(scale.residents, [h * rng.uniform(0.9, 1.1) for h in community_households])
    residents = [max(r, h) for r, h in zip(residents, community_households, strict=True)]
    requests = spread(scale.requests, [float(r) for r in residents])
    plans, c = [], 0
    for s in range(scale.streets):
        name, kind = STREETS[s % len(STREETS)]
        street = StreetPlan(index=s + 1, name=name, kind=kind)
        for i in range(per_street[s]):
            street.communities.append(CommunityPlan(i + 1, shaped[c], residents[c], requests[c]))
            c += 1
        plans.append(street)
    return plans
