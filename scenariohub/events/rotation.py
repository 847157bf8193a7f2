"""Who hosts the provincial conferences: a fair rotation over the cities willing to host.

The rule: no city hosts twice before every willing city has hosted once. History is read in rounds: a
round closes when every willing city has hosted in it, and the next round starts empty. Within a round,
a city that has already hosted is not proposed again; among the others the one that has waited longest
since it last hosted goes first (never = longest), then the lower region code. When every city still
due in the round is unavailable in a quarter, nobody is proposed (None): proposing a city a second time
would break the rule, so the office decides (an override, recorded with its reason).

Pure functions on region codes, no database: the service in services.py feeds them.
"""

from collections.abc import Iterable, Mapping

Quarter = tuple[int, int]  # (year, quarter 1–4)


class RoundState:
    """The bookkeeping of a rotation: who hosted in the current round, and when each city last hosted."""

    def __init__(self, willing: Iterable[str]):
        self.willing = frozenset(willing)
        self.hosted_in_round: set[str] = set()
        self.last_hosted: dict[str, int] = {}
        self.turn = 0

    def record(self, host: str) -> None:
        self.last_hosted[host] = self.turn
        self.turn += 1
        # A host outside the willing set (a city that has since withdrawn, or an override) does not count
        # towards the round; a willing host hosting again in a round (an override) leaves it unchanged.
        if host in self.willing:
            self.hosted_in_round.add(host)
            if self.willing <= self.hosted_in_round:
                self.hosted_in_round = set()

    def due(self) -> set[str]:
        """Willing cities that have not hosted in the current round."""
        return set(self.willing - self.hosted_in_round)

    def wait_key(self, code: str) -> tuple[int, str]:
        # Never hosted sorts first (-1), then the earliest last turn; the region code breaks ties.
        return (self.last_hosted.get(code, -1), code)


def replay(history: Iterable[str], willing: Iterable[str]) -> RoundState:
    state = RoundState(willing)
    for host in history:
        state.record(host)
    return state


def propose_hosts(
    history: list[str],
    willing: set[str],
    unavailable: Mapping[Quarter, set[str]],
    quarters: list[Quarter],
) -> list[str | None]:
    """Propose a host for each quarter, in order, continuing the rotation that `history` began.

    `history` is the hosts of held and planned conferences in date order; each proposal joins the history
    of the quarters after it.
    """
    state = replay(history, willing)
    proposals: list[str | None] = []
    for quarter in quarters:
        candidates = state.due() - set(unavailable.get(quarter, ()))
        if not candidates:
            proposals.append(None)
            continue
        host = min(candidates, key=state.wait_key)
        proposals.append(host)
        state.record(host)
    return proposals


def quarter_add(quarter: Quarter, n: int) -> Quarter:
    index = quarter[0] * 4 + (quarter[1] - 1) + n
    return (index // 4, index % 4 + 1)


def quarters_from(start: Quarter, count: int) -> list[Quarter]:
    return [quarter_add(start, i) for i in range(count)]
