"""What the cleaner leaves out, and why: which blocks are still read, and the reason each dropped one went.

Both the general rules (`clean`) and the copied-text search (`copied_text`) drop blocks through it,
so it stands apart from either.
"""

from __future__ import annotations

import re

from narrate.models import Block

# Named by both modules that drop appeals to the reader: the rules, and the search that leaves one outside the article.
CALL_TO_ACTION_REASON = "call to action (newsletter, donation, subscription, cookies)"


class Omissions:
    """The blocks still in play, and why each dropped one went."""

    def __init__(self, blocks: list[Block], keep: tuple[str, ...]):
        self.blocks = blocks
        self.alive = [True] * len(blocks)
        self.reasons: dict[int, str] = {}
        self.keep = [re.compile(p, re.IGNORECASE) for p in keep]

    def drop(self, index: int, reason: str) -> None:
        if self.alive[index] and not any(p.search(self.blocks[index].text) for p in self.keep):
            self.alive[index] = False
            self.reasons[index] = reason

    def restore(self, index: int) -> None:
        self.alive[index] = True
        self.reasons.pop(index, None)

    def live(self) -> list[int]:
        return [i for i, ok in enumerate(self.alive) if ok]
