from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, UTCDateTime


class ContentState(Base):
    """One row: a counter bumped by every transaction that changes public content.

    Together with the newest visible publication time it validates every public response,
    so a conditional GET costs one small query. The row may be missing (a fresh or emptied
    store); the bump is an upsert and a missing row reads as version 0.
    """

    __tablename__ = "content_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Random per bump: a version number can repeat (a restored backup, an emptied store),
    # and keys derived from the state (ETags, the response cache) must not.
    nonce: Mapped[str] = mapped_column(String(32))
