from sqlalchemy import func, select

from marsad.core.application import Marsad
from marsad.core.models import Article


def test_seeds_are_processed(seeded_app: Marsad) -> None:
    with seeded_app.session_factory() as session:
        assert session.scalar(select(func.count(Article.id))) == 5
